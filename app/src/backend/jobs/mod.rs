//! Submitting cluster_mgr jobs and following them. A job is recorded in the console's
//! store before it is sent, updated when cluster_mgr accepts it, followed by one task on
//! the server ([`follower`]) that saves every step, and closed (its outcome audited
//! once) when cluster_mgr reports its end.

pub mod events;
pub mod follower;
pub mod progress;

use klustron::jobs::Job;
use klustron::JobId;

use super::auth::CurrentSession;
use super::store::audit::{AuditEvent, Outcome};
use super::store::jobs::{JobRecord, NewJob};
use super::AppState;
use crate::api::jobs::{JobStatus, JobView};
use crate::error::AppError;
pub use follower::JobHub;
use progress::Progress;

/// Records and submits `job`, then follows it; returns the console's job id.
pub async fn submit<J: Job>(
    state: &AppState,
    who: &CurrentSession,
    client_addr: &str,
    target: &str,
    job: &J,
) -> Result<i64, AppError> {
    let k = state.klustron.clone().ok_or(AppError::NotConfigured)?;
    let job_type = J::TYPE.as_str();
    let params = redact(serde_json::to_value(job).map_err(|_| AppError::Internal)?);
    let id = state
        .store
        .job_submitting(NewJob {
            job_type,
            target,
            params: &params.to_string(),
            user_name: &who.user_name,
            client_addr,
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
    match k.cluster_mgr.submit(&who.user_name, job).await {
        Ok(cm) => {
            state.store.job_accepted(id, cm.as_str()).await?;
            audit(Outcome::Ok, format!("submitted as cluster_mgr job {cm} (console job {id})"))
                .await;
            if let Some(rec) = state.store.job(id).await? {
                follower::follow(state, rec);
            }
            Ok(id)
        }
        Err(e) => {
            let err = AppError::from(e);
            state.store.job_finished(id, false, &err.to_string()).await?;
            audit(Outcome::Failed, format!("not submitted: {err}")).await;
            Err(err)
        }
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

/// Closes a job cluster_mgr reported as ended and audits the outcome, once.
pub(crate) async fn finished(
    state: &AppState,
    rec: &JobRecord,
    ok: bool,
    error: &str,
    cm: &JobId,
) -> Result<(), AppError> {
    if state.store.job_finished(rec.id, ok, error).await? {
        let detail = if ok { format!("cluster_mgr job {cm} done") } else { error.to_owned() };
        audit_end(state, rec, ok, &detail).await;
    }
    Ok(())
}

/// Closes a job that was recorded but never answered by cluster_mgr.
pub(crate) async fn close_unanswered(
    state: &AppState,
    rec: &JobRecord,
    text: &str,
) -> Result<(), AppError> {
    if state.store.job_finished(rec.id, false, text).await? {
        audit_end(state, rec, false, text).await;
    }
    Ok(())
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
        progress::steps(&r.job_type, &params, &Default::default(), status, &r.error)
    });
    JobView {
        id: r.id,
        job_type: r.job_type.clone(),
        target: r.target.clone(),
        user_name: r.user_name.clone(),
        cm_job_id: r.cm_job_id.clone().unwrap_or_default(),
        status,
        error: r.error.clone(),
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
    if let Some(o) = v.as_object_mut() {
        for (k, val) in o.iter_mut() {
            if k.contains("password") {
                *val = serde_json::Value::String("***".into());
            }
        }
    }
    v
}
