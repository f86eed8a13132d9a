//! `add_shards` (`cluster_mission/add_shard.cc` `AddShardMission`) and `add_comps`
//! (`add_computer.cc` `AddComputerMission`), for a request or for create_cluster.
//!
//! The memos, in order: setup writes nothing on success; the deal phase writes
//! `prepare` once the hosts are picked, `dispatch` (`dipatch` for compute, sic) with the
//! install job ids once the installs are sent and the ports marked installing, then
//! `done` or `failed` when every install has answered.

use std::sync::Arc;

use klustron::jobs::MachineType;
use klustron::placement::{self, spread_primaries};
use serde_json::{json, Map, Value};

use super::machines::mark_ports;
use super::phases::{self, cluster_memo, hosts_text, memo_str, sub_job, Phase, PhaseKind};
use super::{Checked, Engine, Setup};
use crate::codes::{self, Code};
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

/// `add_comps` request checks (`AddComputerMission::SetUpMisson`).
pub(super) async fn set_up_add_comps(
    e: &Arc<Engine>,
    id: i64,
    paras: &Map<String, Value>,
) -> Checked<Setup> {
    let p = Paras(paras);
    let checked = async {
        let cluster_id = p.count("cluster_id", codes::ADD_COMPUTER_QUEST_MISS_CLUSTERID)?;
        let comps = p.count_in(
            "comps",
            1,
            256,
            codes::ADD_COMPUTER_QUEST_MISS_COMPS,
            codes::ADD_COMPUTER_QUEST_COMPS_PARAM,
        )?;
        let iplists = p.list("computer_iplists");
        registered(e, &iplists, MachineType::Computer, codes::ADD_COMPUTER_ASSIGN_COMPUTER_IPLISTS)
            .await?;
        let (name, memo) = cluster_memo(e, cluster_id).await.map_err(Read::Refuse)?;
        Ok::<_, Read>(Phase {
            id,
            kind: PhaseKind::AddComps { comps: comps as usize, iplists },
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

/// A refused request: `{"error_code","error_info","rollback_flag":"0"}`, failed.
async fn refuse(e: &Engine, id: i64, code: Code) -> Checked<Setup> {
    if let Err(err) = e.fail(id, code, json!({"rollback_flag": "0"})).await {
        tracing::error!(error = %err, "could not record a refusal");
    }
    Ok(Setup::Over)
}

/// `CheckMachineIplists` (`cluster_comm.cc`): every listed host has exactly one
/// `server_nodes` row of the type (whatever its `node_stats`).
pub(super) async fn registered(
    e: &Engine,
    ips: &[String],
    t: MachineType,
    code: Code,
) -> Result<(), Read> {
    for ip in ips {
        let n = e.store.machine_rows(ip, t, false).await.map_err(|_| Read::Refuse(code))?;
        if n != 1 {
            return Err(Read::Refuse(code));
        }
    }
    Ok(())
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

/// `AddComputerMission::UpdateMetaAndOperationStat`'s memo.
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
    if !p.cluster_name.is_empty() {
        m["cluster_name"] = json!(p.cluster_name);
    }
    m["cluster_id"] = json!(p.cluster_id.to_string());
    if !p.nick_name.is_empty() {
        m["nick_name"] = json!(p.nick_name);
    }
    if !p.computer_user.is_empty() {
        m["computer_user"] = json!(p.computer_user);
    }
    if !p.computer_pwd.is_empty() {
        m["computer_pwd"] = json!(p.computer_pwd);
    }
    if !slots.is_empty() {
        m["computer_hosts"] = json!(hosts_text(slots));
    }
    m
}

/// `AddComputerMission::DealLocal` and what follows it.
pub(super) async fn run_add_comps(e: &Arc<Engine>, mut p: Phase) -> anyhow::Result<()> {
    let PhaseKind::AddComps { comps, iplists } = &p.kind else { return Ok(()) };
    let (comps, iplists) = (*comps, iplists.clone());
    // GetExistMaxCompId: ids come from one counter for every cluster.
    let exist: i64 = {
        let r =
            sqlx::query("SELECT CAST(coalesce(MAX(id), 0) AS CHAR) AS n FROM comp_nodes_id_seq")
                .fetch_one(e.store.pool())
                .await
                .map_err(store::db)?;
        store::text(&r, "n").parse().unwrap_or(0)
    };
    sqlx::query("INSERT INTO comp_nodes_id_seq(id) VALUES (?)")
        .bind(exist + comps as i64)
        .execute(e.store.pool())
        .await
        .map_err(store::db)?;
    let machines = e.store.reader().machines().await?;
    // GetComputerInstallHost takes its error code by value: a listed host that is not
    // running fails the job with code 0, "OK".
    let not_running = iplists.iter().any(|ip| {
        !machines.iter().any(|m| {
            &m.hostaddr == ip
                && m.machine_type == Some(MachineType::Computer)
                && m.node_stats == klustron::metadata::model::NodeStats::Running
        })
    });
    let slots = if not_running {
        None
    } else {
        placement::place(&machines, MachineType::Computer, &iplists, comps)
    };
    let Some(slots) = slots else {
        let code =
            if not_running { codes::OK } else { codes::ADD_COMPUTER_GET_COMPUTER_MATCH_COMPS };
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
    let ok = || super::memo(codes::OK, json!({}));
    e.store.write_job(p.id, "ongoing", &comp_memo(&p, ok(), "prepare", None, &slots)).await?;
    let paras: Vec<Value> = slots
        .iter()
        .enumerate()
        .map(|(i, (h, port))| {
            json!(format!(
                "({h} | {port} | {} | {} | {})",
                port + 1,
                port + 2,
                exist + i as i64 + 1
            ))
        })
        .collect();
    let install = sub_job(e, "compute_install", json!(paras)).await?;
    e.store.write_job(install, "ongoing", &ok()).await?;
    mark_ports(&e.store, MachineType::Computer, &slots, Some(true), None).await?;
    e.store
        .write_job(p.id, "ongoing", &comp_memo(&p, ok(), "dipatch", Some(install), &slots))
        .await?;

    e.install_time(comps).await;
    let failed =
        e.faults.lock().map(|mut f| f.take_install_failure(InstallKind::Compute)).unwrap_or(false);
    mark_ports(&e.store, MachineType::Computer, &slots, Some(false), None).await?;
    if failed {
        let (h, port) = &slots[slots.len() - 1];
        let info = format!("host:{h}_{port} -- info:install postgres failed (simulator fault)|");
        e.store.write_job(install, "failed", &ok()).await?;
        let m = comp_memo(
            &p,
            super::with_text(codes::ADD_COMPUTER_INSTALL_COMPUTER, &info),
            "failed",
            Some(install),
            &slots,
        );
        e.store.write_job(p.id, "failed", &m).await?;
        p.finish(false, &info);
        return Ok(());
    }
    e.store.write_job(install, "done", &ok()).await?;
    mark_ports(&e.store, MachineType::Computer, &slots, None, Some(true)).await?;
    match post_add_computer(e, &p, exist, &slots).await {
        Ok(ids) => {
            e.store
                .write_job(p.id, "done", &comp_memo(&p, ok(), "done", Some(install), &slots))
                .await?;
            monitor_compute(e, p.cluster_id, ids);
            p.finish(true, "OK");
        }
        Err(err) => {
            // A password longer than comp_nodes.passwd's 16 characters lands here, after
            // everything was installed; `computer_state` stays "done".
            tracing::warn!(error = %err, "PostAddComputer failed");
            mark_ports(&e.store, MachineType::Computer, &slots, None, Some(false)).await?;
            let m = comp_memo(
                &p,
                super::memo(codes::ADD_COMPUTER_DEAL_POST, json!({})),
                "done",
                Some(install),
                &slots,
            );
            e.store.write_job(p.id, "failed", &m).await?;
            p.finish(false, codes::ADD_COMPUTER_DEAL_POST.1);
        }
    }
    Ok(())
}

/// `AddComputerMission::PostAddComputer`: `comp<N>` with N from the global counter,
/// `svr_node_id` 1, status left at its default, `creating`.
async fn post_add_computer(
    e: &Engine,
    p: &Phase,
    exist: i64,
    slots: &[(String, u16)],
) -> anyhow::Result<Vec<i64>> {
    let mut tx = e.store.begin().await?;
    let mut ids = Vec::new();
    for (i, (h, port)) in slots.iter().enumerate() {
        let n = exist + i as i64 + 1;
        let q = if e.profile.comp_nodes_have_mysql_port() {
            sqlx::query("INSERT INTO comp_nodes(id, name, hostaddr, port, mysql_port, db_cluster_id, user_name, passwd, svr_node_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)")
                .bind(n)
                .bind(format!("comp{n}"))
                .bind(h.clone())
                .bind(i64::from(*port))
                .bind(i64::from(*port) + 1)
        } else {
            sqlx::query("INSERT INTO comp_nodes(id, name, hostaddr, port, db_cluster_id, user_name, passwd, svr_node_id) VALUES (?, ?, ?, ?, ?, ?, ?, 1)")
                .bind(n)
                .bind(format!("comp{n}"))
                .bind(h.clone())
                .bind(i64::from(*port))
        };
        q.bind(p.cluster_id)
            .bind(p.computer_user.clone())
            .bind(p.computer_pwd.clone())
            .execute(&mut *tx)
            .await
            .map_err(store::db)?;
        ids.push(n);
    }
    tx.commit().await.map_err(store::db)?;
    Ok(ids)
}

/// `ComputerReplayDdlLogAndUpdateMeta` (`add_computer.cc`) marks new compute nodes
/// `active` once they have replayed the DDL log, a round of 2 s later.
fn monitor_compute(e: &Arc<Engine>, cluster_id: i64, ids: Vec<i64>) {
    let me = e.clone();
    e.spawn(async move {
        me.install_time(1).await;
        for id in ids {
            sqlx::query(
                "UPDATE comp_nodes SET status = 'active' WHERE db_cluster_id = ? AND id = ?",
            )
            .bind(cluster_id)
            .bind(id)
            .execute(me.store.pool())
            .await
            .map_err(store::db)?;
        }
        Ok(())
    });
}
