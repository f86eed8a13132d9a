//! `control_instance` (`other_mission/other_mission.cc` `OtherMission::ControlInstance`
//! and `ControlInstanceCallBack`): start, stop or restart one storage or compute
//! instance through its machine's node_mgr.
//!
//! What a client must expect, all from that file:
//! - The memo is always `{"error_code": "<n>", "error_info": "<text>"}`, the code a
//!   string (`EintToStr`), written by `OtherMission::update_operation_record`.
//! - The job never reports `ongoing`: while node_mgr works, the row says `not_started`
//!   with the memo "control instance start".
//! - Only a missing field (`ERR_JSON`, 70101, with its own words) and node_mgr's failure
//!   (`ERR_CONTROL_INSTANCE`, 70401, with node_mgr's words) carry a code; an unknown
//!   `control` word and an instance in neither table fail with code "0".
//! - The status column is written before node_mgr is asked (`update_instance_status`,
//!   `kl_mentain/shard.cc`): `inactive` for stop, `active` for start and restart;
//!   `shard_nodes` is looked up first, then `comp_nodes`. A failure of node_mgr does not
//!   put it back.
//! - `port` goes through `stoi`: a value that is not a number kills cluster_mgr.

use std::sync::Arc;

use serde_json::{json, Map, Value};

use super::{Checked, Engine, Setup};
use crate::paras::Paras;
use crate::store;

/// `ERR_JSON` (`ERR_COMMON + 1`, `util_func/error_code.h`).
const ERR_JSON: &str = "70101";
/// `ERR_CONTROL_INSTANCE` (`ERR_OTHER_MISSION + 1`).
const ERR_CONTROL_INSTANCE: &str = "70401";

/// `update_operation_record`'s memo.
fn memo(code: &str, info: &str) -> Value {
    json!({"error_code": code, "error_info": info})
}

/// A request without `paras` at all: the first check of `ControlInstance`.
pub(super) async fn refuse_no_paras(e: &Engine, id: i64) -> anyhow::Result<()> {
    let info = "missing `paras` key-value pair in the request body";
    e.store.write_job(id, "failed", &memo(ERR_JSON, info)).await
}

/// `ArrangeRemoteTask` → `ControlInstance`, in the queue slot; the node_mgr call runs
/// as the deal phase.
pub(super) async fn set_up_control_instance(
    e: &Arc<Engine>,
    id: i64,
    paras: &Map<String, Value>,
) -> Checked<Setup> {
    let p = Paras(paras);
    for k in ["hostaddr", "port", "control"] {
        if !p.has(k) {
            let info = format!("missing `{k}` key-value pair in the request body");
            fail(e, id, ERR_JSON, &info).await;
            return Ok(Setup::Over);
        }
        if k == "port" {
            // Read (and possibly die) in the order cluster_mgr reads.
            p.stoi("port")?;
        }
    }
    let host = p.string("hostaddr");
    let port = p.stoi("port")?;
    let control = p.string("control");
    if let Err(err) =
        e.store.write_job(id, "not_started", &memo("0", "control instance start")).await
    {
        tracing::error!(error = %err, "control_instance: memo not written");
        return Ok(Setup::Over);
    }
    let status = match control.as_str() {
        "stop" => "inactive",
        "start" | "restart" => "active",
        _ => {
            fail(e, id, "0", "control type error").await;
            return Ok(Setup::Over);
        }
    };
    let kind = match set_instance_status(e, &host, port, status).await {
        Ok(Some(kind)) => kind,
        Ok(None) => {
            fail(e, id, "0", "instance ip_port no find").await;
            return Ok(Setup::Over);
        }
        Err(err) => {
            tracing::error!(error = %err, "control_instance: status not written");
            fail(e, id, "0", "update_instance_status error").await;
            return Ok(Setup::Over);
        }
    };
    let me = e.clone();
    Ok(Setup::Deal(Box::pin(async move { node_mgr(&me, id, kind, &control).await })))
}

/// `MetadataShard::update_instance_status`: the instance's row in `shard_nodes`, else in
/// `comp_nodes`, gets `status`; which table it was in, or `None` when neither has it.
async fn set_instance_status(
    e: &Engine,
    host: &str,
    port: i64,
    status: &str,
) -> anyhow::Result<Option<&'static str>> {
    for (table, kind) in [("shard_nodes", "storage"), ("comp_nodes", "computer")] {
        let n =
            sqlx::query(&format!("UPDATE {table} SET status = ? WHERE hostaddr = ? AND port = ?"))
                .bind(status.to_owned())
                .bind(host.to_owned())
                .bind(port)
                .execute(e.store.pool())
                .await
                .map_err(store::db)?
                .rows_affected();
        if n == 1 {
            return Ok(Some(kind));
        }
    }
    Ok(None)
}

/// node_mgr's answer, then `ControlInstanceCallBack`.
async fn node_mgr(e: &Engine, id: i64, kind: &str, control: &str) -> anyhow::Result<()> {
    e.install_time(1).await;
    let failed = e.faults.lock().map(|mut f| f.take_control_failure()).unwrap_or(false);
    if failed {
        let info = format!("{control} {kind} instance failed (simulator fault)");
        return e.store.write_job(id, "failed", &memo(ERR_CONTROL_INSTANCE, &info)).await;
    }
    e.store.write_job(id, "done", &memo("0", "control instance successfully")).await
}

async fn fail(e: &Engine, id: i64, code: &str, info: &str) {
    if let Err(err) = e.store.write_job(id, "failed", &memo(code, info)).await {
        tracing::error!(error = %err, "control_instance: refusal not recorded");
    }
}
