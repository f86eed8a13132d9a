//! The rows of a cluster's page: a compute node with its connect commands, a shard with
//! its storage nodes.

use super::*;
use crate::domain::shard_settings::lagging;

#[component]
pub(super) fn CompRow(n: CompNodeDetail, c: ClusterDetail, ctx: Ctx) -> impl IntoView {
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
            <td class="px-2" data-test="node-status">{n.status.clone()}</td>
            <td class="px-2" data-test="node-cpu-cores">{n.cpu_cores}</td>
            <td class="px-2">{n.max_mem_mb}</td>
            <td class="px-2">{n.max_conns}</td>
            <td class="px-2 whitespace-nowrap">
                <ControlButtons instance=Instance::Compute { comp_id: n.id } status=n.status.clone() ctx=ctx/>
                <VariablesButton instance=Instance::Compute { comp_id: n.id } ctx=ctx/>
                <CpuButton instance=Instance::Compute { comp_id: n.id } ctx=ctx/>
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
pub(super) fn CopyLine(text: String) -> impl IntoView {
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
pub(super) fn ShardCard(s: ShardDetail, c: ClusterDetail, ctx: Ctx) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let nodes = s.nodes.len();
    let doomed = Doomed::Shard { id: s.id, name: s.name.clone() };
    let shard_id = s.id;
    let max_lag = s.max_lag_secs;
    let settings = s.clone();
    let why_not = |change: ClusterChange| c.check(&change).err().map(|r| r.message(l));
    let add_refused = why_not(ClusterChange::AddNodes { shard_id });
    let delete_refused = why_not(doomed.change());
    view! {
        <section class="mt-2 rounded border border-slate-200 bg-white p-3" data-test="shard" data-shard-id=s.id>
            <div class="flex flex-wrap items-center justify-between gap-2">
                <h3 class="font-medium">{fill!(tu_string!(i18n, cluster.shard_heading), name = s.name, nodes = nodes, sync = s.sync_num)}</h3>
                <NoSwitchBadge cluster_id=c.id shard_id=shard_id ctx=ctx/>
                <div class="flex gap-2 text-sm">
                    <SwitchButton c=c.clone() shard_id=shard_id ctx=ctx/>
                    <RebuildButton s=settings.clone() ctx=ctx/>
                    <button type="button" class="underline" data-test="shard-settings-open"
                        on:click=move |_| ctx.panel.set(Panel::Settings(shard_id))>{tu_string!(i18n, shard_settings.button)}</button>
                    <button type="button" class="underline disabled:text-slate-400" data-test="add-nodes"
                        disabled=add_refused.is_some() title=add_refused.clone().unwrap_or_default()
                        on:click=move |_| ctx.panel.set(Panel::AddNodes(shard_id))>{tu_string!(i18n, cluster.add_storage_nodes)}</button>
                    <button type="button" class="text-red-800 underline disabled:text-slate-400" data-test="delete-shard"
                        disabled=delete_refused.is_some() title=delete_refused.clone().unwrap_or_default()
                        on:click=move |_| ctx.panel.set(Panel::Delete(doomed.clone()))>{tu_string!(i18n, cluster.delete_shard)}</button>
                </div>
            </div>
            <ShardSettingsLine s=settings/>
            <table class="mt-1 w-full text-sm">
                <thead>
                    <tr class="text-left">
                        <th class="px-2">{tu_string!(i18n, common.host)}</th>
                        <th class="px-2">{tu_string!(i18n, common.port)}</th>
                        <th class="px-2">{tu_string!(i18n, cluster.role)}</th>
                        <th class="px-2">{tu_string!(i18n, cluster.lag_s)}</th>
                        <th class="px-2">{tu_string!(i18n, cluster.sync)}</th>
                        <th class="px-2">{tu_string!(i18n, common.status)}</th>
                        <th class="px-2">"CPU"</th>
                        <th class="px-2"></th>
                    </tr>
                </thead>
                <tbody>
                    {s.nodes.into_iter().map(|n| {
                        let doomed = Doomed::Node { shard_id, host: n.hostaddr.clone(), port: n.port };
                        let refused = why_not(doomed.change());
                        view! {
                            <tr class="border-t border-slate-100" data-test="storage-node" data-address=format!("{}:{}", n.hostaddr, n.port)>
                                <td class="px-2 font-mono">{n.hostaddr.clone()}</td>
                                <td class="px-2 font-mono">{n.port}</td>
                                <td class="px-2" data-test="node-role">{if n.primary { tu_string!(i18n, common.primary) } else { tu_string!(i18n, common.replica) }}</td>
                                {if lagging(n.primary, n.lag_secs, max_lag) {
                                    view! {
                                        <td class="px-2 font-semibold text-amber-800" data-test="node-lag" data-lagging="true"
                                            title=fill!(td_string!(l, shard_settings.lagging), secs = max_lag)>
                                            {n.lag_secs} " ⚠"
                                        </td>
                                    }.into_any()
                                } else {
                                    view! { <td class="px-2" data-test="node-lag">{n.lag_secs}</td> }.into_any()
                                }}
                                <td class="px-2">{if n.fullsync { tu_string!(i18n, switchover.fullsync) } else { tu_string!(i18n, switchover.asynchronous) }}</td>
                                <td class="px-2" data-test="node-status">{n.status.clone()}</td>
                                <td class="px-2" data-test="node-cpu-cores">{n.cpu_cores}</td>
                                <td class="px-2 whitespace-nowrap">
                                    <ControlButtons instance=Instance::Storage { shard_id, host: n.hostaddr.clone(), port: n.port } status=n.status.clone() ctx=ctx/>
                                    <VariablesButton instance=Instance::Storage { shard_id, host: n.hostaddr.clone(), port: n.port } ctx=ctx/>
                                    <CpuButton instance=Instance::Storage { shard_id, host: n.hostaddr.clone(), port: n.port } ctx=ctx/>
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
