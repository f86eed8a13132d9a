//! Switching a shard's primary over through the server functions the cluster page calls,
//! against klustron-sim playing cluster_mgr 1.2 (1.0.2 has no manual_switch): the primary
//! moves, the job shows cluster_mgr's named steps, the history lists the switch; every
//! refusal the console foresees is answered before anything is sent, with its words; and
//! who may do it.

use crate::access_control::{call, create_user, grant, log_in_again, user_client};
use crate::common::*;
use crate::node_control::running_demo;
use app::api::cluster::ClusterDetail;
use app::api::jobs::{JobStatus, StepKind, StepState};
use app::api::noswitch::NoSwitchView;
use app::api::switchover::SwitchoverPage;
use app::domain::klustron::KlustronFailure;
use app::error::AppError;
use klustron_sim::Profile;
use reqwest::StatusCode;
use std::time::Duration;

async fn console_on(profile: Profile) -> SimApp {
    let s = spawn_app_with_sim_as(Duration::from_millis(10), profile).await;
    s.app.login_with_changed_password().await;
    s
}

fn form(c: &ClusterDetail, target: &str, confirm: &str) -> Vec<(String, String)> {
    let s = &c.shards[0];
    pairs(&[
        ("cluster_id", &c.id.to_string()),
        ("shard_id", &s.id.to_string()),
        ("target", target),
        ("confirm", confirm),
    ])
}

async fn switch(app: &TestApp, form: &[(String, String)]) -> reqwest::Response {
    post(app, "/KunlunXPanel/api/clusters/switchover", form).await
}

async fn history(app: &TestApp, c: &ClusterDetail) -> SwitchoverPage {
    let form = pairs(&[("cluster_id", &c.id.to_string()), ("page", "1")]);
    let r = post(app, "/KunlunXPanel/api/clusters/switchovers", &form).await;
    assert_eq!(r.status(), StatusCode::OK);
    reply(r).await
}

fn primary(c: &ClusterDetail) -> String {
    let n = c.shards[0].nodes.iter().find(|n| n.primary).expect("a primary");
    format!("{}:{}", n.hostaddr, n.port)
}

fn replicas(c: &ClusterDetail) -> Vec<String> {
    let s = &c.shards[0];
    s.nodes.iter().filter(|n| !n.primary).map(|n| format!("{}:{}", n.hostaddr, n.port)).collect()
}

#[tokio::test]
async fn a_switchover_moves_the_primary_and_is_listed_in_the_history() {
    let s = console_on(Profile::V1_2).await;
    let c = running_demo(&s).await;
    let (old, target) = (primary(&c), replicas(&c)[1].clone());
    let shard = c.shards[0].name.clone();
    assert_eq!(history(&s.app, &c).await.total, 0);

    let r = switch(&s.app, &form(&c, &target, &shard)).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let j = wait_job(&s.app, r.json().await.unwrap()).await;
    assert_eq!((j.status, j.job_type.as_str()), (JobStatus::Done, "manual_switch"), "{j:?}");
    // cluster_mgr names the steps; all are done.
    assert!(j.steps.len() > 1, "{:?}", j.steps);
    assert!(j.steps.iter().all(|s| s.kind == StepKind::Named && s.state == StepState::Done));
    assert!(j.steps.iter().all(|s| !s.name.is_empty()));

    let after = cluster(&s.app, c.id).await;
    assert_eq!(primary(&after), target);
    let h = history(&s.app, &c).await;
    assert_eq!((h.total, h.pages, h.entries.len()), (1, 1, 1));
    let e = &h.entries[0];
    assert_eq!((e.old_primary.as_str(), e.new_primary.as_str()), (old.as_str(), target.as_str()));
    assert_eq!((e.ok, e.manual, e.shard_name.as_str()), (true, true, shard.as_str()));
    // Each step with its time; the last carries the result code; the task's duration.
    assert!(e.steps.len() > 1 && e.steps.iter().all(|st| !st.at.is_empty() && !st.step.is_empty()));
    assert_eq!(e.steps.last().and_then(|st| st.code), Some(0), "{:?}", e.steps);
    assert!(e.duration_secs.is_some_and(|d| (0..60).contains(&d)), "{e:?}");

    // Without a target cluster_mgr picks (the page names its likely choice).
    let r = switch(&s.app, &form(&after, "", &shard)).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    assert_eq!(wait_job(&s.app, r.json().await.unwrap()).await.status, JobStatus::Done);
    assert_eq!(history(&s.app, &c).await.total, 2);
}

#[tokio::test]
async fn every_refusal_is_answered_before_anything_is_sent() {
    let s = console_on(Profile::V1_2).await;
    let c = running_demo(&s).await;
    let shard = c.shards[0].name.clone();
    let replica = replicas(&c)[0].clone();
    let (host, port) = replica.rsplit_once(':').unwrap();
    sqlx::query("UPDATE shard_nodes SET sync_state = 'async' WHERE hostaddr = ? AND port = ?")
        .bind(host)
        .bind(port.parse::<i64>().unwrap())
        .execute(s.sim.store().pool())
        .await
        .unwrap();
    let jobs_before = s.sim.store().reader().job_log(1000, 0).await.unwrap().len();
    let refused = |field: &str, message: &str| AppError::Validation {
        field: field.into(),
        message: message.into(),
    };
    let cases = [
        (
            primary(&c),
            shard.clone(),
            refused("target", "That node is already the primary (cluster_mgr: 70034)."),
        ),
        (
            replica.clone(),
            shard.clone(),
            refused(
                "target",
                "That replica is not fullsync, so cluster_mgr would refuse it (70177).",
            ),
        ),
        (
            "10.9.9.9:1".into(),
            shard.clone(),
            refused("target", "No such storage node in this shard."),
        ),
        (
            "not an address".into(),
            shard.clone(),
            refused("target", "Choose a replica of this shard as host:port, or none."),
        ),
        (
            replicas(&c)[1].clone(),
            "shard_x".into(),
            refused("confirm", &format!("Type {shard} exactly to confirm")),
        ),
    ];
    for (target, confirm, want) in cases {
        let r = switch(&s.app, &form(&c, &target, &confirm)).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{target}");
        assert_eq!(app_error(r).await, want, "{target}");
    }
    // The primary the page showed is no longer the primary (a failover meanwhile).
    let mut moved = form(&c, "", &shard);
    moved.push(("primary".into(), "10.0.0.99:1".into()));
    let r = switch(&s.app, &moved).await;
    let now = primary(&c);
    assert_eq!(
        app_error(r).await,
        refused(
            "target",
            &format!("The primary has changed since this page was loaded: it is now {now}. Reload the page and check again.")
        )
    );
    assert_eq!(s.sim.store().reader().job_log(1000, 0).await.unwrap().len(), jobs_before);
}

#[tokio::test]
async fn cluster_mgr_1_0_answers_that_it_has_no_such_job() {
    let s = console_on(Profile::V1_0).await;
    let c = running_demo(&s).await;
    let r = switch(&s.app, &form(&c, "", &c.shards[0].name)).await;
    assert_eq!(r.status(), StatusCode::BAD_GATEWAY);
    assert_eq!(
        app_error(r).await,
        AppError::Klustron(KlustronFailure::Refused {
            code: 70001,
            info: "Unrecongnized job type".into()
        })
    );
}

#[tokio::test]
async fn only_a_role_with_switchover_and_a_grant_on_this_cluster_may() {
    let s = console_on(Profile::V1_2).await;
    let c = running_demo(&s).await;
    let cid = c.id.to_string();
    let shard_id = c.shards[0].id.to_string();
    let shard = c.shards[0].name.clone();
    let args = [("cluster_id", cid.as_str()), ("shard_id", &shard_id), ("confirm", shard.as_str())];
    let r = create(&s.app, &[("nick_name", "other"), ("shards", "1"), ("comps", "1")]).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let other = wait_job(&s.app, r.json().await.unwrap()).await.cluster_id.expect("other's id");

    create_user(&s.app, "viewer", "read-only").await;
    let viewer = user_client(&s.app, "viewer").await;
    let r = call(&s.app, &viewer, "clusters/switchover", &args).await;
    assert_eq!(
        app_error(r).await,
        AppError::Forbidden("the role read-only does not include “Switch over primaries”".into())
    );

    create_user(&s.app, "dba1", "DBA").await;
    grant(&s.app, "dba1", &other.to_string()).await;
    let dba = user_client(&s.app, "dba1").await;
    let r = call(&s.app, &dba, "clusters/switchover", &args).await;
    assert_eq!(
        app_error(r).await,
        AppError::Forbidden(format!("no current grant for cluster {cid}"))
    );

    grant(&s.app, "dba1", &cid).await;
    log_in_again(&s.app, &dba, "dba1").await;
    let r = call(&s.app, &dba, "clusters/switchover", &args).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    assert_eq!(wait_job(&s.app, r.json().await.unwrap()).await.status, JobStatus::Done);
}

async fn windows(app: &TestApp, c: &ClusterDetail) -> NoSwitchView {
    let r =
        post(app, "/KunlunXPanel/api/noswitch/list", &pairs(&[("cluster_id", &c.id.to_string())]))
            .await;
    assert_eq!(r.status(), StatusCode::OK);
    reply(r).await
}

#[tokio::test]
async fn a_no_switch_window_makes_a_switchover_fail_with_cluster_mgrs_reason() {
    let s = console_on(Profile::V1_2).await;
    let c = running_demo(&s).await;
    let (cid, shard) = (c.id.to_string(), c.shards[0].id.to_string());
    let v = windows(&s.app, &c).await;
    assert!(v.supported && v.windows.is_empty(), "{v:?}");

    // Refused before anything is sent: a length out of range, a shard of no cluster.
    let set = |shard: &str, secs: &str| {
        pairs(&[("cluster_id", &cid), ("shard_id", shard), ("secs", secs)])
    };
    let r = post(&s.app, "/KunlunXPanel/api/noswitch/set", &set(&shard, "0")).await;
    assert_eq!(
        app_error(r).await,
        AppError::Validation {
            field: "secs".into(),
            message: "A whole number from 1 to 2592000 seconds".into()
        }
    );
    let r = post(&s.app, "/KunlunXPanel/api/noswitch/set", &set("9999", "600")).await;
    assert_eq!(
        app_error(r).await,
        AppError::Validation {
            field: "shard_id".into(),
            message: "No such shard in this cluster.".into()
        }
    );

    let r = post(&s.app, "/KunlunXPanel/api/noswitch/set", &set(&shard, "600")).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let v = windows(&s.app, &c).await;
    assert_eq!(v.windows.len(), 1);
    let w = &v.windows[0];
    assert_eq!((w.cluster_id, w.shard_id), (Some(c.id), Some(c.shards[0].id)));
    assert!((v.now + 590..=v.now + 610).contains(&w.expires_at), "{w:?} at {}", v.now);

    // The switch is submitted and cluster_mgr refuses it, with its code and words.
    let r = switch(&s.app, &form(&c, &replicas(&c)[0], &c.shards[0].name)).await;
    let j = wait_job(&s.app, r.json().await.unwrap()).await;
    assert_eq!((j.status, j.error_code), (JobStatus::Failed, Some(70014)), "{j:?}");
    assert!(j.error.contains("Manual Noswitch Node Exist"), "{}", j.error);
    assert_eq!(primary(&cluster(&s.app, c.id).await), primary(&c));

    let del = pairs(&[("cluster_id", &cid), ("shard_id", &shard)]);
    let r = post(&s.app, "/KunlunXPanel/api/noswitch/delete", &del).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    assert!(windows(&s.app, &c).await.windows.is_empty());
    let r = switch(&s.app, &form(&c, &replicas(&c)[0], &c.shards[0].name)).await;
    assert_eq!(wait_job(&s.app, r.json().await.unwrap()).await.status, JobStatus::Done);

    let store = app::backend::store::Store::open_in(&s.app.data_dir).await.unwrap();
    let (audit, _) = store.audit_page(&Default::default(), 100, 0).await.unwrap();
    for action in ["set_noswitch", "del_noswitch"] {
        assert!(audit.iter().any(|a| a.action == action && a.target.contains("shard")), "{action}");
    }
}

#[tokio::test]
async fn cluster_mgr_1_0_has_no_no_switch_windows() {
    let s = console_on(Profile::V1_0).await;
    let c = running_demo(&s).await;
    let v = windows(&s.app, &c).await;
    assert!(!v.supported && v.windows.is_empty());
}

async fn sql(s: &SimApp, q: &str, host: &str, port: &str) {
    sqlx::query(q)
        .bind(host.to_owned())
        .bind(port.parse::<i64>().unwrap())
        .execute(s.sim.store().pool())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_shard_without_a_running_replica_or_a_primary_is_refused_with_the_reason() {
    let s = console_on(Profile::V1_2).await;
    let c = running_demo(&s).await;
    let shard = c.shards[0].name.clone();
    let jobs_before = s.sim.store().reader().job_log(1000, 0).await.unwrap().len();
    let refused = |m: &str| AppError::Validation { field: "target".into(), message: m.into() };
    let stop = "UPDATE shard_nodes SET status = 'inactive' WHERE hostaddr = ? AND port = ?";
    let [a, b] = [replicas(&c)[0].clone(), replicas(&c)[1].clone()];
    let (ah, ap) = a.rsplit_once(':').unwrap();
    sql(&s, stop, ah, ap).await;
    let r = switch(&s.app, &form(&c, &a, &shard)).await;
    assert_eq!(app_error(r).await, refused("That replica is not running (cluster_mgr: 70019)."));
    let (bh, bp) = b.rsplit_once(':').unwrap();
    sql(&s, stop, bh, bp).await;
    let r = switch(&s.app, &form(&c, "", &shard)).await;
    assert_eq!(
        app_error(r).await,
        refused(
            "No replica of this shard is running and fullsync: cluster_mgr has none to switch to."
        )
    );
    let p = primary(&c);
    let (ph, pp) = p.rsplit_once(':').unwrap();
    sql(
        &s,
        "UPDATE shard_nodes SET member_state = 'replica' WHERE hostaddr = ? AND port = ?",
        ph,
        pp,
    )
    .await;
    let r = switch(&s.app, &form(&c, "", &shard)).await;
    assert_eq!(
        app_error(r).await,
        refused(
            "The metadata names no primary for this shard, so cluster_mgr would refuse (70033)."
        )
    );
    assert_eq!(s.sim.store().reader().job_log(1000, 0).await.unwrap().len(), jobs_before);
}

#[tokio::test]
async fn a_second_switchover_or_a_rebuild_of_a_shard_waits_for_the_first() {
    // Slow steps: the first switchover is still running when the second is asked.
    let s = spawn_app_with_sim_as(Duration::from_millis(250), Profile::V1_2).await;
    s.app.login_with_changed_password().await;
    let c = running_demo(&s).await;
    let shard = c.shards[0].name.clone();
    let r = switch(&s.app, &form(&c, "", &shard)).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let first: i64 = r.json().await.unwrap();
    let r = switch(&s.app, &form(&c, "", &shard)).await;
    assert_eq!(
        app_error(r).await,
        AppError::Validation {
            field: String::new(),
            message: format!(
                "This shard is busy with job {first} (Switch over a primary): wait for it to end."
            )
        }
    );
    // Nor may its replicas be rebuilt meanwhile.
    let replica = replicas(&c)[0].clone();
    let f = pairs(&[
        ("cluster_id", &c.id.to_string()),
        ("ask[shard_id]", &c.shards[0].id.to_string()),
        ("ask[nodes][0]", &replica),
        ("ask[from_primary]", "true"),
        ("ask[max_source_lag]", "30"),
        ("ask[pv_limit]", "10"),
        ("confirm", &shard),
    ]);
    let r = post(&s.app, "/KunlunXPanel/api/clusters/rebuild", &f).await;
    assert_eq!(
        app_error(r).await,
        AppError::Validation {
            field: String::new(),
            message: format!(
                "This shard is busy with job {first} (Switch over a primary): wait for it to end."
            )
        }
    );
    // The other shard is not held up.
    let other = &c.shards[1];
    let f = pairs(&[
        ("cluster_id", &c.id.to_string()),
        ("shard_id", &other.id.to_string()),
        ("confirm", &other.name),
    ]);
    let r = switch(&s.app, &f).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    assert_eq!(wait_job(&s.app, first).await.status, JobStatus::Done);
}
