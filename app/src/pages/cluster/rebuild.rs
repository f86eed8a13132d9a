//! Rebuilding a shard's replicas (shard › rebuild replicas): which replicas, where
//! cluster_mgr will copy from (shown as the choices change, with the refusal it would
//! answer), an optional backup of the old data, the speed limit, then the shard's name
//! typed back. The job page follows each replica through node_mgr's steps.

use super::*;
use crate::api::rebuild::{backup_targets, RebuildAsk, RebuildReplicas};
use crate::domain::rebuild::{likely_source, Source, DEFAULT_PV_LIMIT_MB, DEFAULT_SOURCE_LAG_SECS};

#[component]
pub(super) fn RebuildButton(s: ShardDetail, ctx: Ctx) -> impl IntoView {
    let i18n = use_i18n();
    let shard_id = s.id;
    let refused = (!s.nodes.iter().any(|n| !n.primary))
        .then(|| td_string!(i18n.get_locale_untracked(), rebuild.no_replicas));
    view! {
        <button type="button" class="underline disabled:text-slate-400" data-test="rebuild-open"
            disabled=refused.is_some() title=refused.unwrap_or_default()
            on:click=move |_| ctx.panel.set(Panel::Rebuild(shard_id))>{tu_string!(i18n, rebuild.button)}</button>
    }
}

#[component]
pub(super) fn RebuildDialog(c: ClusterDetail, ctx: Ctx, shard_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let Some(shard) = c.shard(shard_id).cloned() else {
        return ().into_any();
    };
    let chosen = RwSignal::new(Vec::<String>::new());
    let from_primary = RwSignal::new(false);
    let max_lag = RwSignal::new(DEFAULT_SOURCE_LAG_SECS.to_string());
    let backup_to = RwSignal::new(String::new());
    let pv_limit = RwSignal::new(DEFAULT_PV_LIMIT_MB.to_string());
    let typed = RwSignal::new(String::new());
    // Fetched when the dialog opens, in the browser only.
    let targets = LocalResource::new(backup_targets);
    let action = ServerAction::<RebuildReplicas>::new();
    let error = RwSignal::new(None::<AppError>);
    follow_submission(ctx, Signal::derive(move || action.value().get()), error);
    let field = NodeRef::new();
    focus_while_open(field);
    let cluster_id = c.id;
    let word = shard.name.clone();
    let w = word.clone();
    let s = shard.clone();
    // The rule the server applies, as the choices change.
    let source = move || {
        let lag = max_lag.get().trim().parse::<u32>().ok()?;
        let picked = chosen.get();
        if picked.is_empty() {
            return None;
        }
        Some(likely_source(&s, &picked, from_primary.get(), lag))
    };
    let submit = move |_| {
        action.dispatch(RebuildReplicas {
            cluster_id,
            ask: RebuildAsk {
                shard_id,
                nodes: chosen.get_untracked(),
                from_primary: from_primary.get_untracked(),
                max_source_lag: max_lag.get_untracked(),
                backup_to: backup_to.get_untracked(),
                pv_limit: pv_limit.get_untracked(),
            },
            confirm: typed.get_untracked(),
        });
    };
    let replicas = shard.nodes.iter().filter(|n| !n.primary).cloned().collect::<Vec<_>>();
    view! {
        <form class="mt-3 max-w-2xl rounded border border-amber-400 bg-amber-50 p-3" role="alertdialog"
            aria-labelledby="rebuild-title" data-test="rebuild-dialog" on:submit=|ev| ev.prevent_default()
            on:keydown=move |ev| if ev.key() == "Escape" { ctx.panel.set(Panel::None) }>
            <h2 id="rebuild-title" class="font-semibold">{fill!(td_string!(l, rebuild.title), shard = shard.name.clone())}</h2>
            <p class="text-sm">{td_string!(l, rebuild.explain)}</p>
            <fieldset class="mt-2 space-y-1 text-sm">
                <legend class="font-medium">{td_string!(l, rebuild.nodes)}</legend>
                {replicas.into_iter().enumerate().map(|(i, n)| {
                    let address = format!("{}:{}", n.hostaddr, n.port);
                    let (a, data) = (address.clone(), address.clone());
                    let node_ref = if i == 0 { Some(field) } else { None };
                    view! {
                        <label class="flex flex-wrap items-center gap-2" data-test="rebuild-node" data-address=data>
                            <input type="checkbox" node_ref=node_ref.unwrap_or_default()
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    chosen.update(|v| {
                                        v.retain(|x| *x != a);
                                        if on { v.push(a.clone()); }
                                    });
                                }/>
                            <span class="font-mono">{address}</span>
                            <span>{fill!(td_string!(l, rebuild.lag), lag = n.lag_secs)}</span>
                            <span>{n.status.clone()}</span>
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <div class="mt-2 flex flex-wrap items-end gap-3 text-sm">
                <label class="flex items-center gap-2">
                    <input type="checkbox" data-test="rebuild-from-primary" prop:checked=move || from_primary.get()
                        on:change=move |ev| from_primary.set(event_target_checked(&ev))/>
                    {td_string!(l, rebuild.from_primary)}
                </label>
                <label class="flex flex-col">{td_string!(l, rebuild.max_source_lag)}
                    <input class="w-24 rounded border px-2 py-1" data-test="rebuild-max-lag" inputmode="numeric"
                        prop:value=move || max_lag.get() on:input=move |ev| max_lag.set(event_target_value(&ev))/>
                </label>
                <label class="flex flex-col">{td_string!(l, rebuild.pv_limit)}
                    <input class="w-24 rounded border px-2 py-1" data-test="rebuild-pv-limit" inputmode="numeric"
                        prop:value=move || pv_limit.get() on:input=move |ev| pv_limit.set(event_target_value(&ev))/>
                </label>
                <label class="flex flex-col">{td_string!(l, rebuild.backup_to)}
                    <select class="rounded border px-2 py-1" data-test="rebuild-backup-to"
                        on:change=move |ev| backup_to.set(event_target_value(&ev))>
                        <option value="">{td_string!(l, rebuild.no_backup)}</option>
                        {move || targets.get().and_then(Result::ok).unwrap_or_default().into_iter()
                            .map(|t| view! { <option value=t.clone()>{t.clone()}</option> }).collect_view()}
                    </select>
                </label>
            </div>
            <p class="mt-2 min-h-5 text-sm" data-test="rebuild-source">
                {move || match source() {
                    None => String::new(),
                    Some(Some(Source::Replica(n))) => fill!(td_string!(l, rebuild.source_replica), node = n),
                    Some(Some(Source::Primary(n))) => fill!(td_string!(l, rebuild.source_primary), node = n),
                    Some(None) => fill!(td_string!(l, rebuild.no_source), lag = max_lag.get()),
                }}
            </p>
            <TypeToConfirm prompt=td_string!(l, rebuild.type_shard) word=word.clone() typed=typed/>
            <p class="min-h-5 text-sm text-red-700" role="alert" data-test="rebuild-error">{move || error.get().map(|e| e.message(l))}</p>
            <div class="flex gap-2">
                <button type="submit" class="rounded bg-sky-800 px-3 py-1 text-white disabled:opacity-40" data-test="rebuild-submit"
                    disabled=move || !confirmed(&w, &typed.get()) || action.pending().get() on:click=submit>{td_string!(l, rebuild.button)}</button>
                <button type="button" class="rounded border px-3 py-1" on:click=move |_| ctx.panel.set(Panel::None)>{tu_string!(i18n, cluster.cancel)}</button>
            </div>
        </form>
    }
    .into_any()
}
