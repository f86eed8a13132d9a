//! Every job from machines to delete as the metadata shows it, and cluster_mgr's refusals.

use super::*;

/// Machines, a cluster, every scale-out and delete job, as the metadata shows them.
#[tokio::test]
async fn lifecycle() {
    on_every_sim(lifecycle_on).await;
}

async fn lifecycle_on(t: TestSim) {
    let meta = t.sim.store().reader().clone();
    t.add_machines(&["10.0.0.11", "10.0.0.12", "10.0.0.13"], &["10.0.0.21", "10.0.0.22"]).await;
    let machines = meta.machines().await.unwrap();
    assert_eq!(machines.len(), 5, "the pseudo server row is not a machine");
    assert!(machines.iter().all(|m| m.node_stats == NodeStats::Running));

    let r = t.run(&CreateMachine(machine("10.0.0.11", MachineType::Storage))).await;
    assert_eq!(failed_with(&t, &r.state, 70062), "Create machine job add hostaddr in server_nodes");

    let (_, cid) = t.create(&cluster("orders", 2, 3, 2)).await;
    let shards = meta.shards(cid).await.unwrap();
    assert_eq!(shards.len(), 2);
    assert_eq!(shards.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["shard_1", "shard_2"]);
    let nodes = meta.shard_nodes(cid).await.unwrap();
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

    let c = cid as u32;
    let nick = || "orders".to_owned();
    let r = t
        .run_ok(&AddComps {
            cluster_id: c,
            nick_name: nick(),
            comps: 1,
            computer_iplists: vec!["10.0.0.22".into()],
        })
        .await;
    assert_eq!(r.attachment["computer_state"], "done");
    t.run_ok(&AddShards {
        cluster_id: c,
        nick_name: nick(),
        shards: 1,
        nodes: 2,
        storage_iplists: vec![],
    })
    .await;
    assert_eq!(meta.shards(cid).await.unwrap()[2].name, "shard_3");
    let shard_id = shards[0].id as u32;
    let r = t
        .run_ok(&AddNodes {
            cluster_id: c,
            nick_name: nick(),
            shard_id: Some(shard_id),
            nodes: 1,
            storage_iplists: vec![],
        })
        .await;
    assert_eq!(r.attachment["storage_state"], "done");
    assert_eq!(meta.comp_nodes(cid).await.unwrap().len(), 3);
    let nodes = meta.shard_nodes(cid).await.unwrap();
    assert_eq!(nodes.iter().filter(|n| n.shard_id == shards[0].id).count(), 4);

    // Refusals in cluster_mgr's order: the count, the primary, membership.
    let primary = nodes
        .iter()
        .find(|n| n.shard_id == shards[0].id && n.member_state == MemberState::Source)
        .unwrap();
    let del =
        |host: &str, port| DeleteNode { cluster_id: c, shard_id, hostaddr: host.into(), port };
    failed_with(&t, &t.run(&del(&primary.hostaddr, primary.port)).await.state, 70172);
    failed_with(&t, &t.run(&del("10.9.9.9", 1)).await.state, 70173);
    let replica = nodes
        .iter()
        .find(|n| n.shard_id == shards[0].id && n.member_state == MemberState::Replica)
        .unwrap();
    // delete_node writes no memo while it runs.
    let id = t.client.submit("super_dba", &del(&replica.hostaddr, replica.port)).await.unwrap();
    let reports = t.wait(&id).await;
    assert!(
        reports.iter().take(reports.len() - 1).all(|r| r.state == JobState::NoMemo),
        "{}: {reports:?}",
        t.label
    );
    assert_eq!(reports.last().unwrap().state, JobState::Done);

    let comps = meta.comp_nodes(cid).await.unwrap();
    t.run_ok(&DeleteComp { cluster_id: c, nick_name: nick(), comp_id: comps[0].id as u32 }).await;
    t.run_ok(&DeleteShard { cluster_id: c, shard_id: shards[1].id as u32 }).await;
    assert_eq!(meta.comp_nodes(cid).await.unwrap().len(), 2);
    assert_eq!(meta.shards(cid).await.unwrap().len(), 2);

    let r = t
        .run(&DeleteMachine { hostaddr: "10.0.0.11".into(), machine_type: MachineType::Storage })
        .await;
    failed_with(&t, &r.state, 70064);
    let id = t
        .client
        .submit("super_dba", &DeleteCluster { cluster_id: c, nick_name: nick() })
        .await
        .unwrap();
    let reports = t.wait(&id).await;
    let last = reports.last().unwrap();
    assert_eq!(last.state, JobState::Done, "{}", t.label);
    assert_eq!(last.attachment["job_steps"], "shard,computer");
    assert!(last.attachment["shard_step"][0]["storage_hosts"].as_str().unwrap().ends_with(';'));
    assert!(meta.cluster(cid).await.unwrap().is_none());
    assert!(meta
        .machines()
        .await
        .unwrap()
        .iter()
        .all(|m| m.used_ports.is_empty() && m.installing_ports.is_empty()));
    t.run_ok(&DeleteMachine { hostaddr: "10.0.0.11".into(), machine_type: MachineType::Storage })
        .await;
    assert_eq!(meta.machines().await.unwrap().len(), 4);

    let log = meta.job_log(100, 0).await.unwrap();
    assert!(log.len() >= 15);
    assert!(log.windows(2).all(|w| w[0].id > w[1].id));
    assert!(log.iter().all(|j| j.user_name == "super_dba"), "internal jobs are hidden");
}

/// §2: refusals with cluster_mgr's codes and words, and in its order.
#[tokio::test]
async fn cluster_mgr_refusals_come_back_with_its_code_and_text() {
    on_every_sim(|t| async move {
        t.add_machines(&["10.0.0.11"], &["10.0.0.21"]).await;
        let mut c = cluster("x", 0, 3, 1);
        failed_with(&t, &t.run(&c).await.state, 70073);
        c.shards = 1;
        c.storage_iplists = vec!["10.9.9.9".into()];
        assert_eq!(
            failed_with(&t, &t.run(&c).await.state, 70181),
            "Create cluster job assign storage iplists failed"
        );
        c.storage_iplists = vec![];
        c.computer_iplists = vec!["10.0.0.11".into()];
        failed_with(&t, &t.run(&c).await.state, 70182);
        // Not enough room: the shard phase fails (70128), the create says 70093.
        let r = t.run(&cluster("big", 200, 3, 1)).await;
        failed_with(&t, &r.state, 70093);
        phase_words(
            &t,
            &r,
            "shard_error_info",
            "computer_state",
            "Add shard job storage node umatch nodes",
        );
        // node_mgr unreachable.
        failed_with(
            &t,
            &t.run(&CreateMachine(machine("192.0.2.7", MachineType::Storage))).await.state,
            70158,
        );
        // Unknown clusters: each job its own code.
        failed_with(
            &t,
            &t.run(&DeleteCluster { cluster_id: 999, nick_name: "nope".into() }).await.state,
            70098,
        );
        failed_with(
            &t,
            &t.run(&AddShards {
                cluster_id: 999,
                nick_name: String::new(),
                shards: 1,
                nodes: 1,
                storage_iplists: vec![],
            })
            .await
            .state,
            70112,
        );
        failed_with(&t, &t.run(&DeleteShard { cluster_id: 999, shard_id: 1 }).await.state, 70174);
        failed_with(
            &t,
            &t.run(&DeleteComp { cluster_id: 999, nick_name: String::new(), comp_id: 1 })
                .await
                .state,
            70157,
        );
        assert!(
            t.sim.store().reader().clusters().await.unwrap().is_empty(),
            "nothing half-written"
        );
    })
    .await;
}

/// #12: a cluster installed by script has no `db_clusters.memo`; cluster_mgr refuses to
/// change it with 70113 (`GetClusterMemoParams`).
#[tokio::test]
async fn a_cluster_without_a_memo_cannot_be_scaled() {
    on_every_sim(|t| async move {
        t.add_machines(&["10.0.0.11"], &["10.0.0.21"]).await;
        let (_, cid) = t.create(&cluster("s", 1, 1, 1)).await;
        sqlx::query("UPDATE db_clusters SET memo = NULL WHERE id = ?")
            .bind(cid)
            .execute(t.sim.store().pool())
            .await
            .unwrap();
        let r = t
            .run(&AddComps {
                cluster_id: cid as u32,
                nick_name: String::new(),
                comps: 1,
                computer_iplists: vec![],
            })
            .await;
        assert_eq!(failed_with(&t, &r.state, 70113), "Get empty memo by cluster id");
        assert!(t.sim.store().reader().cluster(cid).await.unwrap().unwrap().memo.is_none());
    })
    .await;
}

/// A node_mgr that reports a failed install: the phase fails with its words, the create
/// fails (70093) and rolls back; add_nodes reports its failure with code 0.
#[tokio::test]
async fn a_failed_install_fails_the_job_with_node_mgrs_words() {
    on_every_sim(|t| async move {
        t.add_machines(&["10.0.0.11", "10.0.0.12"], &["10.0.0.21"]).await;
        t.sim.set_faults(Faults { fail_install: Some(InstallKind::Storage), ..Faults::default() });
        let id = t.client.submit("super_dba", &cluster("c", 2, 2, 2)).await.unwrap();
        let reports = t.wait(&id).await;
        failed_with(&t, &reports.last().unwrap().state, 70093);
        assert_eq!(reports.last().unwrap().attachment["storage_state"], "failed");
        // node_mgr's words: in the shard phase's memo, and in `shard_error_info` of the
        // one memo written when the phase failed (a later write, when the other phase
        // ends, leaves them out, so a client may never see that one).
        let last = &reports.last().unwrap().attachment;
        let words = last["shard_step"][0]["error_info"].as_str().unwrap();
        assert!(words.starts_with("host:10.0.0.1") && words.ends_with('|'), "{}: {words}", t.label);
        assert_eq!(last["shard_step"][0]["error_code"], 70146);
        let meta = t.sim.store().reader();
        t.eventually("rolled back", || async {
            meta.clusters().await.unwrap().is_empty()
                && meta
                    .machines()
                    .await
                    .unwrap()
                    .iter()
                    .all(|m| m.used_ports.is_empty() && m.installing_ports.is_empty())
        })
        .await;

        let (_, cid) = t.create(&cluster("d", 1, 1, 1)).await;
        t.sim.set_faults(Faults { fail_install: Some(InstallKind::Storage), ..Faults::default() });
        let r = t
            .run(&AddNodes {
                cluster_id: cid as u32,
                nick_name: String::new(),
                shard_id: None,
                nodes: 1,
                storage_iplists: vec![],
            })
            .await;
        let info = failed_with(&t, &r.state, 0);
        assert!(info.contains("install mysqld failed"), "{info}");
        assert_eq!(r.attachment["shard_id"], "-2", "no shard given: every shard");
    })
    .await;
}
