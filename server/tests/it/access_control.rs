//! Users, roles and grants through the server functions: a read-only user is refused on
//! every mutating function, a DBA only where its role and grants allow, nobody but
//! super_dba manages users, every change to a user's rights ends their sessions, a reset
//! forces a password change for any user, and the last super_dba cannot be removed.

use crate::common::*;
use app::error::AppError;
use reqwest::StatusCode;
use std::time::Duration;

pub(crate) const TEMP: &str = "Temp#2026pass";
pub(crate) const OWN: &str = "Own#2026secret";

fn form(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

pub(crate) async fn call(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    p: &[(&str, &str)],
) -> reqwest::Response {
    client.post(app.url(&format!("/KunlunXPanel/api/{path}"))).form(&form(p)).send().await.unwrap()
}

/// A new browser for `user`, logged in with the temporary password and changed to OWN.
pub(crate) async fn user_client(app: &TestApp, user: &str) -> reqwest::Client {
    let c = new_client();
    let r = call(app, &c, "login", &[("username", user), ("password", TEMP)]).await;
    assert!(r.status().is_success() || r.status().is_redirection(), "{}", r.status());
    // Any new or reset account must change the temporary password before anything else.
    let r = call(app, &c, "clusters/list", &[("query[page]", "1")]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(app_error(r).await, AppError::PasswordChangeRequired);
    let r = call(
        app,
        &c,
        "change_password",
        &[("current_password", TEMP), ("new_password", OWN), ("confirm_password", OWN)],
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    c
}

pub(crate) async fn role_id(app: &TestApp, name: &str) -> String {
    let system = system_view(app).await;
    system.roles.iter().find(|r| r.name == name).expect("the role").id.to_string()
}

pub(crate) async fn user_id(app: &TestApp, name: &str) -> String {
    let system = system_view(app).await;
    system.users.iter().find(|u| u.name == name).expect("the user").id.to_string()
}

/// Grants `user` the cluster `cluster_id` from now on, without end (as super_dba). A
/// change to a user's grants ends the user's sessions: see [`log_in_again`].
pub(crate) async fn grant(app: &TestApp, user: &str, cluster_id: &str) {
    let uid = user_id(app, user).await;
    let p = [
        ("user_id", uid.as_str()),
        ("cluster_id", cluster_id),
        ("valid_from", "0"),
        ("valid_until", "0"),
    ];
    let r = call(app, &app.client, "system/add_grant", &p).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
}

/// Logs `user`'s browser in again with its own password.
pub(crate) async fn log_in_again(app: &TestApp, client: &reqwest::Client, user: &str) {
    let r = call(app, client, "login", &[("username", user), ("password", OWN)]).await;
    assert!(r.status().is_success(), "{}", r.status());
}

pub(crate) async fn create_user(app: &TestApp, name: &str, role: &str) {
    let rid = role_id(app, role).await;
    let r = call(
        app,
        &app.client,
        "system/create_user",
        &[("name", name), ("role_id", &rid), ("password", TEMP)],
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
}

pub(crate) async fn demo_cluster(s: &SimApp) -> String {
    klustron_sim::seed::demo(&s.sim).await.unwrap();
    for _ in 0..500 {
        let cs = s.sim.store().reader().clusters().await.unwrap();
        // cluster_mgr writes the cluster's memo when the create has succeeded.
        if let Some(c) = cs.iter().find(|c| c.memo.is_some()) {
            return c.id.to_string();
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("demo cluster not active");
}

/// Every mutating server function with plausible arguments for `cluster`.
fn mutations(cluster: &str) -> Vec<(&'static str, Vec<(&'static str, String)>)> {
    let c = cluster.to_owned();
    let machine = |p: &'static str| {
        (
            p,
            vec![
                ("form[hostaddr]", "10.9.9.9".to_owned()),
                ("form[machine_type]", "storage".to_owned()),
                ("form[port_start]", "57000".to_owned()),
                ("form[port_end]", "58000".to_owned()),
                ("form[datadir]", "/d".to_owned()),
                ("form[logdir]", "/l".to_owned()),
                ("form[wal_log_dir]", "/w".to_owned()),
                ("form[comp_datadir]", String::new()),
                ("form[total_mem]", "1024".to_owned()),
                ("form[total_cpu_cores]", "8".to_owned()),
                ("form[rack_id]", String::new()),
            ],
        )
    };
    vec![
        machine("machines/add"),
        machine("machines/edit"),
        (
            "machines/delete",
            vec![
                ("hostaddr", "10.0.0.11".into()),
                ("machine_type", "storage".into()),
                ("confirm", "10.0.0.11".into()),
            ],
        ),
        ("clusters/create", vec![("draft[nick_name]", "x".into())]),
        ("clusters/add_comps", vec![("cluster_id", c.clone()), ("comps", "1".into())]),
        (
            "clusters/add_shards",
            vec![("cluster_id", c.clone()), ("shards", "1".into()), ("replicas", "3".into())],
        ),
        (
            "clusters/add_nodes",
            vec![("cluster_id", c.clone()), ("shard_id", "1".into()), ("nodes", "1".into())],
        ),
        ("clusters/delete", vec![("cluster_id", c.clone()), ("confirm", "demo".into())]),
        (
            "clusters/delete_shard",
            vec![("cluster_id", c.clone()), ("shard_id", "1".into()), ("confirm", "x".into())],
        ),
        (
            "clusters/delete_comp",
            vec![("cluster_id", c.clone()), ("comp_id", "1".into()), ("confirm", "x".into())],
        ),
        (
            "clusters/delete_node",
            vec![
                ("cluster_id", c.clone()),
                ("shard_id", "1".into()),
                ("hostaddr", "10.0.0.11".into()),
                ("port", "57001".into()),
                ("confirm", "x".into()),
            ],
        ),
        (
            "instances/control_storage",
            vec![
                ("cluster_id", c.clone()),
                ("shard_id", "1".into()),
                ("hostaddr", "10.0.0.11".into()),
                ("port", "57001".into()),
                ("control", "stop".into()),
                ("confirm", "10.0.0.11:57001".into()),
            ],
        ),
        (
            "instances/control_comp",
            vec![("cluster_id", c.clone()), ("comp_id", "1".into()), ("control", "start".into())],
        ),
        (
            "clusters/switchover",
            vec![
                ("cluster_id", c.clone()),
                ("shard_id", "1".into()),
                ("confirm", "shard_1".into()),
            ],
        ),
        (
            "noswitch/set",
            vec![("cluster_id", c.clone()), ("shard_id", "1".into()), ("secs", "600".into())],
        ),
        ("noswitch/delete", vec![("cluster_id", c.clone()), ("shard_id", "1".into())]),
        (
            "clusters/rebuild",
            vec![
                ("cluster_id", c.clone()),
                ("ask[shard_id]", "1".into()),
                ("ask[nodes][0]", "10.0.0.12:57001".into()),
                ("ask[max_source_lag]", "30".into()),
                ("ask[pv_limit]", "10".into()),
                ("confirm", "shard_1".into()),
            ],
        ),
        (
            "instances/cpu_limit",
            vec![
                ("cluster_id", c.clone()),
                ("comp_id", "1".into()),
                ("cores", "2".into()),
                ("mode", "quota".into()),
            ],
        ),
        (
            "instances/set_variable",
            vec![
                ("cluster_id", c.clone()),
                ("shard_id", "1".into()),
                ("hostaddr", "10.0.0.11".into()),
                ("port", "57001".into()),
                ("name", "fullsync_timeout".into()),
                ("value", "1".into()),
            ],
        ),
        (
            "shards/degrade",
            vec![
                ("cluster_id", c.clone()),
                ("shard_id", "1".into()),
                ("on", "true".into()),
                ("secs", "30".into()),
            ],
        ),
        (
            "shards/max_lag",
            vec![("cluster_id", c.clone()), ("shard_id", "1".into()), ("secs", "30".into())],
        ),
        ("system/get", vec![]),
        (
            "system/create_user",
            vec![("name", "eve".into()), ("role_id", "1".into()), ("password", TEMP.into())],
        ),
        (
            "system/update_user",
            vec![("id", "1".into()), ("role_id", "1".into()), ("disabled", "false".into())],
        ),
        ("system/reset_password", vec![("id", "1".into()), ("password", TEMP.into())]),
        ("system/delete_user", vec![("id", "1".into()), ("confirm", "super_dba".into())]),
        (
            "system/save_role",
            vec![
                ("id", "0".into()),
                ("name", "evil".into()),
                ("privileges[0]", "users_roles".into()),
            ],
        ),
        ("system/delete_role", vec![("id", "2".into())]),
        (
            "system/add_grant",
            vec![
                ("user_id", "2".into()),
                ("cluster_id", "0".into()),
                ("valid_from", "0".into()),
                ("valid_until", "0".into()),
            ],
        ),
        ("system/delete_grant", vec![("user_id", "2".into()), ("grant_id", "1".into())]),
    ]
}

async fn status_of(
    app: &TestApp,
    c: &reqwest::Client,
    path: &str,
    args: &[(&str, String)],
) -> StatusCode {
    let p: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    call(app, c, path, &p).await.status()
}

#[tokio::test]
async fn a_read_only_user_is_refused_on_every_mutating_function() {
    let s = spawn_app_with_sim().await;
    s.app.login_with_changed_password().await;
    let cluster = demo_cluster(&s).await;
    let jobs_before = s.sim.store().reader().job_log(1000, 0).await.unwrap().len();
    create_user(&s.app, "viewer", "read-only").await;
    let viewer = user_client(&s.app, "viewer").await;
    // Reads work.
    assert_eq!(
        call(&s.app, &viewer, "clusters/list", &[("query[page]", "1")]).await.status(),
        StatusCode::OK
    );
    for (path, args) in mutations(&cluster) {
        assert_eq!(status_of(&s.app, &viewer, path, &args).await, StatusCode::FORBIDDEN, "{path}");
    }
    // The audit log (who logged in from where) is for administrators only.
    let audit = &[("source", "console"), ("page", "1")];
    assert_eq!(
        call(&s.app, &viewer, "operations/list", audit).await.status(),
        StatusCode::FORBIDDEN
    );
    let jobs = &[("source", "cluster_mgr"), ("page", "1")];
    assert_eq!(call(&s.app, &viewer, "operations/list", jobs).await.status(), StatusCode::OK);
    assert_eq!(
        s.sim.store().reader().job_log(1000, 0).await.unwrap().len(),
        jobs_before,
        "nothing reached cluster_mgr"
    );
    let store = app::backend::store::Store::open_in(&s.app.data_dir).await.unwrap();
    let (audit, _) = store.audit_page(&Default::default(), 500, 0).await.unwrap();
    let denied =
        audit.iter().filter(|a| a.user_name == "viewer" && a.detail.starts_with("denied")).count();
    assert_eq!(denied, mutations(&cluster).len() + 1, "every refusal is audited");
}

#[tokio::test]
async fn a_dba_acts_only_within_role_and_grants_and_cannot_escalate() {
    let s = spawn_app_with_sim().await;
    s.app.login_with_changed_password().await;
    let cluster = demo_cluster(&s).await;
    create_user(&s.app, "dba1", "DBA").await;
    let dba = user_client(&s.app, "dba1").await;

    // Global privileges of the role pass the check (and then fail later or run).
    let machine = &mutations(&cluster)[0];
    assert_eq!(status_of(&s.app, &dba, machine.0, &machine.1).await, StatusCode::OK);
    // Per-cluster privileges need a grant.
    let del = [("cluster_id", cluster.as_str()), ("confirm", "wrong")];
    assert_eq!(call(&s.app, &dba, "clusters/delete", &del).await.status(), StatusCode::FORBIDDEN);
    // No user administration, so no escalation.
    let me = user_id(&s.app, "dba1").await;
    let su = role_id(&s.app, "super_dba").await;
    let r = call(
        &s.app,
        &dba,
        "system/update_user",
        &[("id", &me), ("role_id", &su), ("disabled", "false")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // A grant on this cluster ends dba1's session; after logging in again the check passes
    // (the typed confirmation is what fails now).
    let r = call(
        &s.app,
        &s.app.client,
        "system/add_grant",
        &[("user_id", &me), ("cluster_id", &cluster), ("valid_from", "0"), ("valid_until", "0")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        call(&s.app, &dba, "clusters/list", &[("query[page]", "1")]).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let r = call(&s.app, &dba, "login", &[("username", "dba1"), ("password", OWN)]).await;
    assert!(r.status().is_success() || r.status().is_redirection());
    let r = call(&s.app, &dba, "clusters/delete", &del).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app_error(r).await.field(), Some("confirm"));

    // An expired grant opens nothing.
    let system = system_view(&s.app).await;
    let dba1 = system.users.iter().find(|u| u.name == "dba1").expect("dba1");
    let grant = dba1.grants[0].id.to_string();
    call(&s.app, &s.app.client, "system/delete_grant", &[("user_id", &me), ("grant_id", &grant)])
        .await;
    call(
        &s.app,
        &s.app.client,
        "system/add_grant",
        &[("user_id", &me), ("cluster_id", "0"), ("valid_from", "1000"), ("valid_until", "2000")],
    )
    .await;
    call(&s.app, &dba, "login", &[("username", "dba1"), ("password", OWN)]).await;
    assert_eq!(call(&s.app, &dba, "clusters/delete", &del).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn disabling_resetting_and_the_last_super_dba() {
    let app = spawn_app().await;
    app.login_with_changed_password().await;
    create_user(&app, "ops", "DBA").await;
    let ops = user_client(&app, "ops").await;
    let id = user_id(&app, "ops").await;
    let dba_role = role_id(&app, "DBA").await;

    // Reset: sessions end, the next login must change the password.
    let r =
        call(&app, &app.client, "system/reset_password", &[("id", &id), ("password", TEMP)]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        call(&app, &ops, "clusters/list", &[("query[page]", "1")]).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let ops = user_client(&app, "ops").await;

    // Disable: sessions end and the login is refused like a wrong password.
    call(
        &app,
        &app.client,
        "system/update_user",
        &[("id", &id), ("role_id", &dba_role), ("disabled", "true")],
    )
    .await;
    assert_eq!(
        call(&app, &ops, "clusters/list", &[("query[page]", "1")]).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let r = call(&app, &new_client(), "login", &[("username", "ops"), ("password", OWN)]).await;
    assert_eq!(app_error(r).await, AppError::BadCredentials);

    // The last enabled super_dba stays.
    let me = user_id(&app, "super_dba").await;
    let r = call(
        &app,
        &app.client,
        "system/update_user",
        &[("id", &me), ("role_id", &dba_role), ("disabled", "false")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = call(&app, &app.client, "system/delete_user", &[("id", &me), ("confirm", "super_dba")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Roles: built-in ones are fixed; a custom role is created, changed and deleted.
    let r = call(
        &app,
        &app.client,
        "system/save_role",
        &[("id", &dba_role), ("name", "DBA"), ("privileges[0]", "users_roles")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = call(
        &app,
        &app.client,
        "system/save_role",
        &[("id", "0"), ("name", "ops-team"), ("privileges[0]", "machine_add")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let rid: i64 = r.json().await.unwrap();
    let r = call(
        &app,
        &app.client,
        "system/save_role",
        &[("id", "0"), ("name", "bad"), ("privileges[0]", "root")],
    )
    .await;
    assert_eq!(app_error(r).await.field(), Some("privileges"));
    let r = call(&app, &app.client, "system/delete_role", &[("id", &rid.to_string())]).await;
    assert_eq!(r.status(), StatusCode::OK);
}

/// Every change that acts on one cluster, against a DBA granted another cluster only:
/// refused on this cluster with the reason, and past the privilege check on the other
/// (each then fails on its arguments or runs).
#[tokio::test]
async fn a_dba_granted_another_cluster_only_is_refused_every_change_of_this_one() {
    let s = spawn_app_with_sim().await;
    s.app.login_with_changed_password().await;
    let cluster = demo_cluster(&s).await;
    let r = create(&s.app, &[("nick_name", "other"), ("shards", "1"), ("comps", "1")]).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let other = wait_job(&s.app, r.json().await.unwrap()).await.cluster_id.expect("other's id");
    let other = other.to_string();
    create_user(&s.app, "dba1", "DBA").await;
    grant(&s.app, "dba1", &other).await;
    let dba = user_client(&s.app, "dba1").await;

    let per_cluster: Vec<_> = mutations(&cluster)
        .into_iter()
        .filter(|(_, args)| args.iter().any(|(k, v)| *k == "cluster_id" && *v == cluster))
        .collect();
    assert!(per_cluster.len() >= 15, "{}", per_cluster.len());
    for (path, args) in &per_cluster {
        let p: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = call(&s.app, &dba, path, &p).await;
        assert_eq!(
            app_error(r).await,
            AppError::Forbidden(format!("no current grant for cluster {cluster}")),
            "{path}"
        );
        let theirs: Vec<(&str, &str)> = args
            .iter()
            .map(|(k, v)| (*k, if *k == "cluster_id" { other.as_str() } else { v.as_str() }))
            .collect();
        let status = call(&s.app, &dba, path, &theirs).await.status();
        assert_ne!(status, StatusCode::FORBIDDEN, "{path} on the granted cluster");
    }
}
