//! [`plan`]: XPanel's users, roles and assignments to the accounts, roles and grants of
//! this console.

use std::collections::{BTreeMap, BTreeSet};

use klustron::metadata::xpanel_accounts::{XpanelAccounts, XpanelRole};

use super::{in_force, map_columns, ImportPlan, NewAccount, NewGrant, NewRole, Note, Target};
use crate::domain::access::{valid_role_name, Privilege, READ_ONLY, SUPER_DBA};
use crate::domain::UserName;

/// The plan for importing `src` into a store holding `target`.
pub fn plan(src: &XpanelAccounts, target: &Target) -> ImportPlan {
    let mut p = ImportPlan::default();
    let roles: BTreeMap<i64, &XpanelRole> = src.roles.iter().map(|r| (r.id, r)).collect();
    let taken: BTreeSet<String> =
        target.user_names.iter().map(|n| n.trim().to_lowercase()).collect();
    let mut role_names = RoleNames::new(&target.roles);

    let mut users: Vec<_> = src.users.iter().collect();
    users.sort_by_key(|u| u.id);
    let mut first_of: BTreeMap<String, i64> = BTreeMap::new();
    for u in users {
        let key = u.name.trim().to_lowercase();
        if let Some(&kept) = first_of.get(&key) {
            p.notes.push(Note::DuplicateName { id: u.id, name: u.name.clone(), kept });
            continue;
        }
        first_of.insert(key.clone(), u.id);
        if target.imported.contains(&u.id) {
            p.notes.push(Note::AlreadyImported { name: u.name.clone() });
            continue;
        }
        if key == "internal_user" {
            p.notes.push(Note::InternalUser { id: u.id });
            continue;
        }
        if u.name.trim() == SUPER_DBA {
            // The console's own super_dba is XPanel's: never a second one.
            if !target.super_dba_untouched {
                p.notes.push(Note::SuperDbaKept { reason: "its password was changed here" });
            } else if u.password.is_empty() || u.password == SUPER_DBA {
                p.notes
                    .push(Note::SuperDbaKept { reason: "XPanel's still had the initial password" });
            } else {
                p.super_dba_password = Some(u.password.clone());
                p.notes.push(Note::SuperDbaPassword);
            }
            p.mapped.push((u.id, SUPER_DBA.to_owned()));
            continue;
        }
        let Ok(name) = UserName::parse(&u.name) else {
            p.notes.push(Note::BadName { id: u.id, name: u.name.clone() });
            continue;
        };
        let name = name.as_str().to_owned();
        if taken.contains(&key) {
            p.notes.push(Note::NameTaken { name });
            continue;
        }
        if u.has_contact {
            p.notes.push(Note::ContactNotKept { name: name.clone() });
        }

        // The assignments in force now, each with its role.
        let mut active = vec![];
        for a in src.assignments.iter().filter(|a| a.user_id == u.id) {
            let Some(role) = roles.get(&a.role_id) else {
                p.notes.push(Note::OrphanAssignment { name: name.clone(), role_id: a.role_id });
                continue;
            };
            if in_force(a, src.now) {
                active.push((a, *role));
            } else {
                p.notes.push(Note::NotInForce { name: name.clone(), role: role.name.clone() });
            }
        }
        let (password, mut disabled) = match u.password.as_str() {
            "" => {
                p.notes.push(Note::EmptyPassword { name: name.clone() });
                (None, true)
            }
            pw => (Some(pw.to_owned()), false),
        };
        if active.is_empty() {
            p.notes.push(Note::NoneInForce { name: name.clone() });
            disabled = true;
            p.accounts.push(NewAccount {
                xpanel_id: u.id,
                name,
                password,
                role: READ_ONLY.to_owned(),
                disabled,
                grants: vec![],
            });
            continue;
        }

        // Privileges: the union of the roles in force (XPanel ORs them).
        let mut granted = [false; 28];
        for (_, r) in &active {
            for (g, y) in granted.iter_mut().zip(r.granted) {
                *g |= y;
            }
        }
        let (privileges, lost) = map_columns(&granted);
        for (column, why) in lost {
            p.notes.push(Note::ColumnNotCarried { name: name.clone(), column, why });
        }
        if privileges.contains(&Privilege::NodeControl) {
            p.notes.push(Note::RestartAdded { name: name.clone() });
        }
        let global = privileges.iter().any(|p| !p.is_per_cluster());
        for (a, _) in &active {
            if let (true, "from_to", Some(until)) = (global, a.valid_period.as_str(), a.end_ts) {
                p.notes.push(Note::GlobalWindowLost { name: name.clone(), until });
            }
        }

        // The role: one of ours with exactly these privileges, else a new one.
        let from = if active.len() == 1 {
            active[0].1.name.clone()
        } else {
            active.iter().map(|(_, r)| r.name.as_str()).collect::<Vec<_>>().join(" + ")
        };
        let base = if active.len() == 1 { active[0].1.name.clone() } else { name.clone() };
        let id_suffix = if active.len() == 1 { active[0].1.id } else { u.id };
        let role = match role_names.existing_with(&privileges) {
            Some(existing) => existing,
            None => {
                let new = role_names.new_role(&base, id_suffix, &privileges);
                p.notes.push(Note::NewRole { name: new.clone(), from });
                p.roles.push(NewRole { name: new.clone(), privileges: privileges.clone() });
                new
            }
        };

        // Grants: each assignment's clusters within its period.
        let mut grants = BTreeSet::new();
        for (a, _) in &active {
            let window = match a.valid_period.as_str() {
                // XPanel's start is strict (`start_ts < NOW()`), ours is not.
                "from_to" => (a.start_ts.map(|s| s + 1), a.end_ts),
                _ => (None, None),
            };
            let grant = |c| NewGrant { cluster_id: c, valid_from: window.0, valid_until: window.1 };
            match a.apply_all_cluster {
                1 => {
                    if a.affected_clusters.as_deref().is_some_and(|l| !l.trim().is_empty()) {
                        p.notes.push(Note::ListIgnored { name: name.clone() });
                    }
                    grants.insert(grant(None));
                }
                2 => {
                    let ids = cluster_ids(a.affected_clusters.as_deref().unwrap_or(""));
                    let mut any = false;
                    for id in ids {
                        if src.live_clusters.contains(&id) {
                            grants.insert(grant(Some(id)));
                            any = true;
                        } else {
                            p.notes.push(Note::ClusterGone { name: name.clone(), cluster_id: id });
                        }
                    }
                    if !any {
                        p.notes.push(Note::NoClusters { name: name.clone() });
                    }
                }
                value => p.notes.push(Note::NoClusterScope { name: name.clone(), value }),
            }
        }
        p.accounts.push(NewAccount {
            xpanel_id: u.id,
            name,
            password,
            role,
            disabled,
            grants: grants.into_iter().collect(),
        });
    }
    let held: BTreeSet<i64> = src.assignments.iter().map(|a| a.role_id).collect();
    for r in &src.roles {
        if !held.contains(&r.id) && r.name != SUPER_DBA {
            p.notes.push(Note::RoleUnused { name: r.name.clone() });
        }
    }
    if !src.shard_delays.is_empty() {
        p.notes.push(Note::LagThresholds { rows: src.shard_delays.len() });
    }
    p
}

/// `affected_clusters` as XPanel writes it (`1,2`, `,7`, `null,7`, `''`): the ids, once.
fn cluster_ids(list: &str) -> Vec<i64> {
    let mut ids: Vec<i64> = list
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .filter_map(|s| s.parse().ok())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The roles there are and will be, so a new one gets a free name.
struct RoleNames {
    roles: Vec<(String, Vec<Privilege>)>,
}

impl RoleNames {
    fn new(existing: &[(String, Vec<Privilege>)]) -> Self {
        Self { roles: existing.to_vec() }
    }

    /// A role other than super_dba (which also skips every grant) with exactly these
    /// privileges.
    fn existing_with(&self, privileges: &[Privilege]) -> Option<String> {
        self.roles
            .iter()
            .find(|(n, p)| n != SUPER_DBA && p.as_slice() == privileges)
            .map(|(n, _)| n.clone())
    }

    /// `xp_<XPanel's name>` in the letters a role name may have (XPanel's are often
    /// Chinese), `_<id>` added when that name is taken; registered.
    fn new_role(&mut self, xpanel_name: &str, id: i64, privileges: &[Privilege]) -> String {
        let kept: String = xpanel_name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        let base = if kept.is_empty() { format!("xp_role_{id}") } else { format!("xp_{kept}") };
        let fits = |s: &str, room: usize| s.chars().take(room).collect::<String>();
        let mut name = fits(&base, 32);
        let taken = |n: &str, roles: &[(String, Vec<Privilege>)]| {
            roles.iter().any(|(r, _)| r.eq_ignore_ascii_case(n))
        };
        if taken(&name, &self.roles) {
            let suffix = format!("_{id}");
            name = format!("{}{suffix}", fits(&base, 32 - suffix.len()));
            let mut n = 2;
            while taken(&name, &self.roles) {
                let suffix = format!("_{id}_{n}");
                name = format!("{}{suffix}", fits(&base, 32 - suffix.len()));
                n += 1;
            }
        }
        debug_assert!(valid_role_name(crate::i18n::Locale::en, &name).is_ok(), "{name}");
        self.roles.push((name.clone(), privileges.to_vec()));
        name
    }
}
