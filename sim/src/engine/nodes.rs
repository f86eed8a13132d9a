//! `add_nodes` (`cluster_mission/add_node.cc` `AddNodeMission`) and `delete_node`
//! (`delete_node.cc` `DeleteNodeMission`): replicas of a shard.
//!
//! Two behaviours a client must expect: add_nodes picks its hosts and writes its
//! `dispatch` memo in the queue, during setup (`ArrangeRemoteTask` calls
//! `DealInternal`), and reports install failures with `error_code` 0 and the install's
//! words; delete_node writes nothing at all until it ends, so its memo is NULL (the
//! memo-less `get_status` answer) for its whole run.

use std::sync::Arc;

use klustron::jobs::MachineType;
use klustron::placement;
use serde_json::{json, Map, Value};

use super::add::registered;
use super::add_shards::monitor_storage;
use super::machines::mark_ports;
use super::phases::{cluster_memo, hosts_text, memo_str, sub_job};
use super::{Checked, Engine, Setup};
use crate::codes::{self, Code};
use crate::faults::InstallKind;
use crate::paras::{is_digits, Paras, Read};
use crate::store;

/// `AddNodeMission`'s shard states (`add_node.h`).
const N_DISPATCH: i64 = 1;
const N_DONE: i64 = 5;
const N_FAILED: i64 = 6;

/// One shard of an add_nodes job: the slots picked for it, its install row, its state.
#[derive(Clone)]
struct ShardAdd {
    shard: i64,
    slots: Vec<(String, u16)>,
    row: i64,
    state: i64,
}

struct AddNodes {
    id: i64,
    cluster_id: i64,
    /// -2: every shard of the cluster (`shard_id` absent, `add_node.h`).
    shard_id: i64,
    nodes: i64,
    ha_mode: String,
    computer_user: String,
    computer_pwd: String,
    shards: Vec<ShardAdd>,
    storage_state: &'static str,
    error_info: String,
}

impl AddNodes {
    /// `AddNodeMission::UpdateOperationRecord`'s memo.
    fn memo(&self, code: Code) -> Value {
        let info =
            if self.error_info.is_empty() { code.1.to_owned() } else { self.error_info.clone() };
        let mut m = json!({"error_code": code.0, "error_info": info, "cluster_id": self.cluster_id.to_string(),
                           "shard_id": self.shard_id.to_string(), "nodes": self.nodes.to_string()});
        if !self.computer_user.is_empty() {
            m["computer_user"] = json!(self.computer_user);
        }
        if !self.computer_pwd.is_empty() {
            m["computer_pwd"] = json!(self.computer_pwd);
        }
        if !self.shards.is_empty() {
            let each = |f: &dyn Fn(&ShardAdd) -> Value| -> Value {
                self.shards.iter().map(|s| json!({s.shard.to_string(): f(s)})).collect()
            };
            m["shard_hosts"] = each(&|s| json!(hosts_text(&s.slots)));
            m["shard_map_ids"] = each(&|s| json!(s.row.to_string()));
            m["shard_state"] = each(&|s| json!(s.state));
        }
        if !self.storage_state.is_empty() {
            m["storage_state"] = json!(self.storage_state);
        }
        m
    }
}

/// `AddNodeMission::SetUpMisson`, then `DealInternal` in the same queue slot.
pub(super) async fn set_up_add_nodes(
    e: &Arc<Engine>,
    id: i64,
    paras: &Map<String, Value>,
) -> Checked<Setup> {
    let p = Paras(paras);
    let mut a = AddNodes {
        id,
        cluster_id: 0,
        shard_id: -2,
        nodes: 0,
        ha_mode: String::new(),
        computer_user: String::new(),
        computer_pwd: String::new(),
        shards: vec![],
        storage_state: "",
        error_info: String::new(),
    };
    let checked = async {
        a.cluster_id = p.count("cluster_id", codes::ADD_NODE_QUEST_MISS_CLUSTERID)?;
        if p.has("shard_id") && is_digits(&p.string("shard_id")) {
            a.shard_id = p.count("shard_id", codes::EFAIL)?;
        }
        a.nodes = p.count_in(
            "nodes",
            1,
            256,
            codes::ADD_NODE_QUEST_MISS_NODES,
            codes::ADD_NODE_QUEST_NODES_PARAM,
        )?;
        let iplists = p.list("storage_iplists");
        registered(e, &iplists, MachineType::Storage, codes::ADD_NODE_ASSIGN_STORAGE_IPLISTS)
            .await?;
        let (_, memo) = cluster_memo(e, a.cluster_id).await.map_err(Read::Refuse)?;
        a.ha_mode = memo_str(&memo, "ha_mode");
        a.computer_user = memo_str(&memo, "computer_user");
        a.computer_pwd = memo_str(&memo, "computer_passwd");
        Ok(iplists)
    };
    let iplists = match checked.await {
        Ok(ips) => ips,
        Err(Read::Refuse(code)) => {
            let _ = e.store.write_job(id, "failed", &a.memo(code)).await;
            return Ok(Setup::Over);
        }
        Err(crash) => return Err(crash),
    };
    match dispatch(e, &mut a, &iplists).await {
        Ok(true) => {}
        Ok(false) => return Ok(Setup::Over),
        Err(err) => {
            tracing::error!(error = %err, "add_nodes dispatch failed");
            return Ok(Setup::Over);
        }
    }
    let me = e.clone();
    Ok(Setup::Deal(Box::pin(async move { install_nodes(&me, a).await })))
}

/// `DealInternal`: the shards, the hosts, the installing ports, one install row per
/// shard (`job_type` NULL, never updated), the `dispatch` memo. False when it failed.
async fn dispatch(e: &Engine, a: &mut AddNodes, iplists: &[String]) -> anyhow::Result<bool> {
    let shards =
        if a.shard_id == -2 { e.store.shard_ids(a.cluster_id).await? } else { vec![a.shard_id] };
    let machines = e.store.reader().machines().await?;
    let n = a.nodes as usize;
    let Some(slots) = placement::place(&machines, MachineType::Storage, iplists, shards.len() * n)
    else {
        e.store.write_job(a.id, "failed", &a.memo(codes::ADD_NODE_GET_STORAGE_MATCH_NODES)).await?;
        return Ok(false);
    };
    if shards.is_empty() {
        // No shard at all: failed, with code 0 (`CheckInstallMysqlResult`, 0 == 0).
        a.storage_state = "failed";
        e.store.write_job(a.id, "failed", &a.memo(codes::OK)).await?;
        return Ok(false);
    }
    mark_ports(&e.store, MachineType::Storage, &slots, Some(true), None).await?;
    for (shard, chunk) in shards.iter().zip(slots.chunks(n)) {
        let row = e.store.insert_job("", "internal_user", "").await?;
        sqlx::query(
            "UPDATE cluster_general_job_log SET job_type = NULL, job_info = NULL WHERE id = ?",
        )
        .bind(row)
        .execute(e.store.pool())
        .await
        .map_err(store::db)?;
        a.shards.push(ShardAdd { shard: *shard, slots: chunk.to_vec(), row, state: N_DISPATCH });
    }
    a.storage_state = "dispatch";
    e.store.write_job(a.id, "ongoing", &a.memo(codes::OK)).await?;
    Ok(true)
}

/// The installs, then `TearDownMission`: each shard that installed gets its rows
/// (`PostAddNode`); the job is `done` unless every shard failed, and its code is 0
/// either way, the failures' words in `error_info`.
async fn install_nodes(e: &Arc<Engine>, mut a: AddNodes) -> anyhow::Result<()> {
    e.install_time(a.nodes as usize).await;
    let mut new_nodes = Vec::new();
    let mut done_slots = Vec::new();
    let mut all_slots = Vec::new();
    for i in 0..a.shards.len() {
        let ShardAdd { shard, slots, .. } = a.shards[i].clone();
        all_slots.extend(slots.clone());
        let failed = e
            .faults
            .lock()
            .map(|mut f| f.take_install_failure(InstallKind::Storage))
            .unwrap_or(false);
        if failed {
            let (h, p) = &slots[slots.len() - 1];
            a.error_info.push_str(&format!(
                "host:{h}_{p} -- info:install mysqld failed (simulator fault)|"
            ));
            a.shards[i].state = N_FAILED;
            continue;
        }
        new_nodes.extend(post_add_node(e, &a, shard, &slots).await?);
        done_slots.extend(slots);
        a.shards[i].state = N_DONE;
    }
    mark_ports(&e.store, MachineType::Storage, &all_slots, Some(false), None).await?;
    mark_ports(&e.store, MachineType::Storage, &done_slots, None, Some(true)).await?;
    let all_failed = a.shards.iter().all(|s| s.state == N_FAILED);
    a.storage_state = if all_failed { "failed" } else { "done" };
    e.store.write_job(a.id, if all_failed { "failed" } else { "done" }, &a.memo(codes::OK)).await?;
    monitor_storage(e, new_nodes.into_iter().map(|id| (id, false)).collect(), false);
    Ok(())
}

/// `AddNodeMission::PostAddNode`: `num_nodes` grows, each node is a `replica` with the
/// `pgx` account on `svr_node_id` 1; in rbr mode `node_map_master` names its primary.
async fn post_add_node(
    e: &Engine,
    a: &AddNodes,
    shard: i64,
    slots: &[(String, u16)],
) -> anyhow::Result<Vec<i64>> {
    let nodes = e.store.node_rows(a.cluster_id).await?;
    let primary = nodes
        .iter()
        .find(|n| n.shard_id == shard && n.member_state == "source")
        .map(|n| format!("{}_{}", n.hostaddr, n.port));
    let mut tx = e.store.begin().await?;
    sqlx::query("UPDATE shards SET num_nodes = num_nodes + ? WHERE id = ?")
        .bind(slots.len() as i64)
        .bind(shard)
        .execute(&mut *tx)
        .await
        .map_err(store::db)?;
    let mut ids = Vec::new();
    for (h, p) in slots {
        let r = sqlx::query("INSERT INTO shard_nodes(hostaddr, port, user_name, passwd, shard_id, db_cluster_id, svr_node_id, member_state) VALUES (?, ?, 'pgx', 'pgx_pwd', ?, ?, 1, 'replica') RETURNING CAST(id AS CHAR) AS id")
            .bind(h.clone())
            .bind(i64::from(*p))
            .bind(shard)
            .bind(a.cluster_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(store::db)?;
        ids.push(store::returned_id(&r)?);
        if let (true, Some(m)) = (a.ha_mode == "rbr", &primary) {
            sqlx::query("INSERT INTO node_map_master(cluster_id, node_host, master_host, master_uuid) VALUES (?, ?, ?, ?)")
                .bind(a.cluster_id)
                .bind(format!("{h}_{p}"))
                .bind(m.clone())
                .bind(format!("sim-uuid-{shard}"))
                .execute(&mut *tx)
                .await
                .map_err(store::db)?;
        }
    }
    tx.commit().await.map_err(store::db)?;
    Ok(ids)
}

/// `DeleteNodeMission::SetUpMisson` and `CheckInputParams`: the node count comes
/// before the match (a shard of one node, or a shard that does not exist, gets 70159),
/// the primary is refused, the port is compared as text.
pub(super) async fn set_up_delete_node(
    e: &Arc<Engine>,
    id: i64,
    paras: &Map<String, Value>,
) -> Checked<Setup> {
    let p = Paras(paras);
    let mut ids = (0, 0);
    let checked = async {
        ids.0 = p.count("cluster_id", codes::DEL_NODE_QUEST_MISS_CLUSTERID)?;
        ids.1 = p.count("shard_id", codes::DEL_NODE_QUEST_MISS_SHARDID)?;
        if !p.has("hostaddr") {
            return Err(Read::Refuse(codes::DEL_NODE_QUEST_MISS_HOSTADDR));
        }
        if !p.has("port") {
            return Err(Read::Refuse(codes::DEL_NODE_QUEST_MISS_PORT));
        }
        let (host, port) = (p.string("hostaddr"), p.string("port"));
        let rows: Vec<_> = e
            .store
            .node_rows(ids.0)
            .await
            .map_err(|_| Read::Refuse(codes::EFAIL))?
            .into_iter()
            .filter(|n| n.shard_id == ids.1)
            .collect();
        if rows.len() <= 1 {
            return Err(Read::Refuse(codes::DELETE_NODE_GET_NODE_NUM));
        }
        let node = rows
            .iter()
            .find(|n| n.hostaddr == host && n.port.to_string() == port)
            .ok_or(Read::Refuse(codes::DEL_NODE_NOT_IN_SHARD))?;
        if node.member_state == "source" {
            return Err(Read::Refuse(codes::DEL_NODE_IS_MASTER_NODE));
        }
        let (_, memo) = cluster_memo(e, ids.0).await.map_err(Read::Refuse)?;
        Ok((
            node.hostaddr.clone(),
            node.port,
            memo_str(&memo, "computer_user"),
            memo_str(&memo, "computer_passwd"),
        ))
    };
    let (host, port, user, pwd) = match checked.await {
        Ok(v) => v,
        Err(Read::Refuse(code)) => {
            let m = super::memo(
                code,
                json!({"storage_state": "failed", "cluster_id": ids.0.to_string(), "shard_id": ids.1.to_string()}),
            );
            let _ = e.store.write_job(id, "failed", &m).await;
            return Ok(Setup::Over);
        }
        Err(crash) => return Err(crash),
    };
    let (cluster_id, shard_id) = ids;
    let me = e.clone();
    Ok(Setup::Deal(Box::pin(async move {
        let slot = vec![(host.clone(), port)];
        let sub = sub_job(&me, "shard_uninstall", json!(hosts_text(&slot))).await?;
        me.store.write_job(sub, "ongoing", &super::memo(codes::OK, json!({}))).await?;
        me.install_time(1).await;
        me.store.write_job(sub, "done", &super::memo(codes::OK, json!({}))).await?;
        // PostDelNode: ports, num_nodes, the row (by host and port), node_map_master.
        mark_ports(&me.store, MachineType::Storage, &slot, None, Some(false)).await?;
        let mut tx = me.store.begin().await?;
        sqlx::query("UPDATE shards SET num_nodes = num_nodes - 1 WHERE id = ?")
            .bind(shard_id)
            .execute(&mut *tx)
            .await
            .map_err(store::db)?;
        sqlx::query("DELETE FROM shard_nodes WHERE hostaddr = ? AND port = ?")
            .bind(host.clone())
            .bind(i64::from(port))
            .execute(&mut *tx)
            .await
            .map_err(store::db)?;
        sqlx::query("DELETE FROM node_map_master WHERE node_host = ?")
            .bind(format!("{host}_{port}"))
            .execute(&mut *tx)
            .await
            .map_err(store::db)?;
        tx.commit().await.map_err(store::db)?;
        let m = super::memo(
            codes::OK,
            json!({"storage_state": "done", "cluster_id": cluster_id.to_string(),
            "shard_id": shard_id.to_string(), "computer_user": user, "computer_pwd": pwd}),
        );
        me.store.write_job(id, "done", &m).await
    })))
}
