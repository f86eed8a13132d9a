//! The tables and memos cluster_mgr writes, per profile, and what the reader makes of them.

use super::*;

/// #2: `update_machine` is a no-op in 1.0 (`MachineRequest::UpdateMachine` returns at
/// once: no memo, no status, no change); profile 1.2 applies it.
#[tokio::test]
async fn update_machine_is_a_no_op_in_1_0_and_works_in_1_2() {
    on_every_sim(|t| async move {
        t.add_machines(&[], &["10.0.0.21"]).await;
        let mut m = machine("10.0.0.21", MachineType::Computer);
        m.total_mem = 32768;
        let id = t.client.submit("super_dba", &UpdateMachine(m)).await.unwrap();
        // A later job passes it in the queue (jobs are set up in order).
        t.run_ok(&CreateMachine(machine("10.0.0.22", MachineType::Computer))).await;
        let meta = t.sim.store().reader();
        let mem = || async {
            meta.machines()
                .await
                .unwrap()
                .into_iter()
                .find(|m| m.hostaddr == "10.0.0.21")
                .unwrap()
                .total_mem_mb
        };
        match t.profile() {
            Profile::V1_0 => {
                assert_eq!(t.client.status(&id).await.unwrap().state, JobState::NoMemo);
                assert_eq!(t.job_row(&id).await, ("not_started".to_owned(), None));
                assert!(meta.later_job_has_memo(id.as_str().parse().unwrap()).await.unwrap());
                assert_eq!(mem().await, 16384);
            }
            Profile::V1_2 => {
                assert_eq!(t.wait(&id).await.pop().unwrap().state, JobState::Done);
                assert_eq!(mem().await, 32768);
            }
        }
    })
    .await;
}

/// #3: `comp_nodes` has no `mysql_port` in 1.0's meta_inuse.sql; the reader derives it
/// (PostgreSQL port + 1) and says so. 1.2 has the column.
#[tokio::test]
async fn comp_nodes_mysql_port_exists_only_in_1_2_and_is_derived_otherwise() {
    on_every_sim(|t| async move {
        t.add_machines(&["10.0.0.11"], &["10.0.0.21"]).await;
        let (_, cid) = t.create(&cluster("p", 1, 1, 2)).await;
        let meta = t.sim.store().reader();
        let cols = meta.columns().await.unwrap();
        assert_eq!(cols.comp_mysql_port, t.profile() == Profile::V1_2, "{}", t.label);
        assert!(cols.shards_status);
        let comps = meta.comp_nodes(cid).await.unwrap();
        assert_eq!(comps.len(), 2);
        for c in &comps {
            assert_eq!(c.mysql_port, c.port + 1);
            assert_eq!(c.mysql_port_derived, t.profile() == Profile::V1_0, "{}", t.label);
        }
        // The list and node-view queries work on both schemas too.
        assert_eq!(meta.comp_nodes_of(&[cid]).await.unwrap().len(), 2);
        assert_eq!(meta.instances_on("10.0.0.21").await.unwrap().1.len(), 2);
    })
    .await;
}

/// #4: `comp_nodes.passwd` is varchar(16): a longer compute password fails the create
/// after everything was installed (`PostAddComputer`, 70150 in the compute phase, 70094
/// for the create), and the create rolls back.
#[tokio::test]
async fn a_compute_password_over_16_characters_fails_the_create_after_the_install() {
    on_every_sim(|t| async move {
        t.add_machines(&["10.0.0.11"], &["10.0.0.21"]).await;
        let mut c = cluster("pw", 1, 1, 1);
        c.computer_password = Some("Seventeen#chars17".into());
        let r = t.run(&c).await;
        failed_with(&t, &r.state, 70094);
        assert_eq!(r.attachment["computer_state"], "failed");
        phase_words(
            &t,
            &r,
            "comp_error_info",
            "storage_state",
            "Add computer job deal post step failed",
        );
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
        // 16 characters fit.
        c.computer_password = Some("Sixteen#chars016".into());
        t.run_ok(&c).await;
    })
    .await;
}

/// #6/§6.2: create_cluster's memos as cluster_mgr writes them: `prepare` for both
/// phases with the cluster's name, then the sub-job ids, then, once dispatched, only
/// `{"error_code":0,"error_info":"OK"}`; each phase's end brings the sub-memos back:
/// `shard_step[0].shard_ids` `[{"shard_1": "<install job>"}]` and `shard_hosts`,
/// `computer_step[0].computer_id` one job id and `computer_hosts` `"ip_port;ip_port;"`,
/// `computer_state` `dipatch` (sic) while installing. The phases run concurrently and
/// either may end first.
#[tokio::test]
async fn create_cluster_memos_have_cluster_mgrs_shapes_and_phases_overlap() {
    on_every_sim(|t| async move {
        t.add_machines(&["10.0.0.11", "10.0.0.12", "10.0.0.13"], &["10.0.0.21", "10.0.0.22"]).await;
        for (c, first_done) in
            [(cluster("cf", 2, 4, 1), "computer"), (cluster("sf", 1, 1, 4), "storage")]
        {
            let id = t.client.submit("super_dba", &c).await.unwrap();
            let reports = t.wait(&id).await;
            let last = reports.last().unwrap();
            assert_eq!(last.state, JobState::Done, "{}", t.label);
            assert!(
                reports.iter().any(|r| r.attachment.keys().all(|k| k == "job_steps")),
                "{}: an overwritten memo shows no sub-steps while installing",
                t.label
            );
            let a = &last.attachment;
            assert_eq!(a["job_steps"], "shard,computer");
            assert_eq!(
                (a["storage_state"].as_str(), a["computer_state"].as_str()),
                (Some("done"), Some("done"))
            );
            let shard = &a["shard_step"][0];
            let ids = shard["shard_ids"].as_array().unwrap();
            assert_eq!(ids.len(), c.shards as usize);
            assert!(ids[0]["shard_1"].as_str().unwrap().bytes().all(|b| b.is_ascii_digit()));
            let hosts = shard["shard_hosts"][0]["shard_1"].as_str().unwrap();
            assert!(
                hosts.ends_with(';')
                    && hosts.split(';').filter(|s| !s.is_empty()).all(|h| h.contains('_')),
                "{hosts}"
            );
            let comp = &a["computer_step"][0];
            assert!(comp["computer_id"].is_string());
            let ch = comp["computer_hosts"].as_str().unwrap();
            assert_eq!(ch.matches(';').count(), c.comps as usize, "{ch}");
            // Which phase ended first shows in the report that first has a sub-memo done.
            let first = reports.iter().find_map(|r| {
                let s = r.attachment.get("storage_state").and_then(Value::as_str) == Some("done");
                let k = r.attachment.get("computer_state").and_then(Value::as_str) == Some("done");
                match (s, k) {
                    (true, false) => Some("storage"),
                    (false, true) => Some("computer"),
                    _ => None,
                }
            });
            assert_eq!(first, Some(first_done), "{}", t.label);
            // While the other phase installs, its sub-memo says so.
            let installing: Vec<&str> = reports
                .iter()
                .filter_map(|r| {
                    r.attachment.get("computer_step")?.get(0)?.get("computer_state")?.as_str()
                })
                .collect();
            if first_done == "storage" {
                assert!(installing.contains(&"dipatch"), "{}: {installing:?}", t.label);
            }
        }
    })
    .await;
}

/// #11/S17/S21: cluster_mgr keeps the compute password in clear in memos
/// (`computer_pwd`), in `db_clusters.memo` (`computer_passwd`) and in `job_info` (the
/// whole request); the console's reader gives none of them out.
#[tokio::test]
async fn memos_and_job_info_hold_the_compute_password_and_the_reader_removes_it() {
    on_every_sim(|t| async move {
        t.add_machines(&["10.0.0.11"], &["10.0.0.21"]).await;
        let mut c = cluster("secret", 1, 1, 1);
        c.computer_password = Some("Secr3t!pass".into());
        let (r, cid) = t.create(&c).await;
        assert_eq!(r.attachment["computer_pwd"], "Secr3t!pass", "{}: as cluster_mgr writes it", t.label);
        let raw = t.scalar("SELECT CAST(memo AS CHAR) AS v FROM db_clusters WHERE id = ?", cid).await;
        assert!(raw.contains("\"computer_passwd\":\"Secr3t!pass\""), "{raw}");
        let info = t.scalar("SELECT CAST(job_info AS CHAR) AS v FROM cluster_general_job_log WHERE job_type = 'create_cluster' AND id > ?", 0).await;
        assert!(info.contains("Secr3t!pass") && info.contains("\"user_name\":\"super_dba\""), "{info}");
        let meta = t.sim.store().reader();
        let log = format!("{:?}", meta.job_log(100, 0).await.unwrap());
        let cl = format!("{:?}", meta.cluster(cid).await.unwrap());
        assert!(!log.contains("Secr3t") && !cl.contains("Secr3t"), "{log}\n{cl}");
        assert_eq!(meta.cluster(cid).await.unwrap().unwrap().memo.unwrap().computer_user.as_deref(), Some("abc"));
    })
    .await;
}

/// S16/#15: clusters are `inuse` (meta_inuse.sql) and `delete_cluster` deletes the row;
/// compute nodes are named `comp<N>` from one counter for all clusters, `creating` until
/// the monitor finds them, then `active`.
#[tokio::test]
async fn clusters_are_inuse_and_deleted_rows_go() {
    on_every_sim(|t| async move {
        t.add_machines(&["10.0.0.11"], &["10.0.0.21"]).await;
        let (_, a) = t.create(&cluster("a", 1, 1, 2)).await;
        let (_, b) = t.create(&cluster("b", 1, 1, 1)).await;
        let meta = t.sim.store().reader();
        assert_eq!(meta.cluster_stats().await.unwrap(), [("inuse".to_string(), 2)]);
        tokio::time::sleep(Duration::from_millis(100)).await;
        let names: Vec<String> =
            meta.comp_nodes(b).await.unwrap().iter().map(|c| c.name.clone()).collect();
        assert_eq!(names, ["comp3"], "{}", t.label);
        assert!(meta
            .comp_nodes(a)
            .await
            .unwrap()
            .iter()
            .all(|c| c.status == InstanceStatus::Active));
        t.run_ok(&DeleteCluster { cluster_id: a as u32, nick_name: "a".into() }).await;
        let left =
            t.scalar("SELECT CAST(COUNT(*) AS CHAR) AS v FROM db_clusters WHERE id > ?", 0).await;
        assert_eq!(left, "1", "{}: the row is gone, not marked", t.label);
    })
    .await;
}
