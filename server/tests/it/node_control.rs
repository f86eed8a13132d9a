//! Starting, stopping and restarting instances through the server functions the cluster
//! page calls, against klustron-sim: the status cluster_mgr writes, the job's one step,
//! node_mgr's failure with cluster_mgr's code, every refusal before anything is
//! submitted (each with its exact error), and who may do it.

use crate::access_control::{call, create_user, demo_cluster, grant, log_in_again, user_client};
use crate::common::*;
use app::api::cluster::ClusterDetail;
use app::api::jobs::{JobStatus, StepKind, StepState};
use app::error::AppError;
use klustron_sim::faults::Faults;
use reqwest::StatusCode;
use std::time::Duration;

/// A storage node as the form names it: (shard id, host, port).
type Node<'a> = (i64, &'a str, u16);

async fn control_storage(
    app: &TestApp,
    c: &ClusterDetail,
    node: Node<'_>,
    control: &str,
    confirm: &str,
) -> reqwest::Response {
    let (shard, host, port) = node;
    let form = pairs(&[
        ("cluster_id", &c.id.to_string()),
        ("shard_id", &shard.to_string()),
        ("hostaddr", host),
        ("port", &port.to_string()),
        ("control", control),
        ("confirm", confirm),
    ]);
    post(app, "/KunlunXPanel/api/instances/control_storage", &form).await
}

/// A replica of the cluster's first shard: (shard id, host, port).
fn replica(c: &ClusterDetail) -> (i64, String, u16) {
    let s = &c.shards[0];
    let n = s.nodes.iter().find(|n| !n.primary).expect("a replica");
    (s.id, n.hostaddr.clone(), n.port)
}

fn node_status(c: &ClusterDetail, host: &str, port: u16) -> String {
    let n = c.shards.iter().flat_map(|s| &s.nodes).find(|n| n.hostaddr == host && n.port == port);
    n.expect("the node").status.clone()
}

/// The demo cluster once cluster_mgr's monitor has seen every instance running
/// (a DBA acts on a running cluster; its monitor would write `active` over a stop).
pub(crate) async fn running_demo(s: &SimApp) -> ClusterDetail {
    let id: i64 = demo_cluster(s).await.parse().unwrap();
    for _ in 0..500 {
        let c = cluster(&s.app, id).await;
        let storage = c.shards.iter().flat_map(|s| &s.nodes).all(|n| n.status == "active");
        if storage && c.comps.iter().all(|n| n.status == "active") {
            return c;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("storage nodes not active");
}

#[tokio::test]
async fn stop_then_start_changes_the_status_and_the_job_has_one_step() {
    let s = spawn_app_with_sim().await;
    s.app.login_with_changed_password().await;
    let c = running_demo(&s).await;
    let (shard, host, port) = replica(&c);
    let address = format!("{host}:{port}");

    let r = control_storage(&s.app, &c, (shard, &host, port), "stop", &address).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let j = wait_job(&s.app, r.json().await.unwrap()).await;
    assert_eq!((j.status, j.job_type.as_str()), (JobStatus::Done, "control_instance"));
    let steps: Vec<_> = j.steps.iter().map(|s| (s.kind, s.hosts.clone(), s.state)).collect();
    assert_eq!(steps, [(StepKind::Run, address.clone(), StepState::Done)]);
    assert_eq!(node_status(&cluster(&s.app, c.id).await, &host, port), "inactive");

    // A start interrupts nothing: no typed confirmation.
    let r = control_storage(&s.app, &c, (shard, &host, port), "start", "").await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    assert_eq!(wait_job(&s.app, r.json().await.unwrap()).await.status, JobStatus::Done);
    assert_eq!(node_status(&cluster(&s.app, c.id).await, &host, port), "active");

    // A compute node, by its id.
    let comp = &c.comps[0];
    let confirm = format!("{}:{}", comp.hostaddr, comp.pg_port);
    let form = pairs(&[
        ("cluster_id", &c.id.to_string()),
        ("comp_id", &comp.id.to_string()),
        ("control", "restart"),
        ("confirm", &confirm),
    ]);
    let r = post(&s.app, "/KunlunXPanel/api/instances/control_comp", &form).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    assert_eq!(wait_job(&s.app, r.json().await.unwrap()).await.status, JobStatus::Done);

    // The audit log names the instance.
    let store = app::backend::store::Store::open_in(&s.app.data_dir).await.unwrap();
    let (audit, _) = store.audit_page(&Default::default(), 100, 0).await.unwrap();
    let controls: Vec<_> = audit.iter().filter(|a| a.action == "control_instance").collect();
    assert_eq!(controls.len(), 3, "{audit:?}");
    assert!(controls.iter().any(|a| a.target.starts_with(&format!("storage {address} in demo"))));
}

#[tokio::test]
async fn node_mgr_failing_ends_the_job_with_cluster_mgrs_code_and_words() {
    let s = spawn_app_with_sim().await;
    s.app.login_with_changed_password().await;
    let c = running_demo(&s).await;
    let (shard, host, port) = replica(&c);
    s.sim.set_faults(Faults { fail_control: true, ..Faults::default() });
    let r = control_storage(&s.app, &c, (shard, &host, port), "restart", &format!("{host}:{port}"))
        .await;
    let j = wait_job(&s.app, r.json().await.unwrap()).await;
    assert_eq!((j.status, j.error_code), (JobStatus::Failed, Some(70401)), "{j:?}");
    assert!(j.error.contains("restart storage instance failed"), "{}", j.error);
}

#[tokio::test]
async fn every_refusal_names_its_reason_and_submits_nothing() {
    let s = spawn_app_with_sim().await;
    s.app.login_with_changed_password().await;
    let c = running_demo(&s).await;
    let (shard, host, port) = replica(&c);
    let address = format!("{host}:{port}");
    let jobs_before = s.sim.store().reader().job_log(1000, 0).await.unwrap().len();
    let refused = |field: &str, message: &str| AppError::Validation {
        field: field.into(),
        message: message.into(),
    };
    let cases: Vec<(Node<'_>, &str, &str, AppError)> = vec![
        (
            (shard, &host, port),
            "pause",
            &address,
            refused("control", "Choose start, stop or restart."),
        ),
        (
            (shard, &host, port),
            "stop",
            "",
            refused("confirm", &format!("Type {address} exactly to confirm")),
        ),
        (
            (shard, &host, port),
            "restart",
            "10.0.0.1:1",
            refused("confirm", &format!("Type {address} exactly to confirm")),
        ),
        (
            (shard, "10.9.9.9", port),
            "start",
            "",
            refused("", "No such storage node in this shard."),
        ),
        ((9999, &host, port), "start", "", refused("", "No such shard in this cluster.")),
    ];
    for (node, control, confirm, want) in cases {
        let r = control_storage(&s.app, &c, node, control, confirm).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{control} {node:?}");
        assert_eq!(app_error(r).await, want, "{control} {node:?}");
    }
    let form =
        pairs(&[("cluster_id", &c.id.to_string()), ("comp_id", "9999"), ("control", "start")]);
    let r = post(&s.app, "/KunlunXPanel/api/instances/control_comp", &form).await;
    assert_eq!(app_error(r).await, refused("", "No such compute node in this cluster."));
    assert_eq!(s.sim.store().reader().job_log(1000, 0).await.unwrap().len(), jobs_before);
}

#[tokio::test]
async fn only_a_role_with_node_control_and_a_grant_on_this_cluster_may() {
    let s = spawn_app_with_sim().await;
    s.app.login_with_changed_password().await;
    let c = running_demo(&s).await;
    let (shard, host, port) = replica(&c);
    let cid = c.id.to_string();
    let start = [
        ("cluster_id", cid.as_str()),
        ("shard_id", &shard.to_string()),
        ("hostaddr", host.as_str()),
        ("port", &port.to_string()),
        ("control", "start"),
    ];
    // A second cluster to grant instead.
    let r = create(&s.app, &[("nick_name", "other"), ("shards", "1"), ("comps", "1")]).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let other = wait_job(&s.app, r.json().await.unwrap()).await.cluster_id.expect("other's id");

    create_user(&s.app, "viewer", "read-only").await;
    let viewer = user_client(&s.app, "viewer").await;
    let r = call(&s.app, &viewer, "instances/control_storage", &start).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app_error(r).await,
        AppError::Forbidden("the role read-only does not include “Start / stop nodes”".into())
    );

    create_user(&s.app, "dba1", "DBA").await;
    grant(&s.app, "dba1", &other.to_string()).await;
    let dba = user_client(&s.app, "dba1").await;
    let r = call(&s.app, &dba, "instances/control_storage", &start).await;
    assert_eq!(
        app_error(r).await,
        AppError::Forbidden(format!("no current grant for cluster {cid}"))
    );

    grant(&s.app, "dba1", &cid).await;
    log_in_again(&s.app, &dba, "dba1").await;
    let r = call(&s.app, &dba, "instances/control_storage", &start).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    assert_eq!(wait_job(&s.app, r.json().await.unwrap()).await.status, JobStatus::Done);
}
