//! `create_cluster` (`cluster_mission/create_cluster.cc` `CreateClusterMission`).
//!
//! A create's memo, as `get_status` shows it: after setup `prepare` for both phases
//! (with the cluster's name and the compute account, password included); then the
//! cluster row is inserted, the shard and compute sub-jobs are dispatched (`dispatch`,
//! with their job ids), and right after, at the end of `DealLocal`, the memo is
//! overwritten with `{"error_code":0,"error_info":"OK"}`: for most of an install there
//! are no sub-steps to show. Each phase's end (a callback from its sub-job) writes the
//! whole memo again; both phases run at the same time and either may end first.

use std::sync::Arc;

use klustron::jobs::MachineType;
use serde_json::{json, Map, Value};
use tokio::sync::oneshot;

use super::add::registered;
use super::delete_cluster::remove_cluster;
use super::phases::{sub_job, Phase, PhaseEnd, PhaseKind};
use super::{Checked, Engine, Queued, Setup};
use crate::codes::{self, Code};
use crate::paras::{Paras, Read};
use crate::store;

/// What create_cluster carries through its phases.
struct Create {
    id: i64,
    nick_name: String,
    ha_mode: String,
    shards: i64,
    nodes: i64,
    comps: i64,
    max_storage_size: i64,
    max_connections: i64,
    cpu_cores: i64,
    innodb_size: i64,
    dbcfg: i64,
    computer_user: String,
    computer_pwd: String,
    storage_iplists: Vec<String>,
    computer_iplists: Vec<String>,
    cluster_name: String,
    cluster_id: Option<i64>,
    shard_job: Option<i64>,
    comp_job: Option<i64>,
    storage_state: String,
    computer_state: String,
    status: &'static str,
    code: Code,
}

impl Create {
    /// `UpdateMetaAndOperationStat`'s memo, with the keys of this one write (`extra`).
    fn memo(&self, extra: Value) -> Value {
        let mut m = json!({"error_code": self.code.0, "error_info": self.code.1,
                           "computer_user": self.computer_user, "computer_pwd": self.computer_pwd});
        if !self.storage_state.is_empty() {
            m["storage_state"] = json!(self.storage_state);
        }
        if !self.computer_state.is_empty() {
            m["computer_state"] = json!(self.computer_state);
        }
        if let Some(c) = self.cluster_id {
            m["cluster_id"] = json!(c.to_string());
        }
        if let Some(j) = self.comp_job {
            m["computer_id"] = json!(j.to_string());
        }
        if let Some(j) = self.shard_job {
            m["shard_id"] = json!(j.to_string());
        }
        if !self.cluster_name.is_empty() {
            m["cluster_name"] = json!(self.cluster_name);
        }
        if let (Value::Object(a), Value::Object(b)) = (&mut m, extra) {
            a.extend(b);
        }
        m
    }

    async fn write(&self, e: &Engine, extra: Value) -> anyhow::Result<()> {
        e.store.write_job(self.id, self.status, &self.memo(extra)).await
    }
}

/// `CreateClusterMission::SetUpMisson`: the checks in cluster_mgr's order and codes
/// (a missing and a non-numeric count share one code, the range check has its own).
pub(super) async fn set_up_create(
    e: &Arc<Engine>,
    id: i64,
    paras: &Map<String, Value>,
) -> Checked<Setup> {
    let p = Paras(paras);
    let checked = async {
        let nick_name = p.string("nick_name");
        let ha_mode = p.string("ha_mode");
        if !p.has("ha_mode") || !["mgr", "rbr", "no_rep"].contains(&ha_mode.as_str()) {
            return Err(Read::Refuse(codes::CREATE_CLUSTER_QUEST_MISS_HAMODE));
        }
        let shards = p.count_in(
            "shards",
            1,
            256,
            codes::CREATE_CLUSTER_QUEST_MISS_SHARDS,
            codes::CREATE_CLUSTER_QUEST_SHARDS_PARAM,
        )?;
        let nodes = p.count_in(
            "nodes",
            1,
            256,
            codes::CREATE_CLUSTER_QUEST_MISS_NODES,
            codes::CREATE_CLUSTER_QUEST_NODES_PARAM,
        )?;
        let comps = p.count_in(
            "comps",
            1,
            256,
            codes::CREATE_CLUSTER_QUEST_MISS_COMPS,
            codes::CREATE_CLUSTER_QUEST_COMPS_PARAM,
        )?;
        let max_storage_size =
            p.count("max_storage_size", codes::CREATE_CLUSTER_QUEST_MISS_MAX_STORAGE_SIZE)?;
        let max_connections =
            p.count("max_connections", codes::CREATE_CLUSTER_QUEST_MISS_MAX_CONNECTIONS)?;
        let cpu_cores = p.count("cpu_cores", codes::CREATE_CLUSTER_QUEST_MISS_CPU_CORES)?;
        let innodb_size = p.count("innodb_size", codes::CREATE_CLUSTER_QUEST_MISS_INNODB_SIZE)?;
        if innodb_size < 1 {
            return Err(Read::Refuse(codes::CREATE_CLUSTER_QUEST_INNODB_SIZE_PARAM));
        }
        let dbcfg = if p.has("dbcfg") && crate::paras::is_digits(&p.string("dbcfg")) {
            p.count("dbcfg", codes::EFAIL)?
        } else {
            0
        };
        let or_abc = |s: String| if s.is_empty() { "abc".to_owned() } else { s };
        let computer_user = or_abc(p.string("computer_user"));
        let computer_pwd = or_abc(p.string("computer_password"));
        let storage_iplists = p.list("storage_iplists");
        registered(
            e,
            &storage_iplists,
            MachineType::Storage,
            codes::CREATE_CLUSTER_ASSIGN_STORAGE_IPLISTS,
        )
        .await?;
        let computer_iplists = p.list("computer_iplists");
        registered(
            e,
            &computer_iplists,
            MachineType::Computer,
            codes::CREATE_CLUSTER_ASSIGN_COMPUTER_IPLISTS,
        )
        .await?;
        // GenerateClusterName: "cluster_<unix seconds>_<next id, 6 digits>".
        let max = e.store.max_cluster_id().await.map_err(|_| Read::Refuse(codes::EFAIL))?;
        let next = {
            let mut last = e.last_cluster.lock().map_err(|_| Read::Refuse(codes::EFAIL))?;
            *last = (max + 1).max(*last + 1);
            *last
        };
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Ok(Create {
            id,
            nick_name,
            ha_mode,
            shards,
            nodes,
            comps,
            max_storage_size,
            max_connections,
            cpu_cores,
            innodb_size,
            dbcfg,
            computer_user,
            computer_pwd,
            storage_iplists,
            computer_iplists,
            cluster_name: format!("cluster_{secs}_{next:06}"),
            cluster_id: None,
            shard_job: None,
            comp_job: None,
            storage_state: String::new(),
            computer_state: String::new(),
            status: "ongoing",
            code: codes::OK,
        })
    };
    let mut c = match checked.await {
        Ok(c) => c,
        Err(Read::Refuse(code)) => {
            if let Err(err) = e.fail(id, code, json!({})).await {
                tracing::error!(error = %err, "could not record a refusal");
            }
            return Ok(Setup::Over);
        }
        Err(crash) => return Err(crash),
    };
    let written = async {
        c.storage_state = "prepare".into();
        c.write(e, json!({})).await?;
        c.computer_state = "prepare".into();
        c.write(e, json!({})).await
    };
    if let Err(err) = written.await {
        tracing::error!(error = %err, "could not record create_cluster");
        return Ok(Setup::Over);
    }
    e.mark(id, "init-1");
    let me = e.clone();
    Ok(Setup::Deal(Box::pin(async move { deal_create(&me, c).await })))
}

/// `CreateClusterMission::DealLocal` and the callbacks of its two sub-jobs.
async fn deal_create(e: &Arc<Engine>, mut c: Create) -> anyhow::Result<()> {
    let r = sqlx::query("INSERT INTO db_clusters(name, nick_name, owner, ddl_log_tblname, business, ha_mode) VALUES (?, ?, 'abc', ?, 'kunlun', ?) RETURNING CAST(id AS CHAR) AS id")
        .bind(c.cluster_name.clone())
        .bind(c.nick_name.clone())
        .bind(format!("ddl_ops_log_{}", c.cluster_name))
        .bind(c.ha_mode.clone())
        .fetch_one(e.store.pool())
        .await
        .map_err(store::db)?;
    let cluster_id = store::returned_id(&r)?;
    c.cluster_id = Some(cluster_id);

    let phase = |kind, id, done| Phase {
        id,
        kind,
        cluster_id,
        cluster_name: c.cluster_name.clone(),
        nick_name: c.nick_name.clone(),
        ha_mode: c.ha_mode.clone(),
        computer_user: c.computer_user.clone(),
        computer_pwd: c.computer_pwd.clone(),
        internal: true,
        done: Some(done),
    };
    let common = json!({"ha_mode": c.ha_mode, "cluster_id": cluster_id.to_string(), "cluster_name": c.cluster_name});
    let mut shard_paras = common.clone();
    shard_paras["shards"] = json!(c.shards.to_string());
    shard_paras["nodes"] = json!(c.nodes.to_string());
    shard_paras["innodb_size"] = json!(c.innodb_size.to_string());
    shard_paras["dbcfg"] = json!(c.dbcfg.to_string());
    let shard_job = sub_job(e, "internal_add_shard", shard_paras).await?;
    let (shard_tx, mut shard_rx) = oneshot::channel::<PhaseEnd>();
    let kind = PhaseKind::AddShards {
        shards: c.shards as usize,
        nodes: c.nodes as usize,
        iplists: c.storage_iplists.clone(),
    };
    e.enqueue(Queued::Phase(phase(kind, shard_job, shard_tx)));
    c.shard_job = Some(shard_job);
    c.storage_state = "dispatch".into();
    c.write(e, json!({})).await?;

    let mut comp_paras = common;
    comp_paras["comps"] = json!(c.comps.to_string());
    let comp_job = sub_job(e, "internal_add_comps", comp_paras).await?;
    let (comp_tx, mut comp_rx) = oneshot::channel::<PhaseEnd>();
    let kind = PhaseKind::AddComps { comps: c.comps as usize, iplists: c.computer_iplists.clone() };
    e.enqueue(Queued::Phase(phase(kind, comp_job, comp_tx)));
    c.comp_job = Some(comp_job);
    c.computer_state = "dispatch".into();
    c.write(e, json!({})).await?;
    // The end of DealLocal: UpdateOperationRecord overwrites the memo.
    e.store.write_job(c.id, "ongoing", &super::memo(codes::OK, json!({}))).await?;

    let (mut shards_open, mut comps_open) = (true, true);
    while shards_open || comps_open {
        tokio::select! {
            end = &mut shard_rx, if shards_open => {
                shards_open = false;
                let end = end.unwrap_or(PhaseEnd { ok: false, error_info: "sub-job lost".into() });
                if end.ok {
                    c.storage_state = "done".into();
                    c.write(e, json!({})).await?;
                    for i in 1..=c.shards { e.mark(c.id, format!("shard-{i}")); }
                } else {
                    c.storage_state = "failed".into();
                    c.status = "failed";
                    c.code = codes::CREATE_CLUSTER_INSTALL_STORAGE;
                    c.write(e, json!({"shard_error_info": end.error_info})).await?;
                    e.mark(c.id, "finish-1-failed");
                }
            }
            end = &mut comp_rx, if comps_open => {
                comps_open = false;
                let end = end.unwrap_or(PhaseEnd { ok: false, error_info: "sub-job lost".into() });
                if end.ok {
                    c.computer_state = "done".into();
                    c.write(e, json!({})).await?;
                    for i in 1..=c.comps { e.mark(c.id, format!("comp-{i}")); }
                } else {
                    c.computer_state = "failed".into();
                    c.status = "failed";
                    c.code = codes::CREATE_CLUSTER_INSTALL_COMPUTER;
                    c.write(e, json!({"comp_error_info": end.error_info})).await?;
                    e.mark(c.id, "finish-1-failed");
                }
            }
        }
        if c.storage_state == "done" && c.computer_state == "done" {
            post_create_cluster(e, &c).await?;
            c.status = "done";
            c.write(e, json!({})).await?;
            e.mark(c.id, "finish-1-done");
        }
    }
    if c.status == "failed" {
        // RollbackStorageJob / RollbackComputerJob / RollbackMetaTables: what a phase
        // installed goes, then the cluster row.
        remove_cluster(e, cluster_id).await?;
    }
    Ok(())
}

/// `PostCreateCluster`: `db_clusters.memo` gets the creation parameters, the compute
/// password in clear among them (`computer_passwd`).
async fn post_create_cluster(e: &Engine, c: &Create) -> anyhow::Result<()> {
    let memo = json!({"ha_mode": c.ha_mode, "shards": c.shards.to_string(), "nodes": c.nodes.to_string(),
        "comps": c.comps.to_string(), "max_storage_size": c.max_storage_size.to_string(),
        "max_connections": c.max_connections.to_string(), "cpu_cores": c.cpu_cores.to_string(),
        "computer_user": c.computer_user, "computer_passwd": c.computer_pwd,
        "innodb_size": c.innodb_size.to_string(), "dbcfg": c.dbcfg.to_string()});
    sqlx::query("UPDATE db_clusters SET memo = ? WHERE name = ?")
        .bind(crate::wire::to_jsoncpp(&memo))
        .bind(c.cluster_name.clone())
        .execute(e.store.pool())
        .await
        .map_err(store::db)?;
    Ok(())
}
