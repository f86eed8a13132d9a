//! The steps of a job, read from the memos cluster_mgr reports (`get_status`).
//!
//! The shapes are cluster_mgr's (see docs/ARCHITECTURE.md, "cluster_mgr's wire"):
//! a phase's state is a word (`prepare`, `dispatch`, `dipatch` (sic), `done`,
//! `failed`); instances are listed as `"ip_port;ip_port;"`; create_cluster's sub-memos
//! come as `shard_step[0]` (with `shard_hosts: [{"shard_1": "ip_port;…"}]` and
//! `shard_ids`) and `computer_step[0]` (with `computer_hosts`). A phase reports no
//! per-instance progress: all the steps of a phase share its state. For most of a
//! create the memo is only `{"error_code":0,"error_info":"OK"}`: both phases are then
//! installing, and what was seen earlier (hosts, a phase that ended) is kept, since a
//! later memo may say less but never takes back what happened.
//!
//! Everything here is untrusted input: a field that is missing or of the wrong type
//! counts as "not reported yet".

use crate::domain::job::{JobStatus, JobStep, StepKind, StepState};
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

/// At most this many steps of one kind (cluster_mgr takes 1-256 of each).
const MAX_STEPS: usize = 256;

/// The steps of a job of `job_type` sent with `params`, from cluster_mgr's latest
/// `attachment` (`None`: no memo yet), where the job stands, and what was seen before.
pub fn steps(
    job_type: &str,
    params: &Value,
    att: Option<&Map<String, Value>>,
    status: JobStatus,
    error: &str,
    before: &Progress,
) -> Progress {
    let empty = Map::new();
    let a = att.unwrap_or(&empty);
    let cluster_id = loose_int(a.get("cluster_id"))
        .or(before.cluster_id)
        .or_else(|| loose_int(params.get("cluster_id")));
    let count = |k: &str| loose_int(params.get(k)).unwrap_or(1).clamp(1, MAX_STEPS as i64) as usize;
    let mut steps = match job_type {
        "create_cluster" => {
            let mut s = vec![step(StepKind::Initialise, 1, String::new(), init_state(att))];
            let shards = count("shards");
            let comps = count("comps");
            let overwritten = att.is_some() && !a.contains_key("storage_state");
            s.extend(phase(StepKind::Shard, shards, storage(a, overwritten), shard_hosts(a)));
            s.extend(phase(StepKind::ComputeNode, comps, compute(a, overwritten), comp_hosts(a)));
            s.push(step(StepKind::Finish, 1, String::new(), StepState::Waiting));
            s
        }
        "add_shards" => phase(StepKind::Shard, count("shards"), storage(a, false), shard_hosts(a)),
        "add_comps" => {
            phase(StepKind::ComputeNode, count("comps"), compute(a, false), comp_hosts(a))
        }
        "delete_cluster" => {
            let sub = |k| a.get(k).and_then(|v| v.get(0)).and_then(Value::as_object);
            let storage_hosts =
                sub("shard_step").map(|m| hosts(m.get("storage_hosts"))).unwrap_or_default();
            let comp_hosts =
                sub("computer_step").map(|m| hosts(m.get("computer_hosts"))).unwrap_or_default();
            vec![
                step(StepKind::Shard, 1, storage_hosts.join(","), word(a.get("storage_state"))),
                step(StepKind::ComputeNode, 1, comp_hosts.join(","), word(a.get("computer_state"))),
            ]
        }
        // One step: node_mgr's work on one instance (`OtherMission::ControlInstance`,
        // and the CPU limit, named `ip`); its memo names no host, the request does.
        "control_instance" | "update_instance_cgroup" => {
            let text = |k: &str| params.get(k).and_then(Value::as_str).unwrap_or_default();
            let running = if att.is_some() { StepState::Running } else { StepState::Waiting };
            let host = [text("hostaddr"), text("ip")].into_iter().find(|h| !h.is_empty());
            let host = format!("{}:{}", host.unwrap_or_default(), text("port"));
            vec![step(StepKind::Run, 1, host, running)]
        }
        "manual_switch" => named_steps(a, att.is_some(), status, before),
        "rebuild_node" => rebuild_steps(params, a),
        _ => {
            let h = [a.get("storage_hosts"), a.get("computer_hosts")]
                .into_iter()
                .flat_map(hosts)
                .chain(shard_hosts(a).into_iter().flatten())
                .collect::<Vec<_>>();
            vec![step(
                StepKind::Run,
                1,
                h.join(","),
                if att.is_some() { StepState::Running } else { StepState::Waiting },
            )]
        }
    };
    keep_what_was_seen(&mut steps, before);
    finish(&mut steps, a, status, error);
    Progress { steps, cluster_id }
}

fn step(kind: StepKind, index: u16, hosts: String, state: StepState) -> JobStep {
    JobStep { kind, index, hosts, state, error: String::new(), name: String::new() }
}

/// `n` steps of one kind, all in the phase's state, each with its hosts when known.
fn phase(kind: StepKind, n: usize, state: StepState, hosts: Vec<Vec<String>>) -> Vec<JobStep> {
    (0..n)
        .map(|i| {
            step(kind, i as u16 + 1, hosts.get(i).map(|h| h.join(",")).unwrap_or_default(), state)
        })
        .collect()
}

/// Steps cluster_mgr names: `job_step` ("a, b, c"), the one named in `step` current and
/// those before it done, as XPanel 1.2 reads a manual_switch (`standby_switch.vue`
/// `getFStatus`); a failure fails the current step. A `step` that is not in the list
/// (untrusted input) leaves the current step where it was seen last. One unnamed step
/// until a memo lists them.
fn named_steps(
    a: &Map<String, Value>,
    has_memo: bool,
    status: JobStatus,
    before: &Progress,
) -> Vec<JobStep> {
    let clean = |s: &str| s.split_whitespace().collect::<String>().chars().take(100).collect();
    let names: Vec<String> = a
        .get("job_step")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .split(',')
        .map(clean)
        .filter(|s: &String| !s.is_empty())
        .take(MAX_STEPS)
        .collect();
    if names.is_empty() {
        let state = if has_memo { StepState::Running } else { StepState::Waiting };
        return vec![step(StepKind::Run, 1, String::new(), state)];
    }
    let current: Option<String> = a.get("step").and_then(Value::as_str).map(clean);
    let seen = || {
        let named = before.steps.iter().filter(|s| s.kind == StepKind::Named);
        named.take_while(|s| s.state == StepState::Done).count().min(names.len() - 1)
    };
    let at = current.and_then(|c| names.iter().position(|n| *n == c)).unwrap_or_else(seen);
    names
        .into_iter()
        .enumerate()
        .map(|(i, name)| {
            let state = match i.cmp(&at) {
                std::cmp::Ordering::Less => StepState::Done,
                std::cmp::Ordering::Equal if status == JobStatus::Failed => StepState::Failed,
                std::cmp::Ordering::Equal => StepState::Running,
                std::cmp::Ordering::Greater => StepState::Waiting,
            };
            JobStep { name, ..step(StepKind::Named, i as u16 + 1, String::new(), state) }
        })
        .collect()
}

/// One step per replica, in the order the request names them (`GetRebuildNodeStatus`
/// lists each under its `ip_port` once it has started): its sub-job's `status`, and as
/// its name the step node_mgr finished last, placed in `job_step` ("recover_data (6/8)").
/// A node reported `done` without node_mgr's final `done` step is not trusted:
/// cluster_mgr 1.0.2 can look up an unrelated job row for a node that never started
/// (its memo's relation ids keep leftover states), so that node stays waiting.
fn rebuild_steps(params: &Value, a: &Map<String, Value>) -> Vec<JobStep> {
    let names: Vec<&str> = a
        .get("job_step")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let text = |v: &Value, k: &str| -> String {
        match v.get(k) {
            Some(Value::String(s)) => s.chars().take(200).collect(),
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        }
    };
    let nodes = params.get("rb_nodes").and_then(Value::as_array).cloned().unwrap_or_default();
    let mut first_failed = false;
    nodes
        .iter()
        .take(MAX_STEPS)
        .enumerate()
        .map(|(i, n)| {
            let (host, port) = (text(n, "hostaddr"), text(n, "port"));
            let mut s =
                step(StepKind::Rebuild, i as u16 + 1, format!("{host}:{port}"), StepState::Waiting);
            let Some(r) = a.get(&format!("{host}_{port}")).filter(|r| r.is_object()) else {
                return s;
            };
            // When the first node failed the others never started, whatever entries
            // cluster_mgr reports for them (the unrelated rows described above).
            if first_failed {
                return s;
            }
            let word = text(r, "step");
            s.name = match names.iter().position(|n| *n == word) {
                Some(k) => format!("{word} ({}/{})", k + 1, names.len()),
                None if word.is_empty() => format!("0/{}", names.len()),
                None => word.clone(),
            };
            s.state = match text(r, "status").as_str() {
                "done" if word == "done" => StepState::Done,
                "done" => StepState::Waiting,
                "failed" => StepState::Failed,
                _ => StepState::Running,
            };
            if s.state == StepState::Failed {
                s.error = format!("{} ({})", text(r, "error_info"), text(r, "error_code"));
                first_failed |= i == 0;
            }
            s
        })
        .collect()
}

/// Initialise is done once cluster_mgr has set the job up (it has a memo).
fn init_state(att: Option<&Map<String, Value>>) -> StepState {
    if att.is_some() {
        StepState::Done
    } else {
        StepState::Running
    }
}

/// A phase word as a step state; unknown words are "not reported yet".
fn word(v: Option<&Value>) -> StepState {
    match v.and_then(Value::as_str) {
        Some("dispatch" | "dipatch" | "ongoing") => StepState::Running,
        Some("done") => StepState::Done,
        Some("failed") => StepState::Failed,
        _ => StepState::Waiting,
    }
}

fn sub<'a>(a: &'a Map<String, Value>, key: &str) -> Option<&'a Map<String, Value>> {
    a.get(key)?.get(0)?.as_object()
}

/// The shard phase's state: the create's own word, else its sub-memo's; a memo
/// overwritten after dispatch means the phase is installing.
fn storage(a: &Map<String, Value>, overwritten: bool) -> StepState {
    let top = word(a.get("storage_state"));
    if top != StepState::Waiting {
        return top;
    }
    match sub(a, "shard_step").map(|s| word(s.get("storage_state"))) {
        Some(s) if s != StepState::Waiting => s,
        _ if overwritten => StepState::Running,
        _ => StepState::Waiting,
    }
}

fn compute(a: &Map<String, Value>, overwritten: bool) -> StepState {
    let top = word(a.get("computer_state"));
    if top != StepState::Waiting {
        return top;
    }
    match sub(a, "computer_step").map(|s| word(s.get("computer_state"))) {
        Some(s) if s != StepState::Waiting => s,
        _ if overwritten => StepState::Running,
        _ => StepState::Waiting,
    }
}

/// Each shard's hosts, in shard order: `shard_hosts: [{"shard_1": "ip_port;…"}]` of the
/// job's memo or of its `shard_step[0]`.
fn shard_hosts(a: &Map<String, Value>) -> Vec<Vec<String>> {
    let list = a.get("shard_hosts").or_else(|| sub(a, "shard_step")?.get("shard_hosts"));
    let Some(obj) = list.and_then(|v| v.get(0)).and_then(Value::as_object) else { return vec![] };
    let mut named: Vec<(i64, Vec<String>)> = obj
        .iter()
        .map(|(k, v)| {
            (k.rsplit('_').next().and_then(|n| n.parse().ok()).unwrap_or(i64::MAX), hosts(Some(v)))
        })
        .collect();
    named.sort_by_key(|(n, _)| *n);
    named.into_iter().map(|(_, h)| h).take(MAX_STEPS).collect()
}

/// Each compute node's host, from `computer_hosts` of the memo or its `computer_step[0]`.
fn comp_hosts(a: &Map<String, Value>) -> Vec<Vec<String>> {
    let v = a.get("computer_hosts").or_else(|| sub(a, "computer_step")?.get("computer_hosts"));
    hosts(v).into_iter().map(|h| vec![h]).collect()
}

/// `"ip_port;ip_port;"` as `["ip:port", …]` (host and port split at the last `_`).
fn hosts(v: Option<&Value>) -> Vec<String> {
    let Some(text) = v.and_then(Value::as_str) else { return vec![] };
    text.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .take(4096)
        .map(|s| match s.rsplit_once('_') {
            Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) => {
                if h.contains(':') {
                    format!("[{h}]:{p}")
                } else {
                    format!("{h}:{p}")
                }
            }
            _ => s.chars().take(300).collect(),
        })
        .collect()
}

fn rank(s: StepState) -> u8 {
    match s {
        StepState::Waiting => 0,
        StepState::Running => 1,
        StepState::Done | StepState::Failed => 2,
    }
}

/// A later memo says less than an earlier one: keep hosts once named and never move a
/// step back (a phase that ended stays ended).
fn keep_what_was_seen(steps: &mut [JobStep], before: &Progress) {
    for s in steps.iter_mut() {
        let Some(old) = before.steps.iter().find(|o| o.kind == s.kind && o.index == s.index) else {
            continue;
        };
        if s.hosts.is_empty() {
            s.hosts = old.hosts.clone();
        }
        if s.name.is_empty() {
            s.name = old.name.clone();
        }
        if rank(old.state) > rank(s.state) {
            s.state = old.state;
            if s.error.is_empty() {
                s.error = old.error.clone();
            }
        }
    }
}

/// The job's end on its steps: all done, or the error on the step that failed (else the
/// last one) and nothing after it running.
fn finish(steps: &mut [JobStep], a: &Map<String, Value>, status: JobStatus, error: &str) {
    let text = |k: &str| {
        a.get(k).and_then(Value::as_str).unwrap_or_default().chars().take(2000).collect::<String>()
    };
    let phase_error = |kind: StepKind| match kind {
        StepKind::Shard => [text("shard_error_info"), sub_text(a, "shard_step")]
            .into_iter()
            .find(|t| !t.is_empty()),
        StepKind::ComputeNode => [text("comp_error_info"), sub_text(a, "computer_step")]
            .into_iter()
            .find(|t| !t.is_empty()),
        _ => None,
    };
    for s in steps.iter_mut().filter(|s| s.state == StepState::Failed && s.error.is_empty()) {
        s.error = phase_error(s.kind).unwrap_or_default();
    }
    match status {
        JobStatus::Done => steps.iter_mut().for_each(|s| s.state = StepState::Done),
        JobStatus::Running => {}
        JobStatus::Failed => {
            let at =
                steps.iter().position(|s| s.state == StepState::Failed).unwrap_or(steps.len() - 1);
            steps[at].state = StepState::Failed;
            if steps[at].error.is_empty() {
                steps[at].error = error.to_owned();
            }
            for s in steps.iter_mut().filter(|s| s.state == StepState::Running) {
                s.state = StepState::Waiting;
            }
        }
    }
}

/// A sub-memo's `error_info`, unless it is cluster_mgr's "OK".
fn sub_text(a: &Map<String, Value>, key: &str) -> String {
    sub(a, key)
        .and_then(|m| m.get("error_info"))
        .and_then(Value::as_str)
        .filter(|t| *t != "OK")
        .unwrap_or_default()
        .chars()
        .take(2000)
        .collect()
}

#[cfg(test)]
mod tests;
