//! A banner that follows one cluster_mgr job until it ends: running (with what it is
//! doing), done, or failed with cluster_mgr's own words.

use crate::api::jobs::{get_job, JobStatus, JobView};
use leptos::prelude::*;
use std::time::Duration;

/// How often the banner asks; the server asks cluster_mgr at most this often per tab.
const POLL: Duration = Duration::from_millis(700);

#[component]
pub fn JobBanner(id: i64, on_end: Callback<bool>) -> impl IntoView {
    let job = RwSignal::new(None::<JobView>);
    let problem = RwSignal::new(None::<String>);
    // Polling starts in the browser only (effects do not run on the server).
    Effect::new(move |_| poll(id, job, problem, on_end));
    let text = move || match job.get() {
        None => format!("Job {id}: submitted · 任务已提交"),
        Some(j) => {
            let what = format!("{} {}", j.job_type, j.target);
            match j.status {
                JobStatus::Running if !j.notice.is_empty() => {
                    format!("{what}: running; {} · 执行中", j.notice)
                }
                JobStatus::Running => format!("{what}: running… · 执行中"),
                JobStatus::Done => format!("{what}: done · 成功"),
                JobStatus::Failed => format!("{what}: failed · 失败 — {}", j.error),
            }
        }
    };
    let class = move || match job.get().map(|j| j.status) {
        Some(JobStatus::Done) => "border-green-300 bg-green-50 text-green-900",
        Some(JobStatus::Failed) => "border-red-300 bg-red-50 text-red-900",
        _ => "border-sky-300 bg-sky-50 text-sky-900",
    };
    let running = move || job.get().is_none_or(|j| j.status == JobStatus::Running);
    view! {
        <div
            class=move || format!("mt-3 rounded border p-3 text-sm {}", class())
            role="status"
            aria-live="polite"
            data-test="job-banner"
            data-status=move || match job.get().map(|j| j.status) {
                Some(JobStatus::Done) => "done",
                Some(JobStatus::Failed) => "failed",
                _ => "running",
            }
        >
            <p>{text}</p>
            <Show when=running>
                <div class="mt-2 h-1.5 w-full overflow-hidden rounded bg-sky-100" aria-hidden="true">
                    <div class="h-full w-1/3 animate-pulse rounded bg-sky-500"></div>
                </div>
            </Show>
            <p class="text-red-800">{move || problem.get()}</p>
        </div>
    }
}

fn poll(
    id: i64,
    job: RwSignal<Option<JobView>>,
    problem: RwSignal<Option<String>>,
    on_end: Callback<bool>,
) {
    leptos::task::spawn_local(async move {
        match get_job(id).await {
            Ok(v) => {
                problem.set(None);
                let status = v.status;
                job.set(Some(v));
                if status != JobStatus::Running {
                    on_end.run(status == JobStatus::Done);
                    return;
                }
            }
            // The console itself did not answer; keep trying, say so.
            Err(e) => problem.set(Some(e.to_string())),
        }
        set_timeout(move || poll(id, job, problem, on_end), POLL);
    });
}
