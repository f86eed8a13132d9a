//! 概览 Overview: the deployment at a glance, counted on the server.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub machines_online: i64,
    pub machines_idle: i64,
    pub machines_offline: i64,
    /// (status, count) of the clusters that are not deleted.
    pub clusters: Vec<(String, i64)>,
    /// Jobs the console started and still follows.
    pub jobs_running: i64,
    pub jobs_failed: i64,
    pub jobs_done: i64,
    /// Why the Klustron counts are missing, when they are (the job counts are the
    /// console's own and always shown).
    pub klustron_problem: Option<String>,
}

#[server(endpoint = "overview/get")]
pub async fn get_overview() -> Result<Overview, AppError> {
    use crate::backend::{app_state, auth::guard, klustron::klustron};
    guard::require_user()?;
    let mut out = Overview::default();
    for (status, n) in app_state()?.store.job_counts().await? {
        match status.as_str() {
            "submitting" | "running" => out.jobs_running += n,
            "failed" => out.jobs_failed += n,
            _ => out.jobs_done += n,
        }
    }
    let counts = async {
        let meta = klustron()?.meta().await?;
        Ok::<_, AppError>((meta.machine_stats().await?, meta.cluster_stats().await?))
    };
    match counts.await {
        Ok((machines, clusters)) => {
            for (state, n) in machines {
                match state {
                    klustron_vocab::NodeStats::Running => out.machines_online += n,
                    klustron_vocab::NodeStats::Idle => out.machines_idle += n,
                    _ => out.machines_offline += n,
                }
            }
            out.clusters = clusters;
        }
        Err(e) => out.klustron_problem = Some(e.to_string()),
    }
    Ok(out)
}
