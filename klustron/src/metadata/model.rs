//! Rows of Klustron's `kunlun_metadata_db`, typed. The metadata is written by
//! cluster_mgr and by hand; values that do not parse become `Unknown`/`None` rather than
//! failing the whole page.

use serde::{Deserialize, Serialize};

use crate::jobs::{HaMode, MachineType};

/// `server_nodes.node_stats`, as XPanel shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum NodeStats {
    /// 在线: online, accepts new instances.
    Running,
    /// 不允许再装实例: online, but no new instances.
    Idle,
    /// 离线: node_mgr does not answer.
    Dead,
    Unknown(String),
}

impl NodeStats {
    pub fn parse(s: &str) -> Self {
        match s {
            "running" => NodeStats::Running,
            "idle" => NodeStats::Idle,
            "dead" => NodeStats::Dead,
            other => NodeStats::Unknown(other.to_owned()),
        }
    }
    pub fn as_str(&self) -> &str {
        match self {
            NodeStats::Running => "running",
            NodeStats::Idle => "idle",
            NodeStats::Dead => "dead",
            NodeStats::Unknown(s) => s,
        }
    }
}

/// Instance status in `comp_nodes.status` and `shard_nodes.status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum InstanceStatus {
    /// 运行中
    Active,
    /// 异常
    Inactive,
    /// 安装中
    Creating,
    /// 停止
    ManualStop,
    Deleted,
    Unknown(String),
}

impl InstanceStatus {
    pub fn parse(s: &str) -> Self {
        match s {
            "active" => InstanceStatus::Active,
            "inactive" => InstanceStatus::Inactive,
            "creating" => InstanceStatus::Creating,
            "manual_stop" => InstanceStatus::ManualStop,
            "deleted" => InstanceStatus::Deleted,
            other => InstanceStatus::Unknown(other.to_owned()),
        }
    }
    pub fn as_str(&self) -> &str {
        match self {
            InstanceStatus::Active => "active",
            InstanceStatus::Inactive => "inactive",
            InstanceStatus::Creating => "creating",
            InstanceStatus::ManualStop => "manual_stop",
            InstanceStatus::Deleted => "deleted",
            InstanceStatus::Unknown(s) => s,
        }
    }
}

/// `member_state` of storage nodes, metadata nodes and cluster_mgr nodes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MemberState {
    /// The primary (or the raft leader for cluster_mgr).
    Source,
    Replica,
    Unknown(String),
}

impl MemberState {
    pub fn parse(s: &str) -> Self {
        match s {
            "source" => MemberState::Source,
            "replica" => MemberState::Replica,
            other => MemberState::Unknown(other.to_owned()),
        }
    }
}

/// One row of `server_nodes`: a host in one role (a host with both roles is two rows).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Machine {
    pub id: i64,
    pub hostaddr: String,
    pub machine_type: Option<MachineType>,
    pub port_range: Option<(u16, u16)>,
    pub used_ports: Vec<u16>,
    pub installing_ports: Vec<u16>,
    pub node_stats: NodeStats,
    pub total_cpu_cores: i64,
    pub total_mem_mb: i64,
    pub rack_id: String,
    pub datadir: String,
    pub logdir: String,
    pub wal_log_dir: String,
    pub comp_datadir: String,
}

/// `db_clusters`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cluster {
    pub id: i64,
    pub name: String,
    /// Empty for clusters installed by scripts (XPanel hides those; we do not).
    pub nick_name: String,
    pub ha_mode: Option<HaMode>,
    pub status: String,
    pub when_created: String,
    pub memo: String,
}

/// `shards`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shard {
    pub id: i64,
    pub name: String,
    pub db_cluster_id: i64,
    pub num_nodes: i64,
    pub sync_num: i64,
}

/// `shard_nodes`: one storage instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardNode {
    pub id: i64,
    pub hostaddr: String,
    pub port: u16,
    pub shard_id: i64,
    pub db_cluster_id: i64,
    pub member_state: MemberState,
    /// Seconds behind the primary.
    pub replica_delay: i64,
    pub status: InstanceStatus,
    pub cpu_cores: i64,
}

/// `comp_nodes`: one compute instance. `port` is PostgreSQL's, `mysql_port` MySQL's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompNode {
    pub id: i64,
    pub name: String,
    pub hostaddr: String,
    pub port: u16,
    pub mysql_port: Option<u16>,
    pub db_cluster_id: i64,
    pub status: InstanceStatus,
    pub cpu_cores: i64,
    pub max_mem_mb: i64,
    pub max_conns: i64,
}

/// `meta_db_nodes` and `cluster_mgr_nodes`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberNode {
    pub hostaddr: String,
    pub port: u16,
    pub member_state: MemberState,
}

/// `cluster_general_job_log`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobLogEntry {
    pub id: i64,
    pub job_type: String,
    pub status: String,
    pub user_name: String,
    pub when_started: String,
    pub when_ended: String,
    pub memo: String,
}

/// `"57000-58000"`; anything else is `None`.
pub fn parse_port_range(s: &str) -> Option<(u16, u16)> {
    let (a, b) = s.trim().split_once('-')?;
    let (a, b) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
    (a <= b).then_some((a, b))
}

/// cluster_mgr keeps used and installing ports as comma-separated lists.
pub fn parse_port_list(s: &str) -> Vec<u16> {
    s.split(',').filter_map(|p| p.trim().parse().ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_ranges_and_lists() {
        assert_eq!(parse_port_range("57000-58000"), Some((57000, 58000)));
        assert_eq!(parse_port_range("58000-57000"), None);
        assert_eq!(parse_port_range("abc"), None);
        assert_eq!(parse_port_list("57001,57004, x,"), vec![57001, 57004]);
        assert!(parse_port_list("").is_empty());
    }

    #[test]
    fn unknown_states_are_kept_not_dropped() {
        assert_eq!(NodeStats::parse("running"), NodeStats::Running);
        assert_eq!(NodeStats::parse("zombie").as_str(), "zombie");
        assert_eq!(InstanceStatus::parse("manual_stop"), InstanceStatus::ManualStop);
    }
}
