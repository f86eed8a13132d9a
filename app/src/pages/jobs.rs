//! 任务 Jobs: every cluster_mgr job the console submitted (running first when filtered),
//! and one job's page with its progress and steps, updated live by server push.

use crate::api::jobs::{get_job, list_jobs, JobListQuery, JobStatus, JobView};
use crate::components::job::{status_class, status_key, use_job, JobProgress};
use crate::components::list::{ErrorBox, Pager};
use crate::components::local_time::LocalTime;
use crate::i18n::*;
use crate::paths;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn JobsPage() -> impl IntoView {
    let i18n = use_i18n();
    let status = RwSignal::new(String::new());
    let page = RwSignal::new(1u32);
    let jobs =
        Resource::new(move || JobListQuery { status: status.get(), page: page.get() }, list_jobs);
    view! {
        <h1 class="text-xl font-semibold">{tu_string!(i18n, common.jobs)}</h1>
        <label class="my-3 flex max-w-xs flex-col text-sm">
            {tu_string!(i18n, common.status)}
            <select
                class="rounded border border-slate-300 px-2 py-1"
                data-test="job-status-filter"
                on:change=move |ev| {
                    status.set(event_target_value(&ev));
                    page.set(1);
                }
            >
                <option value="">{tu_string!(i18n, common.all)}</option>
                <option value="running">{tu_string!(i18n, jobs.running)}</option>
                <option value="done">{tu_string!(i18n, jobs.done)}</option>
                <option value="failed">{tu_string!(i18n, jobs.failed)}</option>
            </select>
        </label>
        <Transition fallback=move || view! { <p>{tu_string!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match jobs.await {
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    Ok(p) => {
                        let pages = p.pages;
                        view! {
                            <table class="w-full bg-white text-sm" data-test="job-list">
                                <thead>
                                    <tr class="text-left">
                                        <th class="px-2 py-1">"#"</th>
                                        <th class="px-2">{tu_string!(i18n, jobs.job)}</th>
                                        <th class="px-2">{tu_string!(i18n, common.target)}</th>
                                        <th class="px-2">{tu_string!(i18n, common.status)}</th>
                                        <th class="px-2">{tu_string!(i18n, jobs.progress)}</th>
                                        <th class="px-2">{tu_string!(i18n, common.user)}</th>
                                        <th class="px-2">{tu_string!(i18n, jobs.started)}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {p.rows.into_iter().map(|j| view! { <JobRow j=j/> }).collect_view()}
                                </tbody>
                            </table>
                            {(p.total == 0).then(|| view! { <p class="text-slate-500">{tu_string!(i18n, jobs.no_jobs_yet)}</p> })}
                            <Pager page=page pages=pages total=p.total test_id="job-pages"/>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn JobRow(j: JobView) -> impl IntoView {
    let i18n = use_i18n();
    let name = crate::lang::job_name(i18n.get_locale_untracked(), &j.job_type);
    view! {
        <tr class="border-t border-slate-100" data-test=format!("job-{}", j.id)>
            <td class="px-2 py-1">
                <a class="text-sky-700 underline" href=format!("{}/{}", paths::JOBS, j.id)>{j.id}</a>
            </td>
            <td class="px-2">{name}</td>
            <td class="px-2 font-mono">{j.target.clone()}</td>
            <td class="px-2">
                <span class=format!("rounded border px-1 {}", status_class(j.status)) data-status=status_key(j.status)>
                    {j.status.label(i18n.get_locale_untracked())}
                </span>
            </td>
            <td class="px-2">{format!("{}%", j.percent)}</td>
            <td class="px-2">{j.user_name.clone()}</td>
            <td class="px-2"><LocalTime unix_secs=j.created_at/></td>
        </tr>
    }
}

/// One job: what it is, a live progress bar and its steps.
#[component]
pub fn JobPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0);
    let first = Resource::new(id, get_job);
    view! {
        <p class="text-sm"><a class="text-sky-700 underline" href=paths::JOBS>{tu_string!(i18n, jobs.jobs_2)}</a></p>
        <Suspense fallback=move || view! { <p>{tu_string!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match first.await {
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    Ok(v) => view! { <LiveJob first=v/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn LiveJob(first: JobView) -> impl IntoView {
    let i18n = use_i18n();
    let name = crate::lang::job_name(i18n.get_locale_untracked(), &first.job_type);
    let id = first.id;
    let (job, problem) = use_job(id, Some(first.clone()));
    let cluster_link = move || {
        job.get().and_then(|j| {
            let cid = j.cluster_id?;
            (j.status == JobStatus::Done && j.job_type != "delete_cluster").then(|| {
                view! {
                    <a class="text-sky-700 underline" data-test="open-cluster" href=format!("{}/{cid}", paths::CLUSTERS)>
                        {tu_string!(i18n, jobs.open_the_cluster)}
                    </a>
                }
            })
        })
    };
    view! {
        <h1 class="mt-2 text-xl font-semibold">{name}</h1>
        <dl class="mt-2 grid max-w-2xl grid-cols-[auto_1fr] gap-x-4 text-sm">
            <dt class="text-slate-500">{tu_string!(i18n, jobs.console_job)}</dt><dd data-test="job-id">{id}</dd>
            <dt class="text-slate-500">{tu_string!(i18n, jobs.cluster_mgr_job)}</dt>
            <dd data-test="cm-job-id">{move || job.get().map(|j| j.cm_job_id).unwrap_or_default()}</dd>
            <dt class="text-slate-500">{tu_string!(i18n, common.target)}</dt><dd class="font-mono">{first.target.clone()}</dd>
            <dt class="text-slate-500">{tu_string!(i18n, common.user)}</dt><dd>{first.user_name.clone()}</dd>
            <dt class="text-slate-500">{tu_string!(i18n, jobs.started)}</dt><dd><LocalTime unix_secs=first.created_at/></dd>
        </dl>
        <section class="mt-4 max-w-2xl rounded border border-slate-200 bg-white p-4">
            <JobProgress job=job/>
            <p class="text-sm text-red-800">{move || problem.get()}</p>
            <p class="mt-3">{cluster_link}</p>
        </section>
    }
}
