//! `add_comps` (`cluster_mission/add_computer.cc` `AddComputerMission`), for a request
//! or for create_cluster.
//!
//! The memos, in order: setup writes nothing on success; the deal phase writes
//! `prepare` once the hosts are picked, `dispatch` (`dipatch` for compute, sic) with the
//! install job ids once the installs are sent and the ports marked installing, then
//! `done` or `failed` when every install has answered.

use std::sync::Arc;

use klustron::jobs::MachineType;
use klustron::placement;
use serde_json::{json, Map, Value};

use super::add::{refuse, registered};
use super::machines::mark_ports;
use super::phases::{self, cluster_memo, hosts_text, memo_str, sub_job, Phase, PhaseKind};
use super::{Checked, Engine, Setup};
use crate::codes;
use crate::faults::InstallKind;
use crate::paras::{Paras, Read};
use crate::store;

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
