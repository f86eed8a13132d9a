//! The cluster_mgr jobs the console submitted: one job with its steps, and the list.
//! Live changes of one job reach the browser as server-sent events from
//! `/KunlunXPanel/api/jobs/{id}/events` (see `backend::jobs::events`).

use crate::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const PER_PAGE: u32 = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum JobStatus {
    Running,
    Done,
    Failed,
}

impl JobStatus {
    pub fn label(self, l: Locale) -> &'static str {
        match self {
            JobStatus::Running => td_string!(l, job_status.running),
            JobStatus::Done => td_string!(l, job_status.done),
            JobStatus::Failed => td_string!(l, common.failed),
        }
    }
}

/// What a step of a job does (XPanel's progress dialog: 初始化, each compute node, each
/// shard, 完成; jobs without sub-steps have one `Run` step).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepKind {
    Initialise,
    ComputeNode,
    Shard,
    Run,
    Finish,
}

impl StepKind {
    pub fn label(self, l: Locale) -> &'static str {
        match self {
            StepKind::Initialise => td_string!(l, job_step.initialise),
            StepKind::ComputeNode => td_string!(l, job_step.compute_node),
            StepKind::Shard => td_string!(l, job_step.shard),
            StepKind::Run => td_string!(l, job_step.run),
            StepKind::Finish => td_string!(l, job_step.finish),
        }
    }
    pub fn key(self) -> &'static str {
        match self {
            StepKind::Initialise => "init",
            StepKind::ComputeNode => "comp",
            StepKind::Shard => "shard",
            StepKind::Run => "run",
            StepKind::Finish => "finish",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepState {
    Waiting,
    Running,
    Done,
    Failed,
}

impl StepState {
    pub fn as_str(self) -> &'static str {
        match self {
            StepState::Waiting => "waiting",
            StepState::Running => "running",
            StepState::Done => "done",
            StepState::Failed => "failed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobStep {
    pub kind: StepKind,
    /// 1-based among the steps of its kind.
    pub index: u16,
    /// `host:port` of the instances this step installs, once cluster_mgr names them.
    pub hosts: String,
    pub state: StepState,
    /// cluster_mgr's words when this step failed.
    pub error: String,
}

/// A job as the browser sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobView {
    /// The console's job id.
    pub id: i64,
    pub job_type: String,
    pub target: String,
    pub user_name: String,
    /// cluster_mgr's job id once it accepted the job.
    pub cm_job_id: String,
    pub status: JobStatus,
    /// cluster_mgr's words when the job failed.
    pub error: String,
    /// A passing problem (e.g. cluster_mgr unreachable right now) while the job runs.
    pub notice: String,
    pub steps: Vec<JobStep>,
    /// 0-100: steps done out of all steps.
    pub percent: u8,
    /// The cluster the job created or acts on, when known.
    pub cluster_id: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

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
    let run = async {
        guard::require_user()?;
        jobs::view_of(&app_state()?, id).await
    };
    super::finish(run.await)
}

/// Jobs the console submitted, newest first.
#[server(endpoint = "jobs/list")]
pub async fn list_jobs(query: JobListQuery) -> Result<JobPage, AppError> {
    use crate::backend::{app_state, auth::guard, jobs};
    let run = async {
        guard::require_user()?;
        let status = match query.status.as_str() {
            "" => None,
            s @ ("running" | "done" | "failed") => Some(s),
            _ => {
                return Err(AppError::invalid(
                    "status",
                    td_string!(
                        crate::lang::request_locale(),
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
    };
    super::finish(run.await)
}
