//! Rows of Klustron's `kunlun_metadata_db`, typed. The metadata is written by
//! cluster_mgr and by hand; values that do not parse become `Unknown`/`None` rather than
//! failing the whole page.

use serde::{Deserialize, Serialize};

pub use klustron_vocab::{HaMode, InstanceStatus, MachineType, MemberState, NodeStats};

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
    /// `inuse` or `deleted` in Klustron's schema (meta_inuse.sql); shown as written.
    pub status: String,
    pub when_created: String,
    /// The creation parameters cluster_mgr keeps, without the password; `None` for a
    /// cluster installed by script (or still being created), which cluster_mgr refuses
    /// to change (70113, `cluster_comm.cc` `GetClusterMemoParams`).
    pub memo: Option<ClusterMemo>,
}

/// `db_clusters.memo`, written by `CreateClusterMission::PostCreateCluster` at the end of
/// a successful create: `{ha_mode, shards, nodes, comps, max_storage_size,
/// max_connections, cpu_cores, computer_user, computer_passwd, innodb_size, dbcfg}`.
/// Only what the console uses is kept; the password never leaves the parser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterMemo {
    /// The compute nodes' account, if the memo names one.
    pub computer_user: Option<String>,
}

impl ClusterMemo {
    /// `None` for a NULL, empty or unreadable memo (cluster_mgr treats those alike).
    pub fn parse(text: &str) -> Option<Self> {
        let v: serde_json::Value = serde_json::from_str(text.trim()).ok()?;
        let o = v.as_object()?;
        let user = o
            .get("computer_user")
            .and_then(|u| u.as_str())
            .filter(|u| {
                !u.is_empty()
                    && u.len() <= 64
                    && u.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            })
            .map(str::to_owned);
        Some(Self { computer_user: user })
    }
}

/// `shards`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shard {
    pub id: i64,
    pub name: String,
    pub db_cluster_id: i64,
    pub num_nodes: i64,
    pub sync_num: i64,
    /// `degrade_conf_state = 'ON'`: with no replica acknowledging within
    /// `degrade_conf_time` seconds, the primary goes on asynchronously (cluster_mgr
    /// reads all three from `shards` in 1.0.2 `kl_mentain/shard.cc`
    /// `MetadataShard::refresh_shards`).
    pub degrade_on: bool,
    pub degrade_secs: i64,
    /// `degrade_run_state = 'ON'`: the shard is degraded now.
    pub degraded_now: bool,
}

/// `backup_storage`: where backups (and a rebuild's saved old data) go. 1.0's schema
/// knows `HDFS`, `S3`, `EBS`, `CEPH`, `OTHER`; 1.1+'s installer adds `SSH`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupTarget {
    pub name: String,
    pub stype: String,
    pub hostaddr: String,
    pub port: u16,
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
    /// `sync_state` is `fsync` (the default), not `async`: a replica cluster_mgr may
    /// switch over to (70177 otherwise).
    pub fullsync: bool,
    pub status: InstanceStatus,
    pub cpu_cores: i64,
}

/// `comp_nodes`: one compute instance. `port` is PostgreSQL's, `mysql_port` MySQL's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompNode {
    /// Unique within its cluster only (`PRIMARY KEY (db_cluster_id, id)`).
    pub id: i64,
    pub name: String,
    pub hostaddr: String,
    pub port: u16,
    pub mysql_port: u16,
    /// The metadata has no MySQL port for the node (no `mysql_port` column, as in
    /// cluster_mgr 1.0): `mysql_port` is PostgreSQL's + 1, cluster_mgr's convention.
    pub mysql_port_derived: bool,
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

/// cluster_mgr keeps used and installing ports as comma-separated lists with a trailing
/// comma, or the literal string `NULL` for none (`UpdateUsedPort`/`UpdateInstallingPort`).
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
    fn cluster_memos_keep_the_user_and_never_the_password() {
        let m =
            ClusterMemo::parse(r#"{"ha_mode":"rbr","computer_user":"abc","computer_passwd":"x"}"#)
                .unwrap();
        assert_eq!(m.computer_user.as_deref(), Some("abc"));
        assert!(!format!("{m:?}").contains("passwd"));
        assert_eq!(ClusterMemo::parse(""), None);
        assert_eq!(ClusterMemo::parse("NULL"), None);
        assert_eq!(ClusterMemo::parse("{}").unwrap().computer_user, None);
        assert_eq!(ClusterMemo::parse(r#"{"computer_user":"a b"}"#).unwrap().computer_user, None);
    }

    #[test]
    fn unknown_states_are_kept_not_dropped() {
        assert_eq!(NodeStats::parse("running"), NodeStats::Running);
        assert_eq!(NodeStats::parse("zombie").as_str(), "zombie");
        assert_eq!(InstanceStatus::parse("manual_stop"), InstanceStatus::ManualStop);
    }
}

/// One row of `rbr_consfailover`: a step of a switchover, manual or automatic
/// (zettadb/kunlun `scripts/meta_inuse.sql`; XPanel 1.2 `Cluster.php` `getTaskList`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SwitchoverStep {
    pub step: String,
    /// The primary being replaced, `ip_port`.
    pub host: String,
    pub new_master_host: String,
    pub err_code: Option<i64>,
    pub err_msg: String,
    pub at: String,
}

/// One switchover: the `rbr_consfailover` rows sharing a `taskid`, as XPanel's
/// history reads them (`getSwitcheOverList`, `getNewHost`): started at the first row,
/// its result, new primary and words from the last.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Switchover {
    pub taskid: String,
    pub shard_id: i64,
    /// `consfailover_msg.sw_type`: `manual` or `failover` (automatic).
    pub manual: bool,
    pub steps: Vec<SwitchoverStep>,
}

impl Switchover {
    pub fn old_primary(&self) -> &str {
        self.steps.first().map(|s| s.host.as_str()).unwrap_or_default()
    }
    pub fn new_primary(&self) -> &str {
        self.steps.last().map(|s| s.new_master_host.as_str()).unwrap_or_default()
    }
    pub fn started(&self) -> &str {
        self.steps.first().map(|s| s.at.as_str()).unwrap_or_default()
    }
    pub fn ended(&self) -> &str {
        self.steps.last().map(|s| s.at.as_str()).unwrap_or_default()
    }
    /// XPanel's 成功: the last row's `err_code` is 0 (NULL counts as a failure).
    pub fn ok(&self) -> bool {
        self.steps.last().and_then(|s| s.err_code) == Some(0)
    }
    pub fn err_msg(&self) -> &str {
        self.steps.last().map(|s| s.err_msg.as_str()).unwrap_or_default()
    }
}
