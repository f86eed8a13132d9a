//! The store's queries, run the same way on each database: SQLite always, MySQL
//! (MariaDB here) and PostgreSQL when `XPANEL_TEST_MYSQL_URL` / `XPANEL_TEST_PG_URL`
//! are given (.ci/run gives both). Each run gets a database of its own, made here and
//! dropped after, so runs never see each other's rows.

use super::{
    audit::{AuditEvent, Outcome},
    jobs::{JobEnd, NewJob},
    scratch::{drop_database, env_url, scratch_database},
    users::PasswordHash,
    Dialect, Store,
};
use crate::domain::audit::AuditFilter;
use crate::i18n::Locale;

#[tokio::test]
async fn every_query_on_sqlite() {
    let store = Store::open("sqlite::memory:").await.unwrap();
    assert_eq!(store.dialect(), Dialect::Sqlite);
    exercise(&store).await;
    ran_on("SQLite", "in memory");
}

#[tokio::test]
async fn every_query_on_mysql() {
    let Some(base) = env_url("XPANEL_TEST_MYSQL_URL") else { return };
    let (url, name) = scratch_database(&base).await;
    let store = Store::open(&url).await.unwrap();
    assert_eq!(store.dialect(), Dialect::MySql);
    exercise(&store).await;
    // Migrations are recorded: opening again applies nothing and fails nothing.
    drop(Store::open(&url).await.unwrap());
    drop_database(&base, &name).await;
    ran_on("MySQL", &name);
}

#[tokio::test]
async fn every_query_on_postgres() {
    let Some(base) = env_url("XPANEL_TEST_PG_URL") else { return };
    let (url, name) = scratch_database(&base).await;
    let store = Store::open(&url).await.unwrap();
    assert_eq!(store.dialect(), Dialect::Postgres);
    exercise(&store).await;
    drop(Store::open(&url).await.unwrap());
    drop_database(&base, &name).await;
    ran_on("PostgreSQL", &name);
}

/// The line CI's log shows for each database the store was proven on (scripts/test.sh
/// runs these tests with their output shown).
fn ran_on(database: &str, name: &str) {
    eprintln!("STORE TESTED: every query ran on {database} ({name})");
}

/// Two administrators demoting (or deleting) each other at the same moment: one wins,
/// the other is refused, and an enabled super_dba stays, on every database.
async fn the_last_super_dba_stays_under_concurrency(s: &Store) {
    let first = s.user_by_name("super_dba").await.unwrap().unwrap().id;
    for round in 0..5 {
        let second = s.create_account(&format!("root{round}"), "h", 1).await.unwrap().unwrap();
        let (a, b) = tokio::join!(
            s.update_account_keeping(first, 2, false, 1),
            s.update_account_keeping(second, 2, false, 1),
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert!(a ^ b, "round {round}: exactly one demotion passes ({a}, {b})");
        assert_eq!(s.active_with_role(1).await.unwrap(), 1);
        // The demoted one is made super_dba again, then both are deleted at once.
        let demoted = if a { first } else { second };
        assert!(s.update_account_keeping(demoted, 1, false, 1).await.unwrap());
        let (a, b) =
            tokio::join!(s.delete_account_keeping(first, 1), s.delete_account_keeping(second, 1));
        let (a, b) = (a.unwrap(), b.unwrap());
        assert!(a ^ b, "round {round}: exactly one deletion passes ({a}, {b})");
        assert_eq!(s.active_with_role(1).await.unwrap(), 1);
        if a {
            // `first` is gone: carry on with the survivor as the first super_dba.
            let survivor = s.account(second).await.unwrap().unwrap();
            assert_eq!(survivor.role_id, 1);
            return;
        }
    }
}

#[tokio::test]
async fn the_last_super_dba_stays_under_concurrency_on_every_database() {
    let dir = std::env::temp_dir().join(format!("xpanel-store-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let s = Store::open_in(&dir).await.unwrap();
    s.seed_initial_user("super_dba", &PasswordHash("h".into())).await.unwrap();
    the_last_super_dba_stays_under_concurrency(&s).await;
    drop(s);
    let _ = std::fs::remove_dir_all(&dir);
    for var in ["XPANEL_TEST_MYSQL_URL", "XPANEL_TEST_PG_URL"] {
        let Some(base) = env_url(var) else { continue };
        let (url, name) = scratch_database(&base).await;
        let s = Store::open(&url).await.unwrap();
        s.seed_initial_user("super_dba", &PasswordHash("h".into())).await.unwrap();
        the_last_super_dba_stays_under_concurrency(&s).await;
        drop(s);
        drop_database(&base, &name).await;
    }
}

#[test]
fn placeholders_are_numbered_for_postgres_outside_quotes() {
    assert_eq!(
        super::number_placeholders("SELECT '?' FROM t WHERE a = ? AND b = ?"),
        "SELECT '?' FROM t WHERE a = $1 AND b = $2"
    );
}

#[test]
fn store_urls_name_their_database() {
    assert_eq!(Dialect::of_url("sqlite://data/x.db").unwrap(), Dialect::Sqlite);
    assert_eq!(Dialect::of_url("mysql://u@h/db").unwrap(), Dialect::MySql);
    assert_eq!(Dialect::of_url("postgres://u@h/db").unwrap(), Dialect::Postgres);
    assert_eq!(Dialect::of_url("postgresql://u@h/db").unwrap(), Dialect::Postgres);
    let err = Dialect::of_url("redis://h").unwrap_err().to_string();
    assert!(err.contains("redis"), "{err}");
}

/// Every store function, with the results the console relies on.
async fn exercise(s: &Store) {
    s.ping().await.unwrap();

    // Accounts: the initial one is seeded once, as super_dba, with a forced change.
    let hash = PasswordHash("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into());
    assert!(s.seed_initial_user("super_dba", &hash).await.unwrap());
    assert!(!s.seed_initial_user("super_dba", &hash).await.unwrap(), "seeded twice");
    assert_eq!(s.count_users().await.unwrap(), 1);
    let admin = s.user_by_name("super_dba").await.unwrap().unwrap();
    assert!(admin.must_change_password && !admin.disabled);
    assert_eq!(s.user_by_id(admin.id).await.unwrap().unwrap().name, "super_dba");
    assert!(s.user_by_name("nobody").await.unwrap().is_none());
    // Language: none until chosen, then the one chosen.
    assert_eq!(admin.language, None);
    s.set_user_language(admin.id, "zh-CN").await.unwrap();
    assert_eq!(s.user_by_id(admin.id).await.unwrap().unwrap().language.as_deref(), Some("zh-CN"));

    // Roles: three built in, in this order, ids 1..3 on every database.
    let roles = s.roles().await.unwrap();
    let names: Vec<_> = roles.iter().map(|r| (r.id, r.name.as_str(), r.builtin)).collect();
    assert_eq!(names, [(1, "super_dba", true), (2, "DBA", true), (3, "read-only", true)]);
    let rights = s.rights(admin.id).await.unwrap().unwrap();
    assert_eq!(rights.role.name, "super_dba");
    assert!(!rights.role.privileges().is_empty());

    // Sessions: insert, read, touch, rotate on password change (all others end).
    s.insert_session("tok-a", admin.id).await.unwrap();
    s.insert_session("tok-b", admin.id).await.unwrap();
    let sess = s.session("tok-a").await.unwrap().unwrap();
    assert_eq!((sess.user_id, sess.user_name.as_str()), (admin.id, "super_dba"));
    assert!(sess.must_change_password);
    s.touch_session("tok-a").await.unwrap();
    let new_hash = PasswordHash("$argon2id$v=19$m=19456,t=2,p=1$c2FsdDI$aGFzaDI".into());
    s.change_password_and_rotate(admin.id, &new_hash, "tok-c").await.unwrap();
    assert!(s.session("tok-a").await.unwrap().is_none());
    assert!(s.session("tok-b").await.unwrap().is_none());
    let sess = s.session("tok-c").await.unwrap().unwrap();
    assert!(!sess.must_change_password, "the change clears the forced change");
    assert_eq!(s.user_by_id(admin.id).await.unwrap().unwrap().password_hash.0, new_hash.0);
    s.delete_session("tok-c").await.unwrap();
    assert!(s.session("tok-c").await.unwrap().is_none());
    s.insert_session("tok-d", admin.id).await.unwrap();
    let far_future = super::now() + 3600;
    assert_eq!(s.purge_expired_sessions(far_future, 0).await.unwrap(), 1);

    // Custom roles and accounts: ids come back from the insert on every database.
    let role = s.create_role("backup operators", "backup_restore").await.unwrap();
    assert!(role > 3);
    assert!(s.create_role("backup operators", "").await.is_err(), "names are unique");
    let dba = s.create_account("alice", "h", 2).await.unwrap().unwrap();
    let ops = s.create_account("bob", "h", role).await.unwrap().unwrap();
    assert_eq!(
        s.create_account("ALICE", "h", 2).await.unwrap(),
        None,
        "names are unique in any case"
    );
    assert_eq!(s.user_by_name("Alice").await.unwrap().map(|u| u.id), Some(dba));
    assert!(ops > dba && dba > admin.id);
    let accounts = s.accounts().await.unwrap();
    assert_eq!(accounts.len(), 3);
    let bob = s.account(ops).await.unwrap().unwrap();
    assert_eq!((bob.role_name.as_str(), bob.must_change_password), ("backup operators", true));
    assert_eq!(s.active_with_role(1).await.unwrap(), 1);

    // A role change ends the sessions of everyone with the role; built-ins stay.
    s.insert_session("tok-bob", ops).await.unwrap();
    assert!(s.update_role(role, "backup_restore,node_control").await.unwrap());
    assert!(s.session("tok-bob").await.unwrap().is_none());
    assert!(!s.update_role(1, "").await.unwrap(), "built-in roles cannot change");
    assert_eq!(s.role(role).await.unwrap().unwrap().privileges().len(), 2);
    assert!(!s.delete_role(role).await.unwrap(), "a role in use is kept");

    // Grants: all clusters or one, with a window; each change ends the user's sessions.
    s.insert_session("tok-alice", dba).await.unwrap();
    let g1 = s.add_grant(dba, None, (None, None), "super_dba").await.unwrap();
    assert!(s.session("tok-alice").await.unwrap().is_none());
    let g2 = s.add_grant(dba, Some(7), (Some(100), Some(200)), "super_dba").await.unwrap();
    assert!(g2 > g1);
    let grants = s.grants_of(dba).await.unwrap();
    assert_eq!(grants.len(), 2);
    assert!(grants[1].covers(7, 150) && !grants[1].covers(7, 200) && !grants[1].covers(8, 150));
    assert!(s.delete_grant(dba, g1).await.unwrap());
    assert!(!s.delete_grant(ops, g2).await.unwrap(), "another user's grant is not touched");

    // Account changes: disable, reset (forces a change), delete (grants go with it).
    s.insert_session("tok-alice2", dba).await.unwrap();
    s.update_account(dba, 3, true).await.unwrap();
    assert!(s.session("tok-alice2").await.unwrap().is_none());
    let alice = s.account(dba).await.unwrap().unwrap();
    assert!(alice.disabled && alice.role_name == "read-only");
    s.change_password_and_rotate(ops, &new_hash, "tok-bob2").await.unwrap();
    s.reset_password(ops, "temporary").await.unwrap();
    assert!(s.user_by_id(ops).await.unwrap().unwrap().must_change_password);
    assert!(s.session("tok-bob2").await.unwrap().is_none());
    s.delete_account(dba).await.unwrap();
    assert!(s.account(dba).await.unwrap().is_none());
    assert!(s.grants_of(dba).await.unwrap().is_empty());
    s.update_account(ops, 3, false).await.unwrap();
    assert!(s.delete_role(role).await.unwrap());

    // Audit: text is stored as given (quotes, markup, CJK), newest first, paged.
    for i in 0..3 {
        s.audit(AuditEvent {
            user_name: "super_dba",
            client_addr: "10.0.0.1",
            action: "login",
            target: "",
            outcome: if i == 1 { Outcome::Failed } else { Outcome::Ok },
            detail: "it's <b>集群</b> ? $1",
        })
        .await;
    }
    let recent = s.recent_audit(2).await.unwrap();
    assert_eq!(recent.len(), 2);
    assert!(recent[0].id > recent[1].id);
    assert_eq!(recent[0].detail, "it's <b>集群</b> ? $1");
    let all = AuditFilter::default();
    let (page, total) = s.audit_page(&all, 2, 2).await.unwrap();
    assert_eq!((page.len(), total), (1, 3));
    assert_eq!(page[0].outcome, "ok");
    s.audit(AuditEvent {
        user_name: "alice",
        client_addr: "10.0.0.2",
        action: "create_cluster",
        target: "Cluster_50%",
        outcome: Outcome::Ok,
        detail: "",
    })
    .await;
    let filter = |user: &str, action: &str, outcome: &str, text: &str| {
        AuditFilter::parse(Locale::en, user, action, outcome, "", "", text).unwrap()
    };
    let count = |f: AuditFilter| async move { s.audit_page(&f, 10, 0).await.unwrap().1 };
    assert_eq!(count(filter("alice", "", "", "")).await, 1);
    assert_eq!(count(filter("", "login", "failed", "")).await, 1);
    assert_eq!(count(filter("", "", "ok", "")).await, 3);
    assert_eq!(count(filter("", "", "", "cluster_50%")).await, 1, "case-blind, literal %");
    assert_eq!(count(filter("", "", "", "_50")).await, 1);
    assert_eq!(count(filter("", "", "", "clu_ter")).await, 0, "_ is not a wildcard");
    assert_eq!(count(filter("", "", "", "集群")).await, 3);
    assert_eq!(count(filter("", "", "", "' OR 1=1 --")).await, 0);
    let today = crate::time::utc(super::now())[..10].to_string();
    let f = AuditFilter::parse(Locale::en, "", "", "", &today, &today, "").unwrap();
    assert_eq!(count(f).await, 4);
    let f = AuditFilter::parse(Locale::en, "", "", "", "2000-01-01", "2000-01-01", "").unwrap();
    assert_eq!(count(f).await, 0);

    // Jobs: recorded before submit, accepted, progress, finished exactly once.
    let new = |t| NewJob {
        job_type: t,
        target: "10.0.0.11 storage",
        params: r#"{"hostaddr":"10.0.0.11"}"#,
        user_name: "super_dba",
        client_addr: "10.0.0.1",
        submitted_ms: "1700000000123",
    };
    let j1 = s.job_submitting(new("create_machine")).await.unwrap();
    let j2 = s.job_submitting(new("create_cluster")).await.unwrap();
    assert!(j2 > j1);
    let rec = s.job(j1).await.unwrap().unwrap();
    assert_eq!((rec.status.as_str(), rec.cm_job_id.as_deref()), ("submitting", None));
    assert_eq!((rec.error.as_str(), rec.progress.as_str()), ("", ""));
    assert_eq!((rec.submitted_ms.as_str(), rec.cm_seen_at), ("1700000000123", None));
    s.job_accepted(j1, "42").await.unwrap();
    assert!(s.job(j1).await.unwrap().unwrap().cm_seen_at.is_some(), "accepted is a sign of life");
    s.job_seen(j1, 1_800_000_000).await.unwrap();
    s.job_progress(j1, r#"{"steps":[]}"#).await.unwrap();
    assert_eq!(s.unfinished_jobs().await.unwrap().len(), 2);
    let end = |ok, error, code| JobEnd { ok, error, code, reason: "" };
    assert!(s.job_finished(j1, end(true, "", None)).await.unwrap());
    assert!(!s.job_finished(j1, end(false, "late", None)).await.unwrap(), "finished once only");
    assert!(s.job_finished(j2, end(false, "refused: 'no room'", Some(70062))).await.unwrap());
    let rec = s.job(j1).await.unwrap().unwrap();
    assert_eq!((rec.status.as_str(), rec.cm_job_id.as_deref()), ("done", Some("42")));
    assert_eq!((rec.cm_seen_at, rec.error_code), (Some(1_800_000_000), None));
    assert_eq!(s.job(j2).await.unwrap().unwrap().error_code, Some(70062));
    assert_eq!(rec.progress, r#"{"steps":[]}"#);
    assert!(s.unfinished_jobs().await.unwrap().is_empty());
    let counts = s.job_counts().await.unwrap();
    assert_eq!(counts, [("done".to_string(), 1), ("failed".to_string(), 1)]);
    let (rows, total) = s.jobs_page(Some("failed"), 10, 0).await.unwrap();
    assert_eq!((rows.len(), total, rows[0].error.as_str()), (1, 1, "refused: 'no room'"));
    let (rows, total) = s.jobs_page(None, 1, 0).await.unwrap();
    assert_eq!((rows[0].id, total), (j2, 2));
    let (rows, total) = s.jobs_page(Some("running"), 10, 0).await.unwrap();
    assert_eq!((rows.len(), total), (0, 0));

    // Lag thresholds: per shard of a cluster, set again replaces.
    assert!(s.lag_thresholds(3).await.unwrap().is_empty());
    s.set_lag_threshold(3, 5, 30, "super_dba").await.unwrap();
    s.set_lag_threshold(3, 6, 100, "super_dba").await.unwrap();
    s.set_lag_threshold(3, 5, 45, "super_dba").await.unwrap();
    s.set_lag_threshold(4, 5, 7, "super_dba").await.unwrap();
    let mut t = s.lag_thresholds(3).await.unwrap();
    t.sort();
    assert_eq!(t, [(5, 45), (6, 100)]);
}
