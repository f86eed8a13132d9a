//! Starting, stopping and restarting one instance of a cluster (cluster_mgr's
//! `control_instance`): which instance is meant, what a stop or a restart will do to the
//! cluster, and the word typed to confirm one. The page asks these to word its dialog;
//! the server function asks them again before it submits.
//!
//! cluster_mgr 1.0.2 refuses nothing here (it writes the status and asks node_mgr,
//! `other_mission.cc` `OtherMission::ControlInstance`), so nothing is refused for being
//! a primary or the last of its kind: the DBA is told what will happen and decides.

use crate::domain::cluster_view::{ClusterDetail, Refusal};
use crate::i18n::*;
use crate::lang::fill;
pub use klustron_vocab::{InstanceControl, MachineType};
use serde::{Deserialize, Serialize};

/// One instance of a cluster, as the page names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Instance {
    Storage { shard_id: i64, host: String, port: u16 },
    Compute { comp_id: i64 },
}

impl Instance {
    /// The instance from the flat fields the server functions take (a form cannot carry
    /// an enum): a compute node when `comp_id` is above 0, else a storage node.
    pub fn from_fields(shard_id: i64, host: String, port: u16, comp_id: i64) -> Self {
        if comp_id > 0 {
            Instance::Compute { comp_id }
        } else {
            Instance::Storage { shard_id, host, port }
        }
    }

    /// The inverse of [`Instance::from_fields`]: `(shard_id, host, port, comp_id)`.
    pub fn fields(&self) -> (i64, String, u16, i64) {
        match self {
            Instance::Storage { shard_id, host, port } => (*shard_id, host.clone(), *port, 0),
            Instance::Compute { comp_id } => (0, String::new(), 0, *comp_id),
        }
    }
}

/// The instance as cluster_mgr names it, found in the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub host: String,
    pub port: u16,
    pub machine_type: MachineType,
    pub status: String,
}

impl Found {
    /// `host:port`: what the DBA types to confirm a stop or a restart.
    pub fn address(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

/// What a stop or a restart will do beyond the instance itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// The shard's primary: its writes stop.
    Primary { shard: String },
    /// No other compute node of the cluster is running: the cluster has no way in.
    LastRunningComp,
}

impl Warning {
    pub fn message(&self, l: Locale) -> String {
        match self {
            Warning::Primary { shard } => {
                fill!(td_string!(l, node_control.warn_primary), shard = shard)
            }
            Warning::LastRunningComp => td_string!(l, node_control.warn_last_comp).to_owned(),
        }
    }
}

/// The label of a control, in `l`.
pub fn control_label(l: Locale, c: InstanceControl) -> &'static str {
    match c {
        InstanceControl::Start => td_string!(l, node_control.start),
        InstanceControl::Stop => td_string!(l, node_control.stop),
        InstanceControl::Restart => td_string!(l, node_control.restart),
    }
}

/// The status cluster_mgr writes for a running instance (`update_instance_status`).
pub const ACTIVE: &str = "active";

impl ClusterDetail {
    /// The instance, if this cluster has it.
    pub fn instance(&self, i: &Instance) -> Result<Found, Refusal> {
        match i {
            Instance::Storage { shard_id, host, port } => {
                let shard = self.shard(*shard_id).ok_or(Refusal::NoSuchShard)?;
                let n = shard
                    .nodes
                    .iter()
                    .find(|n| &n.hostaddr == host && n.port == *port)
                    .ok_or(Refusal::NoSuchNode)?;
                Ok(Found {
                    host: n.hostaddr.clone(),
                    port: n.port,
                    machine_type: MachineType::Storage,
                    status: n.status.clone(),
                })
            }
            Instance::Compute { comp_id } => {
                let n = self.comps.iter().find(|c| c.id == *comp_id).ok_or(Refusal::NoSuchComp)?;
                Ok(Found {
                    host: n.hostaddr.clone(),
                    port: n.pg_port,
                    machine_type: MachineType::Computer,
                    status: n.status.clone(),
                })
            }
        }
    }

    /// What `control` of `i` will do to the cluster besides the instance, if anything.
    pub fn control_warning(&self, i: &Instance, control: InstanceControl) -> Option<Warning> {
        if !control.interrupts() {
            return None;
        }
        match i {
            Instance::Storage { shard_id, host, port } => {
                let shard = self.shard(*shard_id)?;
                let primary =
                    shard.nodes.iter().any(|n| n.primary && &n.hostaddr == host && n.port == *port);
                primary.then(|| Warning::Primary { shard: shard.name.clone() })
            }
            Instance::Compute { comp_id } => {
                let others_running =
                    self.comps.iter().any(|c| c.id != *comp_id && c.status == ACTIVE);
                (!others_running).then_some(Warning::LastRunningComp)
            }
        }
    }

    /// The word to type before `control` of `i` runs: its `host:port` when the control
    /// interrupts service, nothing for a start.
    pub fn control_confirm_word(&self, i: &Instance, control: InstanceControl) -> Option<String> {
        let found = self.instance(i).ok()?;
        control.interrupts().then(|| found.address())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::cluster_view::{CompNodeDetail, ShardDetail, StorageNodeRow};

    #[test]
    fn an_instance_goes_through_the_form_fields_and_back() {
        let storage = Instance::Storage { shard_id: 3, host: "10.0.0.2".into(), port: 6001 };
        let compute = Instance::Compute { comp_id: 7 };
        for i in [storage, compute] {
            let (shard_id, host, port, comp_id) = i.fields();
            assert_eq!(Instance::from_fields(shard_id, host, port, comp_id), i);
        }
        // A comp_id of 0 (the field left out) means a storage node.
        assert_eq!(
            Instance::from_fields(3, "h".into(), 1, 0),
            Instance::Storage { shard_id: 3, host: "h".into(), port: 1 }
        );
    }

    fn node(h: &str, primary: bool) -> StorageNodeRow {
        StorageNodeRow {
            hostaddr: h.into(),
            port: 57001,
            primary,
            lag_secs: 0,
            fullsync: true,
            status: ACTIVE.into(),
            cpu_cores: 0,
        }
    }

    fn comp(id: i64, status: &str) -> CompNodeDetail {
        CompNodeDetail {
            id,
            name: format!("comp{id}"),
            hostaddr: format!("10.0.0.2{id}"),
            pg_port: 47001,
            mysql_port: 47002,
            mysql_port_derived: false,
            status: status.into(),
            cpu_cores: 0,
            max_mem_mb: 0,
            max_conns: 0,
        }
    }

    fn cluster() -> ClusterDetail {
        ClusterDetail {
            id: 1,
            name: "cluster_1".into(),
            nick_name: "orders".into(),
            ha_mode: None,
            status: "inuse".into(),
            created: String::new(),
            comp_user: "abc".into(),
            managed: true,
            comps: vec![comp(1, ACTIVE), comp(2, "inactive")],
            shards: vec![ShardDetail::plain(5, "shard_5", vec![node("a", true), node("b", false)])],
        }
    }

    fn storage(h: &str) -> Instance {
        Instance::Storage { shard_id: 5, host: h.into(), port: 57001 }
    }

    #[test]
    fn an_instance_is_found_only_where_the_cluster_has_it() {
        let c = cluster();
        let found = c.instance(&storage("b")).unwrap();
        assert_eq!((found.address(), found.machine_type), ("b:57001".into(), MachineType::Storage));
        let comp = c.instance(&Instance::Compute { comp_id: 2 }).unwrap();
        assert_eq!((comp.address(), comp.status.as_str()), ("10.0.0.22:47001".into(), "inactive"));
        assert_eq!(c.instance(&storage("z")), Err(Refusal::NoSuchNode));
        let other_shard = Instance::Storage { shard_id: 6, host: "a".into(), port: 57001 };
        assert_eq!(c.instance(&other_shard), Err(Refusal::NoSuchShard));
        assert_eq!(c.instance(&Instance::Compute { comp_id: 9 }), Err(Refusal::NoSuchComp));
    }

    #[test]
    fn stopping_the_primary_or_the_last_running_compute_node_warns() {
        use InstanceControl::*;
        let c = cluster();
        let primary = Warning::Primary { shard: "shard_5".into() };
        assert_eq!(c.control_warning(&storage("a"), Stop), Some(primary.clone()));
        assert_eq!(c.control_warning(&storage("a"), Restart), Some(primary));
        assert_eq!(c.control_warning(&storage("a"), Start), None);
        assert_eq!(c.control_warning(&storage("b"), Stop), None);
        // comp 2 is already stopped: comp 1 is the last one running.
        assert_eq!(
            c.control_warning(&Instance::Compute { comp_id: 1 }, Stop),
            Some(Warning::LastRunningComp)
        );
        assert_eq!(c.control_warning(&Instance::Compute { comp_id: 2 }, Stop), None);
    }

    #[test]
    fn only_an_interruption_is_confirmed_by_typing_the_address() {
        use InstanceControl::*;
        let c = cluster();
        assert_eq!(c.control_confirm_word(&storage("b"), Stop).as_deref(), Some("b:57001"));
        assert_eq!(c.control_confirm_word(&storage("b"), Restart).as_deref(), Some("b:57001"));
        assert_eq!(c.control_confirm_word(&storage("b"), Start), None);
    }
}
