//! The creation wizard's calls: the machines it may offer, the review (placement preview
//! and pre-checks), and the submission, which validates and pre-checks everything again.

use crate::domain::cluster::ClusterDraft;
pub use crate::domain::cluster_plan::{ClusterPlan, OfferedMachine, Placed, PreCheck};
use crate::error::AppError;
use leptos::prelude::*;

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
    let valid = cluster_plan::validated(crate::backend::locale::request_locale(), &draft)?;
    let machines = klustron()?.meta().await?.machines().await?;
    Ok(cluster_plan::plan(crate::backend::locale::request_locale(), &valid, &machines))
}

/// Submits `create_cluster` after validating the draft and re-running the pre-checks
/// on the metadata as it is at this moment; returns the console's job id.
#[server(endpoint = "clusters/create")]
pub async fn create_cluster(draft: ClusterDraft) -> Result<i64, AppError> {
    use crate::backend::{app_state, auth::guard, cluster_plan, jobs, klustron::klustron};
    let who = guard::require(crate::domain::access::Privilege::ClusterCreate, None).await?;
    let valid = cluster_plan::validated(crate::backend::locale::request_locale(), &draft)?;
    let machines = klustron()?.meta().await?.machines().await?;
    let plan = cluster_plan::plan(crate::backend::locale::request_locale(), &valid, &machines);
    if let Some(failed) = plan.checks.iter().find(|c| !c.ok) {
        return Err(AppError::invalid("", failed.text.clone()));
    }
    let job = cluster_plan::create_job(&valid);
    let target = valid.nick_name.clone();
    jobs::submit(&app_state()?, &who, &guard::client_addr(), &target, &job).await
}
