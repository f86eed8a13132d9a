//! 任务 Jobs: every cluster_mgr job the console submitted (running first when filtered),
//! and one job's page with its progress and steps, updated live by server push.

use crate::api::jobs::{get_job, list_jobs, JobListQuery, JobStatus, JobView};
use crate::components::job::{status_class, status_key, use_job, JobProgress};
use crate::components::list::{ErrorBox, Pager};
use crate::paths;
use crate::time::utc;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn JobsPage() -> impl IntoView {
    let status = RwSignal::new(String::new());
    let page = RwSignal::new(1u32);
    let jobs =
        Resource::new(move || JobListQuery { status: status.get(), page: page.get() }, list_jobs);
    view! {
        <h1 class="text-xl font-semibold">"Jobs · 任务"</h1>
        <label class="my-3 flex max-w-xs flex-col text-sm">
            "Status · 状态"
            <select
                class="rounded border border-slate-300 px-2 py-1"
                data-test="job-status-filter"
                on:change=move |ev| {
                    status.set(event_target_value(&ev));
                    page.set(1);
                }
            >
                <option value="">"All · 全部"</option>
                <option value="running">"Running · 执行中"</option>
                <option value="done">"Done · 成功"</option>
                <option value="failed">"Failed · 失败"</option>
            </select>
        </label>
        <Transition fallback=|| view! { <p>"Loading… · 加载中"</p> }>
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
                                        <th class="px-2">"Job · 任务"</th>
                                        <th class="px-2">"Target · 对象"</th>
                                        <th class="px-2">"Status · 状态"</th>
                                        <th class="px-2">"Progress · 进度"</th>
                                        <th class="px-2">"User · 操作人"</th>
                                        <th class="px-2">"Started · 开始 (UTC)"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {p.rows.into_iter().map(|j| view! { <JobRow j=j/> }).collect_view()}
                                </tbody>
                            </table>
                            {(p.total == 0).then(|| view! { <p class="text-slate-500">"No jobs yet. · 暂无任务"</p> })}
                            <Pager page=page pages=pages total=p.total noun="jobs" test_id="job-pages"/>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn JobRow(j: JobView) -> impl IntoView {
    let (en, zh) = j.names();
    view! {
        <tr class="border-t border-slate-100" data-test=format!("job-{}", j.id)>
            <td class="px-2 py-1">
                <a class="text-sky-700 underline" href=format!("{}/{}", paths::JOBS, j.id)>{j.id}</a>
            </td>
            <td class="px-2">{format!("{en} · {zh}")}</td>
            <td class="px-2 font-mono">{j.target.clone()}</td>
            <td class="px-2">
                <span class=format!("rounded border px-1 {}", status_class(j.status)) data-status=status_key(j.status)>
                    {j.status.label()}
                </span>
            </td>
            <td class="px-2">{format!("{}%", j.percent)}</td>
            <td class="px-2">{j.user_name.clone()}</td>
            <td class="px-2">{utc(j.created_at)}</td>
        </tr>
    }
}

/// One job: what it is, a live progress bar and its steps.
#[component]
pub fn JobPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0);
    let first = Resource::new(id, get_job);
    view! {
        <p class="text-sm"><a class="text-sky-700 underline" href=paths::JOBS>"‹ Jobs · 任务"</a></p>
        <Suspense fallback=|| view! { <p>"Loading… · 加载中"</p> }>
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
    let (en, zh) = first.names();
    let id = first.id;
    let (job, problem) = use_job(id, Some(first.clone()));
    let cluster_link = move || {
        job.get().and_then(|j| {
            let cid = j.cluster_id?;
            (j.status == JobStatus::Done && j.job_type != "delete_cluster").then(|| {
                view! {
                    <a class="text-sky-700 underline" data-test="open-cluster" href=format!("{}/{cid}", paths::CLUSTERS)>
                        "Open the cluster · 查看集群"
                    </a>
                }
            })
        })
    };
    view! {
        <h1 class="mt-2 text-xl font-semibold">{format!("{en} · {zh}")}</h1>
        <dl class="mt-2 grid max-w-2xl grid-cols-[auto_1fr] gap-x-4 text-sm">
            <dt class="text-slate-500">"Console job · 任务号"</dt><dd data-test="job-id">{id}</dd>
            <dt class="text-slate-500">"cluster_mgr job · 集群管理任务号"</dt>
            <dd data-test="cm-job-id">{move || job.get().map(|j| j.cm_job_id).unwrap_or_default()}</dd>
            <dt class="text-slate-500">"Target · 对象"</dt><dd class="font-mono">{first.target.clone()}</dd>
            <dt class="text-slate-500">"User · 操作人"</dt><dd>{first.user_name.clone()}</dd>
            <dt class="text-slate-500">"Started · 开始 (UTC)"</dt><dd>{utc(first.created_at)}</dd>
        </dl>
        <section class="mt-4 max-w-2xl rounded border border-slate-200 bg-white p-4">
            <JobProgress job=job/>
            <p class="text-sm text-red-800">{move || problem.get()}</p>
            <p class="mt-3">{cluster_link}</p>
        </section>
    }
}
