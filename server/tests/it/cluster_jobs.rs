//! Creating clusters through the server functions the wizard calls, against klustron-sim:
//! the server-side wizard rules at submit, the placement preview, a job that fails at a
//! step, the job's live event stream, scale-out and deletes with typed confirmation, and
//! a console killed mid-job that follows the job to its end after it starts again.

use crate::common::*;
use app::api::jobs::{JobStatus, JobView, StepKind, StepState};
use app::error::AppError;
use reqwest::StatusCode;
use std::time::Duration;

#[tokio::test]
async fn submit_repeats_every_wizard_rule_on_the_server() {
    let s = ready(5).await;
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("shards", "0")], "shards"),
        (&[("shards", "257")], "shards"),
        (&[("replicas", "257")], "replicas"),
        (&[("comps", "0")], "comps"),
        (&[("fullsync_level", "3")], "fullsync_level"),
        (&[("install_proxysql", "true")], "shards"),
        (&[("degrade", "true"), ("degrade_secs", "501")], "degrade_secs"),
        (&[("innodb_mb", "0")], "innodb_mb"),
        (&[("nick_name", "<script>alert(1)</script>")], "nick_name"),
        (&[("computer_password", "short")], "computer_password"),
        (&[("storage_hosts[0]", "10.0.0.999")], "storage_hosts"),
    ];
    for (overrides, field) in cases {
        let r = create(&s.app, overrides).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{overrides:?}");
        let e = app_error(r).await;
        assert_eq!(e.field(), Some(*field), "{overrides:?}: {e:?}");
    }
    // Nothing reached cluster_mgr.
    assert!(s.sim.store().reader().job_log(100, 0).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_review_previews_placement_and_refuses_what_cannot_fit() {
    let s = ready(5).await;
    let plan = cluster_plan(&s.app, &[]).await;
    assert_eq!(plan.shards.len(), 2);
    assert!(plan.shards.iter().all(|replicas| replicas.len() == 3));
    assert_eq!(plan.comps.len(), 2);
    for c in &plan.comps {
        assert_eq!(c.mysql_port, Some(c.port + 1));
    }
    assert!(plan.checks.iter().all(|c| c.ok), "{plan:?}");

    // Too few machines: 256 shards of 3 need 768 storage instances; 3 machines hold 747.
    let r = create(&s.app, &[("shards", "256")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (_, message) = validation(app_error(r).await);
    assert!(message.contains("768 storage instance(s) needed"), "{message}");

    // A chosen machine went offline between the review and the submit.
    let chosen = [("storage_hosts[0]", "10.0.0.11")];
    let plan = cluster_plan(&s.app, &chosen).await;
    assert!(plan.checks.iter().all(|c| c.ok), "{plan:?}");
    sqlx::query("UPDATE server_nodes SET node_stats = 'dead' WHERE hostaddr = '10.0.0.11'")
        .execute(s.sim.store().pool())
        .await
        .unwrap();
    let r = create(&s.app, &chosen).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (_, message) = validation(app_error(r).await);
    assert!(message.contains("10.0.0.11 is not running"), "{message}");
    assert!(s.sim.store().reader().job_log(100, 0).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_created_cluster_matches_the_preview_and_the_stream_reports_every_step() {
    // Steps slower than the follower's poll, so the stream has every step to report.
    let s = ready(300).await;
    let plan = cluster_plan(&s.app, &[]).await;
    let r = create(&s.app, &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let id: i64 = r.json().await.unwrap();

    // The event stream: one JSON job view per change, ending with the job.
    let r = s.app.get(&format!("/KunlunXPanel/api/jobs/{id}/events")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "text/event-stream");
    let body = tokio::time::timeout(Duration::from_secs(30), r.text()).await.unwrap().unwrap();
    let views: Vec<JobView> = body
        .lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .map(|d| serde_json::from_str(d).unwrap_or_else(|e| panic!("{e}: {d}")))
        .collect();
    assert!(views.len() >= 3, "{body}");
    let last = views.last().unwrap();
    assert_eq!(last.status, JobStatus::Done);
    assert_eq!(last.percent, 100);
    let steps: Vec<(StepKind, u16)> = last.steps.iter().map(|s| (s.kind, s.index)).collect();
    assert_eq!(
        steps,
        [
            (StepKind::Initialise, 1),
            (StepKind::Shard, 1),
            (StepKind::Shard, 2),
            (StepKind::ComputeNode, 1),
            (StepKind::ComputeNode, 2),
            (StepKind::Finish, 1)
        ],
        "cluster_mgr's job_steps order: shard, computer"
    );
    let percents: Vec<u8> = views.iter().map(|v| v.percent).collect();
    assert!(percents.windows(2).all(|w| w[0] <= w[1]), "progress never goes back: {percents:?}");

    // The cluster's compute nodes are where the preview said, on both ports.
    let c = cluster(&s.app, last.cluster_id.expect("the job names its cluster")).await;
    let mut got: Vec<(String, u16, u16)> =
        c.comps.iter().map(|n| (n.hostaddr.clone(), n.pg_port, n.mysql_port)).collect();
    let mut want: Vec<(String, u16, u16)> = plan
        .comps
        .iter()
        .map(|n| (n.hostaddr.clone(), n.port, n.mysql_port.expect("a compute node's MySQL port")))
        .collect();
    got.sort();
    want.sort();
    assert_eq!(got, want);
    assert_eq!(c.comp_user, "kunlun");
    assert_eq!(c.shards.len(), 2);

    // An unauthenticated stream is refused; a bad id is a clear 422.
    let r = reqwest::get(s.app.url(&format!("/KunlunXPanel/api/jobs/{id}/events"))).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = s.app.get("/KunlunXPanel/api/jobs/abc/events").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_job_that_fails_at_a_step_shows_cluster_mgr_words_and_stays_failed() {
    let s = ready(10).await;
    // node_mgr reports the compute nodes' install as failed.
    s.sim.set_faults(klustron_sim::faults::Faults {
        fail_install: Some(klustron_sim::faults::InstallKind::Compute),
        ..Default::default()
    });
    let id: i64 = create(&s.app, &[]).await.json().await.unwrap();
    let j = wait_job(&s.app, id).await;
    assert_eq!(j.status, JobStatus::Failed);
    assert_eq!(j.error, "Install computer error in create cluster job (cluster_mgr error 70094)");
    assert_eq!(j.error_code, Some(70094));
    let failed: Vec<_> = j.steps.iter().filter(|s| s.state == StepState::Failed).collect();
    assert!(!failed.is_empty(), "{j:?}");
    for f in &failed {
        assert_eq!(f.kind, StepKind::ComputeNode, "{j:?}");
        assert!(f.error.contains("install postgres failed"), "{j:?}");
    }
    // Still failed later, and listed as failed.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(job(&s.app, id).await.status, JobStatus::Failed);
    let list = job_page(&s.app, "failed", 1).await;
    assert_eq!(list.total, 1);
    assert_eq!(list.rows[0].id, id);
}

#[tokio::test]
async fn scale_out_and_deletes_need_the_typed_name_and_keep_the_last_compute_node() {
    let s = ready(5).await;
    let id: i64 = create(&s.app, &[("comps", "1"), ("shards", "1")]).await.json().await.unwrap();
    let j = wait_job(&s.app, id).await;
    assert_eq!(j.status, JobStatus::Done, "{j:?}");
    let cluster_id = j.cluster_id.expect("the job names its cluster");
    let cid = cluster_id.to_string();
    let only = cluster(&s.app, cluster_id).await.comps[0].clone();

    // The last compute node cannot be deleted, whatever the browser sends.
    let r = post(
        &s.app,
        "/KunlunXPanel/api/clusters/delete_comp",
        &pairs(&[("cluster_id", &cid), ("comp_id", &only.id.to_string()), ("confirm", &only.name)]),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (_, message) = validation(app_error(r).await);
    assert!(message.contains("last compute node"), "{message}");

    // Add one; then deleting needs the node's exact name.
    let r = post(
        &s.app,
        "/KunlunXPanel/api/clusters/add_comps",
        &pairs(&[("cluster_id", &cid), ("comps", "1")]),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(wait_job(&s.app, r.json().await.unwrap()).await.status, JobStatus::Done);
    assert_eq!(cluster(&s.app, cluster_id).await.comps.len(), 2);
    let r = post(
        &s.app,
        "/KunlunXPanel/api/clusters/delete_comp",
        &pairs(&[("cluster_id", &cid), ("comp_id", &only.id.to_string()), ("confirm", "nope")]),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app_error(r).await.field(), Some("confirm"));

    // Bad counts are refused before cluster_mgr sees them.
    let r = post(
        &s.app,
        "/KunlunXPanel/api/clusters/add_shards",
        &pairs(&[("cluster_id", &cid), ("shards", "0"), ("replicas", "3")]),
    )
    .await;
    assert_eq!(app_error(r).await.field(), Some("shards"));

    // Delete the cluster: wrong word refused, right word deletes it.
    let r = post(
        &s.app,
        "/KunlunXPanel/api/clusters/delete",
        &pairs(&[("cluster_id", &cid), ("confirm", "order")]),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = post(
        &s.app,
        "/KunlunXPanel/api/clusters/delete",
        &pairs(&[("cluster_id", &cid), ("confirm", "orders")]),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(wait_job(&s.app, r.json().await.unwrap()).await.status, JobStatus::Done);
    let r = post(&s.app, "/KunlunXPanel/api/clusters/get", &pairs(&[("id", &cid)])).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_console_killed_mid_job_follows_the_job_to_its_end_after_restart() {
    let tmp = tempfile::tempdir().unwrap();
    let sim = start_sim(tmp.path(), Duration::from_millis(150)).await;
    klustron_sim::seed::machines_only(&sim).await.unwrap();
    let meta = sim_metadata_url(tmp.path());
    let data = tmp.path().join("console");

    // Console A runs on its own runtime, so that it can be stopped dead: no graceful
    // shutdown, no chance to write anything more, like a kill -9.
    let (a, runtime) = spawn_on_own_runtime(data.clone(), vec![meta.clone()]);
    a.login_with_changed_password().await;
    let id: i64 = create(&a, &[]).await.json().await.unwrap();
    // Wait until the job is visibly under way, then kill the console.
    for _ in 0..200 {
        if job(&a, id).await.percent > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    runtime.shutdown_background();
    assert!(a.client.get(a.url("/KunlunXPanel/login")).send().await.is_err(), "A is dead");

    // Console B on the same store: it follows the job by itself, with no browser asking.
    let b = spawn_with(data.clone(), vec![meta]).await;
    let store = app::backend::store::Store::open_in(&data).await.unwrap();
    let mut status = String::new();
    for _ in 0..400 {
        status = store.job(id).await.unwrap().unwrap().status;
        if status != "running" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(status, "done");
    // And shows it, with every step done.
    b.login(DEFAULT_USER, NEW_PASSWORD).await;
    let j = job(&b, id).await;
    assert_eq!(j.status, JobStatus::Done);
    assert!(j.steps.iter().all(|s| s.state == StepState::Done), "{j:?}");
    let (audit, _) = store.audit_page(&Default::default(), 100, 0).await.unwrap();
    let ends = audit.iter().filter(|a| a.action == "create_cluster:finished" && a.outcome == "ok");
    assert_eq!(ends.count(), 1, "the end is audited once");
}

/// Each refusal of a delete comes from the rule the page uses (`ClusterDetail::check`),
/// word for word in the reader's language, before cluster_mgr sees anything: the
/// primary, a shard's last node, the last shard (the last compute node is above).
#[tokio::test]
async fn the_primary_the_last_node_and_the_last_shard_are_refused_in_the_pages_words() {
    use app::domain::cluster_view::Refusal;
    use app::i18n::Locale;
    let s = ready(5).await;
    let id: i64 = create(&s.app, &[("shards", "1"), ("replicas", "2"), ("comps", "1")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(wait_job(&s.app, id).await.status, JobStatus::Done);
    let cluster_id = s.sim.store().reader().clusters().await.unwrap()[0].id;
    let cid = cluster_id.to_string();
    let c = cluster(&s.app, cluster_id).await;
    let shard = &c.shards[0];
    let shard_id = shard.id.to_string();
    let node = |primary: bool| {
        let n = shard.nodes.iter().find(|n| n.primary == primary);
        let n = n.expect("a node of that role");
        (n.hostaddr.clone(), n.port.to_string())
    };
    let (primary_host, primary_port) = node(true);
    let (replica_host, replica_port) = node(false);
    let delete_node = |host: String, port: String| {
        let confirm = format!("{host}:{port}");
        let fields = [
            ("cluster_id", cid.clone()),
            ("shard_id", shard_id.clone()),
            ("hostaddr", host),
            ("port", port),
            ("confirm", confirm),
        ];
        ("/KunlunXPanel/api/clusters/delete_node", fields.to_vec())
    };
    let delete_shard = || {
        let name = shard.name.clone();
        let fields =
            [("cluster_id", cid.clone()), ("shard_id", shard_id.clone()), ("confirm", name)];
        ("/KunlunXPanel/api/clusters/delete_shard", fields.to_vec())
    };
    let jobs_before = s.sim.store().reader().job_log(100, 0).await.unwrap().len();
    let refused = |(path, fields): (&'static str, Vec<(&'static str, String)>), why: Refusal| {
        let app = &s.app;
        async move {
            for (lang, l) in [("en", Locale::en), ("zh-CN", Locale::zh_CN)] {
                let r = app
                    .client
                    .post(app.url(path))
                    .header(reqwest::header::ACCEPT_LANGUAGE, lang)
                    .form(&fields)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path} {lang}");
                let refusal = AppError::invalid("", why.message(l));
                assert_eq!(app_error(r).await, refusal, "{path} {lang}");
            }
        }
    };
    refused(delete_node(primary_host.clone(), primary_port.clone()), Refusal::Primary).await;
    refused(delete_shard(), Refusal::LastShard).await;
    assert_eq!(s.sim.store().reader().job_log(100, 0).await.unwrap().len(), jobs_before);

    // Delete the replica: allowed. Then the primary is the shard's last node.
    let (path, fields) = delete_node(replica_host, replica_port);
    let r = s.app.client.post(s.app.url(path)).form(&fields).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(wait_job(&s.app, r.json().await.unwrap()).await.status, JobStatus::Done);
    assert_eq!(cluster(&s.app, cluster_id).await.shards[0].nodes.len(), 1);
    refused(delete_node(primary_host, primary_port), Refusal::LastNode).await;
}
