//! Rebuilding a shard's replicas (cluster_mgr's `rebuild_node`), under the `rebuild`
//! privilege on the cluster, and the backup targets the old data may be saved to.

pub use crate::domain::rebuild::RebuildAsk;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::{
    backend::{auth::guard, rebuild},
    domain::access::Privilege,
};
use leptos::prelude::*;

/// Rebuilds the replicas `ask` names; `confirm` must be the shard's name. The job's id.
#[server(endpoint = "clusters/rebuild")]
pub async fn rebuild_replicas(
    cluster_id: i64,
    ask: RebuildAsk,
    #[server(default)] confirm: String,
) -> Result<i64, AppError> {
    let who = guard::require(Privilege::Rebuild, Some(cluster_id)).await?;
    rebuild::submit(&who, cluster_id, &ask, &confirm).await
}

/// The backup storage targets (`host:port`) registered in Klustron.
#[server(endpoint = "clusters/backup_targets")]
pub async fn backup_targets() -> Result<Vec<String>, AppError> {
    guard::require_user()?;
    rebuild::backup_targets().await
}
