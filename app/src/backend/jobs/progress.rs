//! The steps of a job, read from what cluster_mgr reports.
//!
//! `create_cluster` reports its phases in sub-job memos (cluster_mgr's
//! `create_cluster.cc`, read the same way by XPanel's progress dialog): `cluster_id`
//! once the cluster row exists, `computer_step[0]` with `computer_hosts` (every compute
//! node, `host:port,...`), `computer_id` (the ones installed so far) and
//! `computer_state`, then `shard_step[0]` with `storage_hosts`, `shard_ids` and
//! `storage_state`. Other jobs have one step. Everything here is untrusted input: a field
//! that is missing or of the wrong type counts as "not reported yet".

use crate::api::jobs::{JobStatus, JobStep, StepKind, StepState};
use klustron::protocol::loose_int;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// What the console stores in `jobs.progress`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub steps: Vec<JobStep>,
    pub cluster_id: Option<i64>,
}

impl Progress {
    pub fn percent(&self, status: JobStatus) -> u8 {
        if status == JobStatus::Done {
            return 100;
        }
        let done = self.steps.iter().filter(|s| s.state == StepState::Done).count();
        (done * 100 / self.steps.len().max(1)).min(99) as u8
    }
}

/// The steps of a job of `job_type` sent with `params`, given cluster_mgr's latest
/// `attachment` and where the job stands.
pub fn steps(
    job_type: &str,
    params: &Value,
    att: &Map<String, Value>,
    status: JobStatus,
    error: &str,
) -> Progress {
    let cluster_id =
        loose_int(att.get("cluster_id")).or_else(|| loose_int(params.get("cluster_id")));
    let mut steps = if job_type == "create_cluster" {
        create_cluster(params, att, status)
    } else {
        vec![step(
            StepKind::Run,
            1,
            "",
            match status {
                JobStatus::Running => StepState::Running,
                JobStatus::Done => StepState::Done,
                JobStatus::Failed => StepState::Failed,
            },
        )]
    };
    if status == JobStatus::Done {
        for s in &mut steps {
            s.state = StepState::Done;
        }
    }
    if status == JobStatus::Failed {
        // The job's own words go on the step that failed, or on the last one.
        let failed = steps.iter().position(|s| s.state == StepState::Failed);
        let at = failed.unwrap_or(steps.len() - 1);
        steps[at].state = StepState::Failed;
        if steps[at].error.is_empty() {
            steps[at].error = error.to_owned();
        }
        for s in &mut steps[at + 1..] {
            s.state = StepState::Waiting;
        }
    }
    Progress { steps, cluster_id }
}

fn step(kind: StepKind, index: u16, hosts: &str, state: StepState) -> JobStep {
    JobStep { kind, index, hosts: hosts.to_owned(), state, error: String::new() }
}

fn create_cluster(params: &Value, att: &Map<String, Value>, status: JobStatus) -> Vec<JobStep> {
    let count = |k: &str| loose_int(params.get(k)).unwrap_or(1).clamp(1, 256) as usize;
    let (n_comps, n_shards, nodes) = (count("comps"), count("shards"), count("nodes"));
    let started = att.contains_key("cluster_id");
    let sub = |k: &str| {
        att.get(k).and_then(|v| v.get(0)).and_then(Value::as_object).cloned().unwrap_or_default()
    };
    let comp = sub("computer_step");
    let shard = sub("shard_step");

    let mut out = vec![step(
        StepKind::Initialise,
        1,
        "",
        if started { StepState::Done } else { StepState::Running },
    )];
    let comp_hosts: Vec<String> = list(comp.get("computer_hosts"));
    let comp_done = comp.get("computer_id").and_then(Value::as_array).map_or(0, Vec::len);
    let comp_state = text(comp.get("computer_state"));
    phase(
        &mut out,
        StepKind::ComputeNode,
        n_comps,
        started,
        &comp_hosts.iter().map(|h| vec![h.clone()]).collect::<Vec<_>>(),
        comp_done,
        &comp_state,
        &text(comp.get("error_info")),
    );

    let storage: Vec<String> = list(shard.get("storage_hosts"));
    let shard_hosts: Vec<Vec<String>> = storage.chunks(nodes).map(<[String]>::to_vec).collect();
    let shard_done = shard.get("shard_ids").and_then(Value::as_array).map_or(0, Vec::len);
    let comps_finished = comp_state == "done";
    phase(
        &mut out,
        StepKind::Shard,
        n_shards,
        comps_finished,
        &shard_hosts,
        shard_done,
        &text(shard.get("storage_state")),
        &text(shard.get("error_info")),
    );

    out.push(step(
        StepKind::Finish,
        1,
        "",
        match status {
            JobStatus::Done => StepState::Done,
            _ => StepState::Waiting,
        },
    ));
    out
}

/// `n` steps of one kind: the first `done` are done, the next runs (or failed) while the
/// phase is under way.
#[allow(clippy::too_many_arguments)]
fn phase(
    out: &mut Vec<JobStep>,
    kind: StepKind,
    n: usize,
    under_way: bool,
    hosts: &[Vec<String>],
    done: usize,
    state: &str,
    error: &str,
) {
    for i in 0..n {
        let h = hosts.get(i).map(|v| v.join(",")).unwrap_or_default();
        let st = if i < done || state == "done" {
            StepState::Done
        } else if i == done && state == "failed" {
            StepState::Failed
        } else if i == done && under_way && state != "failed" {
            StepState::Running
        } else {
            StepState::Waiting
        };
        let mut s = step(kind, i as u16 + 1, &h, st);
        if st == StepState::Failed {
            s.error = error.to_owned();
        }
        out.push(s);
    }
}

fn text(v: Option<&Value>) -> String {
    v.and_then(Value::as_str).unwrap_or_default().chars().take(2000).collect()
}

/// `"h:p,h:p"` (or a JSON array of strings) as a list.
fn list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => {
            s.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
        }
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        _ => vec![],
    }
    .into_iter()
    .take(4096)
    .collect()
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn before_cluster_mgr_reports_anything_initialise_runs() {
        let p = steps("create_cluster", &params(), &Map::new(), JobStatus::Running, "");
        assert_eq!(
            states(&p),
            [
                ("init", "running"),
                ("comp", "waiting"),
                ("comp", "waiting"),
                ("shard", "waiting"),
                ("shard", "waiting"),
                ("finish", "waiting")
            ]
        );
        assert_eq!(p.percent(JobStatus::Running), 0);
    }

    #[test]
    fn compute_nodes_then_shards_with_their_hosts() {
        let a = att(
            json!({"cluster_id": "7", "computer_state": "done", "storage_state": "dispatch",
            "computer_step": [{"computer_id": [1, 2], "computer_hosts": "10.0.0.21:47001,10.0.0.22:47001", "computer_state": "done"}],
            "shard_step": [{"shard_ids": [1], "storage_hosts": "a:1,b:1,c:1,a:5,b:5,c:5", "storage_state": "ongoing"}]}),
        );
        let p = steps("create_cluster", &params(), &a, JobStatus::Running, "");
        assert_eq!(
            states(&p),
            [
                ("init", "done"),
                ("comp", "done"),
                ("comp", "done"),
                ("shard", "done"),
                ("shard", "running"),
                ("finish", "waiting")
            ]
        );
        assert_eq!(p.steps[1].hosts, "10.0.0.21:47001");
        assert_eq!(p.steps[4].hosts, "a:5,b:5,c:5");
        assert_eq!(p.cluster_id, Some(7));
        assert_eq!(p.percent(JobStatus::Running), 66);
    }

    #[test]
    fn a_failed_step_carries_cluster_mgr_words() {
        let a = att(json!({"cluster_id": 7,
            "computer_step": [{"computer_id": [1], "computer_hosts": "h:1,h:4", "computer_state": "failed", "error_info": "install compute node on h:4 failed"}]}));
        let p = steps("create_cluster", &params(), &a, JobStatus::Failed, "whole job failed");
        assert_eq!(p.steps[2].state, StepState::Failed);
        assert_eq!(p.steps[2].error, "install compute node on h:4 failed");
        assert!(p.steps[3..].iter().all(|s| s.state == StepState::Waiting));
    }

    #[test]
    fn hostile_or_missing_fields_are_not_reported_yet() {
        let a = att(json!({"computer_step": "nope", "shard_step": [42], "cluster_id": {"x": 1}}));
        let p = steps("create_cluster", &json!({"comps": "9999"}), &a, JobStatus::Running, "");
        assert_eq!(p.steps.len(), 1 + 256 + 1 + 1);
        assert_eq!(p.cluster_id, None);
    }

    #[test]
    fn other_jobs_have_one_step_and_the_error_on_it() {
        let p = steps(
            "add_comps",
            &json!({"cluster_id": "3"}),
            &Map::new(),
            JobStatus::Failed,
            "no room",
        );
        assert_eq!(states(&p), [("run", "failed")]);
        assert_eq!(p.steps[0].error, "no room");
        assert_eq!(p.cluster_id, Some(3));
    }
}
