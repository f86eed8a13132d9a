//! Contract tests: the simulator answers as cluster_mgr does (each test names the fact
//! of ../shared/klustron/cluster_mgr-wire.md it pins, and the source it comes from),
//! and the console's client and metadata reader read those answers right. Every fact
//! runs on both profiles, on SQLite and on MariaDB ([`on_every_sim`]).

mod common;

use std::time::Duration;

use common::*;
use klustron::jobs::*;
use klustron::metadata::model::{InstanceStatus, MemberState, NodeStats};
use klustron::{ClientError, JobReport, JobState};
use klustron_sim::faults::{Faults, InstallKind};
use klustron_sim::Profile;
use serde_json::{json, Value};

fn failed_with(t: &TestSim, state: &JobState, code: i64) -> String {
    match state {
        JobState::Failed { code: c, info } if *c == code => info.clone(),
        other => panic!("{}: expected failure {code}, got {other:?}", t.label),
    }
}

/// A failed phase's words (`shard_error_info`, `comp_error_info`). cluster_mgr writes
/// them only in the memo of that phase's failure (`UpdateMetaAndOperationStat`,
/// `cluster_mission/create_cluster.cc`); when the other phase ends after it, that write
/// rebuilds the memo without them. Which phase ends last is a race in cluster_mgr too,
/// so the words are either there or the other phase has ended.
fn phase_words(t: &TestSim, r: &JobReport, key: &str, other_phase: &str, words: &str) {
    match r.attachment.get(key) {
        Some(v) => assert_eq!(v, words, "{}", t.label),
        None => assert!(
            matches!(
                r.attachment.get(other_phase).and_then(Value::as_str),
                Some("done" | "failed")
            ),
            "{}: no {key} while {other_phase} is {:?}",
            t.label,
            r.attachment.get(other_phase)
        ),
    }
}

fn raw_json(body: &str) -> Value {
    serde_json::from_str(body.trim_end()).unwrap()
}

/// §0.3 (`SyncMission::GetStatus`): a status reply's `job_id` and `job_type` are always
/// "" and success reads `"OK"`; the bytes are jsoncpp's (sorted keys) with two newlines.
#[tokio::test]
async fn get_status_replies_carry_an_empty_job_id_and_job_type() {
    on_every_sim(|t| async move {
        let r = t.run_ok(&CreateMachine(machine("10.0.0.11", MachineType::Storage))).await;
        let raw = t.raw_status(r.job_id.as_str()).await;
        assert_eq!(
            raw,
            "{\"attachment\":{},\"error_code\":\"0\",\"error_info\":\"OK\",\"job_id\":\"\",\"job_type\":\"\",\"status\":\"done\",\"version\":\"1.0\"}\n\n",
            "{}",
            t.label
        );
    })
    .await;
}

/// §0.3/#10: with no memo yet (a job waiting in the queue) `get_status` answers exactly
/// as for a job that does not exist; the client calls both `NoMemo`, which is not final.
#[tokio::test]
async fn a_job_without_a_memo_answers_like_an_unknown_job() {
    on_every_sim(|t| async move {
        let unknown = t.raw_status("987654").await;
        assert_eq!(unknown, "{\"attachment\":null,\"error_code\":\"70001\",\"error_info\":\"\",\"job_id\":\"\",\"job_type\":\"\",\"status\":\"failed\",\"version\":\"1.0\"}\n\n");
        t.sim.set_faults(Faults { hold_setup_ms: 400, ..Faults::default() });
        let id = t.client.submit("super_dba", &CreateMachine(machine("10.0.0.11", MachineType::Storage))).await.unwrap();
        assert_eq!(t.raw_status(id.as_str()).await, unknown, "{}", t.label);
        assert_eq!(t.job_row(&id).await, ("not_started".to_owned(), None));
        assert_eq!(t.client.status(&id).await.unwrap().state, JobState::NoMemo);
        t.sim.set_faults(Faults::default());
        assert_eq!(t.wait(&id).await.pop().unwrap().state, JobState::Done, "{}", t.label);
        let ghost = klustron::JobId::parse("987654").unwrap();
        assert_eq!(t.client.status(&ghost).await.unwrap().state, JobState::NoMemo);
    })
    .await;
}

/// §0.1/#8: a submit is always `accept`ed, also while another job runs (jobs queue and
/// run side by side; there is no `ongoing` answer), and the checks come later, as a
/// failed job with cluster_mgr's code and words.
#[tokio::test]
async fn a_submit_is_always_accepted_and_jobs_run_side_by_side() {
    on_every_sim(|t| async move {
        t.add_machines(&["10.0.0.11", "10.0.0.12", "10.0.0.13"], &["10.0.0.21", "10.0.0.22"]).await;
        let first = t.client.submit("super_dba", &cluster("a", 2, 3, 2)).await.unwrap();
        let second = t.client.submit("super_dba", &cluster("b", 1, 1, 1)).await.unwrap();
        let mut bad = cluster("c", 0, 3, 1);
        bad.nick_name = "refused later".into();
        let third = t.client.submit("super_dba", &bad).await.unwrap();
        let (a, b) = tokio::join!(t.wait(&first), t.wait(&second));
        assert_eq!(a.last().unwrap().state, JobState::Done, "{}", t.label);
        assert_eq!(b.last().unwrap().state, JobState::Done, "{}", t.label);
        let c = t.wait(&third).await.pop().unwrap();
        assert_eq!(
            failed_with(&t, &c.state, 70073),
            "Create cluster job input shards number wrong"
        );
        // Both creates were under way at once.
        assert!(
            a.iter().any(|r| r.state == JobState::Running)
                && b.iter().any(|r| r.state == JobState::Running)
        );
    })
    .await;
}

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

/// #5: cluster_mgr copies a request into a 4096-byte buffer: a longer one kills it
/// before it answers (the connection breaks, another node leads). The client refuses
/// to send a body over 3.5 KiB.
#[tokio::test]
async fn a_request_over_cluster_mgrs_4096_byte_buffer_kills_it() {
    on_every_sim(|t| async move {
        let mut c = cluster("big", 1, 1, 1);
        c.storage_iplists = (0..320).map(|i| format!("10.1.{}.{}", i / 250, i % 250)).collect();
        match t.client.submit("super_dba", &c).await {
            Err(ClientError::TooLarge { bytes, limit: 3584 }) => assert!(bytes > 3584),
            other => panic!("{}: {other:?}", t.label),
        }
        let leader = t.sim.leader().await;
        let body =
            json!({"version": "1.0", "job_id": "", "job_type": "create_cluster", "timestamp": "1",
                          "user_name": "u", "paras": c})
            .to_string();
        assert!(t.post_raw(&body).await.is_err(), "{}: no answer", t.label);
        assert!(
            t.sim.store().reader().job_log(10, 0).await.unwrap().is_empty(),
            "nothing recorded"
        );
        tokio::time::sleep(Duration::from_millis(600)).await;
        assert_ne!(t.sim.leader().await, leader, "{}: a new leader", t.label);
        // The client finds it through cluster_mgr_nodes and goes on.
        t.run_ok(&CreateMachine(machine("10.0.0.11", MachineType::Storage))).await;
    })
    .await;
}

/// §0.6: a JSON number where cluster_mgr calls `asCString()` kills the process after
/// the submit was accepted; the job stays `not_started` with a NULL memo, abandoned by
/// the next leader (`RecoverInteruptedJobIfExists`). The client never sends one.
#[tokio::test]
async fn a_json_number_in_paras_kills_cluster_mgr_and_strands_the_job() {
    on_every_sim(|t| async move {
        t.add_machines(&["10.0.0.11"], &["10.0.0.21"]).await;
        let mut paras = serde_json::to_value(cluster("n", 1, 1, 1)).unwrap();
        paras["shards"] = json!(1);
        let body =
            json!({"version": "1.0", "job_id": "", "job_type": "create_cluster", "timestamp": "1",
                          "user_name": "u", "paras": paras})
            .to_string();
        let reply = raw_json(&t.post_raw(&body).await.unwrap());
        assert_eq!(reply["status"], "accept", "{}", t.label);
        let id = klustron::JobId::parse(reply["job_id"].as_str().unwrap()).unwrap();
        tokio::time::sleep(Duration::from_millis(700)).await;
        assert_eq!(t.job_row(&id).await, ("not_started".to_owned(), None), "{}", t.label);
        assert_eq!(t.client.status(&id).await.unwrap().state, JobState::NoMemo);
        // Booleans and decimals are parameter errors, not crashes.
        paras["shards"] = json!("2.5");
        let id = t.client.submit("u", &RawCreate(paras.clone())).await.unwrap();
        failed_with(&t, &t.wait(&id).await.pop().unwrap().state, 70072);
    })
    .await;
}

/// A create_cluster whose paras are given as JSON (to send what the typed jobs cannot).
#[derive(serde::Serialize)]
#[serde(transparent)]
struct RawCreate(Value);
impl Job for RawCreate {
    const TYPE: JobType = JobType::CreateCluster;
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

async fn free_port() -> u16 {
    tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap().port()
}
