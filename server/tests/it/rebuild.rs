//! Rebuilding replicas through the server function the cluster page calls, against
//! klustron-sim playing cluster_mgr 1.0.2 (whose source has rebuild_node): each replica
//! followed through node_mgr's steps to done, the old data saved to a backup target when
//! asked, node_mgr's failure with its words; every refusal the console foresees answered
//! before anything is sent; and who may do it.

use crate::access_control::{call, create_user, grant, user_client};
use crate::common::*;
use crate::node_control::running_demo;
use app::api::cluster::ClusterDetail;
use app::api::jobs::{JobStatus, StepKind, StepState};
use app::error::AppError;
use klustron_sim::faults::Faults;
use reqwest::StatusCode;

fn form(c: &ClusterDetail, nodes: &[String], extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let s = &c.shards[0];
    let mut f = pairs(&[
        ("cluster_id", &c.id.to_string()),
        ("ask[shard_id]", &s.id.to_string()),
        ("ask[max_source_lag]", "30"),
        ("ask[pv_limit]", "10"),
        ("confirm", &s.name),
    ]);
    for (i, n) in nodes.iter().enumerate() {
        f.push((format!("ask[nodes][{i}]"), n.clone()));
    }
    for (k, v) in extra {
        f.retain(|(key, _)| key != k);
        f.push(((*k).to_owned(), (*v).to_owned()));
    }
    f
}

async fn rebuild(app: &TestApp, form: &[(String, String)]) -> reqwest::Response {
    post(app, "/KunlunXPanel/api/clusters/rebuild", form).await
}

fn addr(n: &app::domain::cluster_view::StorageNodeRow) -> String {
    format!("{}:{}", n.hostaddr, n.port)
}

fn primary(c: &ClusterDetail) -> String {
    c.shards[0].nodes.iter().find(|n| n.primary).map(addr).expect("a primary")
}

fn replicas(c: &ClusterDetail) -> Vec<String> {
    c.shards[0].nodes.iter().filter(|n| !n.primary).map(addr).collect()
}

async fn set_lag(s: &SimApp, node: &str, secs: i64) {
    let (h, p) = node.rsplit_once(':').unwrap();
    sqlx::query("UPDATE shard_nodes SET replica_delay = ? WHERE hostaddr = ? AND port = ?")
        .bind(secs)
        .bind(h.to_owned())
        .bind(p.parse::<i64>().unwrap())
        .execute(s.sim.store().pool())
        .await
        .unwrap();
}

fn lag_of(c: &ClusterDetail, node: &str) -> i64 {
    c.shards.iter().flat_map(|s| &s.nodes).find(|n| addr(n) == node).unwrap().lag_secs
}

#[tokio::test]
async fn a_rebuild_follows_each_replica_through_node_mgrs_steps_to_done() {
    let s = spawn_app_with_sim().await;
    s.app.login_with_changed_password().await;
    let c = running_demo(&s).await;
    let [a, b] = [replicas(&c)[0].clone(), replicas(&c)[1].clone()];
    set_lag(&s, &b, 500).await;
    // Both replicas: only the primary can be the source.
    let r =
        rebuild(&s.app, &form(&c, &[b.clone(), a.clone()], &[("ask[from_primary]", "true")])).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let j = wait_job(&s.app, r.json().await.unwrap()).await;
    assert_eq!((j.status, j.job_type.as_str()), (JobStatus::Done, "rebuild_node"), "{j:?}");
    let steps: Vec<_> =
        j.steps.iter().map(|s| (s.kind, s.hosts.clone(), s.name.clone(), s.state)).collect();
    assert_eq!(
        steps,
        [
            (StepKind::Rebuild, b.clone(), "done (8/8)".to_owned(), StepState::Done),
            (StepKind::Rebuild, a.clone(), "done (8/8)".to_owned(), StepState::Done),
        ]
    );
    assert_eq!(lag_of(&cluster(&s.app, c.id).await, &b), 0, "the rebuilt replica caught up");

    let store = app::backend::store::Store::open_in(&s.app.data_dir).await.unwrap();
    let (audit, _) = store.audit_page(&Default::default(), 100, 0).await.unwrap();
    let rb: Vec<_> = audit.iter().filter(|a| a.action == "rebuild_node").collect();
    assert_eq!(rb.len(), 1, "{audit:?}");
    let p = primary(&c);
    assert!(
        rb[0].target.starts_with(&format!("{b}, {a} of {} of demo", c.shards[0].name)),
        "{}",
        rb[0].target
    );
    assert!(rb[0].target.ends_with(&format!("from primary {p}")), "{}", rb[0].target);
}

#[tokio::test]
async fn the_old_data_goes_to_a_registered_target_and_node_mgrs_failure_is_shown() {
    let s = spawn_app_with_sim().await;
    s.app.login_with_changed_password().await;
    let c = running_demo(&s).await;
    let a = replicas(&c)[0].clone();
    s.sim.set_faults(Faults { fail_rebuild: true, ..Faults::default() });
    let f = form(&c, std::slice::from_ref(&a), &[("ask[backup_to]", "10.0.0.31:9000")]);
    let r = rebuild(&s.app, &f).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let j = wait_job(&s.app, r.json().await.unwrap()).await;
    assert_eq!((j.status, j.error_code), (JobStatus::Failed, Some(60006)), "{j:?}");
    assert_eq!(j.steps[0].state, StepState::Failed);
    assert_eq!(j.steps[0].error, "Xtracback data from pull host error (60006)");
    // What cluster_mgr was sent: the backup, every value a string.
    let row = sqlx::query(
        "SELECT CAST(job_info AS CHAR) AS v FROM cluster_general_job_log WHERE job_type = 'rebuild_node'",
    )
    .fetch_one(s.sim.store().pool())
    .await
    .unwrap();
    let info = klustron_sim::store::text(&row, "v");
    assert!(
        info.contains(r#""need_backup":"1""#) && info.contains(r#""hdfs_host":"10.0.0.31:9000""#),
        "{info}"
    );
}

#[tokio::test]
async fn refusals_are_answered_before_anything_is_sent() {
    let s = spawn_app_with_sim().await;
    s.app.login_with_changed_password().await;
    let c = running_demo(&s).await;
    let jobs_before = s.sim.store().reader().job_log(1000, 0).await.unwrap().len();
    let [a, b] = [replicas(&c)[0].clone(), replicas(&c)[1].clone()];
    let p = primary(&c);
    let other_shard = addr(&c.shards[1].nodes[0]);
    set_lag(&s, &b, 100).await;
    let invalid =
        |field: &str, m: &str| AppError::Validation { field: field.into(), message: m.into() };
    let shard = c.shards[0].name.clone();
    let cases = [
        (form(&c, std::slice::from_ref(&p), &[]), invalid("nodes", &format!("{p} is the shard's primary: only replicas can be rebuilt (cluster_mgr: 70041). Switch it over first."))),
        (form(&c, std::slice::from_ref(&other_shard), &[]), invalid("nodes", &format!("{other_shard} is not a storage node of this shard (cluster_mgr: 70041)."))),
        (form(&c, &[], &[]), invalid("nodes", "Choose at least one replica to rebuild.")),
        // b lags 100 s: no source within 30 s but the primary, which is not allowed.
        (form(&c, std::slice::from_ref(&a), &[]), invalid("from_primary", "No other replica is within 30 s of the primary to copy from, and copying from the primary is not allowed (cluster_mgr would refuse: 70042).")),
        (form(&c, std::slice::from_ref(&a), &[("ask[from_primary]", "true"), ("ask[backup_to]", "10.9.9.9:1")]), invalid("backup_to", "Choose a backup storage target from the list.")),
        (form(&c, std::slice::from_ref(&a), &[("ask[from_primary]", "true"), ("ask[pv_limit]", "0")]), invalid("pv_limit", "A whole number from 1 to 2047 MB/s")),
        (form(&c, std::slice::from_ref(&a), &[("ask[from_primary]", "true"), ("confirm", "shard_x")]), invalid("confirm", &format!("Type {shard} exactly to confirm"))),
        (form(&c, std::slice::from_ref(&a), &[("ask[shard_id]", "9999")]), invalid("shard_id", "No such shard in this cluster.")),
    ];
    for (f, want) in cases {
        let r = rebuild(&s.app, &f).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{f:?}");
        assert_eq!(app_error(r).await, want, "{f:?}");
    }
    assert_eq!(s.sim.store().reader().job_log(1000, 0).await.unwrap().len(), jobs_before);
}

#[tokio::test]
async fn only_rebuild_with_a_grant_on_the_shards_cluster_may() {
    let s = spawn_app_with_sim().await;
    s.app.login_with_changed_password().await;
    let c = running_demo(&s).await;
    let r = create(&s.app, &[("nick_name", "other"), ("shards", "1"), ("comps", "1")]).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let other_id = wait_job(&s.app, r.json().await.unwrap()).await.cluster_id.expect("other's id");
    let a = replicas(&c)[0].clone();
    let mine = form(&c, std::slice::from_ref(&a), &[]);

    create_user(&s.app, "viewer", "read-only").await;
    let viewer = user_client(&s.app, "viewer").await;
    let call_with = |client: &reqwest::Client, f: Vec<(String, String)>| {
        let app = &s.app;
        let client = client.clone();
        async move {
            let p: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            call(app, &client, "clusters/rebuild", &p).await
        }
    };
    let r = call_with(&viewer, mine.clone()).await;
    assert_eq!(
        app_error(r).await,
        AppError::Forbidden("the role read-only does not include “Rebuild replicas”".into())
    );

    create_user(&s.app, "dba1", "DBA").await;
    grant(&s.app, "dba1", &other_id.to_string()).await;
    let dba = user_client(&s.app, "dba1").await;
    let r = call_with(&dba, mine.clone()).await;
    assert_eq!(
        app_error(r).await,
        AppError::Forbidden(format!("no current grant for cluster {}", c.id))
    );
    // The other cluster's grant does open the other cluster's replica.
    let o = cluster(&s.app, other_id).await;
    let theirs = form(&o, std::slice::from_ref(&replicas(&o)[0]), &[]);
    let r = call_with(&dba, theirs).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    assert_eq!(wait_job(&s.app, r.json().await.unwrap()).await.status, JobStatus::Done);
}
