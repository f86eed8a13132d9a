//! The notes of an import: what was not carried over as XPanel had it, and why.

use std::fmt;

/// Something not carried over exactly as XPanel had it, or a choice made on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    AlreadyImported { name: String },
    NameTaken { name: String },
    DuplicateName { id: i64, name: String, kept: i64 },
    BadName { id: i64, name: String },
    InternalUser { id: i64 },
    SuperDbaPassword,
    SuperDbaKept { reason: &'static str },
    EmptyPassword { name: String },
    ContactNotKept { name: String },
    OrphanAssignment { name: String, role_id: i64 },
    NotInForce { name: String, role: String },
    NoneInForce { name: String },
    ColumnNotCarried { name: String, column: &'static str, why: &'static str },
    RestartAdded { name: String },
    GlobalWindowLost { name: String, until: i64 },
    ListIgnored { name: String },
    ClusterGone { name: String, cluster_id: i64 },
    NoClusters { name: String },
    NoClusterScope { name: String, value: i64 },
    NewRole { name: String, from: String },
    RoleUnused { name: String },
    LagThresholds { rows: usize },
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Note::*;
        match self {
            AlreadyImported { name } => write!(f, "{name}: imported before, left as it is"),
            NameTaken { name } => write!(f, "{name}: an account of that name exists here, not imported"),
            DuplicateName { id, name, kept } => {
                write!(f, "{name} (id {id}): same name as id {kept} but for case or spaces, not imported")
            }
            BadName { id, name } => write!(
                f,
                "{name:?} (id {id}): not a login name here (1-32 letters, digits, _), not imported"
            ),
            InternalUser { id } => write!(f, "internal_user (id {id}): cluster_mgr's own, not imported"),
            SuperDbaPassword => write!(
                f,
                "super_dba: XPanel's password carried over to this console's super_dba (must change at login)"
            ),
            SuperDbaKept { reason } => write!(f, "super_dba: this console's own kept ({reason})"),
            EmptyPassword { name } => {
                write!(f, "{name}: empty password in XPanel, imported disabled; reset its password to enable it")
            }
            ContactNotKept { name } => {
                write!(f, "{name}: e-mail, phone or WeChat not kept (the console has no such fields)")
            }
            OrphanAssignment { name, role_id } => {
                write!(f, "{name}: assigned role id {role_id}, which does not exist, ignored")
            }
            NotInForce { name, role } => {
                write!(f, "{name}: role {role:?} is not in force now (its period), ignored")
            }
            NoneInForce { name } => {
                write!(f, "{name}: no role in force now, so XPanel refused its login: imported read-only and disabled")
            }
            ColumnNotCarried { name, column, why } => write!(f, "{name}: {column} = Y not carried over ({why})"),
            RestartAdded { name } => write!(
                f,
                "{name}: start/stop of instances becomes node control, which also restarts (XPanel let only super_dba restart)"
            ),
            GlobalWindowLost { name, until } => write!(
                f,
                "{name}: a role valid until {until} (Unix time) grants machine, cluster-create or user rights, which cannot end by date here: they stay"
            ),
            ListIgnored { name } => {
                write!(f, "{name}: all clusters, with a cluster list XPanel ignored: granted all clusters")
            }
            ClusterGone { name, cluster_id } => {
                write!(f, "{name}: cluster {cluster_id} no longer exists, not granted")
            }
            NoClusters { name } => write!(f, "{name}: a cluster list with no existing cluster, no grant"),
            NoClusterScope { name, value } => {
                write!(f, "{name}: apply_all_cluster = {value} showed no cluster in XPanel, no grant")
            }
            NewRole { name, from } => write!(f, "role {name}: new, from XPanel's {from}"),
            RoleUnused { name } => write!(f, "XPanel role {name:?}: nobody holds it, not created"),
            LagThresholds { rows } => write!(
                f,
                "{rows} lag-alarm threshold(s) (shard_max_dalay) not imported: XPanel keeps one per reader, the console one per shard (set on the cluster page, default 100 s)"
            ),
        }
    }
}
