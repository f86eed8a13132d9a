//! Starting, stopping and restarting one instance of a cluster: a storage node (named by
//! its shard, host and port) or a compute node (named by its id). Each server function
//! checks the privilege for the cluster, finds the instance in it, checks the typed
//! confirmation of a stop or a restart, then submits cluster_mgr's `control_instance`
//! and returns the console's job id. Also an instance's CPU limit
//! (`update_instance_cgroup`).

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::{
    backend::{auth::guard, clusters},
    domain::{access::Privilege, node_control::Instance},
};
use leptos::prelude::*;

/// Starts, stops or restarts (`control`) a storage node of shard `shard_id`; a stop or a
/// restart needs `confirm` to be `host:port`.
#[server(endpoint = "instances/control_storage")]
pub async fn control_storage_node(
    cluster_id: i64,
    shard_id: i64,
    hostaddr: String,
    port: u16,
    control: String,
    #[server(default)] confirm: String,
) -> Result<i64, AppError> {
    let who = guard::require(Privilege::NodeControl, Some(cluster_id)).await?;
    let instance = Instance::Storage { shard_id, host: hostaddr, port };
    clusters::control_instance(&who, cluster_id, &instance, &control, &confirm).await
}

/// Starts, stops or restarts (`control`) compute node `comp_id`; a stop or a restart
/// needs `confirm` to be `host:port`.
#[server(endpoint = "instances/control_comp")]
pub async fn control_comp_node(
    cluster_id: i64,
    comp_id: i64,
    control: String,
    #[server(default)] confirm: String,
) -> Result<i64, AppError> {
    let who = guard::require(Privilege::NodeControl, Some(cluster_id)).await?;
    let instance = Instance::Compute { comp_id };
    clusters::control_instance(&who, cluster_id, &instance, &control, &confirm).await
}

/// Sets an instance's CPU limit: `cores` (1-256) as a `quota` or a `share`. The instance
/// is a storage node (its shard, host and port) or, with `comp_id` above 0, a compute
/// node. The job's id.
#[server(endpoint = "instances/cpu_limit")]
pub async fn set_cpu_limit(
    cluster_id: i64,
    #[server(default)] shard_id: i64,
    #[server(default)] hostaddr: String,
    #[server(default)] port: u16,
    #[server(default)] comp_id: i64,
    cores: String,
    mode: String,
) -> Result<i64, AppError> {
    let who = guard::require(Privilege::Configure, Some(cluster_id)).await?;
    let instance = Instance::from_fields(shard_id, hostaddr, port, comp_id);
    clusters::set_cpu_limit(&who, cluster_id, &instance, &cores, &mode).await
}
