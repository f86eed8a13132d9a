//! One cluster as the console shows it (compute nodes with their ports, shards with
//! their storage nodes), and the rules for changing it: the one place where "the last
//! shard stays" and friends are decided. The page asks them to enable its buttons and
//! explain why not; the server functions ask them again before submitting.
//!
//! The rules are cluster_mgr's, checked before it would refuse: the last shard
//! (70174), the last compute node (70157), a shard's last storage node (70159), the
//! primary (70172); and a cluster without a creation memo (installed by script):
//! add_shards, add_comps, add_nodes, delete_shard and delete_node read that memo and
//! fail with 70113 without it (`cluster_comm.cc` `GetClusterMemoParams`), while
//! delete_comp and delete_cluster do not read it.

use crate::domain::shard_settings::Degrade;
use crate::i18n::*;
use crate::lang::fill;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompNodeDetail {
    pub id: i64,
    pub name: String,
    pub hostaddr: String,
    pub pg_port: u16,
    pub mysql_port: u16,
    /// The metadata has no MySQL port for the node: PostgreSQL's + 1, cluster_mgr's
    /// convention (`comp_nodes` has no `mysql_port` in cluster_mgr 1.0).
    pub mysql_port_derived: bool,
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
    /// `sync_state` is fullsync (`fsync`), not `async`.
    pub fullsync: bool,
    pub status: String,
    /// The CPU limit (`shard_nodes.cpu_cores`).
    #[serde(default)]
    pub cpu_cores: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardDetail {
    pub id: i64,
    pub name: String,
    pub sync_num: i64,
    /// The fullsync degrade setting (`shards.degrade_conf_*`).
    pub degrade: Degrade,
    /// `shards.degrade_run_state`: the shard runs degraded now.
    pub degraded_now: bool,
    /// Replicas further behind than this many seconds are flagged.
    pub max_lag_secs: i64,
    pub nodes: Vec<StorageNodeRow>,
}

#[cfg(test)]
impl ShardDetail {
    /// A shard with the default settings, for tests.
    pub fn plain(id: i64, name: &str, nodes: Vec<StorageNodeRow>) -> Self {
        ShardDetail {
            id,
            name: name.into(),
            sync_num: 1,
            degrade: Degrade::Off,
            degraded_now: false,
            max_lag_secs: crate::domain::shard_settings::DEFAULT_MAX_LAG_SECS,
            nodes,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterDetail {
    pub id: i64,
    pub name: String,
    pub nick_name: String,
    /// `None` when `db_clusters.ha_mode` holds a word cluster_mgr does not use.
    pub ha_mode: Option<klustron_vocab::HaMode>,
    pub status: String,
    pub created: String,
    /// The compute nodes' account: `computer_user` of the cluster's memo, else
    /// cluster_mgr's default, `abc`.
    pub comp_user: String,
    /// cluster_mgr has the cluster's creation memo (`db_clusters.memo`).
    pub managed: bool,
    pub comps: Vec<CompNodeDetail>,
    pub shards: Vec<ShardDetail>,
}

/// A change to a cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClusterChange {
    AddComps,
    AddShards,
    AddNodes { shard_id: i64 },
    DeleteCluster,
    DeleteShard { shard_id: i64 },
    DeleteComp { comp_id: i64 },
    DeleteNode { shard_id: i64, host: String, port: u16 },
}

/// Why a change is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Refusal {
    /// No creation memo: cluster_mgr refuses with 70113.
    NotManaged,
    LastShard,
    LastComp,
    LastNode,
    Primary,
    NoSuchShard,
    NoSuchComp,
    NoSuchNode,
    /// Switchover: the metadata names no primary for the shard (cluster_mgr: 70033).
    NoPrimary,
    /// Switchover: the chosen node is the primary (70034).
    TargetIsPrimary,
    /// Switchover: the chosen replica is not fullsync (70177).
    TargetNotFullsync,
    /// Switchover: the chosen replica is not running (70019).
    TargetNotRunning,
    /// Switchover: no replica is running and fullsync, so cluster_mgr has none to pick.
    NoReplicaToPick,
}

impl Refusal {
    pub fn message(self, l: Locale) -> String {
        match self {
            Refusal::NotManaged => td_string!(l, cluster_rule.not_managed),
            Refusal::LastShard => td_string!(l, cluster_rule.last_shard),
            Refusal::LastComp => td_string!(l, cluster_rule.last_comp),
            Refusal::LastNode => td_string!(l, cluster_rule.last_node),
            Refusal::Primary => td_string!(l, cluster_rule.primary),
            Refusal::NoSuchShard => td_string!(l, cluster_rule.no_shard),
            Refusal::NoSuchComp => td_string!(l, cluster_rule.no_comp),
            Refusal::NoSuchNode => td_string!(l, cluster_rule.no_node),
            Refusal::NoPrimary => td_string!(l, switchover.no_primary),
            Refusal::TargetIsPrimary => td_string!(l, switchover.target_is_primary),
            Refusal::TargetNotFullsync => td_string!(l, switchover.target_not_fullsync),
            Refusal::TargetNotRunning => td_string!(l, switchover.target_not_running),
            Refusal::NoReplicaToPick => td_string!(l, switchover.no_replica_to_pick),
        }
        .to_owned()
    }
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

    pub fn shard(&self, id: i64) -> Option<&ShardDetail> {
        self.shards.iter().find(|s| s.id == id)
    }

    /// Whether `change` may be submitted, and if not why: the thing must exist, the
    /// cluster must be one cluster_mgr can change that way, and nothing may be the last
    /// of its kind or a primary.
    pub fn check(&self, change: &ClusterChange) -> Result<(), Refusal> {
        use ClusterChange as C;
        let needs_memo = !matches!(change, C::DeleteCluster | C::DeleteComp { .. });
        match change {
            C::AddNodes { shard_id }
            | C::DeleteShard { shard_id }
            | C::DeleteNode { shard_id, .. } => {
                self.shard(*shard_id).ok_or(Refusal::NoSuchShard)?;
            }
            C::DeleteComp { comp_id } => {
                self.comps.iter().find(|c| c.id == *comp_id).ok_or(Refusal::NoSuchComp)?;
            }
            _ => {}
        }
        if let C::DeleteNode { shard_id, host, port } = change {
            let shard = self.shard(*shard_id).ok_or(Refusal::NoSuchShard)?;
            shard
                .nodes
                .iter()
                .find(|n| &n.hostaddr == host && n.port == *port)
                .ok_or(Refusal::NoSuchNode)?;
        }
        if needs_memo && !self.managed {
            return Err(Refusal::NotManaged);
        }
        match change {
            C::DeleteShard { .. } if self.shards.len() <= 1 => Err(Refusal::LastShard),
            C::DeleteComp { .. } if self.comps.len() <= 1 => Err(Refusal::LastComp),
            C::DeleteNode { shard_id, host, port } => {
                let shard = self.shard(*shard_id).ok_or(Refusal::NoSuchShard)?;
                if shard.nodes.len() <= 1 {
                    return Err(Refusal::LastNode);
                }
                match shard.nodes.iter().find(|n| &n.hostaddr == host && n.port == *port) {
                    Some(n) if n.primary => Err(Refusal::Primary),
                    _ => Ok(()),
                }
            }
            _ => Ok(()),
        }
    }

    /// The word to type to confirm a deletion.
    pub fn confirm_word_for(&self, change: &ClusterChange) -> String {
        match change {
            ClusterChange::DeleteCluster => self.confirm_word().to_owned(),
            ClusterChange::DeleteShard { shard_id } => {
                self.shard(*shard_id).map(|s| s.name.clone()).unwrap_or_default()
            }
            ClusterChange::DeleteComp { comp_id } => self
                .comps
                .iter()
                .find(|c| c.id == *comp_id)
                .map(|c| c.name.clone())
                .unwrap_or_default(),
            ClusterChange::DeleteNode { host, port, .. } => format!("{host}:{port}"),
            _ => String::new(),
        }
    }

    /// The connect commands of a compute node.
    pub fn connect_commands(&self, n: &CompNodeDetail) -> (String, String) {
        let user = &self.comp_user;
        (
            format!("psql -h {} -p {} -U {user} postgres", n.hostaddr, n.pg_port),
            format!("mysql -h {} -P {} -u {user} -p postgres", n.hostaddr, n.mysql_port),
        )
    }
}

/// Whether `typed` is the word to type (blanks around it aside); an empty word matches
/// nothing, so a thing without a name can never be confirmed by an empty field.
pub fn confirmed(expected: &str, typed: &str) -> bool {
    !expected.is_empty() && typed.trim() == expected
}

/// The typed confirmation, or the refusal naming the word to type (field `confirm`).
pub fn check_confirm(l: Locale, expected: &str, typed: &str) -> Result<(), (&'static str, String)> {
    if confirmed(expected, typed) {
        Ok(())
    } else {
        Err(("confirm", confirm_mismatch(l, expected)))
    }
}

/// A typed confirmation that does not match, in `l`.
pub fn confirm_mismatch(l: Locale, expected: &str) -> String {
    fill!(td_string!(l, api_cluster.type_to_confirm), name = expected)
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_confirmation_is_the_word_typed_and_never_an_empty_one() {
        assert!(confirmed("shard_1", " shard_1 "));
        assert!(!confirmed("shard_1", "shard_"));
        assert!(!confirmed("", ""));
        assert!(!confirmed("", "  "));
        assert_eq!(check_confirm(Locale::en, "x", "y").unwrap_err().0, "confirm");
    }

    use super::*;

    fn node(h: &str, primary: bool) -> StorageNodeRow {
        StorageNodeRow {
            hostaddr: h.into(),
            port: 57001,
            primary,
            lag_secs: 0,
            fullsync: true,
            status: "active".into(),
            cpu_cores: 0,
        }
    }

    fn comp(id: i64) -> CompNodeDetail {
        CompNodeDetail {
            id,
            name: format!("comp{id}"),
            hostaddr: "10.0.0.21".into(),
            pg_port: 47001,
            mysql_port: 47002,
            mysql_port_derived: true,
            status: "active".into(),
            cpu_cores: 0,
            max_mem_mb: 0,
            max_conns: 0,
        }
    }

    fn cluster() -> ClusterDetail {
        ClusterDetail {
            id: 1,
            name: "cluster_1_000001".into(),
            nick_name: "orders".into(),
            ha_mode: Some(klustron_vocab::HaMode::Rbr),
            status: "inuse".into(),
            created: String::new(),
            comp_user: "abc".into(),
            managed: true,
            comps: vec![comp(1), comp(2)],
            shards: vec![
                ShardDetail::plain(1, "shard_1", vec![node("a", true), node("b", false)]),
                ShardDetail::plain(2, "shard_2", vec![node("c", true)]),
            ],
        }
    }

    #[test]
    fn each_rule_refuses_what_cluster_mgr_would() {
        use ClusterChange as C;
        let mut c = cluster();
        let del_node = |s, h: &str| C::DeleteNode { shard_id: s, host: h.into(), port: 57001 };
        assert_eq!(c.check(&del_node(1, "a")), Err(Refusal::Primary));
        assert_eq!(c.check(&del_node(1, "b")), Ok(()));
        assert_eq!(c.check(&del_node(2, "c")), Err(Refusal::LastNode));
        assert_eq!(c.check(&del_node(1, "z")), Err(Refusal::NoSuchNode));
        assert_eq!(c.check(&del_node(9, "a")), Err(Refusal::NoSuchShard));
        assert_eq!(c.check(&C::DeleteShard { shard_id: 2 }), Ok(()));
        assert_eq!(c.check(&C::DeleteComp { comp_id: 3 }), Err(Refusal::NoSuchComp));
        c.shards.pop();
        c.comps.pop();
        assert_eq!(c.check(&C::DeleteShard { shard_id: 1 }), Err(Refusal::LastShard));
        assert_eq!(c.check(&C::DeleteComp { comp_id: 1 }), Err(Refusal::LastComp));
    }

    #[test]
    fn a_cluster_without_a_memo_can_only_lose_compute_nodes_or_go() {
        use ClusterChange as C;
        let c = ClusterDetail { managed: false, ..cluster() };
        for change in
            [C::AddComps, C::AddShards, C::AddNodes { shard_id: 1 }, C::DeleteShard { shard_id: 2 }]
        {
            assert_eq!(c.check(&change), Err(Refusal::NotManaged), "{change:?}");
        }
        assert_eq!(c.check(&C::DeleteComp { comp_id: 1 }), Ok(()));
        assert_eq!(c.check(&C::DeleteCluster), Ok(()));
    }

    #[test]
    fn connect_commands_name_the_clusters_user_and_both_ports() {
        let c = cluster();
        let (psql, mysql) = c.connect_commands(&c.comps[0]);
        assert_eq!(psql, "psql -h 10.0.0.21 -p 47001 -U abc postgres");
        assert_eq!(mysql, "mysql -h 10.0.0.21 -P 47002 -u abc -p postgres");
    }
}
