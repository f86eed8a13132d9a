//! States read from metadata rows. Each keeps a value it does not know as `Unknown`,
//! shown as written, rather than failing the whole page.

use serde::{Deserialize, Serialize};

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
