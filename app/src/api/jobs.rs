//! Following a cluster_mgr job the console submitted.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum JobStatus {
    Running,
    Done,
    Failed,
}

/// A job as the browser sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobView {
    /// The console's job id.
    pub id: i64,
    pub job_type: String,
    pub target: String,
    pub status: JobStatus,
    /// cluster_mgr's words when the job failed.
    pub error: String,
    /// A passing problem (e.g. cluster_mgr unreachable right now) while the job runs.
    pub notice: String,
}

/// Where job `id` stands.
#[server(endpoint = "jobs/get")]
pub async fn get_job(id: i64) -> Result<JobView, AppError> {
    use crate::backend::{app_state, auth::guard, jobs};
    let run = async {
        guard::require_user()?;
        jobs::follow(&app_state()?, id).await
    };
    super::finish(run.await)
}
