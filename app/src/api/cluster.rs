//! One cluster: its compute nodes (with the ports to connect to), its shards and storage
//! nodes; and the jobs that change it: add shards, compute nodes or storage nodes, and
//! delete the cluster, a shard, a compute node or a storage node. Every deletion needs
//! the thing's name typed back, checked here on the server.

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::i18n::*;
#[cfg(feature = "ssr")]
use crate::lang::fill;
#[cfg(feature = "ssr")]
use crate::{backend::auth::guard, domain::access::Privilege};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompNodeDetail {
    pub id: i64,
    pub name: String,
    pub hostaddr: String,
    pub pg_port: u16,
    pub mysql_port: Option<u16>,
    pub status: String,
    pub cpu_cores: i64,
    pub max_mem_mb: i64,
    pub max_conns: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorageNodeRow {
    pub hostaddr: String,
    pub port: u16,
    pub primary: bool,
    /// Seconds behind the primary.
    pub lag_secs: i64,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardDetail {
    pub id: i64,
    pub name: String,
    pub sync_num: i64,
    pub nodes: Vec<StorageNodeRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterDetail {
    pub id: i64,
    pub name: String,
    pub nick_name: String,
    pub ha_mode: String,
    pub status: String,
    pub created: String,
    /// The compute nodes' account, from the cluster's creation parameters when known.
    pub comp_user: String,
    pub comps: Vec<CompNodeDetail>,
    pub shards: Vec<ShardDetail>,
}

impl ClusterDetail {
    /// What the user types to confirm deleting the cluster: its business name, or its
    /// name when it has none.
    pub fn confirm_word(&self) -> &str {
        if self.nick_name.is_empty() {
            &self.name
        } else {
            &self.nick_name
        }
    }
}

#[server(endpoint = "clusters/get")]
pub async fn get_cluster(id: i64) -> Result<ClusterDetail, AppError> {
    let run = async {
        guard::require_user()?;
        detail(id).await
    };
    super::finish(run.await)
}

/// Adds `comps` compute nodes (on `hosts`, or where cluster_mgr chooses).
#[server(endpoint = "clusters/add_comps")]
pub async fn add_comps(
    cluster_id: i64,
    comps: String,
    #[server(default)] hosts: Vec<String>,
) -> Result<i64, AppError> {
    use klustron::jobs::{AddComps, MachineType};
    let run = async {
        guard::require(Privilege::ClusterScale, Some(cluster_id)).await?;
        let c = detail(cluster_id).await?;
        let n = count("comps", &comps)?;
        let hosts = room(MachineType::Computer, &hosts, usize::from(n)).await?;
        let job = AddComps {
            cluster_id: id32(c.id)?,
            nick_name: c.nick_name.clone(),
            comps: n,
            computer_iplists: hosts,
        };
        submit(&c, &job).await
    };
    super::finish(run.await)
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
    let run = async {
        guard::require(Privilege::ClusterScale, Some(cluster_id)).await?;
        let c = detail(cluster_id).await?;
        let s = count("shards", &shards)?;
        let r = count("replicas", &replicas)?;
        let hosts = room(MachineType::Storage, &hosts, usize::from(s) * usize::from(r)).await?;
        let job = AddShards {
            cluster_id: id32(c.id)?,
            nick_name: c.nick_name.clone(),
            shards: s,
            nodes: r,
            storage_iplists: hosts,
        };
        submit(&c, &job).await
    };
    super::finish(run.await)
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
    let run = async {
        guard::require(Privilege::ClusterScale, Some(cluster_id)).await?;
        let c = detail(cluster_id).await?;
        let shard = c.shards.iter().find(|s| s.id == shard_id).ok_or_else(|| {
            AppError::invalid(
                "shard_id",
                td_string!(
                    crate::lang::request_locale(),
                    api_cluster.no_such_shard_in_this_cluster
                ),
            )
        })?;
        let n = count("nodes", &nodes)?;
        let hosts = room(MachineType::Storage, &hosts, usize::from(n)).await?;
        let job = AddNodes {
            cluster_id: id32(c.id)?,
            nick_name: c.nick_name.clone(),
            shard_id: id32(shard.id)?,
            nodes: n,
            storage_iplists: hosts,
        };
        submit(&c, &job).await
    };
    super::finish(run.await)
}

/// Deletes the cluster; `confirm` must be its business name (or name).
#[server(endpoint = "clusters/delete")]
pub async fn delete_cluster(cluster_id: i64, confirm: String) -> Result<i64, AppError> {
    use klustron::jobs::DeleteCluster;
    let run = async {
        guard::require(Privilege::ClusterDelete, Some(cluster_id)).await?;
        let c = detail(cluster_id).await?;
        confirmed(&confirm, c.confirm_word())?;
        let job = DeleteCluster { cluster_id: id32(c.id)?, nick_name: c.nick_name.clone() };
        submit(&c, &job).await
    };
    super::finish(run.await)
}

/// Deletes a shard (never the last one); `confirm` must be the shard's name.
#[server(endpoint = "clusters/delete_shard")]
pub async fn delete_shard(
    cluster_id: i64,
    shard_id: i64,
    confirm: String,
) -> Result<i64, AppError> {
    use klustron::jobs::DeleteShard;
    let run = async {
        guard::require(Privilege::ClusterScale, Some(cluster_id)).await?;
        let c = detail(cluster_id).await?;
        let shard = c
            .shards
            .iter()
            .find(|s| s.id == shard_id)
            .ok_or_else(|| AppError::NotFound(format!("shard {shard_id} of this cluster")))?;
        if c.shards.len() <= 1 {
            return Err(AppError::invalid(
                "",
                td_string!(crate::lang::request_locale(), api_cluster.a_cluster_keeps_at_least_one),
            ));
        }
        confirmed(&confirm, &shard.name)?;
        let job = DeleteShard { cluster_id: id32(c.id)?, shard_id: id32(shard.id)? };
        submit(&c, &job).await
    };
    super::finish(run.await)
}

/// Deletes a compute node (never the last one); `confirm` must be the node's name.
#[server(endpoint = "clusters/delete_comp")]
pub async fn delete_comp(cluster_id: i64, comp_id: i64, confirm: String) -> Result<i64, AppError> {
    use klustron::jobs::DeleteComp;
    let run = async {
        guard::require(Privilege::ClusterScale, Some(cluster_id)).await?;
        let c = detail(cluster_id).await?;
        let comp =
            c.comps.iter().find(|n| n.id == comp_id).ok_or_else(|| {
                AppError::NotFound(format!("compute node {comp_id} of this cluster"))
            })?;
        if c.comps.len() <= 1 {
            return Err(AppError::invalid(
                "",
                td_string!(
                    crate::lang::request_locale(),
                    api_cluster.the_last_compute_node_cannot_be
                ),
            ));
        }
        confirmed(&confirm, &comp.name)?;
        let job = DeleteComp {
            cluster_id: id32(c.id)?,
            nick_name: c.nick_name.clone(),
            comp_id: id32(comp.id)?,
        };
        submit(&c, &job).await
    };
    super::finish(run.await)
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
    let run = async {
        guard::require(Privilege::ClusterScale, Some(cluster_id)).await?;
        let c = detail(cluster_id).await?;
        let shard = c
            .shards
            .iter()
            .find(|s| s.id == shard_id)
            .ok_or_else(|| AppError::NotFound(format!("shard {shard_id} of this cluster")))?;
        let node = shard
            .nodes
            .iter()
            .find(|n| n.hostaddr == hostaddr && n.port == port)
            .ok_or_else(|| AppError::NotFound(format!("storage node {hostaddr}:{port}")))?;
        if node.primary {
            return Err(AppError::invalid(
                "",
                td_string!(
                    crate::lang::request_locale(),
                    api_cluster.the_primary_cannot_be_deleted_switch
                ),
            ));
        }
        if shard.nodes.len() <= 1 {
            return Err(AppError::invalid(
                "",
                td_string!(crate::lang::request_locale(), api_cluster.a_shard_keeps_at_least_one),
            ));
        }
        confirmed(&confirm, &format!("{}:{}", node.hostaddr, node.port))?;
        let job = DeleteNode {
            cluster_id: id32(c.id)?,
            shard_id: id32(shard.id)?,
            hostaddr: node.hostaddr.clone(),
            port: node.port,
        };
        submit(&c, &job).await
    };
    super::finish(run.await)
}

// --- server-side helpers ---------------------------------------------------------------

/// The cluster as the metadata has it now, after checking the session.
#[cfg(feature = "ssr")]
async fn detail(id: i64) -> Result<ClusterDetail, AppError> {
    use crate::backend::klustron::klustron;
    guard::require_user()?;
    let meta = klustron()?.meta().await?;
    let c = meta.cluster(id).await?.ok_or_else(|| AppError::NotFound(format!("cluster {id}")))?;
    let comps = meta.comp_nodes(id).await?;
    let shards = meta.shards(id).await?;
    let nodes = meta.shard_nodes(id).await?;
    let memo: serde_json::Value = serde_json::from_str(&c.memo).unwrap_or_default();
    let comp_user = memo
        .get("computer_user")
        .and_then(|v| v.as_str())
        .filter(|u| {
            !u.is_empty()
                && u.len() <= 32
                && u.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
        .unwrap_or("USER")
        .to_owned();
    Ok(ClusterDetail {
        id: c.id,
        name: c.name,
        nick_name: c.nick_name,
        ha_mode: c.ha_mode.map(|m| m.as_str().to_owned()).unwrap_or_default(),
        status: c.status,
        created: c.when_created,
        comp_user,
        comps: comps
            .into_iter()
            .map(|n| CompNodeDetail {
                id: n.id,
                name: n.name,
                hostaddr: n.hostaddr,
                pg_port: n.port,
                mysql_port: n.mysql_port,
                status: n.status.as_str().to_owned(),
                cpu_cores: n.cpu_cores,
                max_mem_mb: n.max_mem_mb,
                max_conns: n.max_conns,
            })
            .collect(),
        shards: shards
            .into_iter()
            .map(|s| ShardDetail {
                nodes: nodes
                    .iter()
                    .filter(|n| n.shard_id == s.id)
                    .map(|n| StorageNodeRow {
                        hostaddr: n.hostaddr.clone(),
                        port: n.port,
                        primary: n.member_state == klustron::metadata::model::MemberState::Source,
                        lag_secs: n.replica_delay,
                        status: n.status.as_str().to_owned(),
                    })
                    .collect(),
                id: s.id,
                name: s.name,
                sync_num: s.sync_num,
            })
            .collect(),
    })
}

#[cfg(feature = "ssr")]
async fn submit<J: klustron::jobs::Job>(c: &ClusterDetail, job: &J) -> Result<i64, AppError> {
    use crate::backend::{app_state, jobs};
    let who = guard::require_user()?;
    let target = format!("{} (cluster {})", c.confirm_word(), c.id);
    jobs::submit(&app_state()?, &who, &guard::client_addr(), &target, job).await
}

#[cfg(feature = "ssr")]
fn count(field: &'static str, raw: &str) -> Result<u16, AppError> {
    crate::domain::field::number_in(
        crate::lang::request_locale(),
        raw,
        1,
        crate::domain::cluster::MAX_COUNT,
        "",
    )
    .map(|n| n as u16)
    .map_err(|m| AppError::invalid(field, m))
}

/// The chosen machines (canonical addresses) once every one is a running machine of
/// type `t` and they have room for `count` more instances (the wizard's pre-checks).
#[cfg(feature = "ssr")]
async fn room(
    t: klustron::jobs::MachineType,
    raw: &[String],
    count: usize,
) -> Result<Vec<String>, AppError> {
    use crate::backend::{cluster_plan::room_checks, klustron::klustron};
    let hosts = crate::domain::cluster::host_list(crate::lang::request_locale(), raw)
        .map_err(|m| AppError::invalid("hosts", m))?;
    let machines = klustron()?.meta().await?.machines().await?;
    match room_checks(crate::lang::request_locale(), &machines, t, &hosts, count)
        .0
        .into_iter()
        .find(|c| !c.ok)
    {
        Some(c) => Err(AppError::invalid("hosts", c.text)),
        None => Ok(hosts),
    }
}

#[cfg(feature = "ssr")]
fn confirmed(typed: &str, expected: &str) -> Result<(), AppError> {
    if typed.trim() == expected && !expected.is_empty() {
        Ok(())
    } else {
        Err(AppError::invalid(
            "confirm",
            fill!(
                td_string!(crate::lang::request_locale(), api_cluster.type_to_confirm),
                name = expected
            ),
        ))
    }
}

#[cfg(feature = "ssr")]
fn id32(id: i64) -> Result<u32, AppError> {
    u32::try_from(id).map_err(|_| AppError::Internal)
}
