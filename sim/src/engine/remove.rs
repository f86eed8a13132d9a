//! `delete_shard` (`cluster_mission/delete_shard.cc` `DeleteShardMission`) and
//! `delete_comp` (`delete_computer.cc` `DeleteComputerMission`), for a request or for
//! delete_cluster (`internal_del_shard`, `internal_del_comp`).
//!
//! Unlike the add jobs, both write a memo, status `ongoing`, as soon as their setup
//! passes (`ArrangeRemoteTask` calls `UpdateOperationRecord` unconditionally), and their
//! "last one" checks run in the setup and count every row of the cluster (a cluster
//! that does not exist has none, so it gets the same code).

use std::sync::Arc;

use klustron::jobs::MachineType;
use serde_json::{json, Map, Value};

use super::machines::mark_ports;
use super::phases::{self, cluster_memo, hosts_text, sub_job, Phase, PhaseKind};
use super::{Checked, Engine, Setup};
use crate::codes::{self, Code};
use crate::paras::{Paras, Read};
use crate::store;

/// `delete_shard` request checks (`SetUpMisson`, `CheckDeleteShardState`).
pub(super) async fn set_up_delete_shard(
    e: &Arc<Engine>,
    id: i64,
    paras: &Map<String, Value>,
) -> Checked<Setup> {
    let p = Paras(paras);
    let mut ids = (0, 0);
    let checked = async {
        let cluster_id = p.count("cluster_id", codes::DELETE_SHARD_QUEST_MISS_CLUSTERID)?;
        ids.0 = cluster_id;
        let shard_id = p.count("shard_id", codes::DELETE_SHARD_QUEST_MISS_SHARDID)?;
        ids.1 = shard_id;
        let shards = e
            .store
            .shard_ids(cluster_id)
            .await
            .map_err(|_| Read::Refuse(codes::DELETE_SHARD_GET_SHARD_SQL))?;
        if shards.len() <= 1 {
            return Err(Read::Refuse(codes::DELETE_SHARD_GET_SHARD_NUM));
        }
        let names = e
            .store
            .cluster_memo(cluster_id)
            .await
            .map_err(|_| Read::Refuse(codes::DELETE_SHARD_GET_SHARD_SQL))?;
        let [(name, _)] = names.as_slice() else {
            return Err(Read::Refuse(codes::DELETE_SHARD_GET_SHARD_SQL));
        };
        Ok((cluster_id, shard_id, name.clone()))
    };
    let result = checked.await;
    let (code, status) = match &result {
        Ok(_) => (codes::OK, "ongoing"),
        Err(Read::Refuse(c)) => (*c, "failed"),
        Err(Read::Crash(_)) => return result.map(|_| Setup::Over),
    };
    let memo = super::memo(
        code,
        json!({"cluster_id": ids.0.to_string(), "shard_id": ids.1.to_string(), "rollback_flag": "0"}),
    );
    if let Err(err) = e.store.write_job(id, status, &memo).await {
        tracing::error!(error = %err, "could not record delete_shard");
    }
    let Ok((cluster_id, shard_id, name)) = result else { return Ok(Setup::Over) };
    Ok(phases::deal(
        e,
        Phase {
            id,
            kind: PhaseKind::DeleteShards { shard_ids: vec![shard_id] },
            cluster_id,
            cluster_name: name,
            nick_name: String::new(),
            ha_mode: String::new(),
            computer_user: String::new(),
            computer_pwd: String::new(),
            internal: false,
            done: None,
        },
    ))
}

/// `delete_comp` request checks (`SetUpMisson`, `CheckDeleteCompState`).
pub(super) async fn set_up_delete_comp(
    e: &Arc<Engine>,
    id: i64,
    paras: &Map<String, Value>,
) -> Checked<Setup> {
    let p = Paras(paras);
    let mut cluster = 0;
    let checked = async {
        let cluster_id = p.count("cluster_id", codes::DELETE_COMPUTER_QUEST_MISS_CLUSTERID)?;
        cluster = cluster_id;
        let comp_id = p.count("comp_id", codes::DELETE_COMPUTER_QUEST_MISS_COMPID)?;
        let comps = e.store.comp_rows(cluster_id).await.map_err(|_| Read::Refuse(codes::EFAIL))?;
        if comps.len() <= 1 {
            return Err(Read::Refuse(codes::DELETE_COMPUTER_GET_COMP_NODES_NUM));
        }
        Ok((cluster_id, comp_id))
    };
    let result = checked.await;
    let (code, status) = match &result {
        Ok(_) => (codes::OK, "ongoing"),
        Err(Read::Refuse(c)) => (*c, "failed"),
        Err(Read::Crash(_)) => return result.map(|_| Setup::Over),
    };
    let memo = super::memo(code, json!({"cluster_id": cluster.to_string(), "rollback_flag": "0"}));
    if let Err(err) = e.store.write_job(id, status, &memo).await {
        tracing::error!(error = %err, "could not record delete_comp");
    }
    let Ok((cluster_id, comp_id)) = result else { return Ok(Setup::Over) };
    Ok(phases::deal(
        e,
        Phase {
            id,
            kind: PhaseKind::DeleteComps { comp_ids: vec![comp_id] },
            cluster_id,
            cluster_name: String::new(),
            nick_name: String::new(),
            ha_mode: String::new(),
            computer_user: String::new(),
            computer_pwd: String::new(),
            internal: false,
            done: None,
        },
    ))
}

/// `DeleteShardMission::UpdateOperationRecord`'s memo.
fn shard_memo(
    p: &Phase,
    code: Value,
    state: &str,
    storage_id: Option<i64>,
    slots: &[(String, u16)],
) -> Value {
    let mut m = code;
    m["rollback_flag"] = json!(p.rollback_flag());
    m["cluster_id"] = json!(p.cluster_id.to_string());
    if let PhaseKind::DeleteShards { shard_ids } = &p.kind {
        if p.internal {
            m["shard_ids"] = json!(shard_ids.iter().map(|s| format!("{s},")).collect::<String>());
        } else if let Some(s) = shard_ids.first() {
            m["shard_id"] = json!(s.to_string());
        }
    }
    if !state.is_empty() {
        m["storage_state"] = json!(state);
    }
    if let Some(id) = storage_id {
        m["storage_id"] = json!(id.to_string());
    }
    if !slots.is_empty() {
        m["storage_hosts"] = json!(hosts_text(slots));
    }
    m
}

/// `DeleteShardMission::DealLocal`, the uninstall, `PostDeleteShard`. While the nodes
/// are removed the memo stays as the setup wrote it (no `dispatch` write).
pub(super) async fn run_delete_shards(e: &Arc<Engine>, mut p: Phase) -> anyhow::Result<()> {
    let PhaseKind::DeleteShards { shard_ids } = &p.kind else { return Ok(()) };
    let shard_ids = shard_ids.clone();
    let nodes: Vec<(String, u16)> = e
        .store
        .node_rows(p.cluster_id)
        .await?
        .into_iter()
        .filter(|n| shard_ids.contains(&n.shard_id))
        .map(|n| (n.hostaddr, n.port))
        .collect();
    if !p.internal {
        if let Err(code) = cluster_memo(e, p.cluster_id).await {
            e.store
                .write_job(
                    p.id,
                    "failed",
                    &shard_memo(&p, super::memo(code, json!({})), "prepare", None, &nodes),
                )
                .await?;
            p.finish(false, code.1);
            return Ok(());
        }
    }
    let uninstall = sub_job(e, "shard_uninstall", json!(hosts_text(&nodes))).await?;
    if nodes.is_empty() {
        let code = codes::DELETE_SHARD_DISPATCH_STORAGE_JOB;
        e.store
            .write_job(
                p.id,
                "failed",
                &shard_memo(&p, super::memo(code, json!({})), "failed", Some(uninstall), &[]),
            )
            .await?;
        p.finish(false, code.1);
        return Ok(());
    }
    e.store.write_job(uninstall, "ongoing", &super::memo(codes::OK, json!({}))).await?;
    e.install_time(nodes.len()).await;
    e.store.write_job(uninstall, "done", &super::memo(codes::OK, json!({}))).await?;
    // PostDeleteShard: free the ports, then the rows (hard deletes).
    mark_ports(&e.store, MachineType::Storage, &nodes, None, Some(false)).await?;
    let mut tx = e.store.begin().await?;
    for s in &shard_ids {
        for sql in [
            "DELETE FROM shard_nodes WHERE shard_id = ? AND db_cluster_id = ?",
            "DELETE FROM shards WHERE id = ? AND db_cluster_id = ?",
        ] {
            sqlx::query(sql)
                .bind(*s)
                .bind(p.cluster_id)
                .execute(&mut *tx)
                .await
                .map_err(store::db)?;
        }
    }
    tx.commit().await.map_err(store::db)?;
    let m = shard_memo(&p, super::memo(codes::OK, json!({})), "done", Some(uninstall), &nodes);
    e.store.write_job(p.id, "done", &m).await?;
    p.finish(true, "OK");
    Ok(())
}

/// `DeleteComputerMission::UpdateOperationRecord`'s memo.
fn comp_memo(
    p: &Phase,
    code: Value,
    state: &str,
    computer_id: Option<i64>,
    slots: &[(String, u16)],
) -> Value {
    let mut m = code;
    m["rollback_flag"] = json!(p.rollback_flag());
    m["computer_state"] = json!(state);
    if let Some(id) = computer_id {
        m["computer_id"] = json!(id.to_string());
    }
    m["cluster_id"] = json!(p.cluster_id.to_string());
    if !slots.is_empty() {
        m["computer_hosts"] = json!(hosts_text(slots));
    }
    m
}

/// `DeleteComputerMission::DealLocal`, the uninstall, `PostDeleteComputer`.
pub(super) async fn run_delete_comps(e: &Arc<Engine>, mut p: Phase) -> anyhow::Result<()> {
    let PhaseKind::DeleteComps { comp_ids } = &p.kind else { return Ok(()) };
    let comp_ids = comp_ids.clone();
    let slots: Vec<(String, u16)> = e
        .store
        .comp_rows(p.cluster_id)
        .await?
        .into_iter()
        .filter(|(id, ..)| comp_ids.contains(id))
        .map(|(_, h, port)| (h, port))
        .collect();
    let names = e.store.cluster_memo(p.cluster_id).await?;
    let code: Option<Code> = match names.as_slice() {
        [] => Some(codes::DELETE_COMPUTER_GET_CLUSTER_NAME_NUM),
        [_] => None,
        _ => Some(codes::DELETE_COMPUTER_GET_CLUSTER_NAME_NUM),
    };
    if let Some(code) = code {
        e.store
            .write_job(
                p.id,
                "failed",
                &comp_memo(&p, super::memo(code, json!({})), "prepare", None, &slots),
            )
            .await?;
        p.finish(false, code.1);
        return Ok(());
    }
    let uninstall = sub_job(e, "compute_uninstall", json!(hosts_text(&slots))).await?;
    if slots.is_empty() {
        let code = codes::DELETE_COMPUTER_DISPATCH_COMPUTER_JOB;
        e.store
            .write_job(
                p.id,
                "failed",
                &comp_memo(&p, super::memo(code, json!({})), "failed", Some(uninstall), &[]),
            )
            .await?;
        p.finish(false, code.1);
        return Ok(());
    }
    e.store.write_job(uninstall, "ongoing", &super::memo(codes::OK, json!({}))).await?;
    let m = comp_memo(&p, super::memo(codes::OK, json!({})), "dispatch", Some(uninstall), &slots);
    e.store.write_job(p.id, "ongoing", &m).await?;
    e.install_time(slots.len()).await;
    e.store.write_job(uninstall, "done", &super::memo(codes::OK, json!({}))).await?;
    // PostDeleteComputer: free the ports, delete the rows by host and port.
    mark_ports(&e.store, MachineType::Computer, &slots, None, Some(false)).await?;
    let mut tx = e.store.begin().await?;
    for (h, port) in &slots {
        sqlx::query("DELETE FROM comp_nodes WHERE hostaddr = ? AND port = ?")
            .bind(h.clone())
            .bind(i64::from(*port))
            .execute(&mut *tx)
            .await
            .map_err(store::db)?;
    }
    tx.commit().await.map_err(store::db)?;
    let m = comp_memo(&p, super::memo(codes::OK, json!({})), "done", Some(uninstall), &slots);
    e.store.write_job(p.id, "done", &m).await?;
    p.finish(true, "OK");
    Ok(())
}
