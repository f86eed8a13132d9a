//! The cluster's no-switch windows: the ones covering it (its own and those on every
//! cluster), whether each is in force, adding one for the cluster or a shard, deleting
//! one. Shards covered by a window say so on their card and in the switchover dialog.

use super::*;
use crate::api::noswitch::{NoSwitchWindow, NoswitchDelete, NoswitchSet};
use crate::components::local_time::LocalTime;

/// The window in force covering shard `shard_id`, if any.
pub(super) fn covering(ctx: Ctx, cluster_id: i64, shard_id: i64) -> Option<NoSwitchWindow> {
    let now = ctx.now.get();
    ctx.windows.get().into_iter().find(|w| w.covers(cluster_id, shard_id, now))
}

/// "no-switch until …" on a shard's card.
#[component]
pub(super) fn NoSwitchBadge(cluster_id: i64, shard_id: i64, ctx: Ctx) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        covering(ctx, cluster_id, shard_id).map(|w| {
            let (before, after) = split(td_string!(i18n.get_locale_untracked(), noswitch.badge));
            view! {
                <span class="rounded bg-amber-100 px-2 text-sm text-amber-900" data-test="noswitch-badge">
                    {before}<LocalTime unix_secs=w.expires_at/>{after}
                </span>
            }
        })
    }
}

/// A text around its `{time}` placeholder.
pub(super) fn split(text: &str) -> (String, String) {
    match text.split_once("{time}") {
        Some((a, b)) => (a.to_owned(), b.to_owned()),
        None => (text.to_owned(), String::new()),
    }
}

#[component]
pub(super) fn NoSwitchSection(c: ClusterDetail, ctx: Ctx) -> impl IntoView {
    let (view_of, reload) = (ctx.noswitch, ctx.reload);
    let i18n = use_i18n();
    let set = ServerAction::<NoswitchSet>::new();
    let delete = ServerAction::<NoswitchDelete>::new();
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| {
        for r in [set.value().get(), delete.value().get()].into_iter().flatten() {
            match r {
                Ok(()) => {
                    error.set(None);
                    reload.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let cluster_id = c.id;
    let shard = RwSignal::new(0i64);
    let secs = RwSignal::new("3600".to_owned());
    let shards = c.shards.iter().map(|s| (s.id, s.name.clone())).collect::<Vec<_>>();
    let names = shards.clone();
    view! {
        <h2 class="mt-6 font-semibold">{tu_string!(i18n, noswitch.heading)}</h2>
        <Transition fallback=move || view! { <p>{tu_string!(i18n, common.loading)}</p> }>
            {move || {
                let names = names.clone();
                Suspend::new(async move {
                    let l = i18n.get_locale_untracked();
                    match view_of.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(v) if !v.supported => view! { <p class="text-sm text-slate-600" data-test="noswitch-unsupported">{td_string!(l, noswitch.unsupported)}</p> }.into_any(),
                        Ok(v) if v.windows.is_empty() => view! { <p class="text-sm text-slate-600" data-test="noswitch-none">{td_string!(l, noswitch.none)}</p> }.into_any(),
                        Ok(v) => {
                            let now = v.now;
                            view! {
                                <table class="mt-1 bg-white text-sm" data-test="noswitch-windows">
                                    <thead>
                                        <tr class="text-left">
                                            <th class="px-2 py-1">{td_string!(l, noswitch.clusters)}</th>
                                            <th class="px-2">{td_string!(l, noswitch.shard)}</th>
                                            <th class="px-2">{td_string!(l, noswitch.state)}</th>
                                            <th class="px-2"></th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {v.windows.into_iter().map(|w| {
                                            let shard_name = w.shard_id.map(|s| names.iter().find(|(id, _)| *id == s).map(|(_, n)| n.clone()).unwrap_or_else(|| s.to_string()));
                                            let (before, after) = split(td_string!(l, noswitch.until));
                                            let all = w.cluster_id.is_none();
                                            let shard_id = w.shard_id.unwrap_or(0);
                                            view! {
                                                <tr class="border-t border-slate-100" data-test="noswitch-row">
                                                    <td class="px-2 py-1">{if all { td_string!(l, noswitch.every_cluster) } else { td_string!(l, noswitch.this_cluster) }}</td>
                                                    <td class="px-2">{shard_name.unwrap_or_else(|| td_string!(l, noswitch.every_shard).to_owned())}</td>
                                                    <td class="px-2">
                                                        {if w.expires_at > now { td_string!(l, noswitch.in_force) } else { td_string!(l, noswitch.expired) }}
                                                        " " {before}<LocalTime unix_secs=w.expires_at/>{after}
                                                    </td>
                                                    <td class="px-2">
                                                        <button type="button" class="min-h-6 px-1 text-red-800 underline" data-test="noswitch-delete"
                                                            on:click=move |_| { delete.dispatch(NoswitchDelete { cluster_id, shard_id, all }); }>
                                                            {td_string!(l, noswitch.delete)}
                                                        </button>
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any()
                        }
                    }
                })
            }}
        </Transition>
        <form class="mt-2 flex flex-wrap items-end gap-2 text-sm" data-test="noswitch-form" on:submit=|ev| ev.prevent_default()>
            <label class="flex flex-col">{tu_string!(i18n, noswitch.shard)}
                <select class="rounded border px-2 py-1" data-test="noswitch-shard"
                    on:change=move |ev| shard.set(event_target_value(&ev).parse().unwrap_or(0))>
                    <option value="0">{tu_string!(i18n, noswitch.every_shard)}</option>
                    {shards.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                </select>
            </label>
            <label class="flex flex-col">{tu_string!(i18n, noswitch.secs_label)}
                <input class="w-28 rounded border px-2 py-1" data-test="noswitch-secs" inputmode="numeric"
                    prop:value=move || secs.get() on:input=move |ev| secs.set(event_target_value(&ev))/>
            </label>
            <button type="submit" class="rounded border px-3 py-1 disabled:opacity-40" data-test="noswitch-add"
                disabled=move || set.pending().get()
                on:click=move |_| { set.dispatch(NoswitchSet { cluster_id, shard_id: shard.get_untracked(), secs: secs.get_untracked() }); }>
                {tu_string!(i18n, noswitch.add)}
            </button>
            <p class="basis-full min-h-5 text-red-700" role="alert" data-test="noswitch-error">{move || error.get().map(|e| e.message(i18n.get_locale_untracked()))}</p>
        </form>
    }
}
