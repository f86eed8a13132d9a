//! The cluster_mgr jobs the console submitted: one job with its steps, and the list.
//! Live changes of one job reach the browser as server-sent events from
//! `/KunlunXPanel/api/jobs/{id}/events` (see `backend::jobs::events`).

pub use crate::domain::job::{
    JobStatus, JobStep, JobView, JobWait, StepKind, StepState, WaitReason,
};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::i18n::*;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const PER_PAGE: u32 = 20;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct JobListQuery {
    /// `running`, `done`, `failed`, or empty for all.
    pub status: String,
    /// 1-based.
    pub page: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobPage {
    pub rows: Vec<JobView>,
    pub total: i64,
    pub page: u32,
    pub pages: u32,
}

/// Where job `id` stands (from the console's record, which its poller keeps current).
#[server(endpoint = "jobs/get")]
pub async fn get_job(id: i64) -> Result<JobView, AppError> {
    use crate::backend::{app_state, auth::guard, jobs};
    guard::require_user()?;
    jobs::view_of(&app_state()?, id).await
}

/// Jobs the console submitted, newest first.
#[server(endpoint = "jobs/list")]
pub async fn list_jobs(query: JobListQuery) -> Result<JobPage, AppError> {
    use crate::backend::{app_state, auth::guard, jobs};
    guard::require_user()?;
    let status = match query.status.as_str() {
        "" => None,
        s @ ("running" | "done" | "failed") => Some(s),
        _ => {
            return Err(AppError::invalid(
                "status",
                td_string!(
                    crate::backend::locale::request_locale(),
                    api_jobs.status_running_done_or_failed
                ),
            ))
        }
    };
    let page = query.page.clamp(1, 1_000_000);
    let state = app_state()?;
    let (rows, total) = jobs::page(&state, status, PER_PAGE, page).await?;
    let pages = u32::try_from((total + i64::from(PER_PAGE) - 1) / i64::from(PER_PAGE))
        .unwrap_or(u32::MAX)
        .max(1);
    Ok(JobPage { rows, total, page, pages })
}
