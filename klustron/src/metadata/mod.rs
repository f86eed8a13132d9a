//! Read-only access to Klustron's metadata database (`kunlun_metadata_db`), over the
//! MySQL protocol like XPanel, or from a SQLite file (the simulator's embedded default).
//!
//! The same SQL runs on both: every column is read through `CAST(col AS CHAR)`, which
//! MySQL/MariaDB and SQLite both understand, into text that is then parsed into typed
//! values here. That also keeps sqlx's `Any` driver away from MySQL column types it does
//! not map (ENUM, unsigned, TIMESTAMP).

pub mod model;

use std::sync::Once;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};

use crate::error::ClientError;
use crate::jobs::{HaMode, MachineType};
use model::*;

pub use model::{Cluster, CompNode, JobLogEntry, Machine, MemberNode, Shard, ShardNode};

/// A pool on one metadata database.
#[derive(Clone, Debug)]
pub struct MetaDb {
    pool: AnyPool,
    url_for_logs: String,
}

static DRIVERS: Once = Once::new();

fn redact(url: &str) -> String {
    // mysql://user:password@host -> mysql://user:***@host
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}://{}:***@{}", &url[..s], user, &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

impl MetaDb {
    /// Connects to `mysql://…` or `sqlite:…`. Gives up after `timeout` so that a dead seed
    /// does not hold discovery up.
    pub async fn connect(url: &str, timeout: Duration) -> Result<Self, ClientError> {
        DRIVERS.call_once(sqlx::any::install_default_drivers);
        let pool = AnyPoolOptions::new()
            .max_connections(4)
            .acquire_timeout(timeout)
            .connect(url)
            .await
            .map_err(|e| ClientError::Metadata(format!("{}: {e}", redact(url))))?;
        Ok(Self { pool, url_for_logs: redact(url) })
    }

    pub fn from_pool(pool: AnyPool, url: &str) -> Self {
        Self { pool, url_for_logs: redact(url) }
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn url(&self) -> &str {
        &self.url_for_logs
    }

    /// A query error, naming the database (password redacted).
    fn failed(&self, e: sqlx::Error) -> ClientError {
        ClientError::Metadata(format!("{}: {e}", self.url_for_logs))
    }

    async fn rows(&self, sql: &str) -> Result<Vec<AnyRow>, ClientError> {
        sqlx::query(sql).fetch_all(&self.pool).await.map_err(|e| self.failed(e))
    }

    async fn rows_with_id(&self, sql: &str, id: i64) -> Result<Vec<AnyRow>, ClientError> {
        sqlx::query(sql).bind(id).fetch_all(&self.pool).await.map_err(|e| self.failed(e))
    }

    /// All machines (`server_nodes` rows with a role; Klustron keeps a pseudo row without).
    pub async fn machines(&self) -> Result<Vec<Machine>, ClientError> {
        let sql = select(
            MACHINE_COLUMNS,
            "server_nodes where machine_type is not null \
             order by server_nodes.hostaddr, server_nodes.machine_type",
        );
        Ok(self.rows(&sql).await?.iter().map(machine).collect())
    }

    /// One page of machines, filtered and sorted in the database, and the number of
    /// machines that match the filter.
    pub async fn machines_page(
        &self,
        q: &MachineQuery,
    ) -> Result<(Vec<Machine>, i64), ClientError> {
        let mut cond = String::from("machine_type is not null");
        let mut binds: Vec<String> = Vec::new();
        if !q.host_contains.is_empty() {
            cond.push_str(" and hostaddr like ? escape '!'");
            binds.push(format!("%{}%", like_escape(&q.host_contains)));
        }
        if let Some(t) = q.machine_type {
            cond.push_str(" and machine_type = ?");
            binds.push(t.as_str().to_owned());
        }
        if let Some(s) = &q.node_stats {
            cond.push_str(" and node_stats = ?");
            binds.push(s.clone());
        }
        let dir = if q.descending { "desc" } else { "asc" };
        let order = format!(
            "server_nodes.{} {dir}, server_nodes.hostaddr, server_nodes.machine_type",
            q.sort.column()
        );
        let sql = format!(
            "{} order by {order} limit ? offset ?",
            select(MACHINE_COLUMNS, &format!("server_nodes where {cond}"))
        );
        let mut query = sqlx::query(&sql);
        for b in &binds {
            query = query.bind(b.clone());
        }
        let rows = query
            .bind(q.limit.clamp(1, 500))
            .bind(q.offset.max(0))
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.failed(e))?;
        let count_sql =
            format!("SELECT CAST(COUNT(*) AS CHAR) AS n FROM server_nodes WHERE {cond}");
        let mut count = sqlx::query(&count_sql);
        for b in &binds {
            count = count.bind(b.clone());
        }
        let total = count.fetch_one(&self.pool).await.map_err(|e| self.failed(e))?;
        Ok((rows.iter().map(machine).collect(), int(&total, "n")))
    }

    /// How many machine rows are in each `node_stats`.
    pub async fn machine_stats(&self) -> Result<Vec<(String, i64)>, ClientError> {
        let sql = "SELECT CAST(node_stats AS CHAR) AS s, CAST(COUNT(*) AS CHAR) AS n \
                   FROM server_nodes WHERE machine_type IS NOT NULL GROUP BY node_stats";
        Ok(self.rows(sql).await?.iter().map(|r| (text(r, "s"), int(r, "n"))).collect())
    }

    /// Storage and compute instances on one host, for the per-machine node view.
    pub async fn instances_on(
        &self,
        host: &str,
    ) -> Result<(Vec<ShardNode>, Vec<CompNode>), ClientError> {
        let err = |e| self.failed(e);
        let sql =
            select(SHARD_NODE_COLUMNS, "shard_nodes where hostaddr = ? order by shard_nodes.port");
        let shard =
            sqlx::query(&sql).bind(host.to_owned()).fetch_all(&self.pool).await.map_err(err)?;
        let sql = select(COMP_COLUMNS, "comp_nodes where hostaddr = ? order by comp_nodes.port");
        let comp =
            sqlx::query(&sql).bind(host.to_owned()).fetch_all(&self.pool).await.map_err(err)?;
        Ok((shard.iter().map(shard_node).collect(), comp.iter().map(comp_node).collect()))
    }

    /// Every cluster's (id, name, nick name), deleted ones included, to name instances.
    pub async fn cluster_names(&self) -> Result<Vec<(i64, String, String)>, ClientError> {
        let sql = select(&["id", "name", "nick_name"], "db_clusters order by db_clusters.id");
        Ok(self
            .rows(&sql)
            .await?
            .iter()
            .map(|r| (int(r, "id"), text(r, "name"), text(r, "nick_name")))
            .collect())
    }

    /// How many clusters (not deleted) are in each status, for the overview.
    pub async fn cluster_stats(&self) -> Result<Vec<(String, i64)>, ClientError> {
        let sql = "SELECT CAST(coalesce(status, '') AS CHAR) AS s, CAST(COUNT(*) AS CHAR) AS n \
                   FROM db_clusters WHERE coalesce(status, '') <> 'deleted' \
                   GROUP BY coalesce(status, '')";
        Ok(self.rows(sql).await?.iter().map(|r| (text(r, "s"), int(r, "n"))).collect())
    }

    /// Every cluster that is not deleted, including ones without a nick name.
    pub async fn clusters(&self) -> Result<Vec<Cluster>, ClientError> {
        let sql = select(
            &["id", "name", "nick_name", "ha_mode", "status", "when_created", "memo"],
            "db_clusters where coalesce(status, '') <> 'deleted' order by db_clusters.id",
        );
        Ok(self.rows(&sql).await?.iter().map(cluster).collect())
    }

    /// One page of clusters whose nick name or name contains `search`, newest first, and
    /// how many match. Clusters without a nick name are included.
    pub async fn clusters_page(
        &self,
        search: &str,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<Cluster>, i64), ClientError> {
        let err = |e| self.failed(e);
        let cond = "coalesce(status, '') <> 'deleted' \
                    and (coalesce(nick_name, '') like ? escape '!' or name like ? escape '!')";
        let pattern = format!("%{}%", like_escape(search));
        let sql = format!(
            "{} order by db_clusters.id desc limit ? offset ?",
            select(
                &["id", "name", "nick_name", "ha_mode", "status", "when_created", "memo"],
                &format!("db_clusters where {cond}")
            )
        );
        let rows = sqlx::query(&sql)
            .bind(pattern.clone())
            .bind(pattern.clone())
            .bind(limit.clamp(1, 500))
            .bind(offset.max(0))
            .fetch_all(&self.pool)
            .await
            .map_err(err)?;
        let count_sql = format!("SELECT CAST(COUNT(*) AS CHAR) AS n FROM db_clusters WHERE {cond}");
        let total = sqlx::query(&count_sql)
            .bind(pattern.clone())
            .bind(pattern)
            .fetch_one(&self.pool)
            .await
            .map_err(err)?;
        Ok((rows.iter().map(cluster).collect(), int(&total, "n")))
    }

    /// One cluster by id, unless deleted.
    pub async fn cluster(&self, id: i64) -> Result<Option<Cluster>, ClientError> {
        let sql = select(
            &["id", "name", "nick_name", "ha_mode", "status", "when_created", "memo"],
            "db_clusters where id = ? and coalesce(status, '') <> 'deleted'",
        );
        Ok(self.rows_with_id(&sql, id).await?.first().map(cluster))
    }

    /// The compute nodes of several clusters in one query (for a page of the list).
    pub async fn comp_nodes_of(&self, cluster_ids: &[i64]) -> Result<Vec<CompNode>, ClientError> {
        if cluster_ids.is_empty() {
            return Ok(vec![]);
        }
        let sql = select(
            COMP_COLUMNS,
            &format!(
                "comp_nodes where db_cluster_id in ({}) and coalesce(status, '') <> 'deleted' \
                 order by comp_nodes.db_cluster_id, comp_nodes.id",
                placeholders(cluster_ids.len())
            ),
        );
        let mut q = sqlx::query(&sql);
        for id in cluster_ids {
            q = q.bind(*id);
        }
        let rows = q.fetch_all(&self.pool).await.map_err(|e| self.failed(e))?;
        Ok(rows.iter().map(comp_node).collect())
    }

    /// (cluster id, number of shards) for several clusters in one query.
    pub async fn shard_counts(&self, cluster_ids: &[i64]) -> Result<Vec<(i64, i64)>, ClientError> {
        if cluster_ids.is_empty() {
            return Ok(vec![]);
        }
        let sql = format!(
            "SELECT CAST(db_cluster_id AS CHAR) AS c, CAST(COUNT(*) AS CHAR) AS n FROM shards \
             WHERE db_cluster_id IN ({}) GROUP BY db_cluster_id",
            placeholders(cluster_ids.len())
        );
        let mut q = sqlx::query(&sql);
        for id in cluster_ids {
            q = q.bind(*id);
        }
        let rows = q.fetch_all(&self.pool).await.map_err(|e| self.failed(e))?;
        Ok(rows.iter().map(|r| (int(r, "c"), int(r, "n"))).collect())
    }

    pub async fn shards(&self, cluster_id: i64) -> Result<Vec<Shard>, ClientError> {
        let sql = select(
            &["id", "name", "db_cluster_id", "num_nodes", "sync_num"],
            "shards where db_cluster_id = ? order by shards.id",
        );
        Ok(self.rows_with_id(&sql, cluster_id).await?.iter().map(shard).collect())
    }

    pub async fn shard_nodes(&self, cluster_id: i64) -> Result<Vec<ShardNode>, ClientError> {
        let sql = select(
            SHARD_NODE_COLUMNS,
            "shard_nodes where db_cluster_id = ? and coalesce(status, '') <> 'deleted' \
             order by shard_nodes.shard_id, shard_nodes.id",
        );
        Ok(self.rows_with_id(&sql, cluster_id).await?.iter().map(shard_node).collect())
    }

    /// A cluster's compute nodes, newest first as XPanel lists them.
    pub async fn comp_nodes(&self, cluster_id: i64) -> Result<Vec<CompNode>, ClientError> {
        let sql = select(
            COMP_COLUMNS,
            "comp_nodes where db_cluster_id = ? and coalesce(status, '') <> 'deleted' \
             order by comp_nodes.id desc",
        );
        Ok(self.rows_with_id(&sql, cluster_id).await?.iter().map(comp_node).collect())
    }

    /// Compute nodes of every cluster (for the cluster list's nested port table).
    pub async fn all_comp_nodes(&self) -> Result<Vec<CompNode>, ClientError> {
        let sql = select(
            COMP_COLUMNS,
            "comp_nodes where coalesce(status, '') <> 'deleted' \
             order by comp_nodes.db_cluster_id, comp_nodes.id",
        );
        Ok(self.rows(&sql).await?.iter().map(comp_node).collect())
    }

    pub async fn meta_db_nodes(&self) -> Result<Vec<MemberNode>, ClientError> {
        let sql = select(
            &["hostaddr", "port", "member_state"],
            "meta_db_nodes order by meta_db_nodes.id",
        );
        Ok(self.rows(&sql).await?.iter().map(member_node).collect())
    }

    pub async fn cluster_mgr_nodes(&self) -> Result<Vec<MemberNode>, ClientError> {
        let sql = select(
            &["hostaddr", "port", "member_state"],
            "cluster_mgr_nodes order by cluster_mgr_nodes.id",
        );
        Ok(self.rows(&sql).await?.iter().map(member_node).collect())
    }

    /// `host:port` of the cluster_mgr raft leader, as XPanel's login bootstrap finds it.
    pub async fn cluster_mgr_leader(&self) -> Result<Option<String>, ClientError> {
        Ok(self
            .cluster_mgr_nodes()
            .await?
            .into_iter()
            .find(|n| n.member_state == MemberState::Source)
            .map(|n| host_port(&n.hostaddr, n.port)))
    }

    /// How many entries [`job_log`](Self::job_log) pages through.
    pub async fn job_log_count(&self) -> Result<i64, ClientError> {
        let sql = "SELECT CAST(COUNT(*) AS CHAR) AS n FROM cluster_general_job_log \
                   WHERE coalesce(user_name, '') <> 'internal_user'";
        Ok(self.rows(sql).await?.first().map(|r| int(r, "n")).unwrap_or(0))
    }

    /// cluster_mgr's job log, newest first, without its own internal jobs.
    pub async fn job_log(&self, limit: i64, offset: i64) -> Result<Vec<JobLogEntry>, ClientError> {
        let sql = select(
            &["id", "job_type", "status", "user_name", "when_started", "when_ended", "memo"],
            "cluster_general_job_log where coalesce(user_name, '') <> 'internal_user' \
             order by cluster_general_job_log.id desc limit ? offset ?",
        );
        let rows = sqlx::query(&sql)
            .bind(limit.clamp(0, 1000))
            .bind(offset.max(0))
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.failed(e))?;
        Ok(rows.iter().map(job_log_entry).collect())
    }
}

/// What the machine list can be sorted by; each maps to one column, never to input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum MachineSort {
    #[default]
    Host,
    Type,
    Status,
    Cores,
    Memory,
    Rack,
}

impl MachineSort {
    fn column(self) -> &'static str {
        match self {
            MachineSort::Host => "hostaddr",
            MachineSort::Type => "machine_type",
            MachineSort::Status => "node_stats",
            MachineSort::Cores => "total_cpu_cores",
            MachineSort::Memory => "total_mem",
            MachineSort::Rack => "rack_id",
        }
    }
}

/// A machine-list request: filters, order and page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MachineQuery {
    pub host_contains: String,
    pub machine_type: Option<MachineType>,
    pub node_stats: Option<String>,
    pub sort: MachineSort,
    pub descending: bool,
    pub limit: i64,
    pub offset: i64,
}

/// Escapes LIKE wildcards so a search for `10.0_1` means those characters.
fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '!') {
            out.push('!');
        }
        out.push(c);
    }
    out
}

const MACHINE_COLUMNS: &[&str] = &[
    "id",
    "hostaddr",
    "machine_type",
    "port_range",
    "used_port",
    "installing_port",
    "node_stats",
    "total_cpu_cores",
    "total_mem",
    "rack_id",
    "datadir",
    "logdir",
    "wal_log_dir",
    "comp_datadir",
];

const SHARD_NODE_COLUMNS: &[&str] = &[
    "id",
    "hostaddr",
    "port",
    "shard_id",
    "db_cluster_id",
    "member_state",
    "replica_delay",
    "status",
    "cpu_cores",
];

const COMP_COLUMNS: &[&str] = &[
    "id",
    "name",
    "hostaddr",
    "port",
    "mysql_port",
    "db_cluster_id",
    "status",
    "cpu_cores",
    "max_mem_MB",
    "max_conns",
];

/// `?, ?, ?` for an IN list of `n` values.
fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// `[v6]:port` for IPv6 hosts, `host:port` otherwise.
pub fn host_port(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// `select cast(a as char) as a, … from <rest>`. The aliases shadow the columns in
/// ORDER BY, so `rest` orders by `table.column` (else numbers sort as text).
fn select(cols: &[&str], rest: &str) -> String {
    let list: Vec<String> = cols.iter().map(|c| format!("CAST({c} AS CHAR) AS {c}")).collect();
    format!("SELECT {} FROM {rest}", list.join(", "))
}

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

fn int(row: &AnyRow, col: &str) -> i64 {
    text(row, col).trim().parse().unwrap_or(0)
}

fn port(row: &AnyRow, col: &str) -> Option<u16> {
    text(row, col).trim().parse().ok().filter(|p| *p > 0)
}

fn machine(r: &AnyRow) -> Machine {
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

fn cluster(r: &AnyRow) -> Cluster {
    Cluster {
        id: int(r, "id"),
        name: text(r, "name"),
        nick_name: text(r, "nick_name"),
        ha_mode: HaMode::parse(&text(r, "ha_mode")),
        status: text(r, "status"),
        when_created: text(r, "when_created"),
        memo: text(r, "memo"),
    }
}

fn shard(r: &AnyRow) -> Shard {
    Shard {
        id: int(r, "id"),
        name: text(r, "name"),
        db_cluster_id: int(r, "db_cluster_id"),
        num_nodes: int(r, "num_nodes"),
        sync_num: int(r, "sync_num"),
    }
}

fn shard_node(r: &AnyRow) -> ShardNode {
    ShardNode {
        id: int(r, "id"),
        hostaddr: text(r, "hostaddr"),
        port: port(r, "port").unwrap_or(0),
        shard_id: int(r, "shard_id"),
        db_cluster_id: int(r, "db_cluster_id"),
        member_state: MemberState::parse(&text(r, "member_state")),
        replica_delay: int(r, "replica_delay"),
        status: InstanceStatus::parse(&text(r, "status")),
        cpu_cores: int(r, "cpu_cores"),
    }
}

fn comp_node(r: &AnyRow) -> CompNode {
    CompNode {
        id: int(r, "id"),
        name: text(r, "name"),
        hostaddr: text(r, "hostaddr"),
        port: port(r, "port").unwrap_or(0),
        mysql_port: port(r, "mysql_port"),
        db_cluster_id: int(r, "db_cluster_id"),
        status: InstanceStatus::parse(&text(r, "status")),
        cpu_cores: int(r, "cpu_cores"),
        max_mem_mb: int(r, "max_mem_MB"),
        max_conns: int(r, "max_conns"),
    }
}

fn member_node(r: &AnyRow) -> MemberNode {
    MemberNode {
        hostaddr: text(r, "hostaddr"),
        port: port(r, "port").unwrap_or(0),
        member_state: MemberState::parse(&text(r, "member_state")),
    }
}

fn job_log_entry(r: &AnyRow) -> JobLogEntry {
    JobLogEntry {
        id: int(r, "id"),
        job_type: text(r, "job_type"),
        status: text(r, "status"),
        user_name: text(r, "user_name"),
        when_started: text(r, "when_started"),
        when_ended: text(r, "when_ended"),
        memo: text(r, "memo"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_logs() {
        assert_eq!(
            redact("mysql://pgx:pgx_pwd@10.0.0.1:6001/db"),
            "mysql://pgx:***@10.0.0.1:6001/db"
        );
        assert_eq!(redact("sqlite:/tmp/x.db"), "sqlite:/tmp/x.db");
    }

    #[test]
    fn ipv6_hosts_get_brackets() {
        assert_eq!(host_port("::1", 58000), "[::1]:58000");
        assert_eq!(host_port("10.0.0.1", 58000), "10.0.0.1:58000");
    }
}
