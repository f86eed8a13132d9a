//! Rows as text, parsed into the typed model. Metadata is written by cluster_mgr and by
//! hand: a value that does not parse becomes `Unknown`, `None` or 0, never an error for
//! the whole page.

use sqlx::any::AnyRow;
use sqlx::Row;

use super::model::*;
use crate::jobs::{HaMode, MachineType};
use crate::secrets::scrub_text;

/// A column as text. MySQL servers may label `CAST(… AS CHAR)` results as binary
/// strings, which sqlx hands over as bytes, so bytes and integers are accepted too.
pub fn text(row: &AnyRow, col: &str) -> String {
    if let Ok(v) = row.try_get::<Option<String>, _>(col) {
        return v.unwrap_or_default();
    }
    if let Ok(Some(v)) = row.try_get::<Option<Vec<u8>>, _>(col) {
        return String::from_utf8_lossy(&v).into_owned();
    }
    if let Ok(Some(v)) = row.try_get::<Option<i64>, _>(col) {
        return v.to_string();
    }
    String::new()
}

/// A nullable column as text: `None` for SQL NULL (bytes and integers as in [`text`]).
pub fn text_opt(row: &AnyRow, col: &str) -> Option<String> {
    if let Ok(v) = row.try_get::<Option<String>, _>(col) {
        return v;
    }
    if let Ok(v) = row.try_get::<Option<Vec<u8>>, _>(col) {
        return v.map(|b| String::from_utf8_lossy(&b).into_owned());
    }
    if let Ok(v) = row.try_get::<Option<i64>, _>(col) {
        return v.map(|n| n.to_string());
    }
    None
}

pub(super) fn int(row: &AnyRow, col: &str) -> i64 {
    text(row, col).trim().parse().unwrap_or(0)
}

fn port(row: &AnyRow, col: &str) -> Option<u16> {
    text(row, col).trim().parse().ok().filter(|p| *p > 0)
}

pub(super) fn machine(r: &AnyRow) -> Machine {
    Machine {
        id: int(r, "id"),
        hostaddr: text(r, "hostaddr"),
        machine_type: MachineType::parse(&text(r, "machine_type")),
        port_range: parse_port_range(&text(r, "port_range")),
        used_ports: parse_port_list(&text(r, "used_port")),
        installing_ports: parse_port_list(&text(r, "installing_port")),
        node_stats: NodeStats::parse(&text(r, "node_stats")),
        total_cpu_cores: int(r, "total_cpu_cores"),
        total_mem_mb: int(r, "total_mem"),
        rack_id: text(r, "rack_id"),
        datadir: text(r, "datadir"),
        logdir: text(r, "logdir"),
        wal_log_dir: text(r, "wal_log_dir"),
        comp_datadir: text(r, "comp_datadir"),
    }
}

pub(super) fn cluster(r: &AnyRow) -> Cluster {
    Cluster {
        id: int(r, "id"),
        name: text(r, "name"),
        nick_name: text(r, "nick_name"),
        ha_mode: HaMode::parse(&text(r, "ha_mode")),
        status: text(r, "status"),
        when_created: text(r, "when_created"),
        memo: ClusterMemo::parse(&text(r, "memo")),
    }
}

pub(super) fn shard(r: &AnyRow) -> Shard {
    Shard {
        id: int(r, "id"),
        name: text(r, "name"),
        db_cluster_id: int(r, "db_cluster_id"),
        num_nodes: int(r, "num_nodes"),
        sync_num: int(r, "sync_num"),
        degrade_on: text(r, "degrade_conf_state") == "ON",
        degrade_secs: int(r, "degrade_conf_time"),
        degraded_now: text(r, "degrade_run_state") == "ON",
    }
}

pub(super) fn shard_node(r: &AnyRow) -> ShardNode {
    ShardNode {
        id: int(r, "id"),
        hostaddr: text(r, "hostaddr"),
        port: port(r, "port").unwrap_or(0),
        shard_id: int(r, "shard_id"),
        db_cluster_id: int(r, "db_cluster_id"),
        member_state: MemberState::parse(&text(r, "member_state")),
        replica_delay: int(r, "replica_delay"),
        fullsync: text(r, "sync_state") != "async",
        status: InstanceStatus::parse(&text(r, "status")),
        cpu_cores: int(r, "cpu_cores"),
    }
}

/// A compute node; without a `mysql_port` column (or with it NULL) the MySQL port is
/// derived as cluster_mgr assigns it, PostgreSQL port + 1, and marked so.
pub(super) fn comp_node(r: &AnyRow, has_mysql_port: bool) -> CompNode {
    let pg = port(r, "port").unwrap_or(0);
    let stored = if has_mysql_port { port(r, "mysql_port") } else { None };
    CompNode {
        id: int(r, "id"),
        name: text(r, "name"),
        hostaddr: text(r, "hostaddr"),
        port: pg,
        mysql_port: stored.or_else(|| pg.checked_add(1)).unwrap_or(0),
        mysql_port_derived: stored.is_none(),
        db_cluster_id: int(r, "db_cluster_id"),
        status: InstanceStatus::parse(&text(r, "status")),
        cpu_cores: int(r, "cpu_cores"),
        max_mem_mb: int(r, "max_mem_MB"),
        max_conns: int(r, "max_conns"),
    }
}

pub(super) fn member_node(r: &AnyRow) -> MemberNode {
    MemberNode {
        hostaddr: text(r, "hostaddr"),
        port: port(r, "port").unwrap_or(0),
        member_state: MemberState::parse(&text(r, "member_state")),
    }
}

/// A job-log row; its memo is cluster_mgr's JSON with any password removed.
pub(super) fn job_log_entry(r: &AnyRow) -> JobLogEntry {
    let memo = text(r, "memo");
    JobLogEntry {
        id: int(r, "id"),
        job_type: text(r, "job_type"),
        status: text(r, "status"),
        user_name: text(r, "user_name"),
        when_started: text(r, "when_started"),
        when_ended: text(r, "when_ended"),
        memo: if memo.is_empty() || memo == "NULL" { String::new() } else { scrub_text(&memo) },
    }
}
