//! Submitting cluster_mgr jobs and following them. A job is recorded in the console's
//! store before it is sent, updated when cluster_mgr accepts it, and closed (and its
//! outcome audited, once) when cluster_mgr reports its end.

use klustron::jobs::Job;
use klustron::{JobId, JobState};

use super::auth::CurrentSession;
use super::store::audit::{AuditEvent, Outcome};
use super::store::jobs::{JobRecord, NewJob};
use super::AppState;
use crate::api::jobs::{JobStatus, JobView};
use crate::error::AppError;

/// Records and submits `job`; returns the console's job id.
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

/// Where console job `id` stands, asking cluster_mgr if it is still running.
pub async fn follow(state: &AppState, id: i64) -> Result<JobView, AppError> {
    let rec = state.store.job(id).await?.ok_or_else(|| AppError::NotFound(format!("job {id}")))?;
    if rec.status != "running" {
        return Ok(view(&rec, None));
    }
    let Some(cm) = rec.cm_job_id.as_deref().and_then(|c| JobId::parse(c).ok()) else {
        return Ok(view(&rec, None));
    };
    let k = state.klustron.clone().ok_or(AppError::NotConfigured)?;
    // cluster_mgr unreachable is not the job failing: report it, keep the job running.
    let report = match k.cluster_mgr.status(&cm).await {
        Ok(r) => r,
        Err(e) => return Ok(view(&rec, Some(AppError::from(e).to_string()))),
    };
    let (ok, error) = match &report.state {
        JobState::Running => return Ok(view(&rec, None)),
        JobState::Done => (true, String::new()),
        JobState::Failed { code, info } => (false, format!("{info} (cluster_mgr error {code})")),
    };
    if state.store.job_finished(id, ok, &error).await? {
        let outcome = if ok { Outcome::Ok } else { Outcome::Failed };
        let detail = if ok { format!("cluster_mgr job {cm} done") } else { error.clone() };
        state
            .store
            .audit(AuditEvent {
                user_name: &rec.user_name,
                client_addr: "",
                action: &format!("{}:finished", rec.job_type),
                target: &rec.target,
                outcome,
                detail: &detail,
            })
            .await;
    }
    let rec = state.store.job(id).await?.ok_or(AppError::Internal)?;
    Ok(view(&rec, None))
}

fn view(r: &JobRecord, notice: Option<String>) -> JobView {
    let status = match r.status.as_str() {
        "done" => JobStatus::Done,
        "failed" => JobStatus::Failed,
        _ => JobStatus::Running,
    };
    JobView {
        id: r.id,
        job_type: r.job_type.clone(),
        target: r.target.clone(),
        status,
        error: r.error.clone(),
        notice: notice.unwrap_or_default(),
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
