//! cluster_mgr's replies, byte for byte, and the requests that kill it.

use super::*;

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
