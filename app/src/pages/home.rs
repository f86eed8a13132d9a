//! 概览 Overview: where the console starts after login. Machines by state (as a bar),
//! clusters by status and the console's jobs, each linking to its list.

use crate::api::overview::{get_overview, Overview};
use crate::components::list::ErrorBox;
use crate::i18n::*;
use crate::lang::fill;
use crate::paths;
use leptos::prelude::*;

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let overview = Resource::new(|| (), |_| get_overview());
    view! {
        <h1 class="mb-4 text-xl font-semibold">{tu_string!(i18n, common.overview)}</h1>
        <Transition fallback=move || view! { <p>{tu_string!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(o) => view! { <Cards o=o/> }.into_any(),
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Cards(o: Overview) -> impl IntoView {
    let i18n = use_i18n();
    let machines = o.machines_online + o.machines_idle + o.machines_offline;
    let clusters: i64 = o.clusters.iter().map(|(_, n)| n).sum();
    let card = "rounded border border-slate-200 bg-white p-4";
    view! {
        {o.klustron_problem.clone().map(|p| view! {
            <p class="mb-3 rounded border border-amber-300 bg-amber-50 p-2 text-sm text-amber-800" role="status">
                {fill!(tu_string!(i18n, home.klustron_unavailable), why = p)}
            </p>
        })}
        <div class="grid gap-4 md:grid-cols-3" data-test="overview">
            <section class=card aria-labelledby="ov-machines">
                <h2 id="ov-machines" class="font-semibold">
                    <a class="text-sky-700 underline" href=paths::MACHINES>{tu_string!(i18n, home.machines)}</a>
                </h2>
                <p class="text-3xl font-semibold" data-test="ov-machines">{machines}</p>
                <StateBar online=o.machines_online idle=o.machines_idle offline=o.machines_offline/>
                <ul class="mt-2 text-sm">
                    <li class="text-green-700" data-test="ov-online">{fill!(tu_string!(i18n, home.n_online), n = o.machines_online)}</li>
                    <li class="text-slate-600">{fill!(tu_string!(i18n, home.n_idle), n = o.machines_idle)}</li>
                    <li class="text-red-700" data-test="ov-offline">{fill!(tu_string!(i18n, home.n_offline), n = o.machines_offline)}</li>
                </ul>
            </section>
            <section class=card aria-labelledby="ov-clusters">
                <h2 id="ov-clusters" class="font-semibold">
                    <a class="text-sky-700 underline" href=paths::CLUSTERS>{tu_string!(i18n, home.clusters)}</a>
                </h2>
                <p class="text-3xl font-semibold" data-test="ov-clusters">{clusters}</p>
                <ul class="mt-2 text-sm" data-test="ov-cluster-states">
                    {o.clusters.iter().map(|(status, n)| {
                        let status = if status.is_empty() { "—".to_owned() } else { status.clone() };
                        view! { <li>{format!("{n} {status}")}</li> }
                    }).collect_view()}
                </ul>
                {(clusters == 0).then(|| view! {
                    <a class="mt-2 inline-block text-sm text-sky-700 underline" href=paths::NEW_CLUSTER>
                        {tu_string!(i18n, home.create_a_cluster)}
                    </a>
                })}
            </section>
            <section class=card aria-labelledby="ov-jobs">
                <h2 id="ov-jobs" class="font-semibold">
                    <a class="text-sky-700 underline" href=paths::JOBS>{tu_string!(i18n, common.jobs)}</a>
                </h2>
                <p class="text-3xl font-semibold" data-test="ov-running">{o.jobs_running}</p>
                <p class="text-sm text-slate-600">{tu_string!(i18n, home.running)}</p>
                <ul class="mt-2 text-sm">
                    <li class="text-green-700">{fill!(tu_string!(i18n, home.n_done), n = o.jobs_done)}</li>
                    <li class="text-red-700">{fill!(tu_string!(i18n, home.n_failed), n = o.jobs_failed)}</li>
                </ul>
            </section>
        </div>
    }
}

/// Machines by state as one bar, each state's share its width.
#[component]
fn StateBar(online: i64, idle: i64, offline: i64) -> impl IntoView {
    const W: i64 = 240;
    let i18n = use_i18n();
    let total = (online + idle + offline).max(1);
    let mut x = 0;
    let parts = [(online, "fill-green-600"), (idle, "fill-slate-400"), (offline, "fill-red-600")]
        .into_iter()
        .map(|(n, class)| {
            let w = n * W / total;
            let rect = view! { <rect x=x y="0" width=w height="12" class=class/> };
            x += w;
            rect
        })
        .collect_view();
    let label =
        fill!(tu_string!(i18n, home.bar_label), online = online, idle = idle, offline = offline);
    let title = label.clone();
    view! {
        <svg viewBox=format!("0 0 {W} 12") width=W height="12" role="img" aria-label=label class="mt-2">
            <title>{title}</title>
            <rect x="0" y="0" width=W height="12" class="fill-slate-100"/>
            {parts}
        </svg>
    }
}
