//! Who may do what: privileges (at least as fine as XPanel's), the built-in roles, and
//! grants that open a user's cluster privileges to all clusters or a list, permanently or
//! within a time window. Shared by the browser (to show what a role allows) and the
//! server (where `backend::access` decides).

use crate::i18n::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Privilege {
    MachineAdd,
    MachineEdit,
    MachineDelete,
    ClusterCreate,
    ClusterDelete,
    /// Add or remove shards, compute nodes and storage nodes.
    ClusterScale,
    BackupRestore,
    /// Start, stop and restart instances.
    NodeControl,
    /// Switch a shard's primary over to a replica.
    Switchover,
    /// Rebuild a shard's replicas (their data is wiped and copied again).
    Rebuild,
    /// Change a shard's or an instance's settings: the degrade setting, the lag
    /// threshold.
    Configure,
    /// Manage users, roles and grants.
    UsersRoles,
}

impl Privilege {
    pub const ALL: [Privilege; 12] = [
        Privilege::MachineAdd,
        Privilege::MachineEdit,
        Privilege::MachineDelete,
        Privilege::ClusterCreate,
        Privilege::ClusterDelete,
        Privilege::ClusterScale,
        Privilege::BackupRestore,
        Privilege::NodeControl,
        Privilege::Switchover,
        Privilege::Rebuild,
        Privilege::Configure,
        Privilege::UsersRoles,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Privilege::MachineAdd => "machine_add",
            Privilege::MachineEdit => "machine_edit",
            Privilege::MachineDelete => "machine_delete",
            Privilege::ClusterCreate => "cluster_create",
            Privilege::ClusterDelete => "cluster_delete",
            Privilege::ClusterScale => "cluster_scale",
            Privilege::BackupRestore => "backup_restore",
            Privilege::NodeControl => "node_control",
            Privilege::Switchover => "switchover",
            Privilege::Rebuild => "rebuild",
            Privilege::Configure => "configure",
            Privilege::UsersRoles => "users_roles",
        }
    }

    pub fn parse(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.key() == key)
    }

    pub fn label(self, l: Locale) -> &'static str {
        match self {
            Privilege::MachineAdd => td_string!(l, privilege.machine_add),
            Privilege::MachineEdit => td_string!(l, privilege.machine_edit),
            Privilege::MachineDelete => td_string!(l, privilege.machine_delete),
            Privilege::ClusterCreate => td_string!(l, privilege.cluster_create),
            Privilege::ClusterDelete => td_string!(l, privilege.cluster_delete),
            Privilege::ClusterScale => td_string!(l, privilege.cluster_scale),
            Privilege::BackupRestore => td_string!(l, privilege.backup_restore),
            Privilege::NodeControl => td_string!(l, privilege.node_control),
            Privilege::Switchover => td_string!(l, privilege.switchover),
            Privilege::Rebuild => td_string!(l, privilege.rebuild),
            Privilege::Configure => td_string!(l, privilege.configure),
            Privilege::UsersRoles => td_string!(l, privilege.users_roles),
        }
    }

    /// Privileges that act on one existing cluster need a grant covering that cluster.
    pub fn is_per_cluster(self) -> bool {
        matches!(
            self,
            Privilege::ClusterDelete
                | Privilege::ClusterScale
                | Privilege::BackupRestore
                | Privilege::NodeControl
                | Privilege::Switchover
                | Privilege::Rebuild
                | Privilege::Configure
        )
    }

    /// `a,b,c` as stored; unknown keys are dropped.
    pub fn parse_list(s: &str) -> Vec<Privilege> {
        let mut v: Vec<Privilege> = s.split(',').filter_map(|k| Self::parse(k.trim())).collect();
        v.sort();
        v.dedup();
        v
    }

    pub fn join(list: &[Privilege]) -> String {
        list.iter().map(|p| p.key()).collect::<Vec<_>>().join(",")
    }
}

/// The built-in roles, which cannot be edited or deleted.
pub const SUPER_DBA: &str = "super_dba";
pub const DBA: &str = "DBA";
pub const READ_ONLY: &str = "read-only";

/// A role name: 1-32 letters, digits, `_` or `-`.
pub fn valid_role_name(l: Locale, name: &str) -> Result<String, String> {
    let n = name.trim();
    if n.is_empty()
        || n.len() > 32
        || !n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(td_string!(l, access.role_name_shape).into());
    }
    Ok(n.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_round_trip_and_ignore_unknown_keys() {
        let v = Privilege::parse_list("cluster_create, machine_add,bogus,machine_add");
        assert_eq!(v, [Privilege::MachineAdd, Privilege::ClusterCreate]);
        assert_eq!(Privilege::parse_list(&Privilege::join(&Privilege::ALL)), Privilege::ALL);
    }

    #[test]
    fn role_names() {
        assert!(valid_role_name(Locale::en, "ops-team_2").is_ok());
        for bad in ["", " ", "a b", "x'--", &"r".repeat(33)] {
            assert!(valid_role_name(Locale::en, bad).is_err(), "{bad}");
        }
    }
}
