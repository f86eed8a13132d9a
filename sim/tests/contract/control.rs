//! `control_instance` (day2-jobs.md §3.3; cluster_mgr `other_mission/other_mission.cc`
//! `OtherMission::ControlInstance` / `ControlInstanceCallBack`, `kl_mentain/shard.cc`
//! `MetadataShard::update_instance_status`): the status written, the memos and codes,
//! and what the client reads of them.

use super::*;

/// A control_instance whose paras are given as JSON (to send what the typed job cannot).
#[derive(serde::Serialize)]
#[serde(transparent)]
struct RawControl(Value);
impl Job for RawControl {
    const TYPE: JobType = JobType::ControlInstance;
}

fn control(host: &str, port: u16, t: MachineType, c: InstanceControl) -> ControlInstance {
    ControlInstance { cluster_id: 1, hostaddr: host.into(), port, machine_type: t, control: c }
}

async fn status_of(t: &TestSim, table: &str, host: &str, port: u16) -> String {
    let sql = format!(
        "SELECT CAST(status AS CHAR) AS v FROM {table} WHERE hostaddr = '{host}' AND port = ?"
    );
    t.scalar(&sql, i64::from(port)).await
}

#[tokio::test]
async fn stop_and_start_write_the_status_and_end_with_cluster_mgrs_words() {
    on_every_sim(|t| async move {
        t.add_machines(&["10.0.0.11", "10.0.0.12"], &["10.0.0.21"]).await;
        let cid = running_cluster(&t, "ctl", 1, 2).await;
        let nodes = t.sim.store().node_rows(cid).await.unwrap();
        let replica = nodes.iter().find(|n| n.member_state != "source").unwrap();
        let (host, port) = (replica.hostaddr.clone(), replica.port);

        let stop = control(&host, port, MachineType::Storage, InstanceControl::Stop);
        let id = t.client.submit("super_dba", &stop).await.unwrap();
        let r = t.wait(&id).await.pop().unwrap();
        assert_eq!(r.state, JobState::Done, "{}", t.label);
        assert_eq!(status_of(&t, "shard_nodes", &host, port).await, "inactive", "{}", t.label);
        // The memo's code is a string, as EintToStr writes it; get_status moves both
        // keys into the envelope.
        let raw = raw_json(&t.raw_status(id.as_str()).await);
        assert_eq!(raw["error_code"], "0", "{}", t.label);
        assert_eq!(raw["error_info"], "control instance successfully", "{}", t.label);
        assert_eq!(raw["status"], "done", "{}", t.label);

        t.run_ok(&control(&host, port, MachineType::Storage, InstanceControl::Start)).await;
        assert_eq!(status_of(&t, "shard_nodes", &host, port).await, "active", "{}", t.label);

        // A compute node is found in comp_nodes; machine_type is not read (1.0.2).
        let (_, comp_host, comp_port) = t.sim.store().comp_rows(cid).await.unwrap()[0].clone();
        t.run_ok(&control(&comp_host, comp_port, MachineType::Storage, InstanceControl::Stop))
            .await;
        assert_eq!(status_of(&t, "comp_nodes", &comp_host, comp_port).await, "inactive");
        t.run_ok(&control(&comp_host, comp_port, MachineType::Computer, InstanceControl::Restart))
            .await;
        assert_eq!(status_of(&t, "comp_nodes", &comp_host, comp_port).await, "active");
    })
    .await;
}

#[tokio::test]
async fn refusals_keep_code_zero_except_missing_fields_and_node_mgr_failures() {
    on_every_sim(|t| async move {
        t.add_machines(&["10.0.0.11"], &["10.0.0.21"]).await;
        let cid = running_cluster(&t, "ctl", 1, 1).await;
        let node = t.sim.store().node_rows(cid).await.unwrap()[0].clone();

        // An instance in neither table: failed, code 0.
        let r =
            t.run(&control("10.9.9.9", 57001, MachineType::Storage, InstanceControl::Stop)).await;
        assert_eq!(failed_with(&t, &r.state, 0), "instance ip_port no find");
        // A control word cluster_mgr does not know: failed, code 0, nothing written.
        let paras =
            json!({"hostaddr": node.hostaddr, "port": node.port.to_string(), "control": "pause"});
        let r = t.run(&RawControl(paras)).await;
        assert_eq!(failed_with(&t, &r.state, 0), "control type error");
        assert_eq!(status_of(&t, "shard_nodes", &node.hostaddr, node.port).await, "active");
        // A missing field: ERR_JSON with the field's own words.
        let r = t.run(&RawControl(json!({"port": "57001", "control": "stop"}))).await;
        assert_eq!(
            failed_with(&t, &r.state, 70101),
            "missing `hostaddr` key-value pair in the request body"
        );
        // node_mgr fails: 70401 with its words; the status written before stays.
        t.sim.set_faults(Faults { fail_control: true, ..Faults::default() });
        let stop = control(&node.hostaddr, node.port, MachineType::Storage, InstanceControl::Stop);
        let r = t.run(&stop).await;
        assert!(failed_with(&t, &r.state, 70401).contains("simulator fault"), "{}", t.label);
        assert_eq!(status_of(&t, "shard_nodes", &node.hostaddr, node.port).await, "inactive");
        // The fault is used up: the next one succeeds.
        t.run_ok(&stop).await;
    })
    .await;
}

/// `stoi` on a port that is not a number throws in the job thread: cluster_mgr dies
/// after answering `accept`, and the job stays `not_started` with a NULL memo.
#[tokio::test]
async fn a_port_that_is_not_a_number_kills_cluster_mgr() {
    let t = sqlite_sim().await;
    let paras = json!({"hostaddr": "10.0.0.11", "port": "x57001", "control": "stop"});
    let id = t.client.submit("u", &RawControl(paras)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(t.job_row(&id).await, ("not_started".to_owned(), None));
}
