use super::*;
use serde_json::json;

fn params() -> Value {
    json!({"shards": "2", "nodes": "3", "comps": "2"})
}

fn states(p: &Progress) -> Vec<(&'static str, &'static str)> {
    p.steps.iter().map(|s| (s.kind.key(), s.state.as_str())).collect()
}

fn att(v: Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap()
}

fn create(a: Option<Value>, before: &Progress) -> Progress {
    let a = a.map(att);
    steps("create_cluster", &params(), a.as_ref(), JobStatus::Running, "", before)
}

#[test]
fn before_cluster_mgr_has_a_memo_initialise_runs() {
    let p = create(None, &Progress::default());
    assert_eq!(
        states(&p),
        [
            ("init", "running"),
            ("shard", "waiting"),
            ("shard", "waiting"),
            ("comp", "waiting"),
            ("comp", "waiting"),
            ("finish", "waiting")
        ]
    );
    assert_eq!(p.percent(JobStatus::Running), 0);
}

/// The memos in the order cluster_mgr writes them (`CreateClusterMission`):
/// prepare, dispatch, overwritten, one phase done (compute first here), both done.
#[test]
fn create_cluster_memos_in_cluster_mgrs_order() {
    let prepare = json!({"storage_state": "prepare", "computer_state": "prepare", "cluster_name": "cluster_1_000001",
        "computer_user": "abc", "error_code": 0, "error_info": "OK", "job_steps": "shard,computer"});
    let p = create(Some(prepare), &Progress::default());
    assert_eq!(states(&p)[..2], [("init", "done"), ("shard", "waiting")]);
    assert_eq!(p.cluster_id, None);

    let overwritten = json!({"job_steps": "shard,computer"});
    let p = create(Some(overwritten.clone()), &p);
    assert_eq!(
        states(&p),
        [
            ("init", "done"),
            ("shard", "running"),
            ("shard", "running"),
            ("comp", "running"),
            ("comp", "running"),
            ("finish", "waiting")
        ],
        "after dispatch the memo names no phase: both are installing"
    );

    let compute_done = json!({"storage_state": "dispatch", "computer_state": "done", "cluster_id": "7", "shard_id": "11",
        "computer_id": "12", "error_code": 0, "error_info": "OK", "job_steps": "shard,computer",
        "shard_step": [{"storage_state": "dispatch", "shard_ids": [{"shard_1": "13"}, {"shard_2": "14"}],
                        "shard_hosts": [{"shard_1": "10.0.0.11_57001;10.0.0.12_57001;10.0.0.13_57001;",
                                         "shard_2": "10.0.0.12_57005;10.0.0.13_57005;10.0.0.11_57005;"}]}],
        "computer_step": [{"computer_state": "done", "computer_id": "15", "computer_hosts": "10.0.0.21_47001;10.0.0.22_47001;"}]});
    let p = create(Some(compute_done), &p);
    assert_eq!(
        states(&p),
        [
            ("init", "done"),
            ("shard", "running"),
            ("shard", "running"),
            ("comp", "done"),
            ("comp", "done"),
            ("finish", "waiting")
        ],
        "shard_ids listing every shard does not make them done"
    );
    assert_eq!(p.steps[1].hosts, "10.0.0.11:57001,10.0.0.12:57001,10.0.0.13:57001");
    assert_eq!(p.steps[2].hosts, "10.0.0.12:57005,10.0.0.13:57005,10.0.0.11:57005");
    assert_eq!(p.steps[4].hosts, "10.0.0.22:47001");
    assert_eq!(p.cluster_id, Some(7));
    assert_eq!(p.percent(JobStatus::Running), 50);

    // Another overwritten memo later (never happens after a phase end, but a memo
    // that says less must not take back what was seen).
    let p = create(Some(overwritten), &p);
    assert_eq!(states(&p)[3], ("comp", "done"));
    assert_eq!(p.steps[1].hosts, "10.0.0.11:57001,10.0.0.12:57001,10.0.0.13:57001");
}

#[test]
fn shards_first_is_read_as_well() {
    let shards_done = json!({"storage_state": "done", "computer_state": "dispatch", "cluster_id": "7",
        "shard_step": [{"storage_state": "done", "shard_hosts": [{"shard_2": "b_2;", "shard_1": "a_1;"}]}],
        "computer_step": [{"computer_state": "dipatch", "computer_hosts": "c_47001;d_47001;"}]});
    let p = create(Some(shards_done), &Progress::default());
    assert_eq!(
        states(&p),
        [
            ("init", "done"),
            ("shard", "done"),
            ("shard", "done"),
            ("comp", "running"),
            ("comp", "running"),
            ("finish", "waiting")
        ]
    );
    assert_eq!((p.steps[1].hosts.as_str(), p.steps[2].hosts.as_str()), ("a:1", "b:2"));
    assert_eq!(p.steps[3].hosts, "c:47001");
}

#[test]
fn a_failed_phase_carries_node_mgrs_words() {
    let failed = att(
        json!({"storage_state": "failed", "computer_state": "done", "cluster_id": "7", "error_code": 70093,
        "shard_step": [{"storage_state": "failed", "error_info": "host:10.0.0.12_57001 -- info:install failed|"}]}),
    );
    let p = steps(
        "create_cluster",
        &params(),
        Some(&failed),
        JobStatus::Failed,
        "Install storage error in create cluster job (cluster_mgr error 70093)",
        &Progress::default(),
    );
    assert_eq!(p.steps[1].state, StepState::Failed);
    assert_eq!(p.steps[1].error, "host:10.0.0.12_57001 -- info:install failed|");
    assert_eq!(p.steps[3].state, StepState::Done);
    assert_eq!(p.steps[5].state, StepState::Waiting);
}

#[test]
fn hostile_or_missing_fields_are_not_reported_yet() {
    let a = att(
        json!({"computer_step": "nope", "shard_step": [42], "cluster_id": {"x": 1}, "storage_state": 5,
        "shard_hosts": [{"shard_x": ["a"]}], "computer_hosts": 7}),
    );
    let p = steps(
        "create_cluster",
        &json!({"comps": "9999"}),
        Some(&a),
        JobStatus::Running,
        "",
        &Progress::default(),
    );
    assert_eq!(p.steps.len(), 1 + 1 + 256 + 1);
    assert_eq!(p.cluster_id, None);
    assert!(p.steps.iter().all(|s| s.hosts.is_empty() || s.hosts.len() < 400));
}

#[test]
fn other_jobs_have_one_step_with_their_hosts_and_the_error() {
    let p = steps(
        "add_nodes",
        &json!({"cluster_id": "3"}),
        None,
        JobStatus::Failed,
        "no room",
        &Progress::default(),
    );
    assert_eq!(states(&p), [("run", "failed")]);
    assert_eq!(p.steps[0].error, "no room");
    assert_eq!(p.cluster_id, Some(3));
    let a =
        att(json!({"storage_state": "done", "storage_hosts": "10.0.0.11_57001;10.0.0.12_57005;"}));
    let p = steps("delete_shard", &json!({}), Some(&a), JobStatus::Done, "", &Progress::default());
    assert_eq!(p.steps[0].hosts, "10.0.0.11:57001,10.0.0.12:57005");
    let a = att(json!({"computer_state": "dipatch", "computer_hosts": "10.0.0.21_47004;"}));
    let p = steps(
        "add_comps",
        &json!({"comps": "1"}),
        Some(&a),
        JobStatus::Running,
        "",
        &Progress::default(),
    );
    assert_eq!(states(&p), [("comp", "running")]);
    assert_eq!(p.steps[0].hosts, "10.0.0.21:47004");
}

fn switch(a: Value, status: JobStatus, before: &Progress) -> Progress {
    let a = att(a);
    steps("manual_switch", &json!({}), Some(&a), status, "Assign Host Unalive", before)
}

fn named(p: &Progress) -> Vec<(String, &'static str)> {
    p.steps.iter().map(|s| (s.name.clone(), s.state.as_str())).collect()
}

fn pairs(v: &[(&str, &'static str)]) -> Vec<(String, &'static str)> {
    v.iter().map(|(n, s)| (n.to_string(), *s)).collect()
}

/// manual_switch: cluster_mgr's own step names, read as XPanel 1.2 reads them.
#[test]
fn a_switch_shows_cluster_mgrs_named_steps_and_where_it_stands() {
    let start = switch(
        json!({"job_step": "a, b ,c", "step": "a"}),
        JobStatus::Running,
        &Progress::default(),
    );
    assert_eq!(named(&start), pairs(&[("a", "running"), ("b", "waiting"), ("c", "waiting")]));
    let mid = switch(json!({"job_step": "a,b,c", "step": "b"}), JobStatus::Running, &start);
    assert_eq!(named(&mid), pairs(&[("a", "done"), ("b", "running"), ("c", "waiting")]));
    assert_eq!(mid.percent(JobStatus::Running), 33);
    // A failure fails the step it happened in, with cluster_mgr's words.
    let failed = switch(json!({"job_step": "a,b,c", "step": "b"}), JobStatus::Failed, &mid);
    assert_eq!(named(&failed), pairs(&[("a", "done"), ("b", "failed"), ("c", "waiting")]));
    assert_eq!(failed.steps[1].error, "Assign Host Unalive");
    // A step name not in the list keeps the step seen last.
    let odd = switch(json!({"job_step": "a,b,c", "step": "zzz"}), JobStatus::Failed, &mid);
    assert_eq!(named(&odd), pairs(&[("a", "done"), ("b", "failed"), ("c", "waiting")]));
    // Before the memo lists steps: one unnamed step.
    let none = switch(json!({"error_code": 0}), JobStatus::Running, &Progress::default());
    assert_eq!(states(&none), [("run", "running")]);
    let done = switch(json!({"job_step": "a,b,c", "step": "c"}), JobStatus::Done, &mid);
    assert!(done.steps.iter().all(|s| s.state == StepState::Done));
}

fn rebuild(a: Value, status: JobStatus, before: &Progress) -> Progress {
    let params = json!({"rb_nodes": [{"hostaddr": "10.0.0.2", "port": "57001"},
                                     {"hostaddr": "10.0.0.3", "port": "57001"}]});
    steps("rebuild_node", &params, Some(&att(a)), status, "node_mgr failed", before)
}

fn rebuilt(p: &Progress) -> Vec<(String, String, &'static str)> {
    p.steps.iter().map(|s| (s.hosts.clone(), s.name.clone(), s.state.as_str())).collect()
}

#[test]
fn a_rebuild_shows_each_replica_where_node_mgr_is() {
    let job_step = "check_param, xtracback_data, checksum_data, backup_old_data, clear_old_data, recover_data, rebuild_sync, done";
    let n = |h: &str, name: &str, state: &'static str| (h.to_owned(), name.to_owned(), state);
    // The first node alone, node_mgr in its first step.
    let start = rebuild(
        json!({"job_step": job_step,
               "10.0.0.2_57001": {"status": "ongoing", "error_code": "0", "error_info": "OK", "step": ""}}),
        JobStatus::Running,
        &Progress::default(),
    );
    assert_eq!(
        rebuilt(&start),
        [n("10.0.0.2:57001", "0/8", "running"), n("10.0.0.3:57001", "", "waiting")]
    );
    let mid = rebuild(
        json!({"job_step": job_step,
               "10.0.0.2_57001": {"status": "done", "error_code": 0, "error_info": "OK", "step": "done"},
               "10.0.0.3_57001": {"status": "ongoing", "error_code": "0", "error_info": "OK", "step": "recover_data"}}),
        JobStatus::Running,
        &start,
    );
    assert_eq!(
        rebuilt(&mid),
        [
            n("10.0.0.2:57001", "done (8/8)", "done"),
            n("10.0.0.3:57001", "recover_data (6/8)", "running")
        ]
    );
    assert_eq!(
        mid.steps[1].title(crate::i18n::Locale::en),
        "Rebuild replica 2 · recover_data (6/8)"
    );
    // The second fails while copying: its own words and code.
    let failed = rebuild(
        json!({"job_step": job_step,
               "10.0.0.2_57001": {"status": "done", "error_code": 0, "error_info": "OK", "step": "done"},
               "10.0.0.3_57001": {"status": "failed", "error_code": "60006",
                                  "error_info": "Xtracback data from pull host error", "step": "xtracback_data"}}),
        JobStatus::Failed,
        &mid,
    );
    assert_eq!(failed.steps[1].state, StepState::Failed);
    assert_eq!(failed.steps[1].error, "Xtracback data from pull host error (60006)");
    // A node "done" without node_mgr's last step is another job's row: not trusted.
    let odd = rebuild(
        json!({"job_step": job_step,
               "10.0.0.2_57001": {"status": "failed", "error_code": "60006", "error_info": "x", "step": "xtracback_data"},
               "10.0.0.3_57001": {"status": "done", "error_code": "0", "error_info": "OK", "step": ""}}),
        JobStatus::Failed,
        &Progress::default(),
    );
    assert_eq!(odd.steps[1].state, StepState::Waiting);
    // Nor a "failed" or "ongoing" one: after the first node failed, none other started.
    let odd = rebuild(
        json!({"job_step": job_step,
               "10.0.0.2_57001": {"status": "failed", "error_code": "60006", "error_info": "x", "step": "xtracback_data"},
               "10.0.0.3_57001": {"status": "ongoing", "error_code": "0", "error_info": "OK", "step": "recover_data"}}),
        JobStatus::Running,
        &Progress::default(),
    );
    assert_eq!((odd.steps[1].state, odd.steps[1].name.as_str()), (StepState::Waiting, ""));
}
