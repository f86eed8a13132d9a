//! `rebuild_node` (day2-jobs.md §3.2; engine/rebuild_node.rs): on both profiles, the
//! first node rebuilt alone then the others, each node's steps reported by `get_status`
//! under its `ip_port` with the step it finished; every refusal of `SetUpMisson` with
//! 1.0.2's code and words; node_mgr's failure with its own.

use super::*;

fn rebuild(
    cid: i64,
    shard: i64,
    nodes: &[(&str, u16)],
    from_master: bool,
    delay: u32,
) -> RebuildNode {
    RebuildNode {
        cluster_id: cid as u32,
        shard_id: shard as u32,
        rb_nodes: nodes
            .iter()
            .map(|(h, p)| RbNode {
                hostaddr: (*h).into(),
                port: *p,
                need_backup: false,
                hdfs_host: None,
                pv_limit: 10,
            })
            .collect(),
        allow_pull_from_master: from_master,
        allow_replica_delay: delay,
    }
}

/// (shard, primary, replicas) of the cluster's first shard as (host, port).
async fn shard_of(t: &TestSim, cid: i64) -> (i64, (String, u16), Vec<(String, u16)>) {
    let nodes = t.sim.store().node_rows(cid).await.unwrap();
    let shard = nodes[0].shard_id;
    let of: Vec<_> = nodes.iter().filter(|n| n.shard_id == shard).collect();
    let hp = |n: &klustron_sim::store::NodeRow| (n.hostaddr.clone(), n.port);
    let primary = of.iter().find(|n| n.member_state == "source").map(|n| hp(n)).unwrap();
    let replicas = of.iter().filter(|n| n.member_state != "source").map(|n| hp(n)).collect();
    (shard, primary, replicas)
}

#[tokio::test]
async fn two_replicas_are_rebuilt_one_then_the_other_with_each_nodes_steps() {
    on_every_sim(|t| async move {
        t.add_machines(&["10.0.0.11", "10.0.0.12", "10.0.0.13"], &["10.0.0.21"]).await;
        let cid = running_cluster(&t, "rb", 1, 3).await;
        let (shard, _, replicas) = shard_of(&t, cid).await;
        let nodes: Vec<(&str, u16)> = replicas.iter().map(|(h, p)| (h.as_str(), *p)).collect();
        let names: Vec<String> = replicas.iter().map(|(h, p)| format!("{h}_{p}")).collect();
        // Every replica is rebuilt: only the primary can be the source.
        let id = t.client.submit("super_dba", &rebuild(cid, shard, &nodes, true, 30)).await.unwrap();
        let reports = t.wait(&id).await;
        let last = reports.last().unwrap();
        assert_eq!(last.state, JobState::Done, "{}", t.label);
        let steps = "check_param, xtracback_data, checksum_data, backup_old_data, clear_old_data, recover_data, rebuild_sync, done";
        for r in reports.iter().filter(|r| r.state != JobState::NoMemo) {
            assert_eq!(r.attachment["job_step"], steps, "{}", t.label);
            assert!(r.attachment.get("rbnode_state").is_none(), "{}: folded", t.label);
        }
        for n in &names {
            assert_eq!(
                last.attachment[n.as_str()],
                json!({"status": "done", "error_code": 0, "error_info": "OK", "step": "done"}),
                "{}",
                t.label
            );
        }
        // The first node is rebuilt alone: while it runs the second is not listed, and
        // its step is the one node_mgr finished last ("" before the first).
        let first_alone = reports.iter().any(|r| {
            r.attachment.get(names[0].as_str()).is_some_and(|v| v["status"] == "ongoing")
                && r.attachment.get(names[1].as_str()).is_none()
        });
        assert!(first_alone, "{}: {reports:?}", t.label);
        let mid = reports.iter().find_map(|r| {
            r.attachment.get(names[0].as_str()).filter(|v| v["step"] == "recover_data")
        });
        assert_eq!(mid.map(|v| v["error_code"].clone()), Some(json!("0")), "{}", t.label);
        // Sub-jobs: one per node, cluster_mgr's own.
        let sql = "SELECT CAST(COUNT(*) AS CHAR) AS v FROM cluster_general_job_log \
                   WHERE job_type = 'rb_shard_node' AND user_name = 'internal_user' AND id > ?";
        assert_eq!(t.scalar(sql, id.as_str().parse().unwrap()).await, "2", "{}", t.label);
    })
    .await;
}

#[tokio::test]
async fn refusals_carry_1_0_2s_codes_and_words() {
    on_every_sim(|t| async move {
        t.add_machines(&["10.0.0.11", "10.0.0.12", "10.0.0.13"], &["10.0.0.21"]).await;
        let cid = running_cluster(&t, "rf", 1, 3).await;
        let (shard, (ph, pp), replicas) = shard_of(&t, cid).await;
        let (rh, rp) = (replicas[0].0.as_str(), replicas[0].1);
        let cases = [
            // The primary is not a replica of the shard.
            (
                rebuild(cid, shard, &[(&ph, pp)], true, 30),
                70041,
                "Rebuid hostaddr node is not in shard",
            ),
            (
                rebuild(cid, shard, &[("10.9.9.9", 1)], true, 30),
                70041,
                "Rebuid hostaddr node is not in shard",
            ),
            (
                rebuild(cid, shard + 100, &[(rh, rp)], true, 30),
                70040,
                "Get machine info from metadb for rebuild node error",
            ),
            (rebuild(cid, shard, &[], true, 30), 70036, "Rebuild node job dont have rb_node param"),
        ];
        for (job, code, words) in cases {
            let r = t.run(&job).await;
            assert_eq!(failed_with(&t, &r.state, code), words, "{}", t.label);
        }
        // The other replica lags more than allowed and the primary may not be used.
        let (oh, op) = &replicas[1];
        let sql = format!(
            "UPDATE shard_nodes SET replica_delay = 100 WHERE hostaddr = '{oh}' AND port = {op}"
        );
        sqlx::query(&sql).execute(t.sim.store().pool()).await.unwrap();
        let r = t.run(&rebuild(cid, shard, &[(rh, rp)], false, 30)).await;
        assert_eq!(
            failed_with(&t, &r.state, 70042),
            "Get pull host for rebuild node error",
            "{}",
            t.label
        );
        // Allowed more lag, it is the source.
        t.run_ok(&rebuild(cid, shard, &[(rh, rp)], false, 100)).await;
    })
    .await;
}

#[tokio::test]
async fn node_mgr_failing_the_copy_fails_the_job_with_its_code_and_step() {
    let t = sqlite_sim_as(Profile::V1_0).await;
    t.add_machines(&["10.0.0.11", "10.0.0.12"], &["10.0.0.21"]).await;
    let cid = running_cluster(&t, "nf", 1, 2).await;
    let (shard, _, replicas) = shard_of(&t, cid).await;
    let (h, p) = &replicas[0];
    t.sim.set_faults(Faults { fail_rebuild: true, ..Faults::default() });
    let r = t.run(&rebuild(cid, shard, &[(h, *p)], true, 30)).await;
    assert_eq!(failed_with(&t, &r.state, 60006), "Xtracback data from pull host error");
    let node = &r.attachment[format!("{h}_{p}").as_str()];
    assert_eq!(
        node,
        &json!({"status": "failed", "error_code": "60006",
                "error_info": "Xtracback data from pull host error", "step": "xtracback_data"})
    );
}

#[tokio::test]
async fn a_number_where_cluster_mgr_calls_as_c_string_kills_it() {
    let t = sqlite_sim_as(Profile::V1_0).await;
    let leader = t.sim.leader().await;
    let body = json!({"version": "1.0", "job_id": "", "job_type": "rebuild_node", "timestamp": "1",
        "user_name": "u", "paras": {"cluster_id": 1, "shard_id": "1",
        "rb_nodes": [{"hostaddr": "h", "port": "1"}]}});
    let reply = t.post_raw(&body.to_string()).await.unwrap();
    assert_eq!(raw_json(&reply)["status"], "accept");
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_ne!(t.sim.leader().await, leader, "a new leader after the crash");
}
