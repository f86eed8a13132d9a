//! `rebuild_node` (`rebuild_node/rebuild_node.cc`, cluster_mgr 1.0.2; both profiles):
//! replicas of a shard wiped and copied again from a healthy instance by their
//! machines' node_mgr. Research with sources: /work/shared/klustron/day2-jobs.md §3.2.
//!
//! What a client must expect, from that file:
//! - `RebuildNodeMission::SetUpMisson` reads `shard_id`, `cluster_id` and each node's
//!   `need_backup` with `asCString()` (a JSON number kills cluster_mgr), checks in this
//!   order 70024, 70025, 70036, per node 70037 / 70038 / 70039, 70036 when `rb_nodes` is
//!   empty, then `GetPullAndMasterHost`: 70040 (no row of that shard), 70041 (a node
//!   that is not a replica of it), 70042 (no source: no other replica within
//!   `allow_replica_delay`, default 30 s, and copying from the primary not allowed).
//!   A refusal ends the job `failed` with memo `{"error_code": "<n>", "error_info"}`.
//! - The first node is rebuilt alone, from the chosen source; once it is done the others
//!   are rebuilt side by side from it (`RebuildNodeCallBack` → `ParallelRebuildNode`).
//!   Each node is a sub-job row (`rb_shard_node`, user `internal_user`) that node_mgr
//!   walks through its steps, writing after each one the step it finished
//!   (node_mgr `CRbNode::Run` / `UpdateStatRecord`). A failure of the first node fails
//!   them all at once; a later one fails the job when the rest have ended; the job's
//!   code and words are then the failed node's.
//! - The parent's memo keeps `rbnode_state` and `rbnode_relation_id` as arrays written
//!   with one reused object (`update_operation_record`), so they grow cumulatively and
//!   the relation ids carry leftover states; `get_status` folds them (`status.rs`).
//!
//! Inferred (no source): a rebuilt replica reports no lag once it is done (in Klustron
//! its replication reports `replica_delay`; cluster_mgr writes no table). The sub-row's
//! `job_info` lacks the `job_id` cluster_mgr puts first.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{json, Map, Value};

use super::{Checked, Engine, Setup};
use crate::codes::{self, Code};
use crate::paras::Read;
use crate::store::{self, text};

/// node_mgr's steps, in order (node_mgr `CRbNode::Run`); `GetRebuildNodeStatus` lists
/// them as `job_step` with ", " between.
pub(crate) const STEPS: [&str; 8] = [
    "check_param",
    "xtracback_data",
    "checksum_data",
    "backup_old_data",
    "clear_old_data",
    "recover_data",
    "rebuild_sync",
    "done",
];

/// node_mgr's code for a failed copy (node_mgr `error_code.h`, base 60000).
const XTRACBACK_ERROR: (&str, &str) = ("60006", "Xtracback data from pull host error");

/// `RbNodeState`: how the parent's memo counts a node.
const ONGOING: i64 = 0;
const DONE: i64 = 1;
const FAILED: i64 = 2;

/// One node to rebuild, as `RN_Param`.
#[derive(Clone)]
struct Target {
    /// `ip_port`.
    host: String,
    need_backup: i64,
    hdfs_host: String,
    /// Bytes per second (the request's MB/s × 1024 × 1024).
    pv_limit: i64,
}

struct Rebuild {
    id: i64,
    targets: Vec<Target>,
    pull_host: String,
}

/// `asCString()` of a member: `None` when missing, a crash when not a string.
fn c_string(p: &Map<String, Value>, k: &str) -> Checked<Option<String>> {
    match p.get(k) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Read::Crash(format!("asCString() on the non-string {k}"))),
    }
}

/// C's `atoi`: leading blanks, a sign, digits; 0 when there are none.
fn atoi(s: &str) -> i64 {
    let t = s.trim_start();
    let (sign, rest) = match t.as_bytes().first() {
        Some(b'-') => (-1, &t[1..]),
        Some(b'+') => (1, &t[1..]),
        _ => (1, t),
    };
    let digits: String = rest.chars().take_while(char::is_ascii_digit).take(18).collect();
    sign * digits.parse::<i64>().unwrap_or(0)
}

fn as_string(v: Option<&Value>) -> String {
    v.map(crate::wire::as_string).unwrap_or_default()
}

pub(super) async fn set_up_rebuild_node(
    e: &Arc<Engine>,
    id: i64,
    p: &Map<String, Value>,
) -> Checked<Setup> {
    match checked(e, id, p).await? {
        Ok(rb) => {
            let me = e.clone();
            Ok(Setup::Deal(Box::pin(async move { run(&me, rb).await })))
        }
        Err(code) => {
            let m = json!({"error_code": code.0.to_string(), "error_info": code.1});
            if let Err(err) = e.store.write_job(id, "failed", &m).await {
                tracing::error!(error = %err, "rebuild_node: refusal not recorded");
            }
            Ok(Setup::Over)
        }
    }
}

/// `SetUpMisson` and `GetPullAndMasterHost`.
async fn checked(e: &Engine, id: i64, p: &Map<String, Value>) -> Checked<Result<Rebuild, Code>> {
    let Some(shard) = c_string(p, "shard_id")? else {
        return Ok(Err(codes::JOB_PARAMS_LOST_SHARD_ID));
    };
    let Some(cluster) = c_string(p, "cluster_id")? else {
        return Ok(Err(codes::JOB_PARAMS_LOST_CLUSTER_ID));
    };
    let Some(nodes) = p.get("rb_nodes") else {
        return Ok(Err(codes::JOB_PARAMS_LOST_REBUILD_NODE));
    };
    let empty = Vec::new();
    let mut targets = Vec::new();
    for n in nodes.as_array().unwrap_or(&empty) {
        let empty = Map::new();
        let n = n.as_object().unwrap_or(&empty);
        if !n.contains_key("hostaddr") {
            return Ok(Err(codes::JOB_PARAMS_REBUILD_NODE_NOT_HOSTADDR));
        }
        if !n.contains_key("port") {
            return Ok(Err(codes::JOB_PARAMS_REBUILD_NODE_NOT_PORT));
        }
        let need_backup = c_string(n, "need_backup")?.map_or(0, |s| atoi(&s));
        let hdfs_host = if need_backup != 0 {
            match n.get("hdfs_host") {
                Some(h) => crate::wire::as_string(h),
                None => return Ok(Err(codes::JOB_PARAMS_NEED_HDFS_HOST_IN_NEEDBACKUP)),
            }
        } else {
            "no_hdfs".to_owned()
        };
        let pv_limit = if n.contains_key("pv_limit") {
            // `atoi(…) * 1024 * 1024` in a 32-bit int: 2048 MB/s and more wrap negative.
            i64::from((atoi(&as_string(n.get("pv_limit"))) as i32).wrapping_mul(1024 * 1024))
        } else {
            10_485_760
        };
        let host = format!("{}_{}", as_string(n.get("hostaddr")), as_string(n.get("port")));
        targets.push(Target { host, need_backup, hdfs_host, pv_limit });
    }
    if targets.is_empty() {
        return Ok(Err(codes::JOB_PARAMS_LOST_REBUILD_NODE));
    }
    let from_master = p.contains_key("allow_pull_from_master")
        && atoi(&as_string(p.get("allow_pull_from_master"))) != 0;
    let allow_delay = if p.contains_key("allow_replica_delay") {
        atoi(&as_string(p.get("allow_replica_delay")))
    } else {
        30
    };
    // Every row of the shard, whatever its status, as cluster_mgr selects them.
    let rows = match sqlx::query(
        "SELECT CAST(hostaddr AS CHAR) AS h, CAST(port AS CHAR) AS p, \
         CAST(member_state AS CHAR) AS m, CAST(replica_delay AS CHAR) AS d \
         FROM shard_nodes WHERE shard_id = ? AND db_cluster_id = ? ORDER BY id",
    )
    .bind(atoi(&shard))
    .bind(atoi(&cluster))
    .fetch_all(e.store.pool())
    .await
    {
        Ok(r) => r,
        Err(err) => {
            tracing::error!(error = %err, "rebuild_node: shard_nodes not read");
            return Ok(Err(codes::REBUILD_NODE_GET_HOSTADDR_STATE_FROM_METADB));
        }
    };
    if rows.is_empty() {
        return Ok(Err(codes::REBUILD_NODE_GET_HOSTADDR_STATE_FROM_METADB));
    }
    let (mut master, mut pull, mut min_delay) = (String::new(), String::new(), i64::from(i32::MAX));
    let mut replicas = Vec::new();
    for r in &rows {
        let host = format!("{}_{}", text(r, "h"), text(r, "p"));
        let delay = atoi(&text(r, "d"));
        if text(r, "m") == "source" {
            master = host;
        } else {
            if !targets.iter().any(|t| t.host == host) && min_delay > delay {
                min_delay = delay;
                pull = host.clone();
            }
            replicas.push(host);
        }
    }
    if targets.iter().any(|t| !replicas.contains(&t.host)) {
        return Ok(Err(codes::REBUILD_NODE_NOT_IN_SHARD));
    }
    if min_delay > allow_delay {
        pull = if from_master { master.clone() } else { String::new() };
    }
    if pull.is_empty() {
        return Ok(Err(codes::REBUILD_NODE_GET_PULL_HOST_ERROR));
    }
    Ok(Ok(Rebuild { id, targets, pull_host: pull }))
}

/// The parent's memo as `update_operation_record` writes it: one object reused for
/// both arrays, so each element holds every entry written before it.
fn parent_memo(
    code: (&str, &str),
    states: &BTreeMap<String, i64>,
    ids: &BTreeMap<String, String>,
) -> Value {
    let mut tmp = Map::new();
    let mut state_list = Vec::new();
    for (h, s) in states {
        tmp.insert(h.clone(), json!(s));
        state_list.push(Value::Object(tmp.clone()));
    }
    let mut id_list = Vec::new();
    for (h, id) in ids {
        tmp.insert(h.clone(), json!(id));
        id_list.push(Value::Object(tmp.clone()));
    }
    let mut m = json!({"error_code": code.0, "error_info": code.1});
    if !state_list.is_empty() {
        m["rbnode_state"] = Value::Array(state_list);
    }
    if !id_list.is_empty() {
        m["rbnode_relation_id"] = Value::Array(id_list);
    }
    m
}

/// `DealLocal`, the callbacks and `ParallelRebuildNode`.
async fn run(e: &Arc<Engine>, rb: Rebuild) -> anyhow::Result<()> {
    let mut states = BTreeMap::new();
    let mut ids = BTreeMap::new();
    let ok = ("0", "OK");
    let first = rb.targets[0].clone();
    states.insert(first.host.clone(), ONGOING);
    let sub = sub_job(e, &first, &rb.pull_host).await?;
    ids.insert(first.host.clone(), sub.to_string());
    e.store.write_job(rb.id, "ongoing", &parent_memo(ok, &states, &ids)).await?;
    if let Err(failure) = node_mgr(e, sub, &first).await? {
        // `UpdateRbNodeMapState(.., RB_FAILED, 1)`: every node counts as failed.
        for t in &rb.targets {
            states.insert(t.host.clone(), FAILED);
        }
        let memo = parent_memo((&failure.0, &failure.1), &states, &ids);
        return e.store.write_job(rb.id, "failed", &memo).await;
    }
    states.insert(first.host.clone(), DONE);
    if rb.targets.len() == 1 {
        return e.store.write_job(rb.id, "done", &parent_memo(ok, &states, &ids)).await;
    }
    let mut running = tokio::task::JoinSet::new();
    for t in rb.targets.iter().skip(1) {
        states.insert(t.host.clone(), ONGOING);
        let sub = sub_job(e, t, &first.host).await?;
        ids.insert(t.host.clone(), sub.to_string());
        e.store.write_job(rb.id, "ongoing", &parent_memo(ok, &states, &ids)).await?;
        let (me, t) = (e.clone(), t.clone());
        running.spawn(async move { (t.host.clone(), node_mgr(&me, sub, &t).await) });
    }
    let mut failure = None;
    while let Some(r) = running.join_next().await {
        let (host, outcome) = r?;
        match outcome? {
            Ok(()) => states.insert(host, DONE),
            Err(f) => {
                failure = Some(f);
                states.insert(host, FAILED)
            }
        };
    }
    match failure {
        None => e.store.write_job(rb.id, "done", &parent_memo(ok, &states, &ids)).await,
        Some(f) => {
            e.store.write_job(rb.id, "failed", &parent_memo((&f.0, &f.1), &states, &ids)).await
        }
    }
}

/// `RbNodeMission`: its row (`internal_user`, `rb_shard_node`) and the memo
/// `ArrangeRemoteTask` writes before calling node_mgr (no `step` yet).
async fn sub_job(e: &Engine, t: &Target, pull: &str) -> anyhow::Result<i64> {
    let info = json!({
        "job_type": "rb_shard_node",
        "paras": {"hdfs_host": t.hdfs_host, "need_backup": t.need_backup, "pull_host": pull,
                  "pv_limit": t.pv_limit, "rebuild_host": t.host},
        "timestamp": "test", "user_name": "internal_user", "version": "1.0"
    });
    let id = e
        .store
        .insert_job("rb_shard_node", "internal_user", &crate::wire::to_jsoncpp(&info))
        .await?;
    e.store.write_job(id, "ongoing", &json!({"error_code": "0", "error_info": "OK"})).await?;
    Ok(id)
}

/// node_mgr rebuilding one node: after each step the memo names the step it finished;
/// `Err((code, words))` when it failed (the simulator's fault, while copying).
async fn node_mgr(
    e: &Engine,
    sub: i64,
    t: &Target,
) -> anyhow::Result<Result<(), (String, String)>> {
    let fails = e.faults.lock().map(|mut f| f.take_rebuild_failure()).unwrap_or(false);
    for step in &STEPS[..STEPS.len() - 1] {
        e.install_time(1).await;
        if fails && *step == "xtracback_data" {
            let (code, info) = XTRACBACK_ERROR;
            let memo = json!({"error_code": code, "error_info": info, "step": step});
            e.store.write_job(sub, "failed", &memo).await?;
            return Ok(Err((code.to_owned(), info.to_owned())));
        }
        let memo = json!({"error_code": "0", "error_info": "OK", "step": step});
        e.store.write_job(sub, "ongoing", &memo).await?;
    }
    e.store
        .write_job(sub, "done", &json!({"error_code": "0", "error_info": "OK", "step": "done"}))
        .await?;
    // Inferred: the rebuilt replica has caught up.
    if let Some((host, port)) = t.host.rsplit_once('_') {
        sqlx::query("UPDATE shard_nodes SET replica_delay = 0 WHERE hostaddr = ? AND port = ?")
            .bind(host.to_owned())
            .bind(atoi(port))
            .execute(e.store.pool())
            .await
            .map_err(store::db)?;
    }
    Ok(Ok(()))
}
