//! The creation wizard's calls: the machines it may offer, the review (placement preview
//! and pre-checks), and the submission, which validates and pre-checks everything again.

use crate::domain::cluster::ClusterDraft;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A machine the wizard offers: running, of the right type, with room left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferedMachine {
    pub hostaddr: String,
    /// `storage` or `computer`.
    pub machine_type: String,
    /// Instances that still fit in its port range.
    pub free_slots: u32,
    pub cpu_cores: i64,
    pub mem_mb: i64,
}

/// Where one instance will land.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placed {
    pub hostaddr: String,
    /// The first port of the instance (mysqld for storage, PostgreSQL for compute).
    pub port: u16,
    /// Compute nodes only: the MySQL-protocol port (PostgreSQL port + 1).
    pub mysql_port: Option<u16>,
}

/// One pre-check and whether it passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreCheck {
    pub ok: bool,
    pub text: String,
}

/// The review step: which shard replica and compute node lands where, the pre-checks,
/// and warnings that do not block.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterPlan {
    /// One list per shard; the first of each is its primary.
    pub shards: Vec<Vec<Placed>>,
    pub comps: Vec<Placed>,
    pub checks: Vec<PreCheck>,
    pub warnings: Vec<String>,
}

impl ClusterPlan {
    pub fn ready(&self) -> bool {
        self.checks.iter().all(|c| c.ok)
    }
}

/// Running machines of both types with room for at least one instance.
#[server(endpoint = "clusters/machines")]
pub async fn offered_machines() -> Result<Vec<OfferedMachine>, AppError> {
    use crate::backend::{auth::guard, cluster_plan, klustron::klustron};
    guard::require_user()?;
    let machines = klustron()?.meta().await?.machines().await?;
    Ok(cluster_plan::offered(&machines))
}

/// Validates the draft and previews the placement against the metadata as it is now.
/// Field problems come back as a validation error naming the field.
#[server(endpoint = "clusters/plan")]
pub async fn plan_cluster(draft: ClusterDraft) -> Result<ClusterPlan, AppError> {
    use crate::backend::{auth::guard, cluster_plan, klustron::klustron};
    guard::require_user()?;
    let valid = cluster_plan::validated(crate::lang::request_locale(), &draft)?;
    let machines = klustron()?.meta().await?.machines().await?;
    Ok(cluster_plan::plan(crate::lang::request_locale(), &valid, &machines))
}

/// Submits `create_cluster` after validating the draft and re-running the pre-checks
/// on the metadata as it is at this moment; returns the console's job id.
#[server(endpoint = "clusters/create")]
pub async fn create_cluster(draft: ClusterDraft) -> Result<i64, AppError> {
    use crate::backend::{app_state, auth::guard, cluster_plan, jobs, klustron::klustron};
    let who = guard::require(crate::domain::access::Privilege::ClusterCreate, None).await?;
    let valid = cluster_plan::validated(crate::lang::request_locale(), &draft)?;
    let machines = klustron()?.meta().await?.machines().await?;
    let plan = cluster_plan::plan(crate::lang::request_locale(), &valid, &machines);
    if let Some(failed) = plan.checks.iter().find(|c| !c.ok) {
        return Err(AppError::invalid("", failed.text.clone()));
    }
    let job = cluster_plan::create_job(&valid);
    let target = valid.nick_name.clone();
    jobs::submit(&app_state()?, &who, &guard::client_addr(), &target, &job).await
}
