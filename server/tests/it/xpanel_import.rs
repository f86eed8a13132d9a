//! XPanel's accounts come along (issue #16). On the local MariaDB, a metadata cluster
//! (the simulator's, two clusters) and beside it XPanel's `kunlun_dba_tools_db` made from
//! the installer's DDL (fixtures/dba_tools_db.sql), with users, roles and grants as
//! XPanel's pages write them. A console started on an empty store imports every account
//! once; each imported user logs in with the old password and must change it; each
//! mapped privilege allows and refuses what it should; a second start and the command
//! import nothing more; nothing is written to XPanel's database.

use crate::common::*;
use app::backend::store::scratch::{drop_database, env_url, scratch_database};
use reqwest::{Client, StatusCode};
use sqlx::{Connection, Executor, MySqlConnection};
use std::time::Duration;

const DDL: &str = include_str!("fixtures/dba_tools_db.sql");

/// XPanel's rows, as its user, role and grant pages write them (one role per user there,
/// `Y`/`N` flags, cluster lists as `1,2`, periods as local timestamps).
const XPANEL_ROWS: &[&str] = &[
    "UPDATE {DB}.kunlun_user SET password = 'Xp#Super2026' WHERE name = 'super_dba'",
    "INSERT INTO {DB}.kunlun_user (name, password, email) VALUES
        ('alice', 'alice_pw1', 'alice@example.com'), ('bob', 'bob_pw1', ''),
        ('carol', 'carol_pw1', ''), ('Alice', 'twin_pw1', ''), ('internal_user', 'x', '')",
    // 运维 (operations): machines and creating clusters.
    "INSERT INTO {DB}.kunlun_role_privilege SET role_name = '运维ops', machine_add_priv = 'Y',
        machine_priv = 'Y', machine_drop_priv = 'Y', cluster_creata_priv = 'Y'",
    // scale: shards and nodes, and dropping clusters; a lone storage_enable (no pair).
    "INSERT INTO {DB}.kunlun_role_privilege SET role_name = 'scale', cluster_drop_priv = 'Y',
        shard_create_priv = 'Y', shard_drop_priv = 'Y', storage_node_create_priv = 'Y',
        storage_node_drop_priv = 'Y', compute_node_create_priv = 'Y', compute_node_drop_priv = 'Y',
        storage_enable_priv = 'Y'",
    "INSERT INTO {DB}.kunlun_role_assign (user_id, role_id, valid_period, apply_all_cluster)
        SELECT u.id, r.id, 'permanent', 1 FROM {DB}.kunlun_user u, {DB}.kunlun_role_privilege r
        WHERE u.name = 'alice' AND r.role_name = '运维ops'",
    // bob: within a window around now, on clusters 1 and 2.
    "INSERT INTO {DB}.kunlun_role_assign (user_id, role_id, valid_period, start_ts, end_ts,
            apply_all_cluster, affected_clusters)
        SELECT u.id, r.id, 'from_to', NOW() - INTERVAL 1 HOUR, NOW() + INTERVAL 1 HOUR, 2, '1,2'
        FROM {DB}.kunlun_user u, {DB}.kunlun_role_privilege r
        WHERE u.name = 'bob' AND r.role_name = 'scale'",
    // carol: a window that is over.
    "INSERT INTO {DB}.kunlun_role_assign (user_id, role_id, valid_period, start_ts, end_ts)
        SELECT u.id, r.id, 'from_to', NOW() - INTERVAL 2 DAY, NOW() - INTERVAL 1 DAY
        FROM {DB}.kunlun_user u, {DB}.kunlun_role_privilege r
        WHERE u.name = 'carol' AND r.role_name = '运维ops'",
];

#[tokio::test]
async fn xpanel_accounts_come_along_once_with_their_rights() {
    let Some(base) = env_url("XPANEL_TEST_MYSQL_URL") else { return };
    // The metadata cluster: the simulator's tables in a scratch database, two clusters.
    let (meta_url, meta_db) = scratch_database(&base).await;
    let sim = start_sim_on(&meta_url, Duration::from_millis(5), klustron_sim::Profile::V1_0).await;
    klustron_sim::seed::demo(&sim).await.unwrap();
    create_second_cluster(&sim).await;
    // XPanel's database beside it, from the installer's DDL.
    let tools = format!("{meta_db}_tools");
    let mut admin = MySqlConnection::connect(&base).await.unwrap();
    for stmt in DDL.replace("kunlun_dba_tools_db", &tools).split(";\n") {
        if stmt.lines().any(|l| !l.trim().is_empty() && !l.trim_start().starts_with("--")) {
            admin.execute(stmt).await.unwrap_or_else(|e| panic!("{stmt}: {e}"));
        }
    }
    for stmt in XPANEL_ROWS {
        admin.execute(stmt.replace("{DB}", &tools).as_str()).await.unwrap();
    }
    let before = checksum(&mut admin, &tools).await;

    // A console on an empty store imports at its start.
    let data = tempfile::tempdir().unwrap();
    let mut c = config(data.path().to_path_buf(), vec![meta_url.clone()]);
    c.xpanel_db = tools.clone();
    let app = spawn_config(c.clone()).await;

    // super_dba: XPanel's password, to be changed; the initial one no longer works.
    assert_eq!(app.login(DEFAULT_USER, DEFAULT_PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
    let r = app.login(DEFAULT_USER, "Xp#Super2026").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["location"], "/KunlunXPanel/change-password");
    let r = app.change_password("Xp#Super2026", NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(r.status(), StatusCode::OK);

    let system = system_view(&app).await;
    let user = |name: &str| system.users.iter().find(|u| u.name == name);
    let names: Vec<&str> = system.users.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(names.len(), 4, "super_dba, alice, bob, carol: {names:?}");
    assert!(user("Alice").is_none() && user("internal_user").is_none());
    let alice = user("alice").unwrap();
    assert_eq!(alice.role, "xp_ops");
    assert!(alice.must_change_password);
    let bob = user("bob").unwrap();
    assert_eq!(bob.role, "xp_scale");
    let carol = user("carol").unwrap();
    assert_eq!((carol.role.as_str(), carol.disabled), ("read-only", true));
    // bob's grants: clusters 1 and 2, within XPanel's window (start strict there).
    let clusters: Vec<Option<i64>> = bob.grants.iter().map(|g| g.cluster_id).collect();
    assert_eq!(clusters, [Some(1), Some(2)]);
    for g in &bob.grants {
        let (from, until) = (g.valid_from.expect("a start"), g.valid_until.expect("an end"));
        assert_eq!(until - from, 2 * 3600 - 1, "{g:?}");
    }
    let privileges = |name: &str| {
        system.roles.iter().find(|r| r.name == name).expect("the role").privileges.clone()
    };
    assert_eq!(
        privileges("xp_ops"),
        ["machine_add", "machine_edit", "machine_delete", "cluster_create"]
    );
    assert_eq!(
        privileges("xp_scale"),
        ["cluster_delete", "cluster_scale"],
        "the lone storage_enable is not node control"
    );

    // Each logs in with XPanel's password and must change it.
    let alice = logged_in(&app, "alice", "alice_pw1").await;
    let bob = logged_in(&app, "bob", "bob_pw1").await;
    let r = new_client()
        .post(app.url("/KunlunXPanel/api/login"))
        .form(&[("username", "carol"), ("password", "carol_pw1")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "carol had no role in force: disabled");

    // What each privilege allows (the call passes the check and fails on its argument,
    // 422) and refuses (403).
    let bad_machine = [
        ("form[hostaddr]", "not-an-address"),
        ("form[machine_type]", "storage"),
        ("form[port_start]", "57000"),
        ("form[port_end]", "58000"),
        ("form[datadir]", "/d"),
        ("form[logdir]", "/l"),
        ("form[wal_log_dir]", "/w"),
        ("form[comp_datadir]", ""),
        ("form[total_mem]", "1024"),
        ("form[total_cpu_cores]", "8"),
        ("form[rack_id]", ""),
    ];
    // A server function, its arguments, and the status alice and bob get: 422 (invalid
    // arguments) means the privilege check let them through.
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], StatusCode, StatusCode);
    let cases: &[Case<'_>] = &[
        ("machines/add", &bad_machine, StatusCode::UNPROCESSABLE_ENTITY, StatusCode::FORBIDDEN),
        ("machines/edit", &bad_machine, StatusCode::UNPROCESSABLE_ENTITY, StatusCode::FORBIDDEN),
        (
            "machines/delete",
            &[("hostaddr", "10.9.9.9"), ("machine_type", "storage"), ("confirm", "no")],
            StatusCode::UNPROCESSABLE_ENTITY,
            StatusCode::FORBIDDEN,
        ),
        (
            "clusters/create",
            &[("draft[nick_name]", "")],
            StatusCode::UNPROCESSABLE_ENTITY,
            StatusCode::FORBIDDEN,
        ),
        // bob's: on clusters 1 and 2 only.
        (
            "clusters/delete",
            &[("cluster_id", "1"), ("confirm", "no")],
            StatusCode::FORBIDDEN,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "clusters/delete",
            &[("cluster_id", "2"), ("confirm", "no")],
            StatusCode::FORBIDDEN,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "clusters/delete_shard",
            &[("cluster_id", "1"), ("shard_id", "1"), ("confirm", "no")],
            StatusCode::FORBIDDEN,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        ("system/get", &[], StatusCode::FORBIDDEN, StatusCode::FORBIDDEN),
    ];
    for (f, form, for_alice, for_bob) in cases {
        for (who, c, want) in [("alice", &alice, for_alice), ("bob", &bob, for_bob)] {
            let r =
                c.post(app.url(&format!("/KunlunXPanel/api/{f}"))).form(form).send().await.unwrap();
            assert_eq!(r.status(), *want, "{who} {f}: {}", r.text().await.unwrap());
        }
    }
    // A cluster outside bob's grant.
    let third =
        sim.store().reader().clusters().await.unwrap().iter().map(|c| c.id).max().unwrap() + 1;
    let r = bob
        .post(app.url("/KunlunXPanel/api/clusters/delete"))
        .form(&[("cluster_id", third.to_string().as_str()), ("confirm", "no")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // The import is audited, one record per account and one for the whole.
    let store = app::backend::store::Store::open_in(&app.data_dir).await.unwrap();
    let (audit, _) = store.audit_page(&Default::default(), 1000, 0).await.unwrap();
    let imported: Vec<&str> = audit
        .iter()
        .filter(|a| a.action == "import_xpanel_account")
        .map(|a| a.target.as_str())
        .collect();
    assert_eq!(imported.len(), 4, "{imported:?}");
    assert_eq!(audit.iter().filter(|a| a.action == "import_xpanel_accounts").count(), 1);

    // The command, run again on this store: nothing more to import; as a dry run on an
    // empty store it says what it would do and writes nothing.
    let out = run_command(&data.path().display().to_string(), &meta_url, &tools, &[]);
    assert!(out.contains("nothing new to import"), "{out}");
    assert!(out.contains("alice: imported before"), "{out}");
    let empty = tempfile::tempdir().unwrap();
    let out = run_command(&empty.path().display().to_string(), &meta_url, &tools, &["--dry-run"]);
    assert!(out.contains("would import 3 account(s) and 2 role(s)"), "{out}");
    assert!(out.contains("alice: e-mail, phone or WeChat not kept"), "{out}");
    assert!(out.contains("dry run: nothing was written"), "{out}");
    let dry = app::backend::store::Store::open_in(empty.path()).await.unwrap();
    assert_eq!(
        dry.count_users().await.unwrap(),
        0,
        "nothing written, not even the initial account"
    );

    // A second start on the same store imports nothing.
    let again = spawn_config(c).await;
    let (audit, _) = store.audit_page(&Default::default(), 1000, 0).await.unwrap();
    assert_eq!(audit.iter().filter(|a| a.action == "import_xpanel_account").count(), 4);
    assert_eq!(again.login(DEFAULT_USER, NEW_PASSWORD).await.status(), StatusCode::OK);

    assert_eq!(checksum(&mut admin, &tools).await, before, "XPanel's tables are never written");
    admin.execute(format!("DROP DATABASE {tools}").as_str()).await.unwrap();
    drop_database(&base, &meta_db).await;
}

/// XPanel's three tables' checksums.
async fn checksum(c: &mut MySqlConnection, db: &str) -> Vec<(String, Option<i64>)> {
    let sql = format!(
        "CHECKSUM TABLE {db}.kunlun_user, {db}.kunlun_role_privilege, {db}.kunlun_role_assign"
    );
    sqlx::query_as(&sql).fetch_all(c).await.unwrap()
}

/// A client logged in as `name` with XPanel's password, then with one of its own.
async fn logged_in(app: &TestApp, name: &str, xpanel_password: &str) -> Client {
    let c = new_client();
    let r = c
        .post(app.url("/KunlunXPanel/api/login"))
        .form(&[("username", name), ("password", xpanel_password)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{name} logs in with XPanel's password");
    assert_eq!(r.headers()["location"], "/KunlunXPanel/change-password", "{name} must change it");
    let own = "Own#2026secret";
    let r = c
        .post(app.url("/KunlunXPanel/api/change_password"))
        .form(&[
            ("current_password", xpanel_password),
            ("new_password", own),
            ("confirm_password", own),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{name}: {}", r.text().await.unwrap());
    c
}

/// A second cluster, created through the simulator's job API as cluster_mgr would.
async fn create_second_cluster(sim: &klustron_sim::Simulator) {
    let reader = sim.store().reader();
    for _ in 0..400 {
        if !reader.clusters().await.unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let body = serde_json::json!({
        "version": "1.0", "job_id": "", "job_type": "create_cluster", "timestamp": "0",
        "user_name": "super_dba",
        "paras": {"nick_name": "second", "ha_mode": "rbr", "shards": "1", "nodes": "1", "comps": "1",
                  "max_storage_size": "20", "max_connections": "1000", "cpu_cores": "8",
                  "innodb_size": "1024", "fullsync_level": "0", "dbcfg": "0",
                  "storage_iplists": ["10.0.0.11"], "computer_iplists": ["10.0.0.21"]}
    });
    let url = format!("http://{}{}", sim.leader().await, klustron::protocol::EMIT_PATH);
    reqwest::Client::new().post(url).body(body.to_string()).send().await.unwrap();
    for _ in 0..400 {
        if reader.clusters().await.unwrap().len() == 2 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the second cluster was not created");
}

/// `xpanel import-xpanel-accounts` on the store in `data_dir`; its output.
fn run_command(data_dir: &str, meta_url: &str, db: &str, extra: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_xpanel"))
        .arg("import-xpanel-accounts")
        .args(extra)
        .env("XPANEL_DATA_DIR", data_dir)
        .env("METASEEDS", meta_url)
        .env("XPANEL_ACCOUNTS_DB", db)
        .env("RUST_LOG", "warn")
        .output()
        .expect("xpanel runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    text
}
