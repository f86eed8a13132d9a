//! `manual_switch` (profile 1.2 only): a shard's primary handed over to a replica.
//!
//! The public source (1.0.2) has no handler and no `manual_switch` string in
//! `meta_info.cc`, so profile 1.0 answers "Unrecongnized job type". What the 1.2 model
//! rests on:
//! - The request: XPanel 1.2 `onecluster/standby_switch.vue` and cluster_mgr's
//!   `kunlun_test1.1.2/t/manual_switch.test` (`master_hostaddr` / `assign_hostaddr` as
//!   `ip_port`); async, followed with `get_status`.
//! - The memo: XPanel reads `job_step` ("a, b, c"), `step` (the current one) on every
//!   reply, the envelope's `error_info` on failure, and `new_master_host` in its
//!   operation log (`Operation.php`).
//! - The codes and texts: 1.0.2's error table, which defines them for this job
//!   (70024-70035, the consfailover guards 70014, 70019, 70177).
//! - The effect: `shard_nodes.member_state` swapped, and `rbr_consfailover` rows sharing
//!   a `taskid` with `consfailover_msg` `{"sw_type":"manual"}`, the last one carrying
//!   `new_master_host` and `err_code` (0 = success; XPanel's history reads them so).
//!
//! Inferred here, and said so in docs/ARCHITECTURE.md: the step names (no source shows
//! them), which check raises which code, which replica cluster_mgr picks when none is
//! assigned (an active fullsync replica with the least lag: 70020 "Assign Host No
//! Maximum GTIDS" says it wants the most advanced one), a `Fail` row for a refusal of
//! the consfailover engine (the only `step` value cluster_mgr's tests query), and a
//! no-switch window (engine/noswitch.rs) refusing the switch there, with 70014.

use std::sync::Arc;

use serde_json::{json, Map, Value};

use super::{Checked, Engine, Setup};
use crate::codes::{self, Code};
use crate::paras::Paras;
use crate::store::{self, text};

/// The simulator's step names (no source shows cluster_mgr's).
const STEPS: [&str; 4] = ["check_shard", "wait_replica_catchup", "switch_primary", "update_meta"];

/// A storage instance of the shard, as the switch reads it.
struct Node {
    host: String,
    port: i64,
    source: bool,
    active: bool,
    fullsync: bool,
    lag: i64,
}

impl Node {
    fn ip_port(&self) -> String {
        format!("{}_{}", self.host, self.port)
    }
}

struct Switch {
    id: i64,
    cluster_id: i64,
    shard_id: i64,
    master: Node,
    assign: Option<Node>,
    replicas: Vec<Node>,
}

/// The memo: cluster_mgr's code and words, the step list and the current step.
fn memo(code: Code, step: &str, extra: Value) -> Value {
    let mut m = json!({"error_code": code.0, "error_info": code.1,
                       "job_step": STEPS.join(","), "step": step});
    if let (Value::Object(a), Value::Object(b)) = (&mut m, extra) {
        a.extend(b);
    }
    m
}

pub(super) async fn set_up_manual_switch(
    e: &Arc<Engine>,
    id: i64,
    paras: &Map<String, Value>,
) -> Checked<Setup> {
    let sw = match check(e, id, &Paras(paras)).await {
        Ok(sw) => sw,
        Err(code) => {
            if let Err(err) =
                e.store.write_job(id, "failed", &memo(code, STEPS[0], json!({}))).await
            {
                tracing::error!(error = %err, "manual_switch: refusal not recorded");
            }
            return Ok(Setup::Over);
        }
    };
    if let Err(err) = e.store.write_job(id, "ongoing", &memo(codes::OK, STEPS[0], json!({}))).await
    {
        tracing::error!(error = %err, "manual_switch: memo not written");
        return Ok(Setup::Over);
    }
    let me = e.clone();
    Ok(Setup::Deal(Box::pin(async move { run(&me, sw).await })))
}

/// The request's checks, each with the code 1.0.2's table defines for it.
async fn check(e: &Engine, id: i64, p: &Paras<'_>) -> Result<Switch, Code> {
    let digits = |k: &str, missing: Code| {
        let s = p.string(k);
        if !p.has(k) || s.is_empty() {
            return Err(missing);
        }
        s.parse::<i64>().map_err(|_| missing)
    };
    let shard_id = digits("shard_id", codes::JOB_PARAMS_LOST_SHARD_ID)?;
    let cluster_id = digits("cluster_id", codes::JOB_PARAMS_LOST_CLUSTER_ID)?;
    if !p.has("master_hostaddr") || p.string("master_hostaddr").is_empty() {
        return Err(codes::JOB_PARAMS_LOST_MASTER_HOSTADDR);
    }
    let nodes =
        shard_nodes(e, cluster_id, shard_id).await.map_err(|_| codes::GET_SHARD_BY_ID_ERROR)?;
    if nodes.is_empty() {
        return Err(codes::GET_SHARD_BY_ID_ERROR);
    }
    let find = |raw: &str| -> Option<usize> {
        let (h, port) = raw.rsplit_once('_')?;
        let port: i64 = port.parse().ok()?;
        nodes.iter().position(|n| n.host == h && n.port == port)
    };
    let master =
        find(&p.string("master_hostaddr")).ok_or(codes::MANUAL_SW_GET_MASTER_HOST_PORT_ERROR)?;
    if !nodes[master].source {
        return Err(codes::MANUAL_SW_MASTER_HOSTADDR_STATE_ERROR);
    }
    let assign = match p.string("assign_hostaddr") {
        a if a.is_empty() => None,
        a => {
            let i = find(&a).ok_or(codes::MANUAL_SW_GET_ASSIGN_HOST_PORT_ERROR)?;
            if nodes[i].source {
                return Err(codes::MANUAL_SW_ASSIGN_HOSTADDR_STATE_ERROR);
            }
            Some(i)
        }
    };
    let (mut master_node, mut assign_node, mut replicas) = (None, None, Vec::new());
    for (i, n) in nodes.into_iter().enumerate() {
        if i == master {
            master_node = Some(n);
        } else if Some(i) == assign {
            assign_node = Some(n);
        } else {
            replicas.push(n);
        }
    }
    let master = master_node.ok_or(codes::MANUAL_SW_GET_MASTER_HOST_PORT_ERROR)?;
    Ok(Switch { id, cluster_id, shard_id, master, assign: assign_node, replicas })
}

async fn shard_nodes(e: &Engine, cluster_id: i64, shard_id: i64) -> anyhow::Result<Vec<Node>> {
    let rows = sqlx::query(
        "SELECT CAST(hostaddr AS CHAR) AS h, CAST(port AS CHAR) AS p, CAST(member_state AS CHAR) AS m, \
         CAST(status AS CHAR) AS s, CAST(sync_state AS CHAR) AS y, CAST(replica_delay AS CHAR) AS d \
         FROM shard_nodes WHERE db_cluster_id = ? AND shard_id = ? AND status <> 'deleted' ORDER BY id",
    )
    .bind(cluster_id)
    .bind(shard_id)
    .fetch_all(e.store.pool())
    .await
    .map_err(store::db)?;
    Ok(rows
        .iter()
        .map(|r| Node {
            host: text(r, "h"),
            port: text(r, "p").parse().unwrap_or(0),
            source: text(r, "m") == "source",
            active: text(r, "s") == "active",
            fullsync: text(r, "y") != "async",
            lag: text(r, "d").parse().unwrap_or(0),
        })
        .collect())
}

/// The consfailover: the guards, then each step, then the swap.
async fn run(e: &Arc<Engine>, sw: Switch) -> anyhow::Result<()> {
    let taskid = (1000 + sw.id).to_string();
    let target = match &sw.assign {
        _ if e.in_noswitch_window(sw.cluster_id, sw.shard_id) => {
            Err(codes::CF_MANUAL_NOSWITCH_NODE)
        }
        Some(a) if !a.active => Err(codes::CF_ASSIGN_HOST_NOT_ALIVE),
        Some(a) if !a.fullsync => Err(codes::CF_ASSIGN_HOST_FSYNC_STATE),
        Some(a) => Ok(a),
        None => sw
            .replicas
            .iter()
            .filter(|n| n.active && n.fullsync)
            .min_by_key(|n| n.lag)
            .ok_or(codes::CF_ASSIGN_HOST_NOT_ALIVE),
    };
    let target = match target {
        Ok(t) => t,
        Err(code) => {
            let new = sw.assign.as_ref().map(Node::ip_port).unwrap_or_default();
            row(e, &sw, &taskid, "Fail", &new, Some(code)).await?;
            return e.store.write_job(sw.id, "failed", &memo(code, STEPS[0], json!({}))).await;
        }
    };
    let new = target.ip_port();
    for step in STEPS {
        e.store.write_job(sw.id, "ongoing", &memo(codes::OK, step, json!({}))).await?;
        e.install_time(1).await;
        if step == "switch_primary" {
            // Another switch may have moved the primary since this one was set up.
            let now = shard_nodes(e, sw.cluster_id, sw.shard_id).await?;
            let still = now.iter().any(|n| n.source && n.ip_port() == sw.master.ip_port());
            if !still {
                let code = codes::MANUAL_SW_MASTER_HOSTADDR_STATE_ERROR;
                row(e, &sw, &taskid, "Fail", &new, Some(code)).await?;
                return e.store.write_job(sw.id, "failed", &memo(code, step, json!({}))).await;
            }
            swap(e, &sw, target).await?;
        }
        // The last row carries the task's result (XPanel's history reads it there).
        let end = (step == STEPS[STEPS.len() - 1]).then_some(codes::OK);
        row(e, &sw, &taskid, step, &new, end).await?;
    }
    e.store
        .write_job(sw.id, "done", &memo(codes::OK, STEPS[3], json!({"new_master_host": new})))
        .await
}

/// The old primary becomes a replica and the target the primary, in one transaction.
async fn swap(e: &Engine, sw: &Switch, target: &Node) -> anyhow::Result<()> {
    let mut tx = e.store.begin().await?;
    for (n, state) in [(&sw.master, "replica"), (target, "source")] {
        sqlx::query(
            "UPDATE shard_nodes SET member_state = ?, replica_delay = 0 \
             WHERE db_cluster_id = ? AND shard_id = ? AND hostaddr = ? AND port = ?",
        )
        .bind(state)
        .bind(sw.cluster_id)
        .bind(sw.shard_id)
        .bind(n.host.clone())
        .bind(n.port)
        .execute(&mut *tx)
        .await
        .map_err(store::db)?;
    }
    tx.commit().await.map_err(store::db)
}

/// One `rbr_consfailover` row; `end` is the task's result on its last row (`None`:
/// `err_code` NULL, a step that did not end the task).
async fn row(
    e: &Engine,
    sw: &Switch,
    taskid: &str,
    step: &str,
    new: &str,
    end: Option<Code>,
) -> anyhow::Result<()> {
    let (err_code, err_msg) = (end.map(|c| c.0), end.map(|c| c.1.to_owned()));
    sqlx::query(
        "INSERT INTO rbr_consfailover(host, shard_id, cluster_id, taskid, step, new_master_host, \
         consfailover_msg, err_code, err_msg) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(sw.master.ip_port())
    .bind(sw.shard_id)
    .bind(sw.cluster_id)
    .bind(taskid.to_owned())
    .bind(step.to_owned())
    .bind(new.to_owned())
    .bind(r#"{"sw_type":"manual"}"#)
    .bind(err_code)
    .bind(err_msg)
    .execute(e.store.pool())
    .await
    .map_err(store::db)?;
    Ok(())
}
