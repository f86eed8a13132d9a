//! `manual_switch` (day2-jobs.md §3.1; engine/manual_switch.rs says what of it is
//! inferred): unknown to 1.0.2, on 1.2 a switch moves the primary and writes the task's
//! `rbr_consfailover` rows, which the metadata reader reads back as XPanel's history
//! does; each refusal comes with 1.0.2's code for it.

use super::*;

fn switch(cluster: i64, shard: i64, master: &str, assign: Option<&str>) -> ManualSwitch {
    ManualSwitch {
        cluster_id: cluster as u32,
        shard_id: shard as u32,
        master_hostaddr: master.into(),
        assign_hostaddr: assign.map(str::to_owned),
    }
}

/// (primary, replicas) of the cluster's first shard, as `ip_port`.
async fn roles(t: &TestSim, cid: i64) -> (i64, String, Vec<String>) {
    let nodes = t.sim.store().node_rows(cid).await.unwrap();
    let shard = nodes[0].shard_id;
    let name = |n: &&klustron_sim::store::NodeRow| ip_port(&n.hostaddr, n.port);
    let of_shard: Vec<_> = nodes.iter().filter(|n| n.shard_id == shard).collect();
    let primary = of_shard.iter().find(|n| n.member_state == "source").map(name).unwrap();
    let replicas = of_shard.iter().filter(|n| n.member_state != "source").map(name).collect();
    (shard, primary, replicas)
}

#[tokio::test]
async fn cluster_mgr_1_0_does_not_know_manual_switch() {
    let t = sqlite_sim_as(Profile::V1_0).await;
    let r = t.client.submit("u", &switch(1, 1, "10.0.0.11_57001", None)).await;
    match r {
        Err(ClientError::Rejected { code, info }) => {
            assert_eq!((code, info.as_str()), (70001, "Unrecongnized job type"))
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_switch_moves_the_primary_and_leaves_its_history() {
    on_1_2(|t| async move {
        t.add_machines(&["10.0.0.11", "10.0.0.12", "10.0.0.13"], &["10.0.0.21"]).await;
        let cid = running_cluster(&t, "sw", 1, 3).await;
        let (shard, old, replicas) = roles(&t, cid).await;
        let target = replicas[1].clone();

        let id =
            t.client.submit("super_dba", &switch(cid, shard, &old, Some(&target))).await.unwrap();
        let reports = t.wait(&id).await;
        let last = reports.last().unwrap();
        assert_eq!(last.state, JobState::Done);
        assert_eq!(last.attachment["new_master_host"], target.as_str());
        // Every report with a memo names the step list and the current step.
        for r in reports.iter().filter(|r| r.state != JobState::NoMemo) {
            let steps = r.attachment["job_step"].as_str().unwrap();
            assert!(steps.split(',').any(|s| s == r.attachment["step"]), "{steps}");
        }
        let (_, now, _) = roles(&t, cid).await;
        assert_eq!(now, target);

        let history = t.sim.store().reader().switchovers(cid, 10, 0).await.unwrap();
        assert_eq!(history.len(), 1);
        let h = &history[0];
        assert_eq!((h.shard_id, h.manual, h.ok()), (shard, true, true));
        assert_eq!((h.old_primary(), h.new_primary()), (old.as_str(), target.as_str()));
        assert!(h.steps.len() > 1);
        assert_eq!(t.sim.store().reader().switchover_count(cid).await.unwrap(), 1);

        // Without a target cluster_mgr picks an active fullsync replica with the least lag.
        let (_, primary, replicas) = roles(&t, cid).await;
        let pool = t.sim.store().pool();
        sqlx::query("UPDATE shard_nodes SET replica_delay = 9 WHERE db_cluster_id = ?")
            .bind(cid)
            .execute(pool)
            .await
            .unwrap();
        let (host, port) = replicas[0].rsplit_once('_').unwrap();
        sqlx::query("UPDATE shard_nodes SET replica_delay = 1 WHERE hostaddr = ? AND port = ?")
            .bind(host)
            .bind(port.parse::<i64>().unwrap())
            .execute(pool)
            .await
            .unwrap();
        let r = t.run_ok(&switch(cid, shard, &primary, None)).await;
        assert_eq!(r.attachment["new_master_host"], replicas[0].as_str());
        let history = t.sim.store().reader().switchovers(cid, 10, 0).await.unwrap();
        assert_eq!(history.len(), 2);
        assert_eq!(history[0].new_primary(), replicas[0], "newest first");
    })
    .await;
}

#[tokio::test]
async fn refusals_carry_the_codes_of_the_error_table() {
    on_1_2(|t| async move {
        t.add_machines(&["10.0.0.11", "10.0.0.12"], &["10.0.0.21"]).await;
        let cid = running_cluster(&t, "sw", 1, 2).await;
        let (shard, primary, replicas) = roles(&t, cid).await;
        let replica = replicas[0].clone();
        let cases = [
            (switch(cid, shard, &replica, None), 70033),
            (switch(cid, shard, &primary, Some(&primary)), 70034),
            (switch(cid, shard, "10.9.9.9_1", None), 70030),
            (switch(cid, shard, &primary, Some("10.9.9.9_1")), 70032),
            (switch(cid, 9999, &primary, None), 70027),
        ];
        for (job, code) in cases {
            let r = t.run(&job).await;
            failed_with(&t, &r.state, code);
        }
        // A replica that is not fullsync: the consfailover engine refuses, and the task's
        // one row says so.
        let (host, port) = replica.rsplit_once('_').unwrap();
        sqlx::query("UPDATE shard_nodes SET sync_state = 'async' WHERE hostaddr = ? AND port = ?")
            .bind(host)
            .bind(port.parse::<i64>().unwrap())
            .execute(t.sim.store().pool())
            .await
            .unwrap();
        let r = t.run(&switch(cid, shard, &primary, Some(&replica))).await;
        assert_eq!(
            failed_with(&t, &r.state, 70177),
            "Assign host is not fullsync state in consfailover"
        );
        let history = t.sim.store().reader().switchovers(cid, 10, 0).await.unwrap();
        assert_eq!(history.len(), 1);
        assert!(!history[0].ok());
        assert_eq!(history[0].steps[0].step, "Fail");
        let (_, still, _) = roles(&t, cid).await;
        assert_eq!(still, primary, "nothing moved");
    })
    .await;
}

/// day2-jobs.md §5: the no-switch jobs are answered at once; a window in force makes a
/// switchover of a covered shard fail with 70014; deleting it lets the switch through.
#[tokio::test]
async fn a_no_switch_window_refuses_switchovers_until_it_is_deleted() {
    let old = sqlite_sim_as(Profile::V1_0).await;
    match old.client.call("u", &ListNoswitch { cluster_id: ClusterScope::All }, true).await {
        Err(ClientError::Rejected { code: 70001, info }) => {
            assert_eq!(info, "Unrecongnized job type")
        }
        other => panic!("{other:?}"),
    }
    on_1_2(|t| async move {
        t.add_machines(&["10.0.0.11", "10.0.0.12"], &["10.0.0.21"]).await;
        let cid = running_cluster(&t, "sw", 1, 2).await;
        let (shard, primary, replicas) = roles(&t, cid).await;
        let scope = ClusterScope::One(cid as u32);
        let set = SetNoswitch::new(scope, Some(shard as u32), 600);
        t.client.call("super_dba", &set, false).await.unwrap();
        let list = ListNoswitch { cluster_id: ClusterScope::All };
        let att = t.client.call("super_dba", &list, true).await.unwrap();
        let value = att["value"].as_array().unwrap();
        assert_eq!(value.len(), 1, "{}: {att:?}", t.label);
        assert_eq!(value[0]["cluster_id"], cid.to_string());
        assert_eq!(value[0]["shard_id"], shard.to_string());
        let now =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
                as i64;
        let expires = value[0]["param"]["timestamp"].as_i64().unwrap();
        assert!((now + 590..=now + 610).contains(&expires), "{expires} vs {now}");

        let r = t.run(&switch(cid, shard, &primary, Some(&replicas[0]))).await;
        assert_eq!(failed_with(&t, &r.state, 70014), "Manual Noswitch Node Exist");
        let history = t.sim.store().reader().switchovers(cid, 10, 0).await.unwrap();
        assert_eq!((history.len(), history[0].steps[0].step.as_str()), (1, "Fail"));

        // A timeout that is not a number is refused with 1.0.2's sync-failure shape.
        let mut bad = serde_json::to_value(&set).unwrap();
        bad["timeout"] = json!("ten");
        match t.client.call("super_dba", &RawSet(bad), false).await {
            Err(ClientError::Rejected { code: 0, info }) => assert_eq!(info, "OK"),
            other => panic!("{other:?}"),
        }

        let del = DelNoswitch { cluster_id: scope, shard_id: Some(shard as u32) };
        t.client.call("super_dba", &del, false).await.unwrap();
        let att = t.client.call("super_dba", &list, true).await.unwrap();
        assert_eq!(att["value"], json!([]));
        t.run_ok(&switch(cid, shard, &primary, Some(&replicas[0]))).await;
    })
    .await;
}

/// A set_noswitch whose paras are given as JSON.
#[derive(serde::Serialize)]
#[serde(transparent)]
struct RawSet(Value);
impl Job for RawSet {
    const TYPE: JobType = JobType::SetNoswitch;
}
