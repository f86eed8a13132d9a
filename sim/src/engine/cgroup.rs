//! `update_instance_cgroup` (profile 1.2 only): an instance's CPU limit, applied by its
//! machine's node_mgr as a cgroup.
//!
//! No public source has the handler. What the model rests on: the request of XPanel 1.2
//! (`onecluster/shardlist.vue` / `complist.vue` `SaveCpuSetData`) and cluster_mgr's
//! `kunlun_test1.1.2/t/update_instance_cgroup.test`: `ip`, `port`, `type` mysql|pg,
//! `cpu_cores`, `cgroup_mode` quota|share, all strings; async (XPanel polls
//! `get_status` and reports success after a second whatever it says); and the column
//! XPanel shows as "cpu个数", `shard_nodes.cpu_cores` / `comp_nodes.cpu_cores`.
//!
//! Inferred, like `control_instance` in the same family (`other_mission.cc`): a missing
//! field fails with 70101 and its own words; an instance of neither table, a `type` or
//! `cgroup_mode` not in the lists, or a count that is not a positive number fail with
//! code "0" and words of the simulator's; success writes `cpu_cores` after one step
//! (node_mgr's work) with memo code "0". Where the mode is kept is in no source: it is
//! not stored.

use std::sync::Arc;

use serde_json::{json, Map, Value};

use super::{Checked, Engine, Setup};
use crate::paras::Paras;
use crate::store;

const ERR_JSON: &str = "70101";

fn memo(code: &str, info: &str) -> Value {
    json!({"error_code": code, "error_info": info})
}

pub(super) async fn set_up_update_instance_cgroup(
    e: &Arc<Engine>,
    id: i64,
    paras: &Map<String, Value>,
) -> Checked<Setup> {
    let p = Paras(paras);
    for k in ["ip", "port", "type", "cpu_cores", "cgroup_mode"] {
        if !p.has(k) {
            let info = format!("missing `{k}` key-value pair in the request body");
            e.store.write_job(id, "failed", &memo(ERR_JSON, &info)).await.ok();
            return Ok(Setup::Over);
        }
    }
    let table = match p.string("type").as_str() {
        "mysql" => "shard_nodes",
        "pg" => "comp_nodes",
        _ => return refuse(e, id, "instance type error").await,
    };
    if !matches!(p.string("cgroup_mode").as_str(), "quota" | "share") {
        return refuse(e, id, "cgroup mode error").await;
    }
    let cores = p.string("cpu_cores");
    let Some(cores) =
        cores.parse::<i64>().ok().filter(|n| *n > 0 && crate::paras::is_digits(&cores))
    else {
        return refuse(e, id, "cpu_cores error").await;
    };
    let (host, port) = (p.string("ip"), p.stoi("port")?);
    e.store.write_job(id, "ongoing", &memo("0", "OK")).await.ok();
    let me = e.clone();
    Ok(Setup::Deal(Box::pin(async move {
        me.install_time(1).await;
        let n = sqlx::query(&format!(
            "UPDATE {table} SET cpu_cores = ? WHERE hostaddr = ? AND port = ? AND status <> 'deleted'"
        ))
        .bind(cores)
        .bind(host)
        .bind(port)
        .execute(me.store.pool())
        .await
        .map_err(store::db)?
        .rows_affected();
        if n == 0 {
            return me.store.write_job(id, "failed", &memo("0", "instance ip_port no find")).await;
        }
        me.store.write_job(id, "done", &memo("0", "update instance cgroup successfully")).await
    })))
}

async fn refuse(e: &Engine, id: i64, info: &str) -> Checked<Setup> {
    if let Err(err) = e.store.write_job(id, "failed", &memo("0", info)).await {
        tracing::error!(error = %err, "update_instance_cgroup: refusal not recorded");
    }
    Ok(Setup::Over)
}
