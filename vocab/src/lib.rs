//! Klustron's vocabulary: the words cluster_mgr and its metadata tables use, each typed
//! once. This crate has no I/O and builds for the browser, so the console's pages (for
//! instant feedback), its server functions (for the decision), the cluster_mgr client and
//! the simulator all name the same enums; the strings are cluster_mgr's, from the source
//! file each type names.
//!
//! Closed sets derive their strings with strum (`as_str`, `parse`, `ALL`). States read
//! from metadata rows keep what they do not know (`Unknown`) rather than failing a page,
//! since the metadata is also written by hand and by older cluster_mgr versions.

mod state;

pub use state::{InstanceStatus, MemberState, NodeStats};

use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

/// Implements `as_str`, `parse` and `ALL` from the strum derives, so callers need not
/// import strum's traits.
macro_rules! words {
    ($t:ty) => {
        impl $t {
            pub const ALL: &'static [$t] = <$t as VariantArray>::VARIANTS;
            pub fn as_str(self) -> &'static str {
                self.into()
            }
            /// Exactly cluster_mgr's spelling; anything else is `None`.
            pub fn parse(s: &str) -> Option<Self> {
                s.parse().ok()
            }
        }
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// The job types the console submits, as `job_type` on the wire and in
/// `cluster_general_job_log` (`request_framework/handleRequestThread.cc`
/// `GetRequestTypeByStr`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    EnumString,
    IntoStaticStr,
    VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum JobType {
    CreateMachine,
    UpdateMachine,
    DeleteMachine,
    CreateCluster,
    DeleteCluster,
    AddShards,
    AddComps,
    AddNodes,
    DeleteShard,
    DeleteComp,
    DeleteNode,
    /// Start, stop or restart one storage or compute instance
    /// (`other_mission/other_mission.cc` `OtherMission::ControlInstance`).
    ControlInstance,
    /// Switch a shard's primary over to a replica. Not in the public 1.0.2 source (its
    /// string is not in `meta_info.cc`); the shape is XPanel 1.2's and cluster_mgr's
    /// 1.1.2 test body's (`manual_switch.test`).
    ManualSwitch,
    /// Wipe replicas of a shard and copy them again (`rebuild_node/rebuild_node.cc`
    /// `RebuildNodeMission`); every value a string (`asCString()` on three of them).
    RebuildNode,
    /// An instance's CPU limit (cores, quota or share), through its node_mgr's cgroup.
    /// Not in the public 1.0.2 source; shape from XPanel 1.2 and cluster_mgr's 1.1.2
    /// test body (`update_instance_cgroup.test`).
    UpdateInstanceCgroup,
    /// No-switch windows: cluster_mgr does not switch a covered shard's primary over,
    /// neither by itself nor when asked (70014). Answered at once (sync), 1.1+ only;
    /// shapes from XPanel 1.2 `cluster/noswitch.vue` and cluster_mgr's 1.1.2
    /// `set_noswitch.test`.
    SetNoswitch,
    DelNoswitch,
    ListNoswitch,
    /// A shard's fullsync "degrade" setting (`shards.degrade_conf_state/_time`, which
    /// 1.0.2's `shard.cc` reads). Answered at once (sync), 1.1+ only; shape from XPanel
    /// 1.2 `onecluster/shardlist.vue` `updateData`, which reads only `status`.
    UpdateShardDegradeConf,
    /// Read or set one variable of a storage or compute instance, answered at once
    /// (`kl_mentain/sys.cc` `System::get_variable / set_variable`).
    GetVariable,
    SetVariable,
    GetStatus,
}
words!(JobType);

impl JobType {
    /// Answered in the reply itself, with no job to follow (`SyncMission`; XPanel never
    /// polls after the no-switch jobs).
    pub fn is_sync(self) -> bool {
        matches!(
            self,
            JobType::SetNoswitch
                | JobType::DelNoswitch
                | JobType::ListNoswitch
                | JobType::UpdateShardDegradeConf
                | JobType::GetVariable
                | JobType::SetVariable
                | JobType::GetStatus
        )
    }
}

/// `control_instance`'s `control`: what to do with the instance. cluster_mgr compares
/// the word exactly and fails the job with "control type error" for any other
/// (`OtherMission::ControlInstance`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    EnumString,
    IntoStaticStr,
    VariantArray,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum InstanceControl {
    Start,
    Stop,
    Restart,
}
words!(InstanceControl);

impl InstanceControl {
    /// Whether the instance stops serving for a while (a stop, or a restart).
    pub fn interrupts(self) -> bool {
        self != InstanceControl::Start
    }
}

/// `server_nodes.machine_type`, and the `machine_type` of the machine jobs
/// (`machine_mission.cc`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    EnumString,
    IntoStaticStr,
    VariantArray,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum MachineType {
    Storage,
    Computer,
}
words!(MachineType);

impl MachineType {
    /// cluster_mgr's default port ranges (`machine_mission.cc`), which XPanel repeats
    /// and the machine form fills in when the type is picked.
    pub fn default_port_range(self) -> (u16, u16) {
        match self {
            MachineType::Storage => (57000, 58000),
            MachineType::Computer => (47000, 48000),
        }
    }
}

/// How a shard replicates: `create_cluster`'s `ha_mode` (`create_cluster.cc` accepts
/// exactly these), `db_clusters.ha_mode`, and `global_configuration.meta_ha_mode` for
/// the metadata cluster (`sys.cc` `System::setup_metadata_shard`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    EnumString,
    IntoStaticStr,
    VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum HaMode {
    /// Klustron's own binlog replication (fullsync).
    Rbr,
    /// MySQL group replication.
    Mgr,
    /// One node per shard, no replicas.
    NoRep,
}
words!(HaMode);

impl HaMode {
    /// Whether a shard in this mode has replicas at all.
    pub fn replicates(self) -> bool {
        self != HaMode::NoRep
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_is_cluster_mgrs_spelling_both_ways() {
        let jobs: Vec<_> = JobType::ALL.iter().map(|t| t.as_str()).collect();
        assert_eq!(
            jobs,
            [
                "create_machine",
                "update_machine",
                "delete_machine",
                "create_cluster",
                "delete_cluster",
                "add_shards",
                "add_comps",
                "add_nodes",
                "delete_shard",
                "delete_comp",
                "delete_node",
                "control_instance",
                "manual_switch",
                "rebuild_node",
                "update_instance_cgroup",
                "set_noswitch",
                "del_noswitch",
                "list_noswitch",
                "update_shard_degrade_conf",
                "get_variable",
                "set_variable",
                "get_status"
            ]
        );
        for t in JobType::ALL {
            assert_eq!(JobType::parse(t.as_str()), Some(*t));
        }
        assert_eq!(MachineType::parse("computer"), Some(MachineType::Computer));
        assert_eq!(HaMode::parse("no_rep"), Some(HaMode::NoRep));
        assert_eq!(InstanceControl::parse("restart"), Some(InstanceControl::Restart));
        assert_eq!(InstanceControl::parse("Stop"), None);
        // The wire is case-sensitive: cluster_mgr compares with strcmp.
        assert_eq!(MachineType::parse("Storage"), None);
        assert_eq!(HaMode::parse("NO_REP"), None);
        assert_eq!(JobType::parse(""), None);
    }

    #[test]
    fn serde_and_strings_agree() {
        for m in HaMode::ALL {
            assert_eq!(serde_plain(m), m.as_str());
        }
        for m in MachineType::ALL {
            assert_eq!(serde_plain(m), m.as_str());
        }
        for m in JobType::ALL {
            assert_eq!(serde_plain(m), m.as_str());
        }
        for m in InstanceControl::ALL {
            assert_eq!(serde_plain(m), m.as_str());
        }
    }

    fn serde_plain<T: Serialize>(v: &T) -> String {
        serde_json::to_value(v).unwrap().as_str().unwrap().to_owned()
    }
}
