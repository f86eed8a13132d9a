//! How XPanel's accounts become this console's (issue #16): a pure function from what
//! XPanel kept in `kunlun_dba_tools_db` to a plan the store applies in one transaction,
//! with a note for everything that is not carried over exactly as it was. The rules and
//! their reasons are in docs/XPANEL-IMPORT.md; XPanel's behaviour they follow is in
//! `../shared/klustron/xpanel-features.md` (each fact with its PHP file).
//!
//! In short: one account per XPanel user (lowest id among names equal but for case),
//! its password hashed and to be changed at the next login; its privileges the union
//! of its assignments in force now, each of ours granted only when every XPanel column
//! it stands for is `Y`; its cluster scope and time windows as grants; a role of ours
//! with exactly those privileges, or a new `xp_` role named after XPanel's.

mod note;
mod plan;
#[cfg(test)]
mod tests;

pub use note::Note;
pub use plan::plan;

use klustron::metadata::xpanel_accounts::{XpanelAssignment, PRIVILEGE_COLUMNS};

use super::access::Privilege;

/// Which XPanel columns (indexes into [`PRIVILEGE_COLUMNS`]) each privilege of ours
/// stands for. A privilege is granted only when all of them are `Y`: nothing widens.
pub const MAPPING: [(Privilege, &[usize]); 9] = [
    // user_add, user_drop, user_grant, user_edit, role_add, role_drop, role_edit
    (Privilege::UsersRoles, &[0, 1, 2, 3, 4, 5, 6]),
    (Privilege::MachineEdit, &[7]),
    (Privilege::ClusterCreate, &[8]),
    (Privilege::ClusterDelete, &[9]),
    // shard, storage node and compute node: create and drop
    (Privilege::ClusterScale, &[10, 11, 12, 13, 14, 15]),
    (Privilege::MachineAdd, &[16]),
    (Privilege::MachineDelete, &[17]),
    // storage and compute: enable and disable
    (Privilege::NodeControl, &[20, 21, 22, 23]),
    // backup, restore
    (Privilege::BackupRestore, &[24, 25]),
];

/// `Privilege::Switchover` stands for no column: XPanel lets only its super_dba switch
/// over (`Cluster.php` `switchShard`), and an imported super_dba gets the super_dba role.
/// Nor does `Privilege::Rebuild` (XPanel: super_dba only, `Cluster.php` `rebuildNode`),
/// nor `Privilege::Configure`: XPanel checks no column before a shard's degrade setting
/// (`Cluster.php` `updateShard`), and its lag thresholds are each reader's own.
///
/// Columns no privilege here stands for: XPanel checks 18, 19 and 27 nowhere, and 26
/// (`expand_cluster_priv`) moves tables between shards, which this console cannot yet.
pub const UNMAPPED: [usize; 4] = [18, 19, 26, 27];

/// What the console's store holds already, as far as the plan needs it.
#[derive(Debug, Clone, Default)]
pub struct Target {
    /// Every role: name and privileges.
    pub roles: Vec<(String, Vec<Privilege>)>,
    /// Every account's name.
    pub user_names: Vec<String>,
    /// XPanel user ids imported before.
    pub imported: Vec<i64>,
    /// The console's super_dba has not changed its initial password yet.
    pub super_dba_untouched: bool,
}

/// What to write.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportPlan {
    pub roles: Vec<NewRole>,
    pub accounts: Vec<NewAccount>,
    /// XPanel's super_dba password, for the console's super_dba (must change it).
    pub super_dba_password: Option<String>,
    /// XPanel ids that map onto an account that is there already (super_dba).
    pub mapped: Vec<(i64, String)>,
    pub notes: Vec<Note>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRole {
    pub name: String,
    pub privileges: Vec<Privilege>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    pub xpanel_id: i64,
    pub name: String,
    /// XPanel's plain-text password; `None`: none usable (the account is disabled).
    pub password: Option<String>,
    /// A role of the store or of [`ImportPlan::roles`], by name.
    pub role: String,
    pub disabled: bool,
    pub grants: Vec<NewGrant>,
}

/// A grant: one cluster or all (`None`), within `[valid_from, valid_until)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct NewGrant {
    pub cluster_id: Option<i64>,
    pub valid_from: Option<i64>,
    pub valid_until: Option<i64>,
}

impl ImportPlan {
    /// Nothing to write.
    pub fn is_empty(&self) -> bool {
        self.roles.is_empty() && self.accounts.is_empty() && self.super_dba_password.is_none()
    }
}

/// Whether XPanel held this assignment in force at `now` (its login query's four-way
/// UNION, `controllers/Login.php`): a period with neither end is never in force, and
/// both ends are strict.
pub fn in_force(a: &XpanelAssignment, now: i64) -> bool {
    match a.valid_period.as_str() {
        "permanent" => true,
        "from_to" => {
            (a.start_ts.is_some() || a.end_ts.is_some())
                && a.start_ts.is_none_or(|s| s < now)
                && a.end_ts.is_none_or(|e| now < e)
        }
        _ => false,
    }
}

/// Our privileges for XPanel's columns, and the `Y` columns that gave none.
pub fn map_columns(granted: &[bool; 28]) -> (Vec<Privilege>, Vec<(&'static str, &'static str)>) {
    let mut privileges = vec![];
    let mut lost = vec![];
    for (p, cols) in MAPPING {
        if cols.iter().all(|&c| granted[c]) {
            privileges.push(p);
        } else {
            for &c in cols.iter().filter(|&&c| granted[c]) {
                lost.push((PRIVILEGE_COLUMNS[c], "its companions are not all Y"));
            }
        }
    }
    for c in UNMAPPED.into_iter().filter(|&c| granted[c]) {
        lost.push((PRIVILEGE_COLUMNS[c], "no such privilege here"));
    }
    privileges.sort();
    (privileges, lost)
}
