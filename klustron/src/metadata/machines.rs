//! `server_nodes`: the machines, and the instances on one of them.

use serde::{Deserialize, Serialize};

use super::rows::{comp_node, int, machine, shard_node, text};
use super::sql::{like_escape, select};
use super::{MetaDb, ShardNode};
use crate::error::ClientError;
use crate::jobs::MachineType;
use crate::metadata::model::NodeStats;
use crate::metadata::{CompNode, Machine};

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
    pub node_stats: Option<NodeStats>,
    pub sort: MachineSort,
    pub descending: bool,
    pub limit: i64,
    pub offset: i64,
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

pub(super) const SHARD_NODE_COLUMNS: &[&str] = &[
    "id",
    "hostaddr",
    "port",
    "shard_id",
    "db_cluster_id",
    "member_state",
    "replica_delay",
    "sync_state",
    "status",
    "cpu_cores",
];

impl MetaDb {
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
            binds.push(s.as_str().to_owned());
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
        let filter = format!("{cond} {binds:?}");
        let total = match self.counts.matching(&filter) {
            Some(n) => n,
            None => {
                let count_sql =
                    format!("SELECT CAST(COUNT(*) AS CHAR) AS n FROM server_nodes WHERE {cond}");
                let mut count = sqlx::query(&count_sql);
                for b in &binds {
                    count = count.bind(b.clone());
                }
                let row = count.fetch_one(&self.pool).await.map_err(|e| self.failed(e))?;
                let n = int(&row, "n");
                self.counts.set_matching(filter, n);
                n
            }
        };
        Ok((rows.iter().map(machine).collect(), total))
    }

    /// How many machine rows are in each `node_stats`.
    /// Shared between requests for a moment, like the page's total (`counts.rs`).
    pub async fn machine_stats(&self) -> Result<Vec<(NodeStats, i64)>, ClientError> {
        if let Some(v) = self.counts.by_state() {
            return Ok(v);
        }
        let sql = "SELECT CAST(node_stats AS CHAR) AS s, CAST(COUNT(*) AS CHAR) AS n \
                   FROM server_nodes WHERE machine_type IS NOT NULL GROUP BY node_stats";
        let v: Vec<(NodeStats, i64)> = self
            .rows(sql)
            .await?
            .iter()
            .map(|r| (NodeStats::parse(&text(r, "s")), int(r, "n")))
            .collect();
        self.counts.set_by_state(v.clone());
        Ok(v)
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
        let cols = self.columns().await?;
        let sql = select(
            &self.comp_columns(cols),
            "comp_nodes where hostaddr = ? order by comp_nodes.port",
        );
        let comp =
            sqlx::query(&sql).bind(host.to_owned()).fetch_all(&self.pool).await.map_err(err)?;
        Ok((
            shard.iter().map(shard_node).collect(),
            comp.iter().map(|r| comp_node(r, cols.comp_mysql_port)).collect(),
        ))
    }
}
