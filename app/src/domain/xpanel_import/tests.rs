use super::*;
use crate::domain::access::{valid_role_name, READ_ONLY, SUPER_DBA};
use klustron::metadata::xpanel_accounts::{ShardDelay, XpanelUser};
use klustron::metadata::xpanel_accounts::{XpanelAccounts, XpanelRole};

const NOW: i64 = 1_800_000_000;

fn user(id: i64, name: &str, password: &str) -> XpanelUser {
    XpanelUser { id, name: name.into(), password: password.into(), has_contact: false }
}

fn role(id: i64, name: &str, yes: &[&str]) -> XpanelRole {
    let mut granted = [false; 28];
    for y in yes {
        granted[PRIVILEGE_COLUMNS.iter().position(|c| c == y).unwrap()] = true;
    }
    XpanelRole { id, name: name.into(), granted }
}

fn assign(
    user_id: i64,
    role_id: i64,
    period: (&str, Option<i64>, Option<i64>),
    scope: (i64, Option<&str>),
) -> XpanelAssignment {
    XpanelAssignment {
        user_id,
        role_id,
        valid_period: period.0.into(),
        start_ts: period.1,
        end_ts: period.2,
        apply_all_cluster: scope.0,
        affected_clusters: scope.1.map(str::to_owned),
    }
}

const FOREVER: (&str, Option<i64>, Option<i64>) = ("permanent", None, None);
const ALL: (i64, Option<&str>) = (1, None);

fn src(
    users: Vec<XpanelUser>,
    roles: Vec<XpanelRole>,
    assignments: Vec<XpanelAssignment>,
) -> XpanelAccounts {
    XpanelAccounts {
        users,
        roles,
        assignments,
        shard_delays: vec![],
        live_clusters: vec![1, 2, 3],
        now: NOW,
    }
}

fn target() -> Target {
    Target {
        roles: vec![
            (SUPER_DBA.into(), Privilege::ALL.to_vec()),
            (
                "DBA".into(),
                Privilege::ALL.iter().copied().filter(|p| *p != Privilege::UsersRoles).collect(),
            ),
            (READ_ONLY.into(), vec![]),
        ],
        user_names: vec![SUPER_DBA.into()],
        imported: vec![],
        super_dba_untouched: true,
    }
}

fn account<'a>(p: &'a ImportPlan, name: &str) -> &'a NewAccount {
    p.accounts.iter().find(|a| a.name == name).unwrap_or_else(|| panic!("{name} in {p:#?}"))
}

#[test]
fn periods_are_in_force_as_xpanel_judged_them() {
    let a = |p| assign(1, 1, p, ALL);
    assert!(in_force(&a(FOREVER), NOW));
    assert!(in_force(&a(("from_to", Some(NOW - 1), None)), NOW));
    assert!(!in_force(&a(("from_to", Some(NOW), None)), NOW), "start is strict");
    assert!(in_force(&a(("from_to", None, Some(NOW + 1))), NOW));
    assert!(!in_force(&a(("from_to", None, Some(NOW))), NOW), "end is strict");
    assert!(!in_force(&a(("from_to", None, None)), NOW), "no ends: never");
    assert!(!in_force(&a(("sometimes", None, None)), NOW));
}

#[test]
fn a_privilege_needs_every_column_it_stands_for() {
    let mut g = [false; 28];
    g[10..=15].fill(true);
    g[7] = true;
    g[20] = true; // storage_enable alone
    g[26] = true; // expand_cluster: nothing here
    let (privileges, lost) = map_columns(&g);
    assert_eq!(privileges, [Privilege::MachineEdit, Privilege::ClusterScale]);
    assert_eq!(
        lost.iter().map(|(c, _)| *c).collect::<Vec<_>>(),
        ["storage_enable_priv", "expand_cluster_priv"]
    );
    let (all, lost) = map_columns(&[true; 28]);
    // XPanel lets only its super_dba switch over (`Cluster.php` `switchShard`), and no
    // column guards shard settings: no column stands for either, so no imported role
    // gets them.
    let without_switchover: Vec<_> = Privilege::ALL
        .into_iter()
        .filter(|p| !matches!(p, Privilege::Switchover | Privilege::Rebuild | Privilege::Configure))
        .collect();
    assert_eq!(all, without_switchover);
    assert_eq!(lost.len(), 4, "the four columns with no privilege are reported");
}

#[test]
fn accounts_roles_and_grants_follow_xpanel() {
    let ops = role(2, "运维ops", &["machine_add_priv", "machine_priv", "cluster_drop_priv"]);
    let scale = role(
        3,
        "scale",
        &[
            "shard_create_priv",
            "shard_drop_priv",
            "storage_node_create_priv",
            "storage_node_drop_priv",
            "compute_node_create_priv",
            "compute_node_drop_priv",
        ],
    );
    let s = src(
        vec![
            user(1, "super_dba", "Old#xpanel1"),
            user(2, "alice", "alicepw"),
            user(3, "bob", "bobpw"),
            user(4, "Alice", "other"),
            user(5, "carol", ""),
            user(6, "bad name", "x"),
            user(7, "internal_user", "x"),
        ],
        vec![role(1, "super_dba", &PRIVILEGE_COLUMNS), ops, scale],
        vec![
            assign(1, 1, FOREVER, ALL),
            // alice: ops, on clusters 1 and 2 (and 9, gone), until NOW + 100
            assign(2, 2, ("from_to", Some(NOW - 100), Some(NOW + 100)), (2, Some(",1,2,null,9,2"))),
            // bob: ops for all clusters and scale on cluster 3: two roles, merged
            assign(3, 2, FOREVER, ALL),
            assign(3, 3, FOREVER, (2, Some("3"))),
            // carol: a window long over
            assign(5, 3, ("from_to", Some(NOW - 100), Some(NOW - 50)), ALL),
        ],
    );
    let p = plan(&s, &target());
    assert_eq!(p.super_dba_password.as_deref(), Some("Old#xpanel1"));
    assert_eq!(p.mapped, [(1, "super_dba".to_owned())]);
    assert_eq!(p.accounts.len(), 3, "{p:#?}");

    let alice = account(&p, "alice");
    assert_eq!(alice.role, "xp_ops");
    assert_eq!(alice.password.as_deref(), Some("alicepw"));
    assert_eq!(
        alice.grants,
        [1, 2].map(|c| NewGrant {
            cluster_id: Some(c),
            valid_from: Some(NOW - 99),
            valid_until: Some(NOW + 100)
        })
    );
    assert!(p.notes.contains(&Note::ClusterGone { name: "alice".into(), cluster_id: 9 }));
    assert!(p.notes.contains(&Note::GlobalWindowLost { name: "alice".into(), until: NOW + 100 }));

    let bob = account(&p, "bob");
    assert_eq!(bob.role, "xp_bob", "two roles merge into one named after the user");
    assert_eq!(
        bob.grants,
        [
            NewGrant { cluster_id: None, valid_from: None, valid_until: None },
            NewGrant { cluster_id: Some(3), valid_from: None, valid_until: None }
        ]
    );
    let bob_role = p.roles.iter().find(|r| r.name == "xp_bob").unwrap();
    assert_eq!(
        bob_role.privileges,
        [
            Privilege::MachineAdd,
            Privilege::MachineEdit,
            Privilege::ClusterDelete,
            Privilege::ClusterScale
        ]
    );

    let carol = account(&p, "carol");
    assert_eq!(
        (carol.role.as_str(), carol.disabled, carol.password.as_deref()),
        (READ_ONLY, true, None)
    );
    assert!(p.notes.contains(&Note::NoneInForce { name: "carol".into() }));
    assert!(p.notes.contains(&Note::EmptyPassword { name: "carol".into() }));

    assert!(p.notes.contains(&Note::DuplicateName { id: 4, name: "Alice".into(), kept: 2 }));
    assert!(p.notes.contains(&Note::BadName { id: 6, name: "bad name".into() }));
    assert!(p.notes.contains(&Note::InternalUser { id: 7 }));
    assert!(!p.notes.contains(&Note::RoleUnused { name: "scale".into() }), "bob holds scale");
}

#[test]
fn an_existing_role_with_the_same_privileges_is_reused_and_names_never_clash() {
    let dba_like = role(5, "dba", &PRIVILEGE_COLUMNS[7..]);
    let s = src(
        vec![user(2, "dave", "pw"), user(3, "erin", "pw"), user(4, "frank", "pw")],
        vec![dba_like, role(6, "x", &["machine_priv"]), role(7, "x", &["machine_add_priv"])],
        vec![assign(2, 5, FOREVER, ALL), assign(3, 6, FOREVER, ALL), assign(4, 7, FOREVER, ALL)],
    );
    let mut t = target();
    t.roles.push(("xp_x".into(), vec![Privilege::ClusterCreate]));
    let p = plan(&s, &t);
    // All but the four unmapped columns and UsersRoles: the built-in DBA without
    // switchover, which no XPanel column gives (XPanel let only super_dba switch over).
    // Mapping it to DBA would widen it, so it gets a role of its own.
    assert_eq!(account(&p, "dave").role, "xp_dba");
    let dave = p.roles.iter().find(|r| r.name == "xp_dba").expect("xp_dba is created");
    let dba = &t.roles.iter().find(|(n, _)| n == "DBA").expect("DBA").1;
    let without: Vec<_> = dba
        .iter()
        .copied()
        .filter(|p| !matches!(p, Privilege::Switchover | Privilege::Rebuild | Privilege::Configure))
        .collect();
    assert_eq!(dave.privileges, without);
    assert_eq!(account(&p, "erin").role, "xp_x_6");
    assert_eq!(account(&p, "frank").role, "xp_x_7");
    for r in &p.roles {
        assert!(valid_role_name(crate::i18n::Locale::en, &r.name).is_ok(), "{}", r.name);
    }
}

#[test]
fn a_second_run_plans_nothing() {
    let s = src(
        vec![user(1, "super_dba", "pw1"), user(2, "gina", "pw")],
        vec![role(2, "r", &["machine_priv"])],
        vec![assign(2, 2, FOREVER, ALL)],
    );
    let first = plan(&s, &target());
    assert_eq!(first.accounts.len(), 1);
    let mut t = target();
    t.imported = vec![1, 2];
    t.user_names.push("gina".into());
    t.roles.push(("xp_r".into(), vec![Privilege::MachineEdit]));
    t.super_dba_untouched = false;
    let second = plan(&s, &t);
    assert!(second.is_empty(), "{second:#?}");
}

#[test]
fn lag_thresholds_are_reported_not_dropped() {
    let mut s = src(vec![], vec![], vec![]);
    s.shard_delays =
        vec![ShardDelay { cluster_id: 1, shard_id: 1, user_id: 1, max_delay_secs: 30 }];
    assert!(plan(&s, &target()).notes.contains(&Note::LagThresholds { rows: 1 }));
}
