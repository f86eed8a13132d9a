//! An instance's CPU limit through the server function the cluster page calls, against
//! klustron-sim playing cluster_mgr 1.2 (1.0.2 has no update_instance_cgroup): the job
//! runs and the node's CPU count changes; bad input is refused before anything is sent;
//! cluster_mgr 1.0's refusal is shown as it said it; who may do it.

use crate::access_control::{call, create_user, user_client};
use crate::common::*;
use crate::node_control::running_demo;
use app::api::cluster::ClusterDetail;
use app::api::jobs::JobStatus;
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

fn storage(c: &ClusterDetail, cores: &str, mode: &str) -> Vec<(String, String)> {
    let (s, n) = (&c.shards[0], &c.shards[0].nodes[1]);
    pairs(&[
        ("cluster_id", &c.id.to_string()),
        ("shard_id", &s.id.to_string()),
        ("hostaddr", &n.hostaddr),
        ("port", &n.port.to_string()),
        ("cores", cores),
        ("mode", mode),
    ])
}

async fn cpu(app: &TestApp, f: &[(String, String)]) -> reqwest::Response {
    post(app, "/KunlunXPanel/api/instances/cpu_limit", f).await
}

#[tokio::test]
async fn a_cpu_limit_runs_as_a_job_and_the_node_shows_it() {
    let s = console_on(Profile::V1_2).await;
    let c = running_demo(&s).await;
    let r = cpu(&s.app, &storage(&c, "4", "quota")).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let j = wait_job(&s.app, r.json().await.unwrap()).await;
    assert_eq!(
        (j.status, j.job_type.as_str()),
        (JobStatus::Done, "update_instance_cgroup"),
        "{j:?}"
    );
    let n = &c.shards[0].nodes[1];
    assert_eq!(j.steps[0].hosts, format!("{}:{}", n.hostaddr, n.port));
    assert_eq!(cluster(&s.app, c.id).await.shards[0].nodes[1].cpu_cores, 4);

    let comp = pairs(&[
        ("cluster_id", &c.id.to_string()),
        ("comp_id", &c.comps[0].id.to_string()),
        ("cores", "2"),
        ("mode", "share"),
    ]);
    let r = cpu(&s.app, &comp).await;
    assert_eq!(wait_job(&s.app, r.json().await.unwrap()).await.status, JobStatus::Done);
    assert_eq!(cluster(&s.app, c.id).await.comps[0].cpu_cores, 2);

    let store = app::backend::store::Store::open_in(&s.app.data_dir).await.unwrap();
    let (audit, _) = store.audit_page(&Default::default(), 100, 0).await.unwrap();
    let targets: Vec<_> = audit
        .iter()
        .filter(|a| a.action == "update_instance_cgroup")
        .map(|a| a.target.clone())
        .collect();
    assert_eq!(targets.len(), 2, "{audit:?}");
    assert!(targets[1].ends_with("4 core(s), quota"), "{}", targets[1]);
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent_and_1_0_says_it_has_no_such_job() {
    let s = console_on(Profile::V1_2).await;
    let c = running_demo(&s).await;
    let jobs_before = s.sim.store().reader().job_log(1000, 0).await.unwrap().len();
    let invalid = |f: &str, m: &str| AppError::Validation { field: f.into(), message: m.into() };
    let mut gone = storage(&c, "2", "quota");
    gone.retain(|(k, _)| k != "port");
    gone.push(("port".into(), "1".into()));
    let cases = [
        (storage(&c, "0", "quota"), invalid("cores", "A whole number from 1 to 256")),
        (storage(&c, "2", "Quota"), invalid("mode", "Choose quota or share.")),
        (gone, invalid("", "No such storage node in this shard.")),
    ];
    for (f, want) in cases {
        let r = cpu(&s.app, &f).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{f:?}");
        assert_eq!(app_error(r).await, want, "{f:?}");
    }
    assert_eq!(s.sim.store().reader().job_log(1000, 0).await.unwrap().len(), jobs_before);

    let s = console_on(Profile::V1_0).await;
    let c = running_demo(&s).await;
    let r = cpu(&s.app, &storage(&c, "2", "quota")).await;
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
async fn only_configure_may_and_a_dba_needs_a_grant() {
    let s = console_on(Profile::V1_2).await;
    let c = running_demo(&s).await;
    let f = storage(&c, "2", "quota");
    let p: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    create_user(&s.app, "viewer", "read-only").await;
    let viewer = user_client(&s.app, "viewer").await;
    assert_eq!(
        call(&s.app, &viewer, "instances/cpu_limit", &p).await.status(),
        StatusCode::FORBIDDEN
    );
    create_user(&s.app, "dba1", "DBA").await;
    let dba = user_client(&s.app, "dba1").await;
    let r = call(&s.app, &dba, "instances/cpu_limit", &p).await;
    assert_eq!(
        app_error(r).await,
        AppError::Forbidden(format!("no current grant for cluster {}", c.id))
    );
}
