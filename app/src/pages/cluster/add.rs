//! Adding compute nodes, shards or storage nodes to a cluster.

use super::*;

#[derive(Clone, Copy, PartialEq)]
pub(super) enum AddKind {
    Comps,
    Shards,
    Nodes(i64),
}

/// Adds compute nodes, shards or storage nodes: how many, and optionally on which
/// running machines.
#[component]
pub(super) fn AddForm(c: ClusterDetail, ctx: Ctx, kind: AddKind) -> impl IntoView {
    let i18n = use_i18n();
    let count = RwSignal::new(String::from("1"));
    let replicas = RwSignal::new(String::from("3"));
    let hosts = RwSignal::new(Vec::<String>::new());
    let add_comps = ServerAction::<AddComps>::new();
    let add_shards = ServerAction::<AddShards>::new();
    let add_nodes = ServerAction::<AddNodes>::new();
    let machines = Resource::new(|| (), |_| offered_machines());
    let first_field = NodeRef::new();
    focus_while_open(first_field);
    let want = if kind == AddKind::Comps { "computer" } else { "storage" };
    let cluster_id = c.id;
    let result = Signal::derive(move || match kind {
        AddKind::Comps => add_comps.value().get(),
        AddKind::Shards => add_shards.value().get(),
        AddKind::Nodes(_) => add_nodes.value().get(),
    });
    let error = RwSignal::new(None::<AppError>);
    follow_submission(ctx, result, error);
    let submit = move |_| {
        let (n, h) = (count.get_untracked(), hosts.get_untracked());
        match kind {
            AddKind::Comps => {
                add_comps.dispatch(AddComps { cluster_id, comps: n, hosts: h });
            }
            AddKind::Shards => {
                add_shards.dispatch(AddShards {
                    cluster_id,
                    shards: n,
                    replicas: replicas.get_untracked(),
                    hosts: h,
                });
            }
            AddKind::Nodes(shard_id) => {
                add_nodes.dispatch(AddNodes { cluster_id, shard_id, nodes: n, hosts: h });
            }
        }
    };
    let title = match kind {
        AddKind::Comps => tu_string!(i18n, cluster.add_compute_nodes),
        AddKind::Shards => tu_string!(i18n, cluster.add_shards),
        AddKind::Nodes(_) => tu_string!(i18n, cluster.add_storage_nodes_to_the_shard),
    };
    view! {
        <form class="mt-3 max-w-xl rounded border border-sky-200 bg-white p-3" data-test="add-form" on:submit=|ev| ev.prevent_default()
            on:keydown=move |ev| if ev.key() == "Escape" { ctx.panel.set(Panel::None) }>
            <h2 class="font-semibold">{title}</h2>
            <label class="mt-2 flex flex-col text-sm">
                {tu_string!(i18n, cluster.how_many)}
                <input class="rounded border px-2 py-1" inputmode="numeric" data-test="add-count" node_ref=first_field
                    prop:value=move || count.get() on:input=move |ev| count.set(event_target_value(&ev))/>
            </label>
            {(kind == AddKind::Shards).then(|| view! {
                <label class="mt-2 flex flex-col text-sm">
                    {tu_string!(i18n, cluster.replicas_per_shard)}
                    <input class="rounded border px-2 py-1" inputmode="numeric"
                        prop:value=move || replicas.get() on:input=move |ev| replicas.set(event_target_value(&ev))/>
                </label>
            })}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    machines.await.map(|list: Vec<OfferedMachine>| {
                        view! {
                            <fieldset class="mt-2 text-sm">
                                <legend>{tu_string!(i18n, cluster.machines_none_cluster_mgr_chooses)}</legend>
                                {list.into_iter().filter(|m| m.machine_type == want).map(|m| {
                                    let h = m.hostaddr.clone();
                                    view! {
                                        <label class="mr-3 inline-flex items-center gap-1">
                                            <input type="checkbox" on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                let h = h.clone();
                                                hosts.update(|v| { v.retain(|x| *x != h); if on { v.push(h); } });
                                            }/>
                                            <span class="font-mono">{m.hostaddr.clone()}</span>
                                        </label>
                                    }
                                }).collect_view()}
                            </fieldset>
                        }
                    })
                })}
            </Suspense>
            <p class="min-h-5 text-sm text-red-700" role="alert" data-test="add-error">{move || error.get().map(|e| e.message(i18n.get_locale_untracked()))}</p>
            <div class="flex gap-2">
                <button type="submit" class="rounded bg-sky-700 px-3 py-1 text-white" data-test="add-submit" on:click=submit>{tu_string!(i18n, cluster.submit)}</button>
                <button type="button" class="rounded border px-3 py-1" on:click=move |_| ctx.panel.set(Panel::None)>{tu_string!(i18n, cluster.cancel)}</button>
            </div>
        </form>
    }
}
