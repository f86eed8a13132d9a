//! Contract tests: the console's cluster_mgr client and metadata reader against the
//! simulator, for every job type, the refusals cluster_mgr makes, and the faults the
//! console must survive. The full lifecycle runs on SQLite and on MariaDB.

mod common;

use std::time::Duration;

use common::*;
use klustron::jobs::*;
use klustron::metadata::model::{InstanceStatus, MemberState, NodeStats};
use klustron::{ClientError, JobState};
use klustron_sim::faults::Faults;

fn failed_with(state: &JobState, code: i64) -> String {
    match state {
        JobState::Failed { code: c, info } if *c == code => info.clone(),
        other => panic!("expected failure {code}, got {other:?}"),
    }
}

/// Machines, a cluster, every scale-out and delete job, as the metadata shows them.
async fn lifecycle(t: TestSim) {
    let meta = t.sim.store().reader().clone();
    t.add_machines(&["10.0.0.11", "10.0.0.12", "10.0.0.13"], &["10.0.0.21", "10.0.0.22"]).await;
    let machines = meta.machines().await.unwrap();
    assert_eq!(machines.len(), 5);
    assert!(machines.iter().all(|m| m.node_stats == NodeStats::Running));

    // Duplicate host + type: cluster_mgr's code and words.
    let r = t.run(&CreateMachine(machine("10.0.0.11", MachineType::Storage))).await;
    assert_eq!(failed_with(&r.state, 70062), "Create machine job add hostaddr in server_nodes");

    // Edit.
    let mut m = machine("10.0.0.21", MachineType::Computer);
    m.total_mem = 32768;
    m.port_range = (47000, 47900);
    t.run_ok(&UpdateMachine(m)).await;
    let edited =
        meta.machines().await.unwrap().into_iter().find(|m| m.hostaddr == "10.0.0.21").unwrap();
    assert_eq!((edited.total_mem_mb, edited.port_range), (32768, Some((47000, 47900))));

    // create_cluster: progress is visible while it runs, in XPanel's shape.
    let id = t.client.submit("super_dba", &cluster("orders", 2, 3, 2)).await.unwrap();
    let reports = t.wait(&id).await;
    let last = reports.last().unwrap();
    assert_eq!(last.state, JobState::Done);
    assert!(reports.iter().any(|r| r.state == JobState::Running), "no running report seen");
    assert!(reports
        .iter()
        .any(|r| r.attachment.get("computer_state").is_some_and(|s| s == "dispatch")));
    assert_eq!(last.attachment["job_steps"], "shard,computer");
    assert_eq!(last.attachment["computer_step"][0]["computer_state"], "done");
    assert_eq!(last.attachment["shard_step"][0]["storage_state"], "done");
    let name = last.attachment["cluster_name"].as_str().unwrap().to_owned();
    assert!(name.starts_with("cluster_"));

    let clusters = meta.clusters().await.unwrap();
    let c = clusters.iter().find(|c| c.name == name).unwrap();
    assert_eq!(
        (c.nick_name.as_str(), c.ha_mode, c.status.as_str()),
        ("orders", Some(HaMode::Rbr), "active")
    );
    assert_eq!(meta.cluster_stats().await.unwrap(), [("active".to_string(), 1)]);
    assert_eq!(meta.machine_stats().await.unwrap(), [("running".to_string(), 5)]);
    let comps = meta.comp_nodes(c.id).await.unwrap();
    assert_eq!(comps.len(), 2);
    for cn in &comps {
        assert_eq!(cn.mysql_port, Some(cn.port + 1), "MySQL port is PostgreSQL port + 1");
        assert!((47001..47900).contains(&cn.port));
        assert_eq!(cn.status, InstanceStatus::Active);
    }
    let shards = meta.shards(c.id).await.unwrap();
    assert_eq!(shards.len(), 2);
    let nodes = meta.shard_nodes(c.id).await.unwrap();
    assert_eq!(nodes.len(), 6);
    for s in &shards {
        let primaries = nodes
            .iter()
            .filter(|n| n.shard_id == s.id && n.member_state == MemberState::Source)
            .count();
        assert_eq!(primaries, 1);
    }
    let used: usize = meta.machines().await.unwrap().iter().map(|m| m.used_ports.len()).sum();
    assert_eq!(used, 8, "every instance holds its port");

    let cid = c.id as u32;
    let nick = || "orders".to_owned();
    t.run_ok(&AddComps {
        cluster_id: cid,
        nick_name: nick(),
        comps: 1,
        computer_iplists: vec!["10.0.0.22".into()],
    })
    .await;
    t.run_ok(&AddShards {
        cluster_id: cid,
        nick_name: nick(),
        shards: 1,
        nodes: 2,
        storage_iplists: vec![],
    })
    .await;
    let shard_id = shards[0].id as u32;
    t.run_ok(&AddNodes {
        cluster_id: cid,
        nick_name: nick(),
        shard_id,
        nodes: 1,
        storage_iplists: vec![],
    })
    .await;
    assert_eq!(meta.comp_nodes(c.id).await.unwrap().len(), 3);
    assert_eq!(meta.shards(c.id).await.unwrap().len(), 3);
    let nodes = meta.shard_nodes(c.id).await.unwrap();
    assert_eq!(nodes.iter().filter(|n| n.shard_id == shards[0].id).count(), 4);

    // Deleting the primary is refused; a replica goes.
    let primary = nodes
        .iter()
        .find(|n| n.shard_id == shards[0].id && n.member_state == MemberState::Source)
        .unwrap();
    let r = t
        .run(&DeleteNode {
            cluster_id: cid,
            shard_id,
            hostaddr: primary.hostaddr.clone(),
            port: primary.port,
        })
        .await;
    failed_with(&r.state, 70172);
    let replica = nodes
        .iter()
        .find(|n| n.shard_id == shards[0].id && n.member_state == MemberState::Replica)
        .unwrap();
    t.run_ok(&DeleteNode {
        cluster_id: cid,
        shard_id,
        hostaddr: replica.hostaddr.clone(),
        port: replica.port,
    })
    .await;

    let comps = meta.comp_nodes(c.id).await.unwrap();
    t.run_ok(&DeleteComp { cluster_id: cid, nick_name: nick(), comp_id: comps[0].id as u32 }).await;
    t.run_ok(&DeleteShard { cluster_id: cid, shard_id: shards[1].id as u32 }).await;
    assert_eq!(meta.comp_nodes(c.id).await.unwrap().len(), 2);
    assert_eq!(meta.shards(c.id).await.unwrap().len(), 2);

    // A machine with instances cannot go; after delete_cluster every port is free.
    let r = t
        .run(&DeleteMachine { hostaddr: "10.0.0.11".into(), machine_type: MachineType::Storage })
        .await;
    failed_with(&r.state, 70064);
    t.run_ok(&DeleteCluster { cluster_id: cid, nick_name: nick() }).await;
    assert!(meta.clusters().await.unwrap().iter().all(|c| c.name != name));
    assert!(meta
        .machines()
        .await
        .unwrap()
        .iter()
        .all(|m| m.used_ports.is_empty() && m.installing_ports.is_empty()));
    t.run_ok(&DeleteMachine { hostaddr: "10.0.0.11".into(), machine_type: MachineType::Storage })
        .await;
    assert_eq!(meta.machines().await.unwrap().len(), 4);

    // The job log as the operation log reads it: newest first, internal jobs hidden.
    let log = meta.job_log(100, 0).await.unwrap();
    assert!(log.len() >= 15);
    assert!(log.windows(2).all(|w| w[0].id > w[1].id));
    assert!(log.iter().all(|j| j.user_name == "super_dba"));
    assert!(log.iter().any(|j| j.job_type == "create_cluster" && j.status == "done"));
}

#[tokio::test]
async fn lifecycle_on_sqlite() {
    lifecycle(sqlite_sim().await).await;
}

#[tokio::test]
async fn lifecycle_on_mariadb() {
    match mysql_sim().await {
        Some(t) => lifecycle(t).await,
        None => eprintln!(
            "XPANEL_TEST_MYSQL_URL not set: MariaDB run skipped (scripts/test.sh sets it)"
        ),
    }
}

#[tokio::test]
async fn cluster_mgr_refusals_come_back_with_its_code_and_text() {
    let t = sqlite_sim().await;
    t.add_machines(&["10.0.0.11"], &["10.0.0.21"]).await;
    let mut c = cluster("x", 0, 3, 1);
    failed_with(&t.run(&c).await.state, 70073);
    c.shards = 1;
    c.fullsync_level = 3;
    failed_with(&t.run(&c).await.state, 70175);
    c.fullsync_level = 1;
    c.storage_iplists = vec!["10.9.9.9".into()];
    assert_eq!(
        failed_with(&t.run(&c).await.state, 70181),
        "Create cluster job assign storage iplists failed"
    );
    c.storage_iplists = vec![];
    c.computer_iplists = vec!["10.0.0.11".into()]; // a storage machine is not a compute machine
    failed_with(&t.run(&c).await.state, 70182);
    // Not enough port room: 1 machine of 1000 ports holds at most 249 storage instances.
    let r = t.run(&cluster("big", 200, 3, 1)).await;
    failed_with(&r.state, 79001);
    // node_mgr unreachable (documentation address range).
    let r = t.run(&CreateMachine(machine("192.0.2.7", MachineType::Storage))).await;
    failed_with(&r.state, 70158);
    // Unknown cluster.
    failed_with(
        &t.run(&DeleteCluster { cluster_id: 999, nick_name: "nope".into() }).await.state,
        70098,
    );
    // Nothing half-written by the refusals.
    assert!(t.sim.store().reader().clusters().await.unwrap().is_empty());
}

#[tokio::test]
async fn one_job_at_a_time_the_second_submit_is_busy() {
    let t = sqlite_sim().await;
    t.add_machines(&["10.0.0.11", "10.0.0.12", "10.0.0.13"], &["10.0.0.21"]).await;
    let first = t.client.submit("super_dba", &cluster("a", 4, 3, 4)).await.unwrap();
    let second = t.client.submit("super_dba", &cluster("b", 1, 1, 1)).await;
    assert_eq!(second, Err(ClientError::Busy));
    assert_eq!(t.wait(&first).await.pop().unwrap().state, JobState::Done);
    t.run_ok(&cluster("b", 1, 1, 1)).await;
}

#[tokio::test]
async fn a_job_failing_mid_way_rolls_back_and_says_where() {
    let t = sqlite_sim().await;
    t.add_machines(&["10.0.0.11", "10.0.0.12"], &["10.0.0.21"]).await;
    // Steps: compute node 1, compute node 2, shard 1 (fails here), shard 2.
    t.sim.set_faults(Faults { fail_job_at_step: Some(3), ..Faults::default() });
    let r = t.run(&cluster("c", 2, 2, 2)).await;
    failed_with(&r.state, 70093);
    assert_eq!(r.attachment["storage_state"], "failed");
    assert!(r.attachment["shard_error_info"]
        .as_str()
        .unwrap()
        .contains("install shard on 10.0.0."));
    assert_eq!(r.attachment["shard_step"][0]["storage_state"], "failed");
    let meta = t.sim.store().reader();
    assert!(meta.clusters().await.unwrap().is_empty());
    assert!(meta.all_comp_nodes().await.unwrap().is_empty());
    assert!(meta
        .machines()
        .await
        .unwrap()
        .iter()
        .all(|m| m.used_ports.is_empty() && m.installing_ports.is_empty()));
}

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
    // Unknown job ids are cluster_mgr's "job_id no find".
    let ghost = klustron::JobId::parse("987654").unwrap();
    assert!(matches!(t.client.status(&ghost).await, Err(ClientError::Rejected { .. })));
}

#[tokio::test]
async fn after_a_leader_change_the_client_finds_the_new_leader_without_restart() {
    let t = sqlite_sim().await;
    t.add_machines(&["10.0.0.11"], &[]).await;
    let before = t.client.current_leader().await.unwrap();
    t.sim.set_leader(1).await.unwrap();
    // The old address now refuses; the client reads cluster_mgr_nodes again and goes on.
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

#[tokio::test]
async fn control_api_switches_faults_over_http() {
    let t = sqlite_sim().await;
    let http = reqwest::Client::new();
    let base = format!("http://{}", t.sim.control_addr());
    let r = http
        .post(format!("{base}/sim/faults"))
        .json(&serde_json::json!({"http_error_count": 1, "http_status": 503}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    let job = CreateMachine(machine("10.0.0.11", MachineType::Storage));
    assert!(matches!(
        t.client.submit("u", &job).await,
        Err(ClientError::HttpStatus { status: 503, .. })
    ));
    let r = http
        .post(format!("{base}/sim/seed"))
        .json(&serde_json::json!({"machines": 50}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    assert_eq!(t.sim.store().reader().machines().await.unwrap().len(), 50);
    let state: serde_json::Value =
        http.get(format!("{base}/sim/state")).send().await.unwrap().json().await.unwrap();
    assert_eq!(state["nodes"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn discovery_skips_a_dead_seed_and_follows_meta_db_nodes_to_the_primary() {
    let Some(t) = mysql_sim().await else {
        eprintln!("XPANEL_TEST_MYSQL_URL not set: MariaDB discovery run skipped");
        return;
    };
    // The primary, as the metadata lists it, is this MariaDB under another address
    // (127.0.0.1); the live seed names it as localhost, so discovery must reconnect.
    let (_, rest) = t.meta_url.split_once('@').unwrap();
    let (server, db) = rest.split_once('/').unwrap();
    let port: u16 = server.rsplit_once(':').unwrap().1.parse().unwrap();
    sqlx::query("INSERT INTO meta_db_nodes(hostaddr, port, user_name, passwd, member_state) VALUES ('127.0.0.1', ?, 'root', '', 'source')")
        .bind(i64::from(port))
        .execute(t.sim.store().pool())
        .await
        .unwrap();
    let userinfo = t.meta_url.trim_start_matches("mysql://").split_once('@').unwrap().0;
    let dead = free_port().await;
    let seeds = klustron::MetaSeeds::parse(
        &format!(
            "mysql://{userinfo}@127.0.0.1:{dead}/{db},mysql://{userinfo}@localhost:{port}/{db}"
        ),
        "",
        "",
    )
    .unwrap();
    let meta = klustron::Metadata::new(seeds, Duration::from_secs(3));
    let db_used = meta.rediscover().await.unwrap();
    assert!(db_used.url().contains(&format!("@127.0.0.1:{port}/{db}")), "{}", db_used.url());
    assert_eq!(meta.cluster_mgr_leader().await.unwrap(), t.sim.leader().await.to_string());
}

async fn free_port() -> u16 {
    tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap().port()
}
