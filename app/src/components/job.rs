//! Following one cluster_mgr job in the browser: [`use_job`] opens the job's event
//! stream (server-sent events fed by the job's one follower on the server), and the
//! banner and progress views render what it delivers.

use crate::domain::job::{JobStatus, JobView, StepState};
use crate::i18n::*;
use crate::lang::fill;
use crate::paths;
use leptos::prelude::*;

/// The latest view of job `id`, pushed by the server, and a connection problem if any.
/// `initial` (e.g. from the server-rendered page) shows until the first event.
pub fn use_job(
    id: i64,
    initial: Option<JobView>,
) -> (RwSignal<Option<JobView>>, RwSignal<Option<String>>) {
    let job = RwSignal::new(initial);
    let problem = RwSignal::new(None::<String>);
    // Effects run in the browser only: the server never opens a stream to itself.
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        stream::open(id, job, problem);
        #[cfg(not(feature = "hydrate"))]
        let _ = id;
    });
    (job, problem)
}

#[cfg(feature = "hydrate")]
mod stream {
    use super::*;
    use wasm_bindgen::{closure::Closure, JsCast};
    use web_sys::{EventSource, MessageEvent};

    pub fn open(id: i64, job: RwSignal<Option<JobView>>, problem: RwSignal<Option<String>>) {
        let i18n = use_i18n();
        let url = format!("{}/jobs/{id}/events", paths::API);
        let Ok(source) = EventSource::new(&url) else {
            problem.set(Some(tu_string!(i18n, job.no_event_stream).into()));
            return;
        };
        let closer = source.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let Some(text) = e.data().as_string() else { return };
            match serde_json::from_str::<JobView>(&text) {
                Ok(v) => {
                    problem.set(None);
                    let ended = v.status != JobStatus::Running;
                    job.set(Some(v));
                    if ended {
                        // The server ends the stream here; do not let the browser reopen it.
                        closer.close();
                    }
                }
                Err(_) => problem.set(Some(tu_string!(i18n, job.unreadable).into())),
            }
        });
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            // The browser reconnects by itself (the server asked for a 1 s retry).
            problem.set(Some(tu_string!(i18n, job.lost_the_connection_to_the_console).into()));
        });
        source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        // The handlers live exactly as long as the stream: when the banner goes, the
        // stream is closed, unhooked and its closures freed (not `forget`: that leaked
        // two closures per banner). Kept by hand rather than leptos-use's
        // `use_event_source`: it would add its codec crate and a reconnect loop of its
        // own on top of the browser's.
        let held = send_wrapper::SendWrapper::new((source, on_message, on_error));
        on_cleanup(move || {
            let (source, on_message, on_error) = held.take();
            source.set_onmessage(None);
            source.set_onerror(None);
            source.close();
            drop((on_message, on_error));
        });
    }
}

/// A one-line banner that follows a job to its end: running, done, or failed with
/// cluster_mgr's own words. `on_end` runs once with whether it succeeded.
#[component]
pub fn JobBanner(id: i64, on_end: Callback<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let (job, problem) = use_job(id, None);
    let ended = StoredValue::new(false);
    Effect::new(move |_| {
        if let Some(j) = job.get() {
            if j.status != JobStatus::Running && !ended.get_value() {
                ended.set_value(true);
                on_end.run(j.status == JobStatus::Done);
            }
        }
    });
    let text = move || match job.get() {
        None => fill!(tu_string!(i18n, job.submitted), id = id),
        Some(j) => {
            let l = i18n.get_locale_untracked();
            let what = format!("{} {}", crate::lang::job_name(l, &j.job_type), j.target);
            let (template, detail) = match j.status {
                JobStatus::Running if !j.notice.is_empty() => {
                    (td_string!(l, job.running_notice), j.notice)
                }
                JobStatus::Running if j.waiting.is_some() => {
                    (td_string!(l, job.running_notice), waiting_text(l, &j))
                }
                JobStatus::Running => (td_string!(l, job.running_percent), j.percent.to_string()),
                JobStatus::Done => (td_string!(l, job.done), String::new()),
                JobStatus::Failed => (td_string!(l, job.failed), j.failure(l)),
            };
            fill!(template, what = what, detail = detail)
        }
    };
    let status = move || job.get().map_or(JobStatus::Running, |j| j.status);
    view! {
        <div
            class=move || format!("mt-3 rounded border p-3 text-sm {}", status_class(status()))
            role="status"
            aria-live="polite"
            data-test="job-banner"
            data-status=move || status_key(status())
        >
            <p>
                {text} " "
                <a class="underline" href=format!("{}/{id}", paths::JOBS)>{tu_string!(i18n, job.details)}</a>
            </p>
            <Show when=move || status() == JobStatus::Running>
                <ProgressBar percent=Signal::derive(move || job.get().map_or(0, |j| j.percent))/>
            </Show>
            <p class="text-red-800">{move || problem.get()}</p>
        </div>
    }
}

/// The job page's body: progress bar and the list of steps, each with its hosts and,
/// when it failed, cluster_mgr's error text.
#[component]
pub fn JobProgress(job: RwSignal<Option<JobView>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        {move || {
            job.get()
                .map(|j| {
                    let status = j.status;
                    view! {
                        <div data-test="job-progress" data-status=status_key(status)>
                            <div class="flex items-center gap-3">
                                <span
                                    class=format!("rounded px-2 py-0.5 text-sm font-medium {}", status_class(status))
                                    data-test="job-status"
                                >
                                    {status.label(i18n.get_locale_untracked())}
                                </span>
                                <span class="text-sm text-slate-600" data-test="job-percent">
                                    {format!("{}%", j.percent)}
                                </span>
                            </div>
                            <ProgressBar percent=Signal::derive(move || {
                                job.get().map_or(0, |j| j.percent)
                            })/>
                            {(status == JobStatus::Failed)
                                .then(|| {
                                    let l = i18n.get_locale_untracked();
                                    view! {
                                        <p class="mt-2 rounded bg-red-50 p-2 text-sm text-red-900" data-test="job-error"
                                            data-code=j.error_code.map(|c| c.to_string())>
                                            {j.failure(l)}
                                        </p>
                                    }
                                })}
                            {j.waiting.map(|w| {
                                let l = i18n.get_locale_untracked();
                                view! {
                                    <p class="mt-2 text-sm text-sky-800" data-test="job-waiting"
                                        data-reason=format!("{:?}", w.reason).to_lowercase()>
                                        {waiting_text(l, &j)}
                                    </p>
                                }
                            })}
                            {(!j.notice.is_empty())
                                .then(|| {
                                    view! {
                                        <p class="mt-2 text-sm text-amber-800" data-test="job-notice">
                                            {j.notice.clone()}
                                        </p>
                                    }
                                })}
                            <ol class="mt-4 space-y-1" aria-label=tu_string!(i18n, common.steps)>
                                {j
                                    .steps
                                    .into_iter()
                                    .map(|s| {
                                        let key = format!("{}-{}", s.kind.key(), s.index);
                                        let (mark, color) = match s.state {
                                            StepState::Done => ("✓", "text-green-700"),
                                            StepState::Running => ("…", "text-sky-700"),
                                            StepState::Failed => ("✗", "text-red-700"),
                                            StepState::Waiting => ("·", "text-slate-400"),
                                        };
                                        view! {
                                            <li
                                                class="flex flex-wrap gap-2 text-sm"
                                                data-step=key
                                                data-state=s.state.as_str()
                                            >
                                                <span class=format!("w-4 font-bold {color}") aria-hidden="true">
                                                    {mark}
                                                </span>
                                                <span>
                                                    {s.title(i18n.get_locale_untracked())}
                                                    {(!matches!(
                                                        s.kind,
                                                        crate::api::jobs::StepKind::Named
                                                            | crate::api::jobs::StepKind::Rebuild
                                                    )
                                                        && (s.index > 1
                                                        || matches!(
                                                            s.kind,
                                                            crate::api::jobs::StepKind::ComputeNode
                                                                | crate::api::jobs::StepKind::Shard
                                                        )))
                                                        .then(|| format!(" {}", s.index))}
                                                </span>
                                                <span class="font-mono text-slate-600">{s.hosts}</span>
                                                <span class="sr-only">{s.state.as_str()}</span>
                                                {(!s.error.is_empty())
                                                    .then(|| {
                                                        view! {
                                                            <span class="basis-full pl-6 text-red-800">{s.error}</span>
                                                        }
                                                    })}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ol>
                        </div>
                    }
                })
        }}
    }
}

/// Why a running job shows no progress: queued in cluster_mgr, silent by nature, or its
/// submission still without an answer.
fn waiting_text(l: Locale, j: &JobView) -> String {
    use crate::domain::job::WaitReason;
    match j.waiting.map(|w| (w.reason, w.since)) {
        Some((WaitReason::Queued, since)) => {
            fill!(td_string!(l, job_wait.queued), since = crate::time::utc(since))
        }
        Some((WaitReason::Silent, _)) => td_string!(l, job_wait.silent).to_owned(),
        Some((WaitReason::AnswerLost, _)) => td_string!(l, job_wait.answer_lost).to_owned(),
        None => String::new(),
    }
}

#[component]
fn ProgressBar(percent: Signal<u8>) -> impl IntoView {
    view! {
        <div
            class="mt-2 h-2 w-full overflow-hidden rounded bg-slate-200"
            role="progressbar"
            aria-valuemin="0"
            aria-valuemax="100"
            aria-valuenow=move || percent.get().to_string()
        >
            <div
                class="h-full rounded bg-sky-600 transition-all"
                style=move || format!("width: {}%", percent.get().max(3))
            ></div>
        </div>
    }
}

pub fn status_key(s: JobStatus) -> &'static str {
    match s {
        JobStatus::Running => "running",
        JobStatus::Done => "done",
        JobStatus::Failed => "failed",
    }
}

pub fn status_class(s: JobStatus) -> &'static str {
    match s {
        JobStatus::Done => "border-green-300 bg-green-50 text-green-900",
        JobStatus::Failed => "border-red-300 bg-red-50 text-red-900",
        JobStatus::Running => "border-sky-300 bg-sky-50 text-sky-900",
    }
}
