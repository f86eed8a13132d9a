//! `create_machine`, `update_machine`, `delete_machine`
//! (`cluster_mission/machine_mission.cc` `MachineRequest`): all the work happens in the
//! setup, in the queue task, and ends with one memo `{"error_code","error_info"}`
//! (`UpdateOperationRecord`).

use std::sync::Arc;

use klustron::jobs::MachineType;
use serde_json::{json, Map, Value};

use super::{Checked, Engine, Setup};
use crate::codes::{self, Code};
use crate::paras::{Paras, Read};
use crate::store::{self, Store};

pub(super) async fn set_up(
    e: &Arc<Engine>,
    id: i64,
    job_type: &str,
    paras: &Map<String, Value>,
) -> Checked<Setup> {
    let p = Paras(paras);
    let outcome = match job_type {
        "create_machine" => create(e, &p).await,
        "delete_machine" => delete(e, &p).await,
        _ if e.profile.update_machine_works() => update(e, &p).await,
        // cluster_mgr 1.0: `MachineRequest::UpdateMachine` is `return true;`: no memo, no
        // status, the row stays `not_started` with memo NULL for ever.
        _ => return Ok(Setup::Over),
    };
    let (status, code) = match outcome {
        Ok(()) => ("done", codes::OK),
        Err(Read::Refuse(code)) => ("failed", code),
        Err(crash @ Read::Crash(_)) => return Err(crash),
    };
    let memo = json!({"error_code": code.0, "error_info": code.1});
    if let Err(err) = e.store.write_job(id, status, &memo).await {
        tracing::error!(error = %err, "could not record a machine job");
    }
    Ok(Setup::Over)
}

/// The type check all three jobs share (70050 missing, 70051 unknown).
fn machine_type(p: &Paras<'_>) -> Result<MachineType, Read> {
    if !p.has("machine_type") {
        return Err(Read::Refuse(codes::MACHINE_QUEST_MISS_MACHINE_TYPE));
    }
    MachineType::parse(&p.string("machine_type"))
        .ok_or(Read::Refuse(codes::MACHINE_QUEST_MACHINE_TYPE))
}

fn required(p: &Paras<'_>, key: &str, code: Code) -> Result<String, Read> {
    if p.has(key) {
        Ok(p.string(key))
    } else {
        Err(Read::Refuse(code))
    }
}

/// `MachineRequest::CreateMachine`: type, host, then the node_mgr ping
/// (`CheckMachineState`, 10 s timeout) before any other check, then the type's own keys
/// (`CreateStorageMachine`/`CreateComputerMachine`), the duplicate check, the insert.
async fn create(e: &Engine, p: &Paras<'_>) -> Result<(), Read> {
    let t = machine_type(p)?;
    let host = required(p, "hostaddr", codes::CREATE_MACHINE_MISS_HOSTADDR)?;
    if !node_mgr_answers(e, &host).await {
        return Err(Read::Refuse(codes::CREATE_MACHINE_REPORT_ALIVE));
    }
    let rack = required(p, "rack_id", codes::CREATE_MACHINE_MISS_RACKID)?;
    let (datadir, logdir, wal, comp) = match t {
        MachineType::Storage => (
            required(p, "datadir", codes::CREATE_MACHINE_MISS_DATADIR)?,
            required(p, "logdir", codes::CREATE_MACHINE_MISS_LOGDIR)?,
            required(p, "wal_log_dir", codes::CREATE_MACHINE_MISS_WALLOGDIR)?,
            String::new(),
        ),
        MachineType::Computer => (
            String::new(),
            String::new(),
            String::new(),
            required(p, "comp_datadir", codes::CREATE_MACHINE_MISS_COMPDATADIR)?,
        ),
    };
    let range = if p.has("port_range") {
        p.string("port_range")
    } else {
        let (a, b) = t.default_port_range();
        format!("{a}-{b}")
    };
    required(p, "total_mem", codes::CREATE_MACHINE_MISS_TOTALMEM)?;
    let mem = p.stoi("total_mem")?;
    required(p, "total_cpu_cores", codes::CREATE_MACHINE_MISS_CPUCORES)?;
    let cores = p.stoi("total_cpu_cores")?;
    // A storage duplicate counts only running rows; a compute duplicate any row.
    let dup = e
        .store
        .machine_rows(&host, t, t == MachineType::Storage)
        .await
        .map_err(|_| Read::Refuse(codes::EFAIL))?;
    if dup != 0 {
        return Err(Read::Refuse(codes::CREATE_MACHINE_HOSTADDR_EXIST));
    }
    sqlx::query(
        "INSERT INTO server_nodes(hostaddr, rack_id, datadir, logdir, wal_log_dir, comp_datadir, total_mem, total_cpu_cores, port_range, machine_type) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(host)
    .bind(rack)
    .bind(none_if_empty(datadir))
    .bind(none_if_empty(logdir))
    .bind(none_if_empty(wal))
    .bind(none_if_empty(comp))
    .bind(mem)
    .bind(cores)
    .bind(range)
    .bind(t.as_str())
    .execute(e.store.pool())
    .await
    .map_err(|_| Read::Refuse(codes::EFAIL))?;
    Ok(())
}

/// Profile 1.2 only: the machine's row takes the form's values (XPanel 1.2's machine
/// form sends every field; host and type name the row).
async fn update(e: &Engine, p: &Paras<'_>) -> Result<(), Read> {
    let t = machine_type(p)?;
    let host = required(p, "hostaddr", codes::CREATE_MACHINE_MISS_HOSTADDR)?;
    if e.store.machine_rows(&host, t, false).await.map_err(|_| Read::Refuse(codes::EFAIL))? != 1 {
        return Err(Read::Refuse(codes::DELETE_MACHINE_HOSTADDR_NOT_EXIST));
    }
    let mem = p.stoi("total_mem")?;
    let cores = p.stoi("total_cpu_cores")?;
    sqlx::query(
        "UPDATE server_nodes SET port_range = ?, datadir = ?, logdir = ?, wal_log_dir = ?, comp_datadir = ?, total_mem = ?, total_cpu_cores = ? \
         WHERE hostaddr = ? AND machine_type = ?",
    )
    .bind(p.string("port_range"))
    .bind(none_if_empty(p.string("datadir")))
    .bind(none_if_empty(p.string("logdir")))
    .bind(none_if_empty(p.string("wal_log_dir")))
    .bind(none_if_empty(p.string("comp_datadir")))
    .bind(mem)
    .bind(cores)
    .bind(host)
    .bind(t.as_str())
    .execute(e.store.pool())
    .await
    .map_err(|_| Read::Refuse(codes::EFAIL))?;
    Ok(())
}

/// `MachineRequest::DeleteMachine`: exactly one row, and no port in `used_port` (empty
/// or the text `NULL`); `installing_port` is not looked at.
async fn delete(e: &Engine, p: &Paras<'_>) -> Result<(), Read> {
    let t = machine_type(p)?;
    let host = required(p, "hostaddr", codes::DELETE_MACHINE_MISS_HOSTADDR)?;
    if e.store.machine_rows(&host, t, false).await.map_err(|_| Read::Refuse(codes::EFAIL))? != 1 {
        return Err(Read::Refuse(codes::DELETE_MACHINE_HOSTADDR_NOT_EXIST));
    }
    let used = e.store.used_port(&host, t).await.map_err(|_| Read::Refuse(codes::EFAIL))?;
    if !(used.is_empty() || used == "NULL") {
        return Err(Read::Refuse(codes::DELETE_MACHINE_HAS_USED_PORT));
    }
    sqlx::query("DELETE FROM server_nodes WHERE hostaddr = ? AND machine_type = ?")
        .bind(host)
        .bind(t.as_str())
        .execute(e.store.pool())
        .await
        .map_err(|_| Read::Refuse(codes::EFAIL))?;
    Ok(())
}

/// The node_mgr ping. Documentation addresses (192.0.2.0/24, RFC 5737) stand for a host
/// whose node_mgr does not answer: the ping waits out its timeout (10 s in
/// cluster_mgr, `SyncNodeChannel sync_chan(10, …)`; here 20 steps at most), holding the
/// queue as the real one does.
async fn node_mgr_answers(e: &Engine, host: &str) -> bool {
    if host.starts_with("192.0.2.") {
        let wait = (e.step * 20).min(std::time::Duration::from_secs(10));
        tokio::time::sleep(wait).await;
        return false;
    }
    true
}

fn none_if_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// The `server_nodes` writes other jobs share.
pub(super) async fn mark_ports(
    store: &Store,
    t: MachineType,
    slots: &[(String, u16)],
    installing: Option<bool>,
    used: Option<bool>,
) -> anyhow::Result<()> {
    let mut tx = store.begin().await?;
    for (host, port) in slots {
        if let Some(add) = installing {
            Store::mark_installing(&mut tx, host, t, &[*port], add).await?;
        }
        if let Some(add) = used {
            Store::mark_used(&mut tx, host, t, &[*port], add).await?;
        }
    }
    tx.commit().await.map_err(store::db)
}
