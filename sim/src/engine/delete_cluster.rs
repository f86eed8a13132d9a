//! `delete_cluster` (`delete_cluster.cc` `DeleteClusterMission`), and the roll-back of
//! a create that a restart interrupted.

use std::sync::Arc;

use klustron::jobs::MachineType;
use serde_json::{json, Map, Value};
use tokio::sync::oneshot;

use super::machines::mark_ports;
use super::phases::{sub_job, Phase, PhaseEnd, PhaseKind};
use super::{Checked, Engine, Queued, Setup};
use crate::codes::{self, Code};
use crate::paras::Paras;
use crate::store;

/// Every row of a cluster, hard-deleted, its ports freed (`MetadataShard::
/// delete_cluster_from_metadata`, `kl_mentain/shard.cc`).
pub(super) async fn remove_cluster(e: &Engine, cluster_id: i64) -> anyhow::Result<()> {
    let nodes: Vec<(String, u16)> =
        e.store.node_rows(cluster_id).await?.into_iter().map(|n| (n.hostaddr, n.port)).collect();
    let comps: Vec<(String, u16)> =
        e.store.comp_rows(cluster_id).await?.into_iter().map(|(_, h, p)| (h, p)).collect();
    mark_ports(&e.store, MachineType::Storage, &nodes, None, Some(false)).await?;
    mark_ports(&e.store, MachineType::Computer, &comps, None, Some(false)).await?;
    let mut tx = e.store.begin().await?;
    for sql in [
        "DELETE FROM comp_nodes WHERE db_cluster_id = ?",
        "DELETE FROM shard_nodes WHERE db_cluster_id = ?",
        "DELETE FROM shards WHERE db_cluster_id = ?",
        "DELETE FROM node_map_master WHERE cluster_id = ?",
        "DELETE FROM db_clusters WHERE id = ?",
    ] {
        sqlx::query(sql).bind(cluster_id).execute(&mut *tx).await.map_err(store::db)?;
    }
    tx.commit().await.map_err(store::db)
}

/// After a restart, what an interrupted job left: the installing ports its memo names,
/// and for a create_cluster whose memo still names the cluster, the cluster
/// (`ArrangeRemoteTask` in recovery mode rolls back and fails the job). A create whose
/// memo was already overwritten names no cluster, and cluster_mgr leaves its row.
pub(super) async fn roll_back_leftovers(e: &Engine, id: i64) -> anyhow::Result<()> {
    let Some(row) = e.store.job(id).await? else { return Ok(()) };
    let memo: Value =
        row.memo.as_deref().and_then(|m| serde_json::from_str(m).ok()).unwrap_or_default();
    for (key, t) in
        [("shard_hosts", MachineType::Storage), ("computer_hosts", MachineType::Computer)]
    {
        let text: String = match memo.get(key) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(Value::as_object)
                .flat_map(|o| o.values())
                .filter_map(Value::as_str)
                .collect(),
            _ => continue,
        };
        let slots: Vec<(String, u16)> = text
            .split(';')
            .filter_map(|s| {
                let (h, p) = s.rsplit_once('_')?;
                Some((h.to_owned(), p.parse().ok()?))
            })
            .collect();
        mark_ports(&e.store, t, &slots, Some(false), None).await?;
    }
    if row.job_type == "create_cluster" {
        if let Some(cid) =
            memo.get("cluster_id").and_then(|v| crate::wire::as_string(v).parse::<i64>().ok())
        {
            remove_cluster(e, cid).await?;
        }
    }
    Ok(())
}

/// `DeleteClusterMission::SetUpMisson` (`cluster_id` wins over `cluster_name` and is
/// not checked for digits: a non-number is an SQL error, 70098), then
/// `ArrangeRemoteTask`'s unconditional write.
pub(super) async fn set_up_delete(
    e: &Arc<Engine>,
    id: i64,
    paras: &Map<String, Value>,
) -> Checked<Setup> {
    let p = Paras(paras);
    let by_id = p.string("cluster_id");
    let by_name = p.string("cluster_name");
    let found: Result<(i64, String), Code> = if by_id.is_empty() && by_name.is_empty() {
        Err(codes::DELETE_CLUSTER_QUEST_MISSING_PARAM)
    } else if !by_id.is_empty() {
        let rows = match by_id.parse::<i64>() {
            Ok(cid) if crate::paras::is_digits(&by_id) => e
                .store
                .cluster_memo(cid)
                .await
                .unwrap_or_default()
                .into_iter()
                .map(|(n, _)| (cid, n))
                .collect(),
            _ => vec![],
        };
        match rows.as_slice() {
            [one] => Ok(one.clone()),
            _ => Err(codes::DELETE_CLUSTER_CHECK_ID_BY_CLUSTER_ID),
        }
    } else {
        let rows = sqlx::query("SELECT CAST(id AS CHAR) AS id FROM db_clusters WHERE name = ?")
            .bind(by_name.clone())
            .fetch_all(e.store.pool())
            .await
            .unwrap_or_default();
        match rows.as_slice() {
            [r] => Ok((store::text(r, "id").parse().unwrap_or(0), by_name.clone())),
            _ => Err(codes::DELETE_CLUSTER_CHECK_ID_BY_CLUSTER_NAME),
        }
    };
    let (cluster_id, name) = match found {
        Ok(f) => f,
        Err(code) => {
            let m = super::memo(code, json!({"cluster_id": "0", "cluster_name": ""}));
            if let Err(err) = e.store.write_job(id, "failed", &m).await {
                tracing::error!(error = %err, "could not record a refusal");
            }
            return Ok(Setup::Over);
        }
    };
    let d = Delete {
        id,
        cluster_id,
        name,
        storage: "prepare".into(),
        computer: "prepare".into(),
        shard_job: None,
        comp_job: None,
        status: "ongoing",
        code: codes::OK,
    };
    if let Err(err) = d.write(e).await {
        tracing::error!(error = %err, "could not record delete_cluster");
        return Ok(Setup::Over);
    }
    let me = e.clone();
    Ok(Setup::Deal(Box::pin(async move { deal_delete(&me, d).await })))
}

struct Delete {
    id: i64,
    cluster_id: i64,
    name: String,
    storage: String,
    computer: String,
    /// The internal_del_shard job (its id goes in the memo as `shard_id`, sic).
    shard_job: Option<i64>,
    comp_job: Option<i64>,
    status: &'static str,
    code: Code,
}

impl Delete {
    async fn write(&self, e: &Engine) -> anyhow::Result<()> {
        let mut m = super::memo(
            self.code,
            json!({"cluster_id": self.cluster_id.to_string(), "cluster_name": self.name,
            "storage_state": self.storage, "computer_state": self.computer}),
        );
        if let Some(j) = self.shard_job {
            m["shard_id"] = json!(j.to_string());
        }
        if let Some(j) = self.comp_job {
            m["computer_id"] = json!(j.to_string());
        }
        e.store.write_job(self.id, self.status, &m).await
    }
}

/// `DeleteClusterMission::DealLocal` and its callbacks: each side that has instances
/// gets an internal sub-job; a side without any is done at once. A failed side ends the
/// job only once the other side has ended too.
async fn deal_delete(e: &Arc<Engine>, mut d: Delete) -> anyhow::Result<()> {
    let shard_ids = e.store.shard_ids(d.cluster_id).await?;
    let nodes = e.store.node_rows(d.cluster_id).await?;
    let comps = e.store.comp_rows(d.cluster_id).await?;
    let sub = |kind, id, done| Phase {
        id,
        kind,
        cluster_id: d.cluster_id,
        cluster_name: d.name.clone(),
        nick_name: String::new(),
        ha_mode: String::new(),
        computer_user: String::new(),
        computer_pwd: String::new(),
        internal: true,
        done: Some(done),
    };
    let (shard_tx, mut shard_rx) = oneshot::channel::<PhaseEnd>();
    let (comp_tx, mut comp_rx) = oneshot::channel::<PhaseEnd>();
    let (mut shards_open, mut comps_open) = (false, false);
    if nodes.is_empty() {
        d.storage = "done".into();
        sqlx::query("DELETE FROM shards WHERE db_cluster_id = ?")
            .bind(d.cluster_id)
            .execute(e.store.pool())
            .await
            .map_err(store::db)?;
    } else {
        let job = sub_job(e, "internal_del_shard", json!({"cluster_id": d.cluster_id.to_string(), "shard_ids": shard_ids.iter().map(|s| s.to_string()).collect::<Vec<_>>()})).await?;
        e.enqueue(Queued::Phase(sub(PhaseKind::DeleteShards { shard_ids }, job, shard_tx)));
        d.shard_job = Some(job);
        d.storage = "dispatch".into();
        shards_open = true;
    }
    if comps.is_empty() {
        d.computer = "done".into();
    } else {
        let comp_ids: Vec<i64> = comps.iter().map(|(id, ..)| *id).collect();
        let job = sub_job(e, "internal_del_comp", json!({"cluster_id": d.cluster_id.to_string(), "comp_ids": comp_ids.iter().map(|s| s.to_string()).collect::<Vec<_>>()})).await?;
        e.enqueue(Queued::Phase(sub(PhaseKind::DeleteComps { comp_ids }, job, comp_tx)));
        d.comp_job = Some(job);
        d.computer = "dispatch".into();
        comps_open = true;
    }
    if !shards_open && !comps_open {
        remove_cluster(e, d.cluster_id).await?;
        d.status = "done";
    }
    d.write(e).await?;
    while shards_open || comps_open {
        tokio::select! {
            end = &mut shard_rx, if shards_open => {
                shards_open = false;
                if end.map(|x| x.ok).unwrap_or(false) { d.storage = "done".into() } else { d.storage = "failed".into(); d.code = codes::DELETE_CLUSTER_DELETE_STORAGE; }
            }
            end = &mut comp_rx, if comps_open => {
                comps_open = false;
                if end.map(|x| x.ok).unwrap_or(false) { d.computer = "done".into() } else { d.computer = "failed".into(); d.code = codes::DELETE_CLUSTER_DELETE_COMPUTER; }
            }
        }
        let ended = |s: &str| s == "done" || s == "failed";
        if ended(&d.storage) && ended(&d.computer) {
            if d.storage == "done" && d.computer == "done" {
                remove_cluster(e, d.cluster_id).await?;
                d.status = "done";
            } else {
                d.status = "failed";
            }
        }
        d.write(e).await?;
    }
    Ok(())
}
