//! 集群管理 Clusters: every non-deleted cluster (also those without a business name,
//! which XPanel hides), with its compute nodes and the commands to connect to them; the
//! way to the creation wizard and to each cluster's page.

use crate::api::clusters::{list_clusters, ClusterListQuery, ClusterRow};
use crate::components::list::{ErrorBox, Pager};
use crate::components::ports::MysqlPort;
use crate::i18n::*;
use crate::paths;
use leptos::prelude::*;

#[component]
pub fn ClustersPage() -> impl IntoView {
    let i18n = use_i18n();
    let search = RwSignal::new(String::new());
    let page = RwSignal::new(1u32);
    let clusters = Resource::new(
        move || ClusterListQuery { search: search.get(), page: page.get() },
        list_clusters,
    );
    view! {
        <div class="flex flex-wrap items-center justify-between gap-3">
            <h1 class="text-xl font-semibold">{tu_string!(i18n, common.clusters_2)}</h1>
            <a
                href=paths::NEW_CLUSTER
                class="rounded bg-sky-700 px-4 py-2 font-medium text-white hover:bg-sky-800"
                data-test="new-cluster"
            >
                {tu_string!(i18n, common.create_cluster)}
            </a>
        </div>
        <form class="my-3" role="search" on:submit=|ev| ev.prevent_default()>
            <label class="flex flex-col text-sm">
                {tu_string!(i18n, clusters.search_business_name_or_cluster_name)}
                <input
                    type="search"
                    class="max-w-sm rounded border border-slate-300 px-2 py-1"
                    maxlength=64
                    data-test="cluster-search"
                    prop:value=move || search.get()
                    on:input=move |ev| {
                        search.set(event_target_value(&ev));
                        page.set(1);
                    }
                />
            </label>
        </form>
        <Transition fallback=move || view! { <p>{tu_string!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match clusters.await {
                    Err(e) => view! {
                        <ErrorBox error=e/>
                    }.into_any(),
                    Ok(p) => {
                        let pages = p.pages;
                        view! {
                            <div class="flex flex-col gap-2" data-test="cluster-list">
                                {p.rows.into_iter().map(|c| view! { <ClusterCard c=c/> }).collect_view()}
                                {(p.total == 0).then(|| view! {
                                    <p class="text-slate-500" data-test="no-clusters">{tu_string!(i18n, clusters.no_clusters)}</p>
                                })}
                            </div>
                            <Pager page=page pages=pages total=p.total test_id="cluster-pages"/>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// One cluster; its compute nodes open with a click (a native <details>, so it works
/// before the page is interactive).
#[component]
fn ClusterCard(c: ClusterRow) -> impl IntoView {
    let i18n = use_i18n();
    let title = if c.nick_name.is_empty() {
        c.name.clone()
    } else {
        format!("{} · {}", c.nick_name, c.name)
    };
    let user = c.comp_user.clone();
    view! {
        <details class="rounded border border-slate-200 bg-white" data-test=format!("cluster-{}", c.id)>
            <summary class="flex cursor-pointer flex-wrap gap-x-6 gap-y-1 px-3 py-2">
                <a class="font-semibold text-sky-800 underline" href=format!("{}/{}", paths::CLUSTERS, c.id)>{title}</a>
                <span class="text-sm">{tu_string!(i18n, clusters.ha)} ": " {c.ha_mode.map(|m| m.as_str()).unwrap_or("?")}</span>
                <span class="text-sm">{tu_string!(i18n, clusters.shards)} ": " {c.shards}</span>
                <span class="text-sm">{tu_string!(i18n, clusters.compute_nodes)} ": " {c.comps.len()}</span>
                <span class="text-sm" data-test="cluster-status">{tu_string!(i18n, common.status)} ": " {c.status.clone()}</span>
                <span class="text-sm text-slate-500">{c.created.clone()}</span>
            </summary>
            <table class="m-3 text-sm" data-test="comp-table">
                <thead>
                    <tr class="text-left">
                        <th class="px-2">{tu_string!(i18n, common.host)}</th>
                        <th class="px-2">{tu_string!(i18n, common.postgresql_port)}</th>
                        <th class="px-2">{tu_string!(i18n, common.mysql_port)}</th>
                        <th class="px-2">{tu_string!(i18n, common.status)}</th>
                        <th class="px-2">{tu_string!(i18n, clusters.connect)}</th>
                    </tr>
                </thead>
                <tbody>
                    {c.comps.into_iter().map(|n| {
                        let psql = format!("psql -h {} -p {} -U {user} postgres", n.hostaddr, n.pg_port);
                        let mysql = format!("mysql -h {} -P {} -u {user} -p postgres", n.hostaddr, n.mysql_port);
                        view! {
                            <tr class="border-t border-slate-100">
                                <td class="px-2 font-mono">{n.hostaddr.clone()}</td>
                                <td class="px-2 font-mono" data-test="pg-port">{n.pg_port}</td>
                                <td class="px-2 font-mono"><MysqlPort port=n.mysql_port derived=n.mysql_port_derived/></td>
                                <td class="px-2">{n.status}</td>
                                <td class="px-2 font-mono text-xs">
                                    <div>{psql}</div>
                                    <div>{mysql}</div>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </details>
    }
}
