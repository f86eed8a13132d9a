//! One follower per running job: a task that asks cluster_mgr where the job stands,
//! saves every change in the store and publishes it to whoever watches (the job page's
//! event stream, any number of tabs). Browsers never cause calls to cluster_mgr; a job
//! is followed whether anyone watches or not, and again after a console restart.
//!
//! What cluster_mgr answers decides, as its source does (see `klustron::client`):
//! `failed` is final whatever the reply's `job_id` says; a job without a memo is
//! waiting, either in cluster_mgr's queue (nothing after it has started yet) or, for
//! delete_node, silently running; each wait has a bound ([`JobPolicy`]), after which
//! the console ends the job itself and says why. Nothing is followed for ever, and a
//! job that ended is never followed again.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use klustron::{JobId, JobState};
use tokio::sync::watch;

use super::progress::{self, Progress};
use super::{finished, view, End};
use crate::backend::store::jobs::JobRecord;
use crate::backend::AppState;
use crate::domain::job::{EndReason, JobStatus, JobView, JobWait, WaitReason};
use crate::error::AppError;

/// How jobs are followed.
#[derive(Debug, Clone, Copy)]
pub struct JobPolicy {
    /// Between two `get_status` calls while cluster_mgr answers. A create_cluster
    /// `get_status` costs cluster_mgr three metadata queries: at most two a second.
    pub poll: Duration,
    /// How long a job may wait in cluster_mgr's queue (no memo, nothing after it
    /// started) before the console gives it up.
    pub start_timeout: Duration,
    /// How long a job cluster_mgr set up may go without a memo (delete_node writes none
    /// until it ends) before the console gives it up.
    pub silent_timeout: Duration,
}

impl Default for JobPolicy {
    fn default() -> Self {
        Self {
            poll: Duration::from_millis(500),
            start_timeout: Duration::from_secs(180),
            silent_timeout: Duration::from_secs(1800),
        }
    }
}

/// The longest wait between attempts while cluster_mgr does not answer.
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// How often "still alive" is written to the store for a job that keeps answering.
const SEEN_EVERY_SECS: i64 = 10;

/// The jobs being followed, each with the latest view of it.
#[derive(Default)]
pub struct JobHub {
    live: Mutex<HashMap<i64, watch::Receiver<JobView>>>,
    policy: JobPolicy,
    /// Status polls cluster_mgr did not answer, by failure kind, since start: the
    /// console's signal that cluster_mgr is down while nobody uses a page (`/metrics`).
    poll_failures: Mutex<std::collections::BTreeMap<&'static str, u64>>,
}

impl JobHub {
    pub fn new(policy: JobPolicy) -> Self {
        Self { live: Mutex::default(), policy, poll_failures: Mutex::default() }
    }

    /// Status polls that failed, by kind (`unreachable`, `timeout`, …), since start.
    pub fn poll_failures(&self) -> Vec<(&'static str, u64)> {
        self.poll_failures
            .lock()
            .map(|m| m.iter().map(|(k, n)| (*k, *n)).collect())
            .unwrap_or_default()
    }

    fn count_poll_failure(&self, kind: &'static str) {
        if let Ok(mut m) = self.poll_failures.lock() {
            *m.entry(kind).or_default() += 1;
        }
    }

    /// The latest view of a followed job and its changes; `None` if not followed.
    pub fn watch(&self, id: i64) -> Option<watch::Receiver<JobView>> {
        self.live.lock().ok()?.get(&id).cloned()
    }

    /// How many jobs are followed now (one task each).
    pub fn followed(&self) -> usize {
        self.live.lock().map(|m| m.len()).unwrap_or(0)
    }
}

/// Starts following `rec` unless it is followed already. Only for accepted jobs.
pub fn follow(state: &AppState, rec: JobRecord) {
    let Some(cm) = rec.cm_job_id.as_deref().and_then(|c| JobId::parse(c).ok()) else {
        return;
    };
    let tx = {
        let Ok(mut live) = state.jobs.live.lock() else { return };
        if live.contains_key(&rec.id) {
            return;
        }
        let (tx, rx) = watch::channel(view(&rec, ""));
        live.insert(rec.id, rx);
        tx
    };
    tokio::spawn(run(state.clone(), rec, cm, tx));
}

async fn run(state: AppState, rec: JobRecord, cm: JobId, tx: watch::Sender<JobView>) {
    let id = rec.id;
    if let Err(e) = poll_until_finished(&state, rec, &cm, &tx).await {
        // The store failed; the row still says running, so a restart resumes it.
        tracing::error!(job = id, error = %e, "stopped following a job");
    }
    if let Ok(mut live) = state.jobs.live.lock() {
        live.remove(&id);
    }
}

fn now() -> i64 {
    crate::backend::store::now()
}

async fn poll_until_finished(
    state: &AppState,
    mut rec: JobRecord,
    cm: &JobId,
    tx: &watch::Sender<JobView>,
) -> Result<(), AppError> {
    let policy = state.jobs.policy;
    let params: serde_json::Value = serde_json::from_str(&rec.params).unwrap_or_default();
    let mut wait = policy.poll;
    loop {
        let k = state.klustron.clone().ok_or(AppError::NotConfigured)?;
        match k.cluster_mgr.status(cm).await {
            Ok(report) => {
                wait = policy.poll;
                let seen = rec.cm_seen_at.unwrap_or(rec.created_at);
                let (status, error, code, att, waiting) = match &report.state {
                    JobState::NoMemo => {
                        let reason = match k.meta().await {
                            Ok(db) => {
                                match db.later_job_has_memo(cm.as_str().parse().unwrap_or(0)).await
                                {
                                    Ok(true) => WaitReason::Silent,
                                    _ => WaitReason::Queued,
                                }
                            }
                            Err(_) => WaitReason::Queued,
                        };
                        if let Some(end) = given_up(&rec.job_type, reason, now() - seen, &policy) {
                            let p = progress_of(&rec, &params, None, JobStatus::Failed, &end.error);
                            return close(state, &mut rec, &p, end, cm, tx).await;
                        }
                        (
                            JobStatus::Running,
                            String::new(),
                            None,
                            None,
                            Some(JobWait { since: seen, reason }),
                        )
                    }
                    JobState::Running => {
                        (JobStatus::Running, String::new(), None, Some(&report.attachment), None)
                    }
                    JobState::Done => {
                        (JobStatus::Done, String::new(), None, Some(&report.attachment), None)
                    }
                    JobState::Failed { code, info } => {
                        let text = if info.is_empty() || info == "OK" {
                            "cluster_mgr failed the job without saying why".to_owned()
                        } else {
                            info.clone()
                        };
                        (
                            JobStatus::Failed,
                            crate::domain::job::cluster_mgr_failure(&text, *code),
                            Some(*code),
                            Some(&report.attachment),
                            None,
                        )
                    }
                };
                if att.is_some() && now() - seen >= SEEN_EVERY_SECS {
                    state.store.job_seen(rec.id, now()).await?;
                    rec.cm_seen_at = Some(now());
                }
                let p = progress_of(&rec, &params, att, status, &error);
                save_progress(state, &mut rec, &p).await?;
                if status != JobStatus::Running {
                    let end = End { ok: status == JobStatus::Done, error, code, reason: None };
                    return close(state, &mut rec, &p, end, cm, tx).await;
                }
                let mut v = view(&rec, "");
                v.waiting = waiting;
                tx.send_if_modified(|old| replace(old, v));
            }
            Err(e) => {
                // cluster_mgr unreachable is not the job failing: say so, keep following.
                // Logged and counted here, with the job (`/metrics` shows the count as
                // xpanel_job_poll_failures_total).
                tracing::warn!(job = rec.id, error = %e, "cluster_mgr did not report a job's status");
                let failure = AppError::from(e);
                if let AppError::Klustron(f) = &failure {
                    state.jobs.count_poll_failure(f.kind());
                }
                let notice = failure.message(crate::i18n::Locale::en);
                tx.send_if_modified(|v| replace(v, view(&rec, &notice)));
                wait = (wait * 2).min(MAX_BACKOFF);
            }
        }
        tokio::time::sleep(wait).await;
    }
}

/// Whether the console gives a memo-less job up, and why.
fn given_up(job_type: &str, reason: WaitReason, waited_secs: i64, p: &JobPolicy) -> Option<End> {
    let waited = Duration::from_secs(waited_secs.max(0) as u64);
    let why = match reason {
        // cluster_mgr 1.0.x accepts update_machine and does nothing with it
        // (`MachineRequest::UpdateMachine` is empty): once a later job has started,
        // this one was set up and left without a trace.
        WaitReason::Silent if job_type == "update_machine" => EndReason::NotApplied,
        WaitReason::Queued if waited >= p.start_timeout => {
            EndReason::NotStarted(p.start_timeout.as_secs())
        }
        WaitReason::Silent if waited >= p.silent_timeout => {
            EndReason::Silent(p.silent_timeout.as_secs())
        }
        _ => return None,
    };
    let error = why.message(crate::i18n::Locale::en);
    Some(End { ok: false, error, code: None, reason: Some(why) })
}

fn progress_of(
    rec: &JobRecord,
    params: &serde_json::Value,
    att: Option<&serde_json::Map<String, serde_json::Value>>,
    status: JobStatus,
    error: &str,
) -> Progress {
    let before: Progress = serde_json::from_str(&rec.progress).unwrap_or_default();
    progress::steps(&rec.job_type, params, att, status, error, &before)
}

async fn save_progress(
    state: &AppState,
    rec: &mut JobRecord,
    p: &Progress,
) -> Result<(), AppError> {
    let json = serde_json::to_string(p).map_err(|_| AppError::Internal)?;
    if json != rec.progress {
        state.store.job_progress(rec.id, &json).await?;
        rec.progress = json;
    }
    Ok(())
}

async fn close(
    state: &AppState,
    rec: &mut JobRecord,
    p: &Progress,
    end: End,
    cm: &JobId,
    tx: &watch::Sender<JobView>,
) -> Result<(), AppError> {
    // Before the end is visible anywhere: the next machine list counts what the job
    // changed instead of showing counts kept from before it (klustron's counts.rs).
    if let Some(k) = &state.klustron {
        if let Ok(db) = k.metadata.db().await {
            db.forget_counts();
        }
    }
    save_progress(state, rec, p).await?;
    finished(state, rec, &end, cm).await?;
    *rec = state.store.job(rec.id).await?.ok_or(AppError::Internal)?;
    tx.send_replace(view(rec, ""));
    Ok(())
}

fn replace(old: &mut JobView, new: JobView) -> bool {
    // `updated_at` moves on every saved poll; only a visible change is worth sending.
    let same = JobView { updated_at: old.updated_at, ..new.clone() };
    if *old == same {
        return false;
    }
    *old = new;
    true
}

/// After a restart: follow every job that was running; a job that was never answered
/// by cluster_mgr cannot be followed and is closed with an explanation.
pub async fn resume(state: &AppState) -> Result<usize, AppError> {
    let mut resumed = 0;
    for rec in state.store.unfinished_jobs().await? {
        if rec.status == "running" && rec.cm_job_id.is_some() {
            tracing::info!(job = rec.id, cm_job = ?rec.cm_job_id, "following a job again after restart");
            follow(state, rec);
            resumed += 1;
        } else if rec.submitted_ms.is_empty() {
            super::close_unanswered(state, &rec).await?;
        } else {
            // Stopped between submit and answer: the job may exist in cluster_mgr.
            tokio::spawn(super::reconcile(state.clone(), rec));
        }
    }
    Ok(resumed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memo_less_jobs_are_given_up_after_their_bound_and_update_machine_at_once() {
        let p = JobPolicy {
            start_timeout: Duration::from_secs(60),
            silent_timeout: Duration::from_secs(600),
            ..Default::default()
        };
        assert!(given_up("create_cluster", WaitReason::Queued, 59, &p).is_none());
        let e = given_up("create_cluster", WaitReason::Queued, 60, &p).unwrap();
        assert_eq!(e.reason, Some(EndReason::NotStarted(60)));
        assert!(given_up("delete_node", WaitReason::Silent, 599, &p).is_none());
        assert!(given_up("delete_node", WaitReason::Silent, 600, &p).is_some());
        let e = given_up("update_machine", WaitReason::Silent, 0, &p).unwrap();
        assert_eq!(e.reason, Some(EndReason::NotApplied));
        assert!(given_up("update_machine", WaitReason::Queued, 10, &p).is_none());
    }
}
