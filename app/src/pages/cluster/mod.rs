//! One cluster (集群 › 设置): basic info, compute nodes with the ports and commands to
//! connect, shards with their storage nodes; adding shards, compute nodes and storage
//! nodes; deleting the cluster, a shard, a compute node or a storage node after the
//! thing's name is typed back; starting, stopping and restarting an instance; switching
//! a shard's primary over, and the switchover history; a shard's degrade setting and lag
//! threshold; rebuilding replicas; reading and setting an instance's variables and its CPU limit. Every change is a cluster_mgr job followed live, or answered at once.

use crate::api::cluster::{
    get_cluster, AddComps, AddNodes, AddShards, ClusterDetail, CompNodeDetail, DeleteCluster,
    DeleteComp, DeleteNode, DeleteShard, ShardDetail,
};
use crate::api::cluster_create::{offered_machines, OfferedMachine};
use crate::api::instances::{ControlCompNode, ControlStorageNode};
use crate::api::noswitch::{noswitch_list, NoSwitchView, NoSwitchWindow};
use crate::api::switchover::switchovers;
use crate::components::focus::focus_while_open;
use crate::components::job::JobBanner;
use crate::components::list::ErrorBox;
use crate::components::ports::MysqlPort;
use crate::components::topology::{Topology, TopologyView};
use crate::domain::cluster_view::{confirmed, ClusterChange};
use crate::domain::node_control::{Instance, InstanceControl, MachineType};
use crate::error::AppError;
use crate::i18n::*;
use crate::lang::fill;
use crate::paths;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

mod add;
mod control;
mod cpu;
mod delete;
mod node_actions;
mod nodes;
mod noswitch;
mod rebuild;
mod shard_settings;
mod switchover;
mod variables;

use add::{AddForm, AddKind};
use control::{ControlButtons, ControlDialog};
use cpu::{CpuButton, CpuDialog};
use delete::ConfirmDelete;
use node_actions::NodeActions;
use nodes::{CompRow, ShardCard};
use noswitch::{NoSwitchBadge, NoSwitchSection};
use rebuild::{RebuildButton, RebuildDialog};
use shard_settings::{ShardSettingsDialog, ShardSettingsLine};
use switchover::{SwitchButton, SwitchDialog, SwitchoverHistory};
use variables::{VariablesButton, VariablesDialog};

/// What the panel under the header shows.
#[derive(Clone, PartialEq)]
enum Panel {
    None,
    AddComps,
    AddShards,
    AddNodes(i64),
    Delete(Doomed),
    /// Start, stop or restart one instance.
    Control(Instance, InstanceControl),
    /// Switch a shard's primary over.
    Switch(i64),
    /// A shard's settings.
    Settings(i64),
    /// Rebuild replicas of a shard.
    Rebuild(i64),
    /// Read and set an instance's variables.
    Variables(Instance),
    /// An instance's CPU limit.
    Cpu(Instance),
    /// The actions on an instance picked in the topology picture (`host:port`).
    Node(String),
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
    /// Bumped when a job of this page ends or a setting changes: the page reloads.
    reload: RwSignal<u32>,
    /// The no-switch windows covering the cluster, as cluster_mgr lists them.
    noswitch: Resource<Result<NoSwitchView, AppError>>,
    /// The same windows once loaded, and the server's clock then, for the shard cards
    /// and the switchover dialog.
    windows: RwSignal<Vec<NoSwitchWindow>>,
    now: RwSignal<i64>,
    /// cluster_mgr knows the 1.1+ jobs (switchover, no-switch windows, the degrade
    /// setting): false once its no-switch list says it does not.
    supported: RwSignal<bool>,
}

/// Where a dialog's submission ends: the job it started followed in the page's banner and
/// the dialog closed, or the refusal shown in the dialog (`error`).
fn follow_submission(
    ctx: Ctx,
    result: Signal<Option<Result<i64, AppError>>>,
    error: RwSignal<Option<AppError>>,
) {
    Effect::new(move |_| match result.get() {
        Some(Ok(id)) => {
            ctx.job.set(Some(id));
            ctx.panel.set(Panel::None);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
}

/// The word to type back before something that interrupts service or deletes: what it
/// does (`prompt`), the word, and the field (`field`, when the dialog focuses it). The
/// server checks the word again (`backend::clusters::confirm_typed`).
#[component]
fn TypeToConfirm(
    prompt: &'static str,
    word: String,
    typed: RwSignal<String>,
    #[prop(optional)] field: Option<NodeRef<leptos::html::Input>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="mt-2 text-sm">{prompt} " " <code class="font-bold">{word}</code> " " {tu_string!(i18n, cluster.to_confirm)}</p>
        <input class="mt-2 w-full rounded border px-2 py-1" data-test="confirm-input" autocomplete="off"
            node_ref=field.unwrap_or_default()
            aria-label=tu_string!(i18n, cluster.confirmation)
            prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev))/>
    }
}

#[component]
pub fn ClusterPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0);
    let reload = RwSignal::new(0u32);
    let cluster = Resource::new(move || (id(), reload.get()), |(id, _)| get_cluster(id));
    let noswitch = Resource::new(move || (id(), reload.get()), |(id, _)| noswitch_list(id));
    // Made here, with the page's other resources, so the server and the browser make
    // them in the same order (a resource made inside a closure did not refetch).
    let history_page = RwSignal::new(1u32);
    let history = Resource::new(
        move || (id(), history_page.get(), reload.get()),
        |(id, page, _)| switchovers(id, page),
    );
    let ctx = Ctx {
        panel: RwSignal::new(Panel::None),
        job: RwSignal::new(None),
        reload,
        noswitch,
        windows: RwSignal::new(Vec::new()),
        now: RwSignal::new(0),
        supported: RwSignal::new(true),
    };
    Effect::new(move |_| {
        if let Some(Ok(v)) = noswitch.get() {
            ctx.now.set(v.now);
            ctx.supported.set(v.supported);
            ctx.windows.set(v.windows);
        }
    });
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
        <SwitchoverHistory history=history page=history_page/>
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
            <dt class="text-slate-500">{tu_string!(i18n, common.ha_mode)}</dt><dd>{c.ha_mode.map(|m| m.as_str()).unwrap_or("?")}</dd>
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
            Panel::Control(i, control) => view! { <ControlDialog c=c_panel.clone() ctx=ctx instance=i control=control/> }.into_any(),
            Panel::Switch(shard_id) => view! { <SwitchDialog c=c_panel.clone() ctx=ctx shard_id=shard_id/> }.into_any(),
            Panel::Settings(shard_id) => view! { <ShardSettingsDialog c=c_panel.clone() ctx=ctx shard_id=shard_id/> }.into_any(),
            Panel::Rebuild(shard_id) => view! { <RebuildDialog c=c_panel.clone() ctx=ctx shard_id=shard_id/> }.into_any(),
            Panel::Variables(i) => view! { <VariablesDialog c=c_panel.clone() ctx=ctx instance=i/> }.into_any(),
            Panel::Cpu(i) => view! { <CpuDialog c=c_panel.clone() ctx=ctx instance=i/> }.into_any(),
            Panel::Node(a) => view! { <NodeActions c=c_panel.clone() ctx=ctx address=a/> }.into_any(),
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
        <NoSwitchSection c=c.clone() ctx=ctx/>
        <h2 class="mt-6 font-semibold">{tu_string!(i18n, common.topology)}</h2>
        <TopologyView topology=Topology::from(&c) on_select=Callback::new(move |a: String| {
            ctx.panel.set(Panel::Node(a));
            // The actions open above the page's lists: bring them into view.
            #[cfg(feature = "hydrate")]
            if let Some(w) = web_sys::window() {
                w.scroll_to_with_x_and_y(0.0, 0.0);
            }
        })/>
    }
}
