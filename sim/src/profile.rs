//! Which cluster_mgr the simulator plays.
//!
//! - `1.0`: exactly the public source (zettadb/cluster_mgr `src/`, which is 1.0.2) and
//!   its metadata DDL (zettadb/kunlun `scripts/meta_inuse.sql`). `comp_nodes` has no
//!   `mysql_port`; `update_machine` is accepted and never run
//!   (`machine_mission.cc` `MachineRequest::UpdateMachine` returns at once: no memo, no
//!   status, no change).
//! - `1.2`: what XPanel 1.2 (zettadb/Kunlun-XPanel branch 1.2) and cluster_mgr's own
//!   1.2.1 test bodies (`test/hellentest/kunlun_test1.2.1`) show of the closed 1.2
//!   builds: a `comp_nodes.mysql_port` column (XPanel's cluster views read it) and an
//!   `update_machine` that changes the machine (XPanel's machine form sends it and reads
//!   its result), `manual_switch` (engine/manual_switch.rs) and the no-switch windows
//!   (engine/noswitch.rs), `update_shard_degrade_conf` (engine/shard_conf.rs) and
//!   `update_instance_cgroup` (engine/cgroup.rs). The rest is taken to be
//!   as in 1.0.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Profile {
    #[default]
    #[serde(rename = "1.0")]
    V1_0,
    #[serde(rename = "1.2")]
    V1_2,
}

impl Profile {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "1.0" => Some(Self::V1_0),
            "1.2" => Some(Self::V1_2),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::V1_0 => "1.0",
            Self::V1_2 => "1.2",
        }
    }

    /// `comp_nodes.mysql_port` exists (1.2; not in meta_inuse.sql).
    pub fn comp_nodes_have_mysql_port(self) -> bool {
        self == Self::V1_2
    }

    /// Whether this release dispatches `t`: `manual_switch`, the no-switch jobs and
    /// `update_shard_degrade_conf` came with 1.1 (XPanel 1.2 and cluster_mgr's 1.1.2 tests send them; 1.0.2's
    /// `meta_info.cc` maps none of them).
    pub fn knows(self, t: klustron_vocab::JobType) -> bool {
        use klustron_vocab::JobType as T;
        self == Self::V1_2
            || !matches!(
                t,
                T::ManualSwitch
                    | T::SetNoswitch
                    | T::DelNoswitch
                    | T::ListNoswitch
                    | T::UpdateShardDegradeConf
                    | T::UpdateInstanceCgroup
            )
    }

    /// `update_machine` changes `server_nodes` and ends `done` (1.2); in 1.0 it is a
    /// no-op that never writes a memo.
    pub fn update_machine_works(self) -> bool {
        self == Self::V1_2
    }
}

impl std::str::FromStr for Profile {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s).ok_or_else(|| format!("unknown profile {s:?}: 1.0 or 1.2"))
    }
}

impl std::fmt::Display for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
