//! `add_shards` (`cluster_mission/add_shard.cc` `AddShardMission`), for a request or for
//! create_cluster.
//!
//! The memos, in order: setup writes nothing on success; the deal phase writes
//! `prepare` once the hosts are picked, `dispatch` (`dipatch` for compute, sic) with the
//! install job ids once the installs are sent and the ports marked installing, then
//! `done` or `failed` when every install has answered.

use std::sync::Arc;

use klustron::jobs::MachineType;
use klustron::placement::{self, spread_primaries};
use serde_json::{json, Map, Value};

use super::add::{refuse, registered};
use super::machines::mark_ports;
use super::phases::{self, cluster_memo, hosts_text, memo_str, sub_job, Phase, PhaseKind};
use super::{Checked, Engine, Setup};
use crate::codes;
use crate::faults::InstallKind;
use crate::paras::{Paras, Read};
use crate::store::{self, Store};

/// `add_shards` request checks (`AddShardMission::SetUpMisson`).
pub(super) async fn set_up_add_shards(
    e: &Arc<Engine>,
    id: i64,
    paras: &Map<String, Value>,
) -> Checked<Setup> {
    let p = Paras(paras);
    let checked = async {
        let cluster_id = p.count("cluster_id", codes::ADD_SHARD_QUEST_MISS_CLUSTERID)?;
        let shards = p.count_in(
            "shards",
            1,
            256,
            codes::ADD_SHARD_QUEST_MISS_SHARDS,
            codes::ADD_SHARD_QUEST_SHARDS_PARAM,
        )?;
        let nodes = p.count_in(
            "nodes",
            1,
            256,
            codes::ADD_SHARD_QUEST_MISS_NODES,
            codes::ADD_SHARD_QUEST_NODES_PARAM,
        )?;
        let iplists = p.list("storage_iplists");
        registered(e, &iplists, MachineType::Storage, codes::ADD_SHARD_ASSIGN_STORAGE_IPLISTS)
            .await?;
        let (name, memo) = cluster_memo(e, cluster_id).await.map_err(Read::Refuse)?;
        Ok::<_, Read>(Phase {
            id,
            kind: PhaseKind::AddShards { shards: shards as usize, nodes: nodes as usize, iplists },
            cluster_id,
            cluster_name: name,
            nick_name: String::new(),
            ha_mode: memo_str(&memo, "ha_mode"),
            computer_user: memo_str(&memo, "computer_user"),
            computer_pwd: memo_str(&memo, "computer_passwd"),
            internal: false,
            done: None,
        })
    };
    match checked.await {
        Ok(phase) => Ok(phases::deal(e, phase)),
        Err(Read::Refuse(code)) => refuse(e, id, code).await,
        Err(crash) => Err(crash),
    }
}

/// The next shard number: the highest `shard_<n>` suffix of the cluster's shards
/// (`AddShardMission::GetShardNum`).
async fn shard_pos(store: &Store, cluster_id: i64) -> anyhow::Result<i64> {
    let rows = sqlx::query("SELECT CAST(name AS CHAR) AS n FROM shards WHERE db_cluster_id = ?")
        .bind(cluster_id)
        .fetch_all(store.pool())
        .await
        .map_err(store::db)?;
    Ok(rows
        .iter()
        .filter_map(|r| store::text(r, "n").rsplit('_').next()?.parse::<i64>().ok())
        .max()
        .unwrap_or(0))
}

/// `AddShardMission::UpdateMetaAndOperationStat`'s memo.
fn shard_memo(
    p: &Phase,
    code: Value,
    state: &str,
    shard_ids: &[(String, i64)],
    shards: &[(String, Vec<(String, u16)>)],
) -> Value {
    let mut m = code;
    m["rollback_flag"] = json!(p.rollback_flag());
    if !shard_ids.is_empty() {
        m["shard_ids"] =
            shard_ids.iter().map(|(n, id)| json!({n.as_str(): id.to_string()})).collect();
    }
    m["storage_state"] = json!(state);
    if !p.cluster_name.is_empty() {
        m["cluster_name"] = json!(p.cluster_name);
    }
    m["cluster_id"] = json!(p.cluster_id.to_string());
    if !p.nick_name.is_empty() {
        m["nick_name"] = json!(p.nick_name);
    }
    if !p.ha_mode.is_empty() {
        m["ha_mode"] = json!(p.ha_mode);
    }
    if !shards.is_empty() {
        let hosts: Map<String, Value> =
            shards.iter().map(|(n, s)| (n.clone(), json!(hosts_text(s)))).collect();
        m["shard_hosts"] = json!([hosts]);
    }
    m
}

/// `AddShardMission::DealLocal` and what follows it.
pub(super) async fn run_add_shards(e: &Arc<Engine>, mut p: Phase) -> anyhow::Result<()> {
    let PhaseKind::AddShards { shards, nodes, iplists } = &p.kind else { return Ok(()) };
    let (shards, nodes, iplists) = (*shards, *nodes, iplists.clone());
    let machines = e.store.reader().machines().await?;
    let Some(slots) = placement::place(&machines, MachineType::Storage, &iplists, shards * nodes)
    else {
        let code = codes::ADD_SHARD_GET_STORAGE_MATCH_NODES;
        e.store
            .write_job(
                p.id,
                "failed",
                &super::memo(code, json!({"rollback_flag": p.rollback_flag()})),
            )
            .await?;
        p.finish(false, code.1);
        return Ok(());
    };
    let pos = shard_pos(&e.store, p.cluster_id).await?;
    let named: Vec<(String, Vec<(String, u16)>)> = spread_primaries(&slots, nodes)
        .into_iter()
        .enumerate()
        .map(|(i, s)| (format!("shard_{}", pos + i as i64 + 1), s))
        .collect();
    let ok = || super::memo(codes::OK, json!({}));
    e.store.write_job(p.id, "ongoing", &shard_memo(&p, ok(), "prepare", &[], &named)).await?;

    let mut ids = Vec::new();
    for (name, s) in &named {
        let paras: Vec<Value> = s.iter().map(|(h, port)| json!(format!("{h} | {port}"))).collect();
        let sub = sub_job(e, "shard_install", json!(paras)).await?;
        e.store.write_job(sub, "ongoing", &super::memo(codes::OK, json!({}))).await?;
        ids.push((name.clone(), sub));
    }
    mark_ports(&e.store, MachineType::Storage, &slots, Some(true), None).await?;
    e.store.write_job(p.id, "ongoing", &shard_memo(&p, ok(), "dispatch", &ids, &named)).await?;

    // The shards install side by side; each node one after the other.
    e.install_time(nodes).await;
    let mut errors = String::new();
    for ((_, s), (_, sub)) in named.iter().zip(&ids) {
        let failed = e
            .faults
            .lock()
            .map(|mut f| f.take_install_failure(InstallKind::Storage))
            .unwrap_or(false);
        let (status, code) = if failed {
            let (h, port) = &s[s.len() - 1];
            errors.push_str(&format!(
                "host:{h}_{port} -- info:install mysqld failed (simulator fault)|"
            ));
            ("failed", codes::ADD_SHARD_INSTALL_STORAGE)
        } else {
            ("done", codes::OK)
        };
        e.store.write_job(*sub, status, &super::memo(code, json!({}))).await?;
    }
    mark_ports(&e.store, MachineType::Storage, &slots, Some(false), None).await?;
    if !errors.is_empty() {
        let m = shard_memo(
            &p,
            super::with_text(codes::ADD_SHARD_INSTALL_STORAGE, &errors),
            "failed",
            &ids,
            &named,
        );
        e.store.write_job(p.id, "failed", &m).await?;
        p.finish(false, &errors);
        return Ok(());
    }
    mark_ports(&e.store, MachineType::Storage, &slots, None, Some(true)).await?;
    let new_nodes = match post_add_shard(e, &p, &named).await {
        Ok(n) => n,
        Err(err) => {
            tracing::warn!(error = %err, "PostAddShard failed");
            mark_ports(&e.store, MachineType::Storage, &slots, None, Some(false)).await?;
            let m = shard_memo(
                &p,
                super::memo(codes::ADD_SHARD_DEAL_POST, json!({})),
                "done",
                &ids,
                &named,
            );
            e.store.write_job(p.id, "failed", &m).await?;
            p.finish(false, codes::ADD_SHARD_DEAL_POST.1);
            return Ok(());
        }
    };
    e.store.write_job(p.id, "done", &shard_memo(&p, ok(), "done", &ids, &named)).await?;
    monitor_storage(e, new_nodes, p.ha_mode != "rbr");
    p.finish(true, "OK");
    Ok(())
}

/// `AddShardMission::PostAddShard`: the shards and their nodes, in one transaction.
/// The first node of each shard is `source` in rbr mode, every node `replica`
/// otherwise (the monitor marks the primary later); `svr_node_id` is 1, the account
/// `pgx`. Returns the new rows' ids, each with whether it is its shard's first.
async fn post_add_shard(
    e: &Engine,
    p: &Phase,
    named: &[(String, Vec<(String, u16)>)],
) -> anyhow::Result<Vec<(i64, bool)>> {
    let mut tx = e.store.begin().await?;
    let mut out = Vec::new();
    for (name, s) in named {
        let r = sqlx::query("INSERT INTO shards(name, num_nodes, db_cluster_id, sync_num) VALUES (?, ?, ?, 1) RETURNING CAST(id AS CHAR) AS id")
            .bind(name.clone())
            .bind(s.len() as i64)
            .bind(p.cluster_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(store::db)?;
        let shard_id = store::returned_id(&r)?;
        for (i, (h, port)) in s.iter().enumerate() {
            let state = if i == 0 && p.ha_mode == "rbr" { "source" } else { "replica" };
            let r = sqlx::query("INSERT INTO shard_nodes(hostaddr, port, user_name, passwd, shard_id, db_cluster_id, svr_node_id, member_state) VALUES (?, ?, 'pgx', 'pgx_pwd', ?, ?, 1, ?) RETURNING CAST(id AS CHAR) AS id")
                .bind(h.clone())
                .bind(i64::from(*port))
                .bind(shard_id)
                .bind(p.cluster_id)
                .bind(state)
                .fetch_one(&mut *tx)
                .await
                .map_err(store::db)?;
            out.push((store::returned_id(&r)?, i == 0));
        }
        if p.ha_mode == "rbr" {
            let (mh, mp) = &s[0];
            for (h, port) in &s[1..] {
                sqlx::query("INSERT INTO node_map_master(cluster_id, node_host, master_host, master_uuid) VALUES (?, ?, ?, ?)")
                    .bind(p.cluster_id)
                    .bind(format!("{h}_{port}"))
                    .bind(format!("{mh}_{mp}"))
                    .bind(format!("sim-uuid-{shard_id}"))
                    .execute(&mut *tx)
                    .await
                    .map_err(store::db)?;
            }
        }
    }
    tx.commit().await.map_err(store::db)?;
    Ok(out)
}

/// cluster_mgr's monitor (`kl_mentain/shard.cc`) finds new storage nodes answering a
/// moment later: `status` becomes `active`, and outside rbr the group's primary is
/// marked `source` (`shard.cc` `update shard_nodes set member_state='source'`).
pub(super) fn monitor_storage(e: &Arc<Engine>, nodes: Vec<(i64, bool)>, mark_primary: bool) {
    let me = e.clone();
    e.spawn(async move {
        me.install_time(1).await;
        for (id, first) in nodes {
            let sql = if first && mark_primary {
                "UPDATE shard_nodes SET status = 'active', member_state = 'source' WHERE id = ?"
            } else {
                "UPDATE shard_nodes SET status = 'active' WHERE id = ?"
            };
            sqlx::query(sql).bind(id).execute(me.store.pool()).await.map_err(store::db)?;
        }
        Ok(())
    });
}
