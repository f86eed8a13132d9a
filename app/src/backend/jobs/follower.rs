//! One follower per running job: a task that asks cluster_mgr where the job stands,
//! saves every change in the store and publishes it to whoever watches (the job page's
//! event stream, any number of tabs). Browsers never cause calls to cluster_mgr; a job
//! is followed whether anyone watches or not, and again after a console restart.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use klustron::{JobId, JobState};
use tokio::sync::watch;

use super::progress;
use super::{finished, view};
use crate::api::jobs::{JobStatus, JobView};
use crate::backend::store::jobs::JobRecord;
use crate::backend::AppState;
use crate::error::AppError;

/// How often a follower asks cluster_mgr while it answers.
const POLL: Duration = Duration::from_millis(200);
/// The longest wait between attempts while cluster_mgr does not answer.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// The jobs being followed, each with the latest view of it.
#[derive(Default)]
pub struct JobHub {
    live: Mutex<HashMap<i64, watch::Receiver<JobView>>>,
}

impl JobHub {
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

async fn poll_until_finished(
    state: &AppState,
    mut rec: JobRecord,
    cm: &JobId,
    tx: &watch::Sender<JobView>,
) -> Result<(), AppError> {
    let params: serde_json::Value = serde_json::from_str(&rec.params).unwrap_or_default();
    let mut wait = POLL;
    loop {
        let Some(k) = state.klustron.clone() else {
            return Err(AppError::NotConfigured);
        };
        match k.cluster_mgr.status(cm).await {
            Ok(report) => {
                wait = POLL;
                let (status, error) = match &report.state {
                    JobState::Running => (JobStatus::Running, String::new()),
                    JobState::Done => (JobStatus::Done, String::new()),
                    JobState::Failed { code, info } => {
                        (JobStatus::Failed, format!("{info} (cluster_mgr error {code})"))
                    }
                };
                let p = progress::steps(&rec.job_type, &params, &report.attachment, status, &error);
                let json = serde_json::to_string(&p).map_err(|_| AppError::Internal)?;
                if json != rec.progress {
                    state.store.job_progress(rec.id, &json).await?;
                    rec.progress = json;
                }
                if status != JobStatus::Running {
                    finished(state, &rec, status == JobStatus::Done, &error, cm).await?;
                    rec = state.store.job(rec.id).await?.ok_or(AppError::Internal)?;
                    tx.send_replace(view(&rec, ""));
                    return Ok(());
                }
                tx.send_if_modified(|v| replace(v, view(&rec, "")));
            }
            Err(e) => {
                // cluster_mgr unreachable is not the job failing: say so, keep following.
                let notice = AppError::from(e).to_string();
                tx.send_if_modified(|v| replace(v, view(&rec, &notice)));
                wait = (wait * 2).min(MAX_BACKOFF);
            }
        }
        tokio::time::sleep(wait).await;
    }
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
        } else {
            let text = "The console stopped before cluster_mgr answered the submission; \
                        look for the job in the operation log · 控制台在提交任务时停止，请在操作记录中查看该任务";
            super::close_unanswered(state, &rec, text).await?;
        }
    }
    Ok(resumed)
}
