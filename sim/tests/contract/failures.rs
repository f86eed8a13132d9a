//! HTTP errors, garbage and timeouts, leader changes, discovery and the fault API.

use super::*;

#[tokio::test]
async fn http_errors_garbage_and_timeouts_are_typed_errors() {
    let t = sqlite_sim().await;
    let job = CreateMachine(machine("10.0.0.11", MachineType::Storage));
    t.sim.set_faults(Faults { http_error_count: 1, http_status: 502, ..Faults::default() });
    assert!(matches!(
        t.client.submit("u", &job).await,
        Err(ClientError::HttpStatus { status: 502, .. })
    ));
    t.sim.set_faults(Faults { garbage_count: 1, ..Faults::default() });
    assert!(matches!(t.client.submit("u", &job).await, Err(ClientError::Malformed(_))));
    t.sim.set_faults(Faults { delay_ms: 2500, ..Faults::default() });
    assert!(matches!(t.client.submit("u", &job).await, Err(ClientError::Timeout { .. })));
    t.sim.set_faults(Faults::default());
    // A submit that timed out may have started a job: the client did not send it twice.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let log = t.sim.store().reader().job_log(10, 0).await.unwrap();
    assert_eq!(log.iter().filter(|j| j.job_type == "create_machine").count(), 1);
    // get_status is a read: one 500 is retried through.
    let id = t
        .client
        .submit("u", &CreateMachine(machine("10.0.0.12", MachineType::Storage)))
        .await
        .unwrap();
    t.sim.set_faults(Faults { http_error_count: 1, http_status: 500, ..Faults::default() });
    assert!(t.client.status(&id).await.is_ok());
    // A refusal before any job exists has no job_id key (MakeErrorInstantResponseBody).
    let raw = raw_json(&t.post_raw(r#"{"job_type":"no_such_job","paras":{}}"#).await.unwrap());
    assert_eq!(
        raw,
        json!({"attachment": null, "error_code": "70001", "error_info": "Unrecongnized job type", "status": "failed", "version": "1.0"})
    );
}

#[tokio::test]
async fn after_a_leader_change_the_client_finds_the_new_leader_without_restart() {
    let t = sqlite_sim().await;
    t.add_machines(&["10.0.0.11"], &[]).await;
    let before = t.client.current_leader().await.unwrap();
    t.sim.set_leader(1).await.unwrap();
    t.add_machines(&["10.0.0.12"], &[]).await;
    let after = t.client.current_leader().await.unwrap();
    assert_ne!(before, after);
    assert_eq!(after, t.sim.leader().await.to_string());

    // A submit that is refused is looked up again once, then reported; no job starts.
    let before = t.sim.store().reader().job_log(100, 0).await.unwrap().len();
    t.sim.refuse_for(1500).await;
    let r = t.client.submit("u", &CreateMachine(machine("10.0.0.14", MachineType::Storage))).await;
    assert!(matches!(r, Err(ClientError::Refused { .. })), "{r:?}");
    tokio::time::sleep(Duration::from_millis(1700)).await;
    assert_eq!(t.sim.store().reader().job_log(100, 0).await.unwrap().len(), before);

    // A leader that refuses for a moment: reads retry through it.
    let id = t
        .client
        .submit("u", &CreateMachine(machine("10.0.0.13", MachineType::Storage)))
        .await
        .unwrap();
    t.sim.refuse_for(60).await;
    assert!(t.client.status(&id).await.is_ok());
}

/// A new leader recovers what the old one left: an `ongoing` create fails with 70106
/// (`CLUSTER_MGR_RESTART_ERROR`), a queued one is abandoned, memo NULL for ever.
#[tokio::test]
async fn a_new_leader_fails_ongoing_jobs_and_abandons_queued_ones() {
    let t = sqlite_sim().await;
    t.add_machines(&["10.0.0.11"], &["10.0.0.21"]).await;
    let running = t.client.submit("u", &cluster("r", 1, 3, 1)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(30)).await;
    t.sim.set_faults(Faults { hold_setup_ms: 5_000, ..Faults::default() });
    let queued = t
        .client
        .submit("u", &CreateMachine(machine("10.0.0.12", MachineType::Storage)))
        .await
        .unwrap();
    t.sim.set_faults(Faults::default());
    t.sim.set_leader(1).await.unwrap();
    failed_with(&t, &t.client.status(&running).await.unwrap().state, 70106);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(t.job_row(&queued).await, ("not_started".to_owned(), None));
}

#[tokio::test]
async fn control_api_switches_faults_over_http() {
    let t = sqlite_sim().await;
    let http = reqwest::Client::new();
    let base = format!("http://{}", t.sim.control_addr());
    let r = http
        .post(format!("{base}/sim/faults"))
        .json(&json!({"http_error_count": 1, "http_status": 503}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    let job = CreateMachine(machine("10.0.0.11", MachineType::Storage));
    assert!(matches!(
        t.client.submit("u", &job).await,
        Err(ClientError::HttpStatus { status: 503, .. })
    ));
    let r =
        http.post(format!("{base}/sim/seed")).json(&json!({"machines": 50})).send().await.unwrap();
    assert!(r.status().is_success());
    assert_eq!(t.sim.store().reader().machines().await.unwrap().len(), 50);
    let state: Value =
        http.get(format!("{base}/sim/state")).send().await.unwrap().json().await.unwrap();
    assert_eq!(state["nodes"].as_array().unwrap().len(), 2);
    assert_eq!(state["profile"], "1.0");
}

/// #13: the metadata primary as cluster_mgr finds it: `meta_ha_mode` picks the source;
/// `rbr` reads `meta_db_nodes`, and `mgr` asks `performance_schema` first (MariaDB has no
/// group replication, so this run proves the fallback to `meta_db_nodes`).
#[tokio::test]
async fn discovery_skips_a_dead_seed_and_follows_the_metadata_to_the_primary() {
    let Some(t) = mysql_sim().await else { return };
    let (_, rest) = t.meta_url.split_once('@').unwrap();
    let (server, db) = rest.split_once('/').unwrap();
    let port: u16 = server.rsplit_once(':').unwrap().1.parse().unwrap();
    let pool = t.sim.store().pool();
    sqlx::query("INSERT INTO meta_db_nodes(hostaddr, port, user_name, passwd, member_state) VALUES ('127.0.0.1', ?, 'root', '', 'source')")
        .bind(i64::from(port))
        .execute(pool)
        .await
        .unwrap();
    let userinfo = t.meta_url.trim_start_matches("mysql://").split_once('@').unwrap().0;
    let dead = free_port().await;
    let seeds = || {
        klustron::MetaSeeds::parse(
            &format!(
                "mysql://{userinfo}@127.0.0.1:{dead}/{db},mysql://{userinfo}@localhost:{port}/{db}"
            ),
            "",
            "",
        )
        .unwrap()
    };
    for mode in ["rbr", "mgr"] {
        sqlx::query("DELETE FROM global_configuration").execute(pool).await.unwrap();
        sqlx::query("INSERT INTO global_configuration(name, value) VALUES ('meta_ha_mode', ?)")
            .bind(mode)
            .execute(pool)
            .await
            .unwrap();
        let meta = klustron::Metadata::new(seeds(), Duration::from_secs(3));
        let used = meta.rediscover().await.unwrap();
        assert!(used.url().contains(&format!("@127.0.0.1:{port}/{db}")), "{mode}: {}", used.url());
        assert_eq!(meta.cluster_mgr_leader().await.unwrap(), t.sim.leader().await.to_string());
    }
    // no_rep: the seed is the primary, whatever meta_db_nodes says.
    sqlx::query("UPDATE global_configuration SET value = 'no_rep'").execute(pool).await.unwrap();
    let meta = klustron::Metadata::new(seeds(), Duration::from_secs(3));
    assert!(meta.rediscover().await.unwrap().url().contains(&format!("@localhost:{port}/{db}")));
}
