//! `db_clusters`, `shards`, `shard_nodes` and `comp_nodes`: the clusters and their parts.

use super::machines::SHARD_NODE_COLUMNS;
use super::rows::{cluster, comp_node, int, shard, shard_node, text};
use super::sql::{like_escape, placeholders, select};
use super::{Columns, MetaDb};
use crate::error::ClientError;
use crate::metadata::{BackupTarget, Cluster, CompNode, Shard, ShardNode};

const CLUSTER_COLUMNS: &[&str] =
    &["id", "name", "nick_name", "ha_mode", "status", "when_created", "memo"];

/// Clusters that are not deleted. Klustron's cluster_mgr deletes the row
/// (`shard.cc` `MetadataShard::delete_cluster_from_metadata`); `status='deleted'` is kept
/// out too for metadata edited by hand.
pub(super) const LIVE_CLUSTER: &str = "coalesce(status, '') <> 'deleted'";

impl MetaDb {
    /// The compute-node columns this database has (`mysql_port` only where it exists).
    pub(super) fn comp_columns(&self, cols: Columns) -> Vec<&'static str> {
        let mut c = vec!["id", "name", "hostaddr", "port"];
        if cols.comp_mysql_port {
            c.push("mysql_port");
        }
        c.extend(["db_cluster_id", "status", "cpu_cores", "max_mem_MB", "max_conns"]);
        c
    }

    async fn comp_query(&self, rest: &str, ids: &[i64]) -> Result<Vec<CompNode>, ClientError> {
        let cols = self.columns().await?;
        let sql = select(&self.comp_columns(cols), rest);
        let mut q = sqlx::query(&sql);
        for id in ids {
            q = q.bind(*id);
        }
        let rows = q.fetch_all(&self.pool).await.map_err(|e| self.failed(e))?;
        Ok(rows.iter().map(|r| comp_node(r, cols.comp_mysql_port)).collect())
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
        let sql = format!(
            "SELECT CAST(coalesce(status, '') AS CHAR) AS s, CAST(COUNT(*) AS CHAR) AS n \
             FROM db_clusters WHERE {LIVE_CLUSTER} GROUP BY coalesce(status, '')"
        );
        Ok(self.rows(&sql).await?.iter().map(|r| (text(r, "s"), int(r, "n"))).collect())
    }

    /// Every cluster that is not deleted, including ones without a nick name.
    pub async fn clusters(&self) -> Result<Vec<Cluster>, ClientError> {
        let sql = select(
            CLUSTER_COLUMNS,
            &format!("db_clusters where {LIVE_CLUSTER} order by db_clusters.id"),
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
        let cond = format!(
            "{LIVE_CLUSTER} \
             and (coalesce(nick_name, '') like ? escape '!' or name like ? escape '!')"
        );
        let pattern = format!("%{}%", like_escape(search));
        let sql = format!(
            "{} order by db_clusters.id desc limit ? offset ?",
            select(CLUSTER_COLUMNS, &format!("db_clusters where {cond}"))
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
        let sql = select(CLUSTER_COLUMNS, &format!("db_clusters where id = ? and {LIVE_CLUSTER}"));
        Ok(self.rows_with_id(&sql, id).await?.first().map(cluster))
    }

    /// The compute nodes of several clusters in one query (for a page of the list).
    pub async fn comp_nodes_of(&self, cluster_ids: &[i64]) -> Result<Vec<CompNode>, ClientError> {
        if cluster_ids.is_empty() {
            return Ok(vec![]);
        }
        let rest = format!(
            "comp_nodes where db_cluster_id in ({}) and coalesce(status, '') <> 'deleted' \
             order by comp_nodes.db_cluster_id, comp_nodes.id",
            placeholders(cluster_ids.len())
        );
        self.comp_query(&rest, cluster_ids).await
    }

    /// A cluster's compute nodes, newest first as XPanel lists them.
    pub async fn comp_nodes(&self, cluster_id: i64) -> Result<Vec<CompNode>, ClientError> {
        self.comp_query(
            "comp_nodes where db_cluster_id = ? and coalesce(status, '') <> 'deleted' \
             order by comp_nodes.id desc",
            &[cluster_id],
        )
        .await
    }

    /// Compute nodes of every cluster (for the cluster list's nested port table).
    pub async fn all_comp_nodes(&self) -> Result<Vec<CompNode>, ClientError> {
        self.comp_query(
            "comp_nodes where coalesce(status, '') <> 'deleted' \
             order by comp_nodes.db_cluster_id, comp_nodes.id",
            &[],
        )
        .await
    }

    /// Shards that are not deleted (`shards.status`, where the column exists).
    fn live_shard(cols: Columns) -> &'static str {
        if cols.shards_status {
            " and coalesce(status, '') <> 'deleted'"
        } else {
            ""
        }
    }

    /// (cluster id, number of shards) for several clusters in one query.
    pub async fn shard_counts(&self, cluster_ids: &[i64]) -> Result<Vec<(i64, i64)>, ClientError> {
        if cluster_ids.is_empty() {
            return Ok(vec![]);
        }
        let cols = self.columns().await?;
        let sql = format!(
            "SELECT CAST(db_cluster_id AS CHAR) AS c, CAST(COUNT(*) AS CHAR) AS n FROM shards \
             WHERE db_cluster_id IN ({}){} GROUP BY db_cluster_id",
            placeholders(cluster_ids.len()),
            Self::live_shard(cols)
        );
        let mut q = sqlx::query(&sql);
        for id in cluster_ids {
            q = q.bind(*id);
        }
        let rows = q.fetch_all(&self.pool).await.map_err(|e| self.failed(e))?;
        Ok(rows.iter().map(|r| (int(r, "c"), int(r, "n"))).collect())
    }

    pub async fn shards(&self, cluster_id: i64) -> Result<Vec<Shard>, ClientError> {
        let cols = self.columns().await?;
        let sql = select(
            &[
                "id",
                "name",
                "db_cluster_id",
                "num_nodes",
                "sync_num",
                "degrade_conf_state",
                "degrade_conf_time",
                "degrade_run_state",
            ],
            &format!("shards where db_cluster_id = ?{} order by shards.id", Self::live_shard(cols)),
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

    /// The backup storage targets, one per address (as XPanel lists them for a
    /// rebuild's backup, `backup_storage group by hostaddr, port`), at most 1000.
    pub async fn backup_targets(&self) -> Result<Vec<BackupTarget>, ClientError> {
        let sql = select(
            &["name", "stype", "hostaddr", "port"],
            "backup_storage order by backup_storage.id limit 1000",
        );
        let mut out: Vec<BackupTarget> = Vec::new();
        for r in self.rows(&sql).await? {
            let t = BackupTarget {
                name: text(&r, "name"),
                stype: text(&r, "stype"),
                hostaddr: text(&r, "hostaddr"),
                port: text(&r, "port").trim().parse().unwrap_or(0),
            };
            if t.port > 0 && !out.iter().any(|o| o.hostaddr == t.hostaddr && o.port == t.port) {
                out.push(t);
            }
        }
        Ok(out)
    }
}
