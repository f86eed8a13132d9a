//! One cluster: its compute nodes (with the ports to connect to), its shards and storage
//! nodes; and the jobs that change it: add shards, compute nodes or storage nodes, and
//! delete the cluster, a shard, a compute node or a storage node. Each server function
//! checks the privilege, then the cluster's rules (`domain::cluster_view`), then submits.

pub use crate::domain::cluster_view::{ClusterDetail, CompNodeDetail, ShardDetail, StorageNodeRow};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::{
    backend::{auth::guard, clusters},
    domain::{access::Privilege, cluster_view::ClusterChange},
};
use leptos::prelude::*;

#[server(endpoint = "clusters/get")]
pub async fn get_cluster(id: i64) -> Result<ClusterDetail, AppError> {
    guard::require_user()?;
    clusters::load(id).await
}

/// Adds `comps` compute nodes (on `hosts`, or where cluster_mgr chooses).
#[server(endpoint = "clusters/add_comps")]
pub async fn add_comps(
    cluster_id: i64,
    comps: String,
    #[server(default)] hosts: Vec<String>,
) -> Result<i64, AppError> {
    use klustron::jobs::{AddComps, MachineType};
    let who = guard::require(Privilege::ClusterScale, Some(cluster_id)).await?;
    let c = clusters::checked(cluster_id, &ClusterChange::AddComps, None).await?;
    let n = clusters::count("comps", &comps)?;
    let hosts = clusters::hosts_with_room(MachineType::Computer, &hosts, usize::from(n)).await?;
    let job = AddComps {
        cluster_id: clusters::cm_id(c.id)?,
        nick_name: c.nick_name.clone(),
        comps: n,
        computer_iplists: hosts,
    };
    clusters::submit(&who, &c, &job).await
}

/// Adds `shards` shards of `replicas` storage nodes each.
#[server(endpoint = "clusters/add_shards")]
pub async fn add_shards(
    cluster_id: i64,
    shards: String,
    replicas: String,
    #[server(default)] hosts: Vec<String>,
) -> Result<i64, AppError> {
    use klustron::jobs::{AddShards, MachineType};
    let who = guard::require(Privilege::ClusterScale, Some(cluster_id)).await?;
    let c = clusters::checked(cluster_id, &ClusterChange::AddShards, None).await?;
    let s = clusters::count("shards", &shards)?;
    let r = clusters::count("replicas", &replicas)?;
    let room = usize::from(s) * usize::from(r);
    let hosts = clusters::hosts_with_room(MachineType::Storage, &hosts, room).await?;
    let job = AddShards {
        cluster_id: clusters::cm_id(c.id)?,
        nick_name: c.nick_name.clone(),
        shards: s,
        nodes: r,
        storage_iplists: hosts,
    };
    clusters::submit(&who, &c, &job).await
}

/// Adds `nodes` storage nodes (replicas) to shard `shard_id`.
#[server(endpoint = "clusters/add_nodes")]
pub async fn add_nodes(
    cluster_id: i64,
    shard_id: i64,
    nodes: String,
    #[server(default)] hosts: Vec<String>,
) -> Result<i64, AppError> {
    use klustron::jobs::{AddNodes, MachineType};
    let who = guard::require(Privilege::ClusterScale, Some(cluster_id)).await?;
    let c = clusters::checked(cluster_id, &ClusterChange::AddNodes { shard_id }, None).await?;
    let n = clusters::count("nodes", &nodes)?;
    let hosts = clusters::hosts_with_room(MachineType::Storage, &hosts, usize::from(n)).await?;
    let job = AddNodes {
        cluster_id: clusters::cm_id(c.id)?,
        nick_name: c.nick_name.clone(),
        shard_id: Some(clusters::cm_id(shard_id)?),
        nodes: n,
        storage_iplists: hosts,
    };
    clusters::submit(&who, &c, &job).await
}

/// Deletes the cluster; `confirm` must be its business name (or name).
#[server(endpoint = "clusters/delete")]
pub async fn delete_cluster(cluster_id: i64, confirm: String) -> Result<i64, AppError> {
    use klustron::jobs::DeleteCluster;
    let who = guard::require(Privilege::ClusterDelete, Some(cluster_id)).await?;
    let c = clusters::checked(cluster_id, &ClusterChange::DeleteCluster, Some(&confirm)).await?;
    let job = DeleteCluster { cluster_id: clusters::cm_id(c.id)?, nick_name: c.nick_name.clone() };
    clusters::submit(&who, &c, &job).await
}

/// Deletes a shard (never the last one); `confirm` must be the shard's name.
#[server(endpoint = "clusters/delete_shard")]
pub async fn delete_shard(
    cluster_id: i64,
    shard_id: i64,
    confirm: String,
) -> Result<i64, AppError> {
    use klustron::jobs::DeleteShard;
    let who = guard::require(Privilege::ClusterScale, Some(cluster_id)).await?;
    let change = ClusterChange::DeleteShard { shard_id };
    let c = clusters::checked(cluster_id, &change, Some(&confirm)).await?;
    let job =
        DeleteShard { cluster_id: clusters::cm_id(c.id)?, shard_id: clusters::cm_id(shard_id)? };
    clusters::submit(&who, &c, &job).await
}

/// Deletes a compute node (never the last one); `confirm` must be the node's name.
#[server(endpoint = "clusters/delete_comp")]
pub async fn delete_comp(cluster_id: i64, comp_id: i64, confirm: String) -> Result<i64, AppError> {
    use klustron::jobs::DeleteComp;
    let who = guard::require(Privilege::ClusterScale, Some(cluster_id)).await?;
    let change = ClusterChange::DeleteComp { comp_id };
    let c = clusters::checked(cluster_id, &change, Some(&confirm)).await?;
    let job = DeleteComp {
        cluster_id: clusters::cm_id(c.id)?,
        nick_name: c.nick_name.clone(),
        comp_id: clusters::cm_id(comp_id)?,
    };
    clusters::submit(&who, &c, &job).await
}

/// Deletes a storage node (a replica, never the primary nor a shard's last node);
/// `confirm` must be `host:port`.
#[server(endpoint = "clusters/delete_node")]
pub async fn delete_node(
    cluster_id: i64,
    shard_id: i64,
    hostaddr: String,
    port: u16,
    confirm: String,
) -> Result<i64, AppError> {
    use klustron::jobs::DeleteNode;
    let who = guard::require(Privilege::ClusterScale, Some(cluster_id)).await?;
    let change = ClusterChange::DeleteNode { shard_id, host: hostaddr.clone(), port };
    let c = clusters::checked(cluster_id, &change, Some(&confirm)).await?;
    let job = DeleteNode {
        cluster_id: clusters::cm_id(c.id)?,
        shard_id: clusters::cm_id(shard_id)?,
        hostaddr,
        port,
    };
    clusters::submit(&who, &c, &job).await
}
