//! One cluster (集群 › 设置): basic info, compute nodes with the ports and commands to
//! connect, shards with their storage nodes; adding shards, compute nodes and storage
//! nodes; deleting the cluster, a shard, a compute node or a storage node after the
//! thing's name is typed back. Every change is a cluster_mgr job followed live.

use crate::api::cluster::{
    get_cluster, AddComps, AddNodes, AddShards, ClusterDetail, CompNodeDetail, DeleteCluster,
    DeleteComp, DeleteNode, DeleteShard, ShardDetail,
};
use crate::api::cluster_create::{offered_machines, OfferedMachine};
use crate::components::focus::focus_while_open;
use crate::components::job::JobBanner;
use crate::components::list::ErrorBox;
use crate::components::ports::MysqlPort;
use crate::components::topology::{Topology, TopologyView};
use crate::domain::cluster_view::ClusterChange;
use crate::error::AppError;
use crate::i18n::*;
use crate::lang::fill;
use crate::paths;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// What the panel under the header shows.
#[derive(Clone, PartialEq)]
enum Panel {
    None,
    AddComps,
    AddShards,
    AddNodes(i64),
    Delete(Doomed),
}

/// What is about to be deleted, and the word to type to confirm it.
#[derive(Clone, PartialEq)]
enum Doomed {
    Cluster,
    Shard { id: i64, name: String },
    Comp { id: i64, name: String },
    Node { shard_id: i64, host: String, port: u16 },
}

impl Doomed {
    fn change(&self) -> ClusterChange {
        match self {
            Doomed::Cluster => ClusterChange::DeleteCluster,
            Doomed::Shard { id, .. } => ClusterChange::DeleteShard { shard_id: *id },
            Doomed::Comp { id, .. } => ClusterChange::DeleteComp { comp_id: *id },
            Doomed::Node { shard_id, host, port } => {
                ClusterChange::DeleteNode { shard_id: *shard_id, host: host.clone(), port: *port }
            }
        }
    }
    fn word(&self, c: &ClusterDetail) -> String {
        c.confirm_word_for(&self.change())
    }
    fn what(&self, l: Locale) -> &'static str {
        match self {
            Doomed::Cluster => td_string!(l, cluster.the_cluster),
            Doomed::Shard { .. } => td_string!(l, cluster.shard),
            Doomed::Comp { .. } => td_string!(l, cluster.compute_node),
            Doomed::Node { .. } => td_string!(l, cluster.storage_node),
        }
    }
}

#[derive(Clone, Copy)]
struct Ctx {
    panel: RwSignal<Panel>,
    job: RwSignal<Option<i64>>,
}

#[component]
pub fn ClusterPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0);
    let reload = RwSignal::new(0u32);
    let cluster = Resource::new(move || (id(), reload.get()), |(id, _)| get_cluster(id));
    let ctx = Ctx { panel: RwSignal::new(Panel::None), job: RwSignal::new(None) };
    let on_end = Callback::new(move |_ok: bool| reload.update(|n| *n += 1));
    view! {
        <p class="text-sm"><a class="text-sky-700 underline" href=paths::CLUSTERS>{tu_string!(i18n, common.clusters)}</a></p>
        {move || ctx.job.get().map(|id| view! { <JobBanner id=id on_end=on_end/> })}
        <Transition fallback=move || view! { <p>{tu_string!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match cluster.await {
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    Ok(c) => view! { <ClusterView c=c ctx=ctx/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ClusterView(c: ClusterDetail, ctx: Ctx) -> impl IntoView {
    let i18n = use_i18n();
    let title = if c.nick_name.is_empty() { c.name.clone() } else { c.nick_name.clone() };
    let l = i18n.get_locale_untracked();
    // Each button asks the rule the server applies; a refusal disables it and says why.
    let why_not = |change: ClusterChange| c.check(&change).err().map(|r| r.message(l));
    let add_comps_refused = why_not(ClusterChange::AddComps);
    let add_shards_refused = why_not(ClusterChange::AddShards);
    let c_panel = c.clone();
    let c_rows = c.clone();
    view! {
        <div class="mt-2 flex flex-wrap items-center justify-between gap-3">
            <h1 class="text-xl font-semibold" data-test="cluster-title">{title}</h1>
            <div class="flex gap-2">
                <button type="button" class="rounded border px-3 py-1 disabled:text-slate-400" data-test="add-comps"
                    disabled=add_comps_refused.is_some() title=add_comps_refused.clone().unwrap_or_default()
                    on:click=move |_| ctx.panel.set(Panel::AddComps)>{tu_string!(i18n, cluster.add_compute_nodes)}</button>
                <button type="button" class="rounded border px-3 py-1 disabled:text-slate-400" data-test="add-shards"
                    disabled=add_shards_refused.is_some() title=add_shards_refused.clone().unwrap_or_default()
                    on:click=move |_| ctx.panel.set(Panel::AddShards)>{tu_string!(i18n, cluster.add_shards)}</button>
                <button type="button" class="rounded border border-red-400 px-3 py-1 text-red-800" data-test="delete-cluster"
                    on:click=move |_| ctx.panel.set(Panel::Delete(Doomed::Cluster))>{tu_string!(i18n, common.delete_cluster)}</button>
            </div>
        </div>
        <dl class="mt-2 grid max-w-2xl grid-cols-[auto_1fr] gap-x-4 text-sm">
            <dt class="text-slate-500">"ID"</dt><dd>{c.id}</dd>
            <dt class="text-slate-500">{tu_string!(i18n, cluster.name)}</dt><dd class="font-mono">{c.name.clone()}</dd>
            <dt class="text-slate-500">{tu_string!(i18n, common.ha_mode)}</dt><dd>{c.ha_mode.clone()}</dd>
            <dt class="text-slate-500">{tu_string!(i18n, common.status)}</dt><dd data-test="cluster-status">{c.status.clone()}</dd>
            <dt class="text-slate-500">{tu_string!(i18n, cluster.created)}</dt><dd>{c.created.clone()}</dd>
        </dl>
        {(!c.managed).then(|| view! {
            <p class="mt-2 max-w-3xl rounded border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900" data-test="not-managed">
                {crate::domain::cluster_view::Refusal::NotManaged.message(l)}
            </p>
        })}
        {move || match ctx.panel.get() {
            Panel::None => ().into_any(),
            Panel::AddComps => view! { <AddForm c=c_panel.clone() ctx=ctx kind=AddKind::Comps/> }.into_any(),
            Panel::AddShards => view! { <AddForm c=c_panel.clone() ctx=ctx kind=AddKind::Shards/> }.into_any(),
            Panel::AddNodes(shard) => view! { <AddForm c=c_panel.clone() ctx=ctx kind=AddKind::Nodes(shard)/> }.into_any(),
            Panel::Delete(d) => view! { <ConfirmDelete c=c_panel.clone() ctx=ctx doomed=d/> }.into_any(),
        }}
        <h2 class="mt-6 font-semibold">{fill!(tu_string!(i18n, cluster.compute_nodes_n), n = c.comps.len())}</h2>
        <table class="mt-1 w-full bg-white text-sm" data-test="comp-nodes">
            <thead>
                <tr class="text-left">
                    <th class="px-2 py-1">{tu_string!(i18n, common.host)}</th>
                    <th class="px-2">{tu_string!(i18n, common.postgresql_port)}</th>
                    <th class="px-2">{tu_string!(i18n, common.mysql_port)}</th>
                    <th class="px-2">{tu_string!(i18n, cluster.name_2)}</th>
                    <th class="px-2">{tu_string!(i18n, common.status)}</th>
                    <th class="px-2">"CPU"</th>
                    <th class="px-2">{tu_string!(i18n, cluster.max_memory_mb)}</th>
                    <th class="px-2">{tu_string!(i18n, cluster.max_connections)}</th>
                    <th class="px-2"></th>
                </tr>
            </thead>
            <tbody>
                {c.comps.iter().cloned().map(|n| view! { <CompRow n=n c=c_rows.clone() ctx=ctx/> }).collect_view()}
            </tbody>
        </table>
        <h2 class="mt-6 font-semibold">{fill!(tu_string!(i18n, cluster.shards_n), n = c.shards.len())}</h2>
        {c.shards.iter().cloned().map(|s| view! { <ShardCard s=s c=c.clone() ctx=ctx/> }).collect_view()}
        <h2 class="mt-6 font-semibold">{tu_string!(i18n, common.topology)}</h2>
        <TopologyView topology=Topology::from(&c)/>
    }
}

#[component]
fn CompRow(n: CompNodeDetail, c: ClusterDetail, ctx: Ctx) -> impl IntoView {
    let i18n = use_i18n();
    let (psql, mysql) = c.connect_commands(&n);
    let doomed = Doomed::Comp { id: n.id, name: n.name.clone() };
    let refused = c.check(&doomed.change()).err().map(|r| r.message(i18n.get_locale_untracked()));
    view! {
        <tr class="border-t border-slate-100 align-top" data-test="comp-row" data-comp-id=n.id>
            <td class="px-2 py-1 font-mono">{n.hostaddr.clone()}</td>
            <td class="px-2 font-mono" data-test="pg-port">{n.pg_port}</td>
            <td class="px-2 font-mono"><MysqlPort port=n.mysql_port derived=n.mysql_port_derived/></td>
            <td class="px-2">{n.name.clone()}</td>
            <td class="px-2">{n.status.clone()}</td>
            <td class="px-2">{n.cpu_cores}</td>
            <td class="px-2">{n.max_mem_mb}</td>
            <td class="px-2">{n.max_conns}</td>
            <td class="px-2">
                <button
                    type="button"
                    class="min-h-6 px-1 text-red-800 underline disabled:text-slate-400 disabled:no-underline"
                    data-test="delete-comp"
                    disabled=refused.is_some()
                    title=refused.clone().unwrap_or_default()
                    on:click=move |_| ctx.panel.set(Panel::Delete(doomed.clone()))
                >
                    {tu_string!(i18n, common.delete)}
                </button>
            </td>
        </tr>
        <tr data-test="connect">
            <td colspan="9" class="px-2 pb-2 font-mono text-xs text-slate-700">
                <CopyLine text=psql/>
                <CopyLine text=mysql/>
            </td>
        </tr>
    }
}

/// A command with a button that copies it.
#[component]
fn CopyLine(text: String) -> impl IntoView {
    let i18n = use_i18n();
    let copied = RwSignal::new(false);
    let t = text.clone();
    view! {
        <div class="flex items-center gap-2">
            <code class="select-all">{text}</code>
            <button
                type="button"
                class="min-h-6 min-w-6 rounded border px-2 text-xs"
                on:click=move |_| {
                    copy(&t);
                    copied.set(true);
                }
            >
                {move || if copied.get() { tu_string!(i18n, cluster.copied) } else { tu_string!(i18n, cluster.copy) }}
            </button>
        </div>
    }
}

fn copy(text: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = text;
}

#[component]
fn ShardCard(s: ShardDetail, c: ClusterDetail, ctx: Ctx) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let nodes = s.nodes.len();
    let doomed = Doomed::Shard { id: s.id, name: s.name.clone() };
    let shard_id = s.id;
    let why_not = |change: ClusterChange| c.check(&change).err().map(|r| r.message(l));
    let add_refused = why_not(ClusterChange::AddNodes { shard_id });
    let delete_refused = why_not(doomed.change());
    view! {
        <section class="mt-2 rounded border border-slate-200 bg-white p-3" data-test="shard" data-shard-id=s.id>
            <div class="flex flex-wrap items-center justify-between gap-2">
                <h3 class="font-medium">{fill!(tu_string!(i18n, cluster.shard_heading), name = s.name, nodes = nodes, sync = s.sync_num)}</h3>
                <div class="flex gap-2 text-sm">
                    <button type="button" class="underline disabled:text-slate-400" data-test="add-nodes"
                        disabled=add_refused.is_some() title=add_refused.clone().unwrap_or_default()
                        on:click=move |_| ctx.panel.set(Panel::AddNodes(shard_id))>{tu_string!(i18n, cluster.add_storage_nodes)}</button>
                    <button type="button" class="text-red-800 underline disabled:text-slate-400" data-test="delete-shard"
                        disabled=delete_refused.is_some() title=delete_refused.clone().unwrap_or_default()
                        on:click=move |_| ctx.panel.set(Panel::Delete(doomed.clone()))>{tu_string!(i18n, cluster.delete_shard)}</button>
                </div>
            </div>
            <table class="mt-1 w-full text-sm">
                <thead>
                    <tr class="text-left">
                        <th class="px-2">{tu_string!(i18n, common.host)}</th>
                        <th class="px-2">{tu_string!(i18n, common.port)}</th>
                        <th class="px-2">{tu_string!(i18n, cluster.role)}</th>
                        <th class="px-2">{tu_string!(i18n, cluster.lag_s)}</th>
                        <th class="px-2">{tu_string!(i18n, common.status)}</th>
                        <th class="px-2"></th>
                    </tr>
                </thead>
                <tbody>
                    {s.nodes.into_iter().map(|n| {
                        let doomed = Doomed::Node { shard_id, host: n.hostaddr.clone(), port: n.port };
                        let refused = why_not(doomed.change());
                        view! {
                            <tr class="border-t border-slate-100" data-test="storage-node">
                                <td class="px-2 font-mono">{n.hostaddr.clone()}</td>
                                <td class="px-2 font-mono">{n.port}</td>
                                <td class="px-2">{if n.primary { tu_string!(i18n, common.primary) } else { tu_string!(i18n, common.replica) }}</td>
                                <td class="px-2">{n.lag_secs}</td>
                                <td class="px-2">{n.status.clone()}</td>
                                <td class="px-2">
                                    <button type="button" class="min-h-6 px-1 text-red-800 underline disabled:text-slate-400 disabled:no-underline"
                                        disabled=refused.is_some()
                                        title=refused.clone().unwrap_or_default()
                                        on:click=move |_| ctx.panel.set(Panel::Delete(doomed.clone()))>{tu_string!(i18n, common.delete)}</button>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[derive(Clone, Copy, PartialEq)]
enum AddKind {
    Comps,
    Shards,
    Nodes(i64),
}

/// Adds compute nodes, shards or storage nodes: how many, and optionally on which
/// running machines.
#[component]
fn AddForm(c: ClusterDetail, ctx: Ctx, kind: AddKind) -> impl IntoView {
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
    Effect::new(move |_| match result.get() {
        Some(Ok(id)) => {
            ctx.job.set(Some(id));
            ctx.panel.set(Panel::None);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
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

/// Typed confirmation: the button stays disabled until the name is typed exactly (the
/// server checks it again).
#[component]
fn ConfirmDelete(c: ClusterDetail, ctx: Ctx, doomed: Doomed) -> impl IntoView {
    let i18n = use_i18n();
    let word = doomed.word(&c);
    let typed = RwSignal::new(String::new());
    let field = NodeRef::new();
    focus_while_open(field);
    let del_cluster = ServerAction::<DeleteCluster>::new();
    let del_shard = ServerAction::<DeleteShard>::new();
    let del_comp = ServerAction::<DeleteComp>::new();
    let del_node = ServerAction::<DeleteNode>::new();
    let error = RwSignal::new(None::<AppError>);
    let result = Signal::derive(move || {
        del_cluster
            .value()
            .get()
            .or_else(|| del_shard.value().get())
            .or_else(|| del_comp.value().get())
            .or_else(|| del_node.value().get())
    });
    Effect::new(move |_| match result.get() {
        Some(Ok(id)) => {
            ctx.job.set(Some(id));
            ctx.panel.set(Panel::None);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let cluster_id = c.id;
    let d = doomed.clone();
    let submit = move |_| {
        let confirm = typed.get_untracked();
        match d.clone() {
            Doomed::Cluster => {
                del_cluster.dispatch(DeleteCluster { cluster_id, confirm });
            }
            Doomed::Shard { id, .. } => {
                del_shard.dispatch(DeleteShard { cluster_id, shard_id: id, confirm });
            }
            Doomed::Comp { id, .. } => {
                del_comp.dispatch(DeleteComp { cluster_id, comp_id: id, confirm });
            }
            Doomed::Node { shard_id, host, port } => {
                del_node.dispatch(DeleteNode {
                    cluster_id,
                    shard_id,
                    hostaddr: host,
                    port,
                    confirm,
                });
            }
        }
    };
    let w = word.clone();
    let matches = move || typed.get().trim() == w;
    view! {
        <form class="mt-3 max-w-xl rounded border border-red-300 bg-red-50 p-3" role="alertdialog"
            aria-labelledby="confirm-title" data-test="confirm-delete" on:submit=|ev| ev.prevent_default()
            on:keydown=move |ev| if ev.key() == "Escape" { ctx.panel.set(Panel::None) }>
            <h2 id="confirm-title" class="font-semibold text-red-900">{fill!(tu_string!(i18n, cluster.delete_what), what = doomed.what(i18n.get_locale_untracked()))}</h2>
            <p class="text-sm">{tu_string!(i18n, cluster.cannot_undo_type)} " " <code class="font-bold">{word.clone()}</code> " " {tu_string!(i18n, cluster.to_confirm)}</p>
            <input class="mt-2 w-full rounded border px-2 py-1" data-test="confirm-input" autocomplete="off" node_ref=field
                aria-label=tu_string!(i18n, cluster.confirmation)
                prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev))/>
            <p class="min-h-5 text-sm text-red-700" role="alert" data-test="confirm-error">{move || error.get().map(|e| e.message(i18n.get_locale_untracked()))}</p>
            <div class="flex gap-2">
                <button type="submit" class="rounded bg-red-700 px-3 py-1 text-white disabled:opacity-40" data-test="confirm-submit"
                    disabled=move || !matches() on:click=submit>{tu_string!(i18n, common.delete)}</button>
                <button type="button" class="rounded border px-3 py-1" on:click=move |_| ctx.panel.set(Panel::None)>{tu_string!(i18n, cluster.cancel)}</button>
            </div>
        </form>
    }
}
