//! Switching a shard's primary over: the dialog lists the shard's replicas with their lag,
//! sync state and status, says which one cluster_mgr would pick if none is chosen, and
//! asks for the shard's name typed back; the cluster's switchover history below the page.

use super::*;
use crate::api::switchover::{SwitchOver, SwitchoverPage};
use crate::components::list::Pager;
use crate::components::local_time::LocalTime;
use crate::domain::switchover::{can_take_over, likely_pick};

/// The shard's "switch over" button, disabled with cluster_mgr's reason when no replica
/// could take over.
#[component]
pub(super) fn SwitchButton(c: ClusterDetail, shard_id: i64, ctx: Ctx) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let refused = c.check_switch(shard_id, None).err().map(|r| r.message(l));
    // cluster_mgr 1.0 has no manual_switch: said before it would answer 70001.
    let why_not = move || {
        refused.clone().or_else(|| {
            (!ctx.supported.get()).then(|| td_string!(l, shard_settings.needs_1_1).to_owned())
        })
    };
    let why = why_not.clone();
    view! {
        <button type="button" class="underline disabled:text-slate-400" data-test="switch-over"
            disabled=move || why_not().is_some() title=move || why().unwrap_or_default()
            on:click=move |_| ctx.panel.set(Panel::Switch(shard_id))>{tu_string!(i18n, switchover.button)}</button>
    }
}

#[component]
pub(super) fn SwitchDialog(c: ClusterDetail, ctx: Ctx, shard_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let Some(shard) = c.shard(shard_id).cloned() else {
        return ().into_any();
    };
    let primary =
        shard.nodes.iter().find(|n| n.primary).map(|n| format!("{}:{}", n.hostaddr, n.port));
    let pick =
        likely_pick(&shard).map(|n| format!("{}:{}", n.hostaddr, n.port)).unwrap_or_default();
    let target = RwSignal::new(String::new());
    let typed = RwSignal::new(String::new());
    let field = NodeRef::new();
    focus_while_open(field);
    let action = ServerAction::<SwitchOver>::new();
    let error = RwSignal::new(None::<AppError>);
    follow_submission(ctx, Signal::derive(move || action.value().get()), error);
    let cluster_id = c.id;
    let word = shard.name.clone();
    let w = word.clone();
    let shown = primary.clone().unwrap_or_default();
    let submit = move |_| {
        action.dispatch(SwitchOver {
            cluster_id,
            shard_id,
            target: target.get_untracked(),
            confirm: typed.get_untracked(),
            primary: shown.clone(),
        });
    };
    let replicas = shard.nodes.iter().filter(|n| !n.primary).cloned().collect::<Vec<_>>();
    view! {
        <form class="mt-3 max-w-2xl rounded border border-amber-400 bg-amber-50 p-3" role="alertdialog"
            aria-labelledby="switch-title" data-test="switch-dialog" on:submit=|ev| ev.prevent_default()
            on:keydown=move |ev| if ev.key() == "Escape" { ctx.panel.set(Panel::None) }>
            <h2 id="switch-title" class="font-semibold">{fill!(td_string!(l, switchover.title), shard = shard.name)}</h2>
            <p class="text-sm">{fill!(td_string!(l, switchover.current), node = primary.unwrap_or_default())}</p>
            {move || super::noswitch::covering(ctx, cluster_id, shard_id).map(|w| {
                let (before, after) = super::noswitch::split(td_string!(l, noswitch.covers_shard));
                view! {
                    <p class="mt-1 text-sm font-medium text-amber-900" data-test="switch-noswitch">
                        {before}<LocalTime unix_secs=w.expires_at/>{after}
                    </p>
                }
            })}
            <fieldset class="mt-2 space-y-1 text-sm">
                <label class="flex items-center gap-2">
                    <input type="radio" name="target" value="" checked=true data-test="target-auto"
                        on:change=move |_| target.set(String::new())/>
                    {fill!(td_string!(l, switchover.let_choose), node = pick)}
                </label>
                {replicas.into_iter().map(|n| {
                    let address = format!("{}:{}", n.hostaddr, n.port);
                    let why_not = can_take_over(&n).err().map(|r| r.message(l));
                    let (a, shown, value) = (address.clone(), address.clone(), address.clone());
                    let sync = if n.fullsync { td_string!(l, switchover.fullsync) } else { td_string!(l, switchover.asynchronous) };
                    view! {
                        <label class="flex flex-wrap items-center gap-2" data-test="target-option" data-address=address.clone()>
                            <input type="radio" name="target" value=value disabled=why_not.is_some()
                                on:change=move |_| target.set(a.clone())/>
                            <span class="font-mono">{shown}</span>
                            <span>{fill!(td_string!(l, switchover.lag), lag = n.lag_secs)}</span>
                            <span>{sync}</span>
                            <span>{n.status.clone()}</span>
                            {why_not.map(|w| view! { <span class="text-amber-900">{w}</span> })}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <TypeToConfirm prompt=tu_string!(i18n, switchover.interrupts) word=word.clone() typed=typed field=field/>
            <p class="min-h-5 text-sm text-red-700" role="alert" data-test="switch-error">{move || error.get().map(|e| e.message(i18n.get_locale_untracked()))}</p>
            <div class="flex gap-2">
                <button type="submit" class="rounded bg-sky-800 px-3 py-1 text-white disabled:opacity-40" data-test="switch-submit"
                    disabled=move || !confirmed(&w, &typed.get()) || action.pending().get() on:click=submit>{tu_string!(i18n, switchover.button)}</button>
                <button type="button" class="rounded border px-3 py-1" on:click=move |_| ctx.panel.set(Panel::None)>{tu_string!(i18n, cluster.cancel)}</button>
            </div>
        </form>
    }
    .into_any()
}

/// The cluster's switchovers, newest first, page `page` of them (the page reloads
/// `history` when one of its jobs ends).
#[component]
pub(super) fn SwitchoverHistory(
    history: Resource<Result<SwitchoverPage, AppError>>,
    page: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h2 class="mt-6 font-semibold">{tu_string!(i18n, switchover.history)}</h2>
        <Transition fallback=move || view! { <p>{tu_string!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                let l = i18n.get_locale_untracked();
                match history.await {
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    Ok(h) if h.entries.is_empty() => view! { <p class="text-sm text-slate-600" data-test="switchover-none">{td_string!(l, switchover.none)}</p> }.into_any(),
                    Ok(h) => view! {
                        <table class="mt-1 w-full bg-white text-sm" data-test="switchovers">
                            <thead>
                                <tr class="text-left">
                                    <th class="px-2 py-1">{td_string!(l, switchover.task)}</th>
                                    <th class="px-2">{td_string!(l, cluster.shard)}</th>
                                    <th class="px-2">{td_string!(l, switchover.kind)}</th>
                                    <th class="px-2">{td_string!(l, switchover.old_primary)}</th>
                                    <th class="px-2">{td_string!(l, switchover.new_primary)}</th>
                                    <th class="px-2">{td_string!(l, switchover.started)}</th>
                                    <th class="px-2">{td_string!(l, switchover.result)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {h.entries.into_iter().map(|e| view! {
                                    <tr class="border-t border-slate-100 align-top" data-test="switchover-row" data-ok=e.ok.to_string()>
                                        <td class="px-2 py-1 font-mono">{e.taskid}</td>
                                        <td class="px-2">{e.shard_name}</td>
                                        <td class="px-2">{if e.manual { td_string!(l, switchover.manual) } else { td_string!(l, switchover.automatic) }}</td>
                                        <td class="px-2 font-mono" data-test="old-primary">{e.old_primary}</td>
                                        <td class="px-2 font-mono" data-test="new-primary">{e.new_primary}</td>
                                        <td class="px-2">{e.started}</td>
                                        <td class="px-2">
                                            <span class=if e.ok { "text-green-800" } else { "text-red-800" }>{if e.ok { td_string!(l, switchover.succeeded) } else { td_string!(l, switchover.failed) }}</span>
                                            " " {e.message}
                                            <details class="text-xs text-slate-600" data-test="switchover-steps">
                                                <summary class="cursor-pointer">
                                                    {fill!(td_string!(l, switchover.steps), n = e.steps.len())}
                                                    {e.duration_secs.map(|d| fill!(td_string!(l, switchover.took), secs = d))}
                                                </summary>
                                                <ol class="mt-1 space-y-0.5">
                                                    {e.steps.into_iter().map(|st| view! {
                                                        <li data-test="switchover-step">
                                                            <span class="font-mono">{st.at}</span> " " <span class="font-medium">{st.step}</span>
                                                            {st.code.map(|c| format!(" ({c})"))}
                                                            {(!st.words.is_empty()).then(|| format!(": {}", st.words))}
                                                        </li>
                                                    }).collect_view()}
                                                </ol>
                                            </details>
                                        </td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        <Pager page=page pages=h.pages total=h.total test_id="switchover-pages"/>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
