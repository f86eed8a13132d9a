//! An instance's variables through the server functions the cluster page calls, against
//! klustron-sim playing cluster_mgr 1.0.2: read, set and read again with the old and new
//! values returned and audited; a pattern read; names and values that could carry SQL
//! refused before anything is sent; a compute node read only; and who may set.

use crate::access_control::{call, create_user, grant, log_in_again, user_client};
use crate::common::*;
use crate::node_control::running_demo;
use app::api::cluster::ClusterDetail;
use app::api::variables::{VarChange, VarReading};
use app::error::AppError;
use reqwest::StatusCode;

fn storage(c: &ClusterDetail, name: &str) -> Vec<(String, String)> {
    let (s, n) = (&c.shards[0], &c.shards[0].nodes[0]);
    pairs(&[
        ("cluster_id", &c.id.to_string()),
        ("shard_id", &s.id.to_string()),
        ("hostaddr", &n.hostaddr),
        ("port", &n.port.to_string()),
        ("name", name),
    ])
}

fn with(mut f: Vec<(String, String)>, k: &str, v: &str) -> Vec<(String, String)> {
    f.push((k.to_owned(), v.to_owned()));
    f
}

async fn read(app: &TestApp, f: &[(String, String)]) -> Vec<VarReading> {
    let r = post(app, "/KunlunXPanel/api/instances/variables", f).await;
    assert_eq!(r.status(), StatusCode::OK, "{f:?}");
    reply(r).await
}

async fn set(app: &TestApp, f: &[(String, String)]) -> reqwest::Response {
    post(app, "/KunlunXPanel/api/instances/set_variable", f).await
}

fn invalid(field: &str, m: &str) -> AppError {
    AppError::Validation { field: field.into(), message: m.into() }
}

#[tokio::test]
async fn a_variable_is_read_set_and_read_again_with_old_and_new_audited() {
    let s = spawn_app_with_sim().await;
    s.app.login_with_changed_password().await;
    let c = running_demo(&s).await;
    let got = read(&s.app, &storage(&c, "fullsync_timeout")).await;
    assert_eq!(got, [VarReading { name: "fullsync_timeout".into(), value: Some("10000".into()) }]);

    let r = set(&s.app, &with(storage(&c, "fullsync_timeout"), "value", "20000")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let ch: VarChange = reply(r).await;
    assert_eq!((ch.old.as_str(), ch.new.as_str()), ("10000", "20000"));
    assert_eq!(
        read(&s.app, &storage(&c, "fullsync_timeout")).await[0].value.as_deref(),
        Some("20000")
    );
    // A word is sent quoted.
    let r = set(&s.app, &with(storage(&c, "slow_query_log"), "value", "ON")).await;
    let ch: VarChange = reply(r).await;
    // A boolean reads back as MySQL gives it: 0 / 1.
    assert_eq!((ch.old.as_str(), ch.new.as_str()), ("0", "1"));

    // A pattern lists what the instance answered among the names the console knows.
    let got = read(&s.app, &storage(&c, "fullsync%")).await;
    assert_eq!(got, [VarReading { name: "fullsync_timeout".into(), value: Some("20000".into()) }]);
    // One unknown name is listed as unanswered.
    let got = read(&s.app, &storage(&c, "no_such_thing")).await;
    assert_eq!(got, [VarReading { name: "no_such_thing".into(), value: None }]);

    let store = app::backend::store::Store::open_in(&s.app.data_dir).await.unwrap();
    let (audit, _) = store.audit_page(&Default::default(), 100, 0).await.unwrap();
    let details: Vec<_> =
        audit.iter().filter(|a| a.action == "set_variable").map(|a| a.detail.clone()).collect();
    assert_eq!(details, ["slow_query_log: 0 -> 1", "fullsync_timeout: 10000 -> 20000"]);
}

#[tokio::test]
async fn what_could_carry_sql_and_what_cluster_mgr_cannot_do_are_refused() {
    let s = spawn_app_with_sim().await;
    s.app.login_with_changed_password().await;
    let c = running_demo(&s).await;
    let jobs_before = s.sim.store().reader().job_log(1000, 0).await.unwrap().len();
    let bad_name = "A variable name: letters, digits, _ and . (and % for a pattern), at most 64.";
    let r = post(&s.app, "/KunlunXPanel/api/instances/variables", &storage(&c, "x; drop table t"))
        .await;
    assert_eq!(app_error(r).await, invalid("name", bad_name));
    let cases = [
        (with(storage(&c, "sql_mode"), "value", "x' or '1"), invalid("value", "A whole number, or up to 256 letters, digits and _ . , : / + @ = - (no spaces or quotes).")),
        (with(storage(&c, "@@x"), "value", "1"), invalid("name", bad_name)),
        (with(storage(&c, "fullsync%"), "value", "1"), invalid("name", bad_name)),
        (with(storage(&c, "no_such_thing"), "value", "1"), invalid("name", "no_such_thing is not set from the console: only the tuning variables it knows, and none that stops writes or changes replication.")),
        (with(storage(&c, "read_only"), "value", "ON"), invalid("name", "read_only is not set from the console: only the tuning variables it knows, and none that stops writes or changes replication.")),
        // Known to the console but not to this instance.
        (with(storage(&c, "max_binlog_size"), "value", "1"), invalid("name", "The instance did not answer max_binlog_size: it is unknown or the instance is down.")),
        // A word for a numeric variable: the instance refuses it (MySQL's 1232).
        (with(storage(&c, "fullsync_timeout"), "value", "abc"), invalid("value", "The instance refused to set fullsync_timeout to this value (a wrong type, or a read-only variable).")),
    ];
    for (f, want) in cases {
        let r = set(&s.app, &f).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{f:?}");
        assert_eq!(app_error(r).await, want, "{f:?}");
    }
    // A compute node is read, never set.
    let comp = pairs(&[
        ("cluster_id", &c.id.to_string()),
        ("comp_id", &c.comps[0].id.to_string()),
        ("name", "max_connections"),
    ]);
    assert_eq!(read(&s.app, &comp).await[0].value.as_deref(), Some("1000"));
    let r = set(&s.app, &with(comp, "value", "10")).await;
    assert_eq!(
        app_error(r).await,
        invalid("", "cluster_mgr cannot set a compute node's variables (its handler does nothing), so they are read only here.")
    );
    assert_eq!(
        read(&s.app, &storage(&c, "fullsync_timeout")).await[0].value.as_deref(),
        Some("10000")
    );
    // A stopped instance is not asked.
    let n = &c.shards[0].nodes[0];
    sqlx::query("UPDATE shard_nodes SET status = 'inactive' WHERE hostaddr = ? AND port = ?")
        .bind(n.hostaddr.clone())
        .bind(i64::from(n.port))
        .execute(s.sim.store().pool())
        .await
        .unwrap();
    let r = post(&s.app, "/KunlunXPanel/api/instances/variables", &storage(&c, "fullsync_timeout"))
        .await;
    assert_eq!(
        app_error(r).await,
        invalid(
            "",
            &format!(
                "{}:{} is not running: cluster_mgr cannot read its variables.",
                n.hostaddr, n.port
            )
        )
    );
    // Variable jobs are answered at once: the job log is untouched.
    assert_eq!(s.sim.store().reader().job_log(1000, 0).await.unwrap().len(), jobs_before);
}

#[tokio::test]
async fn anyone_reads_only_configure_with_a_grant_on_the_cluster_sets() {
    let s = spawn_app_with_sim().await;
    s.app.login_with_changed_password().await;
    let c = running_demo(&s).await;
    let f = with(storage(&c, "fullsync_timeout"), "value", "20000");
    let p: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let reading = &p[..p.len() - 1];

    create_user(&s.app, "viewer", "read-only").await;
    let viewer = user_client(&s.app, "viewer").await;
    assert_eq!(
        call(&s.app, &viewer, "instances/variables", reading).await.status(),
        StatusCode::OK
    );
    let r = call(&s.app, &viewer, "instances/set_variable", &p).await;
    assert_eq!(
        app_error(r).await,
        AppError::Forbidden("the role read-only does not include “Change settings (shard degrade and lag threshold, instance variables and CPU limits)”".into())
    );

    create_user(&s.app, "dba1", "DBA").await;
    // No grant yet (a grant on another cluster is tried in shard_settings.rs and
    // rebuild.rs, with a real cluster).
    let dba = user_client(&s.app, "dba1").await;
    let r = call(&s.app, &dba, "instances/set_variable", &p).await;
    assert_eq!(
        app_error(r).await,
        AppError::Forbidden(format!("no current grant for cluster {}", c.id))
    );
    grant(&s.app, "dba1", &c.id.to_string()).await;
    log_in_again(&s.app, &dba, "dba1").await;
    let r = call(&s.app, &dba, "instances/set_variable", &p).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
}
