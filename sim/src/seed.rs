//! Demo data: a few machines and one cluster created through the job engine (so the
//! demo exercises the same path as the console), and bulk machines for benchmarks.

use serde_json::json;

use crate::store::{self, Store};
use crate::Simulator;

/// Three storage machines, two compute machines, and a cluster "demo" on them: what is
/// missing of it is added (the machines by address, the cluster by its nick name), so
/// seeding twice changes nothing.
pub async fn demo(sim: &Simulator) -> anyhow::Result<()> {
    add_demo_machines(sim).await?;
    let has_demo = sim.store().reader().clusters().await?.iter().any(|c| c.nick_name == "demo");
    let creating = sqlx::query(
        "SELECT CAST(COUNT(*) AS CHAR) AS n FROM cluster_general_job_log \
         WHERE job_type = 'create_cluster' AND status IN ('not_started', 'ongoing') AND job_info LIKE '%\"nick_name\":\"demo\"%'",
    )
    .fetch_one(sim.store().pool())
    .await
    .map_err(store::db)?;
    if has_demo || store::text(&creating, "n") != "0" {
        return Ok(());
    }
    let body = json!({
        "version": "1.0", "job_id": "", "job_type": "create_cluster", "timestamp": "0",
        "user_name": "super_dba",
        "paras": {"nick_name": "demo", "ha_mode": "rbr", "shards": "2", "nodes": "3", "comps": "2",
                  "max_storage_size": "20", "max_connections": "1000", "cpu_cores": "8",
                  "innodb_size": "1024", "fullsync_level": "1", "dbcfg": "0",
                  "storage_iplists": ["10.0.0.11", "10.0.0.12", "10.0.0.13"],
                  "computer_iplists": ["10.0.0.21", "10.0.0.22"]}
    });
    sim.engine.handle(body.to_string().as_bytes()).await;
    // A backup storage target, as the installer registers one (`backup_storage`), for
    // the rebuild dialog's "save the old data" choice.
    sqlx::query(
        "INSERT INTO backup_storage(name, stype, conn_str, hostaddr, port) \
         VALUES ('hdfs_demo', 'HDFS', 'hdfs://10.0.0.31:9000', '10.0.0.31', 9000)",
    )
    .execute(sim.store().pool())
    .await
    .map_err(store::db)?;
    Ok(())
}

/// The demo's machines (three storage, two compute) without any cluster. True if it
/// added them, false if machines existed already (then it does nothing).
pub async fn machines_only(sim: &Simulator) -> anyhow::Result<bool> {
    if !sim.store().reader().machines().await?.is_empty() {
        return Ok(false);
    }
    add_demo_machines(sim).await?;
    Ok(true)
}

/// The demo machines that are not registered yet.
async fn add_demo_machines(sim: &Simulator) -> anyhow::Result<()> {
    let have = sim.store().reader().machines().await?;
    let mut tx = sim.store().begin().await?;
    for (host, t, range, cores, mem) in [
        ("10.0.0.11", "storage", "57000-58000", 16, 65536),
        ("10.0.0.12", "storage", "57000-58000", 16, 65536),
        ("10.0.0.13", "storage", "57000-58000", 16, 65536),
        ("10.0.0.21", "computer", "47000-48000", 8, 32768),
        ("10.0.0.22", "computer", "47000-48000", 8, 32768),
    ] {
        if !have.iter().any(|m| m.hostaddr == host && m.machine_type.map(|x| x.as_str()) == Some(t))
        {
            insert_machine(&mut tx, host, t, range, cores, mem).await?;
        }
    }
    tx.commit().await.map_err(store::db)
}

/// `n` extra machines, alternating storage and compute, some offline, for load tests.
pub async fn machines(store: &Store, n: u32) -> anyhow::Result<()> {
    let mut tx = store.begin().await?;
    for i in 0..n {
        let host = format!("10.{}.{}.{}", 100 + (i >> 16) % 100, (i >> 8) & 255, i & 255);
        let t = if i % 2 == 0 { "storage" } else { "computer" };
        let range = if t == "storage" { "57000-58000" } else { "47000-48000" };
        insert_machine(&mut tx, &host, t, range, 8, 16384).await?;
        if i % 17 == 0 {
            sqlx::query("UPDATE server_nodes SET node_stats = 'dead' WHERE hostaddr = ? AND machine_type = ?")
                .bind(host)
                .bind(t)
                .execute(&mut *tx)
                .await
                .map_err(store::db)?;
        }
    }
    tx.commit().await.map_err(store::db)
}

async fn insert_machine(
    tx: &mut store::Tx,
    host: &str,
    t: &str,
    range: &str,
    cores: i64,
    mem: i64,
) -> anyhow::Result<()> {
    let (datadir, logdir, wal, comp) = if t == "storage" {
        ("/kunlun/storage/data", "/kunlun/storage/log", "/kunlun/storage/wal", "")
    } else {
        ("", "", "", "/kunlun/server/data")
    };
    sqlx::query(
        "INSERT INTO server_nodes(hostaddr, machine_type, port_range, node_stats, rack_id, comp_datadir, datadir, logdir, wal_log_dir, total_mem, total_cpu_cores) \
         VALUES (?, ?, ?, 'running', '0', ?, ?, ?, ?, ?, ?)",
    )
    .bind(host.to_owned())
    .bind(t.to_owned())
    .bind(range.to_owned())
    .bind(comp)
    .bind(datadir)
    .bind(logdir)
    .bind(wal)
    .bind(mem)
    .bind(cores)
    .execute(&mut **tx)
    .await
    .map_err(store::db)?;
    Ok(())
}
