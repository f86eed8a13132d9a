//! Submitting cluster_mgr jobs and following them. A job is recorded in the console's
//! store before it is sent, updated when cluster_mgr accepts it, followed by one task on
//! the server ([`follower`]) that saves every step, and closed (its outcome audited
//! once) when cluster_mgr reports its end, or when the console gives it up with a
//! reason ([`EndReason`]).
//!
//! A submit whose answer was lost (timed out, connection broken after sending) may have
//! started a job: cluster_mgr records every job before it answers, with the whole
//! request in `job_info`, so the console looks for it there by the envelope's
//! timestamp ([`reconcile`]) and follows it if found.

pub mod events;
pub mod follower;
pub mod progress;

use std::time::Duration;

use klustron::jobs::Job;
use klustron::{ClientError, JobId};

use super::auth::CurrentSession;
use super::store::audit::{AuditEvent, Outcome};
use super::store::jobs::{JobEnd, JobRecord, NewJob};
use super::AppState;
use crate::domain::job::{EndReason, JobStatus, JobView, JobWait, WaitReason};
use crate::error::AppError;
pub use follower::{JobHub, JobPolicy};
use progress::Progress;

/// How a job ended.
pub(crate) struct End {
    pub ok: bool,
    /// English, for the record and logs; the UI shows `reason` when there is one.
    pub error: String,
    pub code: Option<i64>,
    pub reason: Option<EndReason>,
}

/// Records and submits `job`, then follows it; returns the console's job id.
pub async fn submit<J: Job>(
    state: &AppState,
    who: &CurrentSession,
    client_addr: &str,
    target: &str,
    job: &J,
) -> Result<i64, AppError> {
    let k = state.klustron.clone().ok_or(AppError::NotConfigured)?;
    // A sync job is answered in its reply: there would be nothing to follow.
    if J::TYPE.is_sync() {
        return Err(AppError::Internal);
    }
    let job_type = J::TYPE.as_str();
    let params = redact(serde_json::to_value(job).map_err(|_| AppError::Internal)?);
    let stamp = klustron::client::now_ms();
    let id = state
        .store
        .job_submitting(NewJob {
            job_type,
            target,
            params: &params.to_string(),
            user_name: &who.user_name,
            client_addr,
            submitted_ms: &stamp.to_string(),
        })
        .await?;
    let audit = |outcome, detail: String| {
        let store = state.store.clone();
        let (user, addr, target) =
            (who.user_name.clone(), client_addr.to_owned(), target.to_owned());
        async move {
            store
                .audit(AuditEvent {
                    user_name: &user,
                    client_addr: &addr,
                    action: job_type,
                    target: &target,
                    outcome,
                    detail: &detail,
                })
                .await
        }
    };
    match k.cluster_mgr.submit_at(&who.user_name, job, stamp).await {
        Ok(cm) => {
            state.store.job_accepted(id, cm.as_str()).await?;
            audit(Outcome::Ok, format!("submitted as cluster_mgr job {cm} (console job {id})"))
                .await;
            if let Some(rec) = state.store.job(id).await? {
                follower::follow(state, rec);
            }
            Ok(id)
        }
        Err(e) if may_have_arrived(&e) => {
            // Not known to have failed: find it in cluster_mgr's log, then follow it.
            audit(
                Outcome::Ok,
                format!("submitted; the answer was lost ({e}); looking for the job"),
            )
            .await;
            if let Some(rec) = state.store.job(id).await? {
                tokio::spawn(reconcile(state.clone(), rec));
            }
            Ok(id)
        }
        Err(e) => {
            let err = AppError::from(e);
            let end = End { ok: false, error: err.to_string(), code: None, reason: None };
            record_end(state, id, &end).await?;
            audit(Outcome::Failed, format!("not submitted: {err}")).await;
            Err(err)
        }
    }
}

/// The request may have reached cluster_mgr and started a job: it timed out, the
/// connection broke after it was sent, or the answer could not be read (garbled, or an
/// error page from something in between). A refused connection never reached it, and
/// a refusal from cluster_mgr itself is an answer.
fn may_have_arrived(e: &ClientError) -> bool {
    match e {
        ClientError::Timeout { .. } | ClientError::Network { .. } | ClientError::Malformed(_) => {
            true
        }
        ClientError::HttpStatus { status, .. } => *status >= 500,
        _ => false,
    }
}

/// How often, and how long, a lost submit is looked for.
const RECONCILE_TRIES: u32 = 5;
const RECONCILE_PAUSE: Duration = Duration::from_secs(2);

/// Finds a job whose submit answer was lost in `cluster_general_job_log` (same type,
/// user and envelope timestamp) and follows it; or closes it as not submitted.
pub(crate) async fn reconcile(state: AppState, rec: JobRecord) {
    let stamp: u128 = rec.submitted_ms.parse().unwrap_or(0);
    for attempt in 0..RECONCILE_TRIES {
        let found = match state.klustron.as_ref() {
            Some(k) => match k.meta().await {
                Ok(db) => {
                    db.find_submitted(&rec.job_type, &rec.user_name, stamp).await.ok().flatten()
                }
                Err(_) => None,
            },
            None => None,
        };
        if let Some(row) = found {
            tracing::info!(
                job = rec.id,
                cm_job = row.id,
                "found a job whose submit answer was lost"
            );
            let cm = row.id.to_string();
            if state.store.job_accepted(rec.id, &cm).await.is_ok() {
                if let Ok(Some(rec)) = state.store.job(rec.id).await {
                    follower::follow(&state, rec);
                }
            }
            return;
        }
        if attempt + 1 < RECONCILE_TRIES {
            tokio::time::sleep(RECONCILE_PAUSE).await;
        }
    }
    let end = End {
        ok: false,
        error: EndReason::LostSubmit.message(crate::i18n::Locale::en),
        code: None,
        reason: Some(EndReason::LostSubmit),
    };
    if let Err(e) = close(&state, &rec, &end).await {
        tracing::error!(job = rec.id, error = %e, "could not close a lost submit");
    }
}

/// Where console job `id` stands: the follower's latest view while it runs (starting a
/// follower if none is running, e.g. for a job recorded before this process started),
/// else the record.
pub async fn view_of(state: &AppState, id: i64) -> Result<JobView, AppError> {
    if let Some(rx) = state.jobs.watch(id) {
        return Ok(rx.borrow().clone());
    }
    let rec = state.store.job(id).await?.ok_or_else(|| AppError::NotFound(format!("job {id}")))?;
    if rec.status == "running" {
        follower::follow(state, rec.clone());
    }
    Ok(view(&rec, ""))
}

/// One page of jobs, newest first; running ones as their followers see them.
pub async fn page(
    state: &AppState,
    status: Option<&str>,
    per_page: u32,
    page: u32,
) -> Result<(Vec<JobView>, i64), AppError> {
    let offset = i64::from(page - 1) * i64::from(per_page);
    let (rows, total) = state.store.jobs_page(status, i64::from(per_page), offset).await?;
    let views = rows
        .iter()
        .map(|r| match state.jobs.watch(r.id) {
            Some(rx) => rx.borrow().clone(),
            None => view(r, ""),
        })
        .collect();
    Ok((views, total))
}

/// Records `end`; true only for the call that ended the job.
async fn record_end(state: &AppState, id: i64, end: &End) -> Result<bool, AppError> {
    let reason = end.reason.map(EndReason::key).unwrap_or_default();
    let end = JobEnd { ok: end.ok, error: &end.error, code: end.code, reason: &reason };
    Ok(state.store.job_finished(id, end).await?)
}

/// Closes a job cluster_mgr reported as ended (or the console gave up on) and audits
/// the outcome, once.
pub(crate) async fn finished(
    state: &AppState,
    rec: &JobRecord,
    end: &End,
    cm: &JobId,
) -> Result<(), AppError> {
    if record_end(state, rec.id, end).await? {
        let detail = if end.ok { format!("cluster_mgr job {cm} done") } else { end.error.clone() };
        audit_end(state, rec, end.ok, &detail).await;
    }
    Ok(())
}

/// Closes a job the console cannot follow, with its reason, and audits it once.
async fn close(state: &AppState, rec: &JobRecord, end: &End) -> Result<(), AppError> {
    if record_end(state, rec.id, end).await? {
        audit_end(state, rec, false, &end.error).await;
    }
    Ok(())
}

/// Closes a job that was recorded but never answered by cluster_mgr.
pub(crate) async fn close_unanswered(state: &AppState, rec: &JobRecord) -> Result<(), AppError> {
    let end = End {
        ok: false,
        error: EndReason::Unanswered.message(crate::i18n::Locale::en),
        code: None,
        reason: Some(EndReason::Unanswered),
    };
    close(state, rec, &end).await
}

async fn audit_end(state: &AppState, rec: &JobRecord, ok: bool, detail: &str) {
    state
        .store
        .audit(AuditEvent {
            user_name: &rec.user_name,
            client_addr: "",
            action: &format!("{}:finished", rec.job_type),
            target: &rec.target,
            outcome: if ok { Outcome::Ok } else { Outcome::Failed },
            detail,
        })
        .await;
}

/// The browser's view of a record (steps as last saved), with a passing `notice`.
pub(crate) fn view(r: &JobRecord, notice: &str) -> JobView {
    let status = match r.status.as_str() {
        "done" => JobStatus::Done,
        "failed" => JobStatus::Failed,
        _ => JobStatus::Running,
    };
    let progress: Progress = serde_json::from_str(&r.progress).unwrap_or_else(|_| {
        // Not polled yet (or a job from before progress was saved): derive from params.
        let params = serde_json::from_str(&r.params).unwrap_or_default();
        progress::steps(&r.job_type, &params, None, status, &r.error, &Progress::default())
    });
    JobView {
        id: r.id,
        job_type: r.job_type.clone(),
        target: r.target.clone(),
        user_name: r.user_name.clone(),
        cm_job_id: r.cm_job_id.clone().unwrap_or_default(),
        status,
        error: r.error.clone(),
        error_code: r.error_code,
        waiting: (r.status == "submitting")
            .then_some(JobWait { since: r.created_at, reason: WaitReason::AnswerLost }),
        end_reason: EndReason::parse(&r.end_reason),
        notice: notice.to_owned(),
        percent: progress.percent(status),
        steps: progress.steps,
        cluster_id: progress.cluster_id,
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

/// Job parameters are stored and shown; passwords are not.
fn redact(mut v: serde_json::Value) -> serde_json::Value {
    klustron::secrets::scrub(&mut v);
    v
}
