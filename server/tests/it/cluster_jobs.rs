//! Creating clusters through the server functions the wizard calls, against klustron-sim:
//! the server-side wizard rules at submit, the placement preview, a job that fails at a
//! step, the job's live event stream, scale-out and deletes with typed confirmation, and
//! a console killed mid-job that follows the job to its end after it starts again.

use crate::common::*;
use reqwest::StatusCode;
use serde_json::Value;
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
        let e = error_body(r).await;
        assert_eq!(e["Validation"]["field"], *field, "{overrides:?}: {e}");
    }
    // Nothing reached cluster_mgr.
    assert!(s.sim.store().reader().job_log(100, 0).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_review_previews_placement_and_refuses_what_cannot_fit() {
    let s = ready(5).await;
    let r = post(&s.app, "/KunlunXPanel/api/clusters/plan", &draft(&[])).await;
    assert_eq!(r.status(), StatusCode::OK);
    let plan: Value = r.json().await.unwrap();
    let shards = plan["shards"].as_array().unwrap();
    assert_eq!(shards.len(), 2);
    assert!(shards.iter().all(|s| s.as_array().unwrap().len() == 3));
    let comps = plan["comps"].as_array().unwrap();
    assert_eq!(comps.len(), 2);
    for c in comps {
        assert_eq!(c["mysql_port"].as_u64().unwrap(), c["port"].as_u64().unwrap() + 1);
    }
    assert!(plan["checks"].as_array().unwrap().iter().all(|c| c["ok"] == true), "{plan}");

    // Too few machines: 256 shards of 3 need 768 storage instances; 3 machines hold 747.
    let r = create(&s.app, &[("shards", "256")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e = error_body(r).await.to_string();
    assert!(e.contains("768 storage instance(s) needed"), "{e}");

    // A chosen machine went offline between the review and the submit.
    let chosen = [("storage_hosts[0]", "10.0.0.11")];
    let plan: Value = post(&s.app, "/KunlunXPanel/api/clusters/plan", &draft(&chosen))
        .await
        .json()
        .await
        .unwrap();
    assert!(plan["checks"].as_array().unwrap().iter().all(|c| c["ok"] == true));
    sqlx::query("UPDATE server_nodes SET node_stats = 'dead' WHERE hostaddr = '10.0.0.11'")
        .execute(s.sim.store().pool())
        .await
        .unwrap();
    let r = create(&s.app, &chosen).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e = error_body(r).await.to_string();
    assert!(e.contains("10.0.0.11 is not running"), "{e}");
    assert!(s.sim.store().reader().job_log(100, 0).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_created_cluster_matches_the_preview_and_the_stream_reports_every_step() {
    // Steps slower than the follower's poll, so the stream has every step to report.
    let s = ready(300).await;
    let plan: Value =
        post(&s.app, "/KunlunXPanel/api/clusters/plan", &draft(&[])).await.json().await.unwrap();
    let r = create(&s.app, &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let id: i64 = r.json().await.unwrap();

    // The event stream: one JSON job view per change, ending with the job.
    let r = s.app.get(&format!("/KunlunXPanel/api/jobs/{id}/events")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "text/event-stream");
    let body = tokio::time::timeout(Duration::from_secs(30), r.text()).await.unwrap().unwrap();
    let views: Vec<Value> = body
        .lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .map(|d| serde_json::from_str(d).unwrap())
        .collect();
    assert!(views.len() >= 3, "{body}");
    let last = views.last().unwrap();
    assert_eq!(last["status"], "Done");
    assert_eq!(last["percent"], 100);
    let keys: Vec<String> = last["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{}{}", s["kind"].as_str().unwrap(), s["index"]))
        .collect();
    assert_eq!(
        keys,
        ["Initialise1", "Shard1", "Shard2", "ComputeNode1", "ComputeNode2", "Finish1"],
        "cluster_mgr's job_steps order: shard, computer"
    );
    let percents: Vec<u64> = views.iter().map(|v| v["percent"].as_u64().unwrap()).collect();
    assert!(percents.windows(2).all(|w| w[0] <= w[1]), "progress never goes back: {percents:?}");

    // The cluster's compute nodes are where the preview said, on both ports.
    let cluster_id = last["cluster_id"].as_i64().unwrap();
    let c: Value =
        post(&s.app, "/KunlunXPanel/api/clusters/get", &pairs(&[("id", &cluster_id.to_string())]))
            .await
            .json()
            .await
            .unwrap();
    let mut got: Vec<(String, u64, u64)> = c["comps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["hostaddr"].as_str().unwrap().to_owned(),
                n["pg_port"].as_u64().unwrap(),
                n["mysql_port"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut want: Vec<(String, u64, u64)> = plan["comps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["hostaddr"].as_str().unwrap().to_owned(),
                n["port"].as_u64().unwrap(),
                n["mysql_port"].as_u64().unwrap(),
            )
        })
        .collect();
    got.sort();
    want.sort();
    assert_eq!(got, want);
    assert_eq!(c["comp_user"], "kunlun");
    assert_eq!(c["shards"].as_array().unwrap().len(), 2);

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
    assert_eq!(j["status"], "Failed");
    let error = j["error"].as_str().unwrap();
    assert_eq!(error, "Install computer error in create cluster job (cluster_mgr error 70094)");
    assert_eq!(j["error_code"], 70094);
    let failed: Vec<&Value> =
        j["steps"].as_array().unwrap().iter().filter(|s| s["state"] == "Failed").collect();
    assert!(!failed.is_empty(), "{j}");
    for f in &failed {
        assert_eq!(f["kind"], "ComputeNode", "{j}");
        assert!(f["error"].as_str().unwrap().contains("install postgres failed"), "{j}");
    }
    // Still failed later, and listed as failed.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(job(&s.app, id).await["status"], "Failed");
    let list: Value = post(
        &s.app,
        "/KunlunXPanel/api/jobs/list",
        &pairs(&[("query[status]", "failed"), ("query[page]", "1")]),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(list["rows"][0]["id"], id);
}

#[tokio::test]
async fn scale_out_and_deletes_need_the_typed_name_and_keep_the_last_compute_node() {
    let s = ready(5).await;
    let id: i64 = create(&s.app, &[("comps", "1"), ("shards", "1")]).await.json().await.unwrap();
    let j = wait_job(&s.app, id).await;
    assert_eq!(j["status"], "Done", "{j}");
    let cid = j["cluster_id"].as_i64().unwrap().to_string();
    let get = || async {
        post(&s.app, "/KunlunXPanel/api/clusters/get", &pairs(&[("id", &cid)]))
            .await
            .json::<Value>()
            .await
            .unwrap()
    };
    let c = get().await;
    let only = c["comps"][0].clone();

    // The last compute node cannot be deleted, whatever the browser sends.
    let r = post(
        &s.app,
        "/KunlunXPanel/api/clusters/delete_comp",
        &pairs(&[
            ("cluster_id", &cid),
            ("comp_id", &only["id"].to_string()),
            ("confirm", only["name"].as_str().unwrap()),
        ]),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_body(r).await.to_string().contains("last compute node"));

    // Add one; then deleting needs the node's exact name.
    let r = post(
        &s.app,
        "/KunlunXPanel/api/clusters/add_comps",
        &pairs(&[("cluster_id", &cid), ("comps", "1")]),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(wait_job(&s.app, r.json().await.unwrap()).await["status"], "Done");
    assert_eq!(get().await["comps"].as_array().unwrap().len(), 2);
    let r = post(
        &s.app,
        "/KunlunXPanel/api/clusters/delete_comp",
        &pairs(&[("cluster_id", &cid), ("comp_id", &only["id"].to_string()), ("confirm", "nope")]),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_body(r).await["Validation"]["field"], "confirm");

    // Bad counts are refused before cluster_mgr sees them.
    let r = post(
        &s.app,
        "/KunlunXPanel/api/clusters/add_shards",
        &pairs(&[("cluster_id", &cid), ("shards", "0"), ("replicas", "3")]),
    )
    .await;
    assert_eq!(error_body(r).await["Validation"]["field"], "shards");

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
    assert_eq!(wait_job(&s.app, r.json().await.unwrap()).await["status"], "Done");
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
        if job(&a, id).await["percent"].as_u64().unwrap() > 0 {
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
    assert_eq!(j["status"], "Done");
    assert!(j["steps"].as_array().unwrap().iter().all(|s| s["state"] == "Done"), "{j}");
    let (audit, _) = store.audit_page(&Default::default(), 100, 0).await.unwrap();
    let ends = audit.iter().filter(|a| a.action == "create_cluster:finished" && a.outcome == "ok");
    assert_eq!(ends.count(), 1, "the end is audited once");
}
