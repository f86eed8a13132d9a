//! The simulator's metadata database: Klustron's tables (schema.sql), in a SQLite file
//! or in MariaDB/MySQL, and the reads and writes cluster_mgr does on them. The SQL here
//! is the simulator's own reading of cluster_mgr's statements (each names its source);
//! the console's reader (`klustron::MetaDb`) is used only to list machines for
//! placement, which both sides must agree on anyway.

use std::time::Duration;

use klustron::jobs::MachineType;
use klustron::metadata::MetaDb;
use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::{Any, AnyPool, Row, Transaction};

use crate::profile::Profile;
use crate::wire::to_jsoncpp;

mod server_nodes;

const SCHEMA: &str = include_str!("../schema.sql");

#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    meta: MetaDb,
    url: String,
}

pub type Tx = Transaction<'static, Any>;

/// A metadata read or write failed: a simulator problem, reported as such.
pub fn db(e: sqlx::Error) -> anyhow::Error {
    anyhow::anyhow!("metadata query failed: {e}")
}

/// One `cluster_general_job_log` row as `get_status` reads it.
#[derive(Debug, Clone)]
pub struct JobRow {
    pub job_type: String,
    pub status: String,
    /// `None` while the memo is NULL.
    pub memo: Option<String>,
}

/// A storage instance as cluster_mgr's checks read `shard_nodes`.
#[derive(Debug, Clone)]
pub struct NodeRow {
    pub id: i64,
    pub hostaddr: String,
    pub port: u16,
    pub shard_id: i64,
    pub member_state: String,
}

impl Store {
    /// Opens (and for SQLite creates) the database and applies the schema of `profile`.
    pub async fn open(url: &str, profile: Profile) -> anyhow::Result<Self> {
        let url = if url.starts_with("sqlite:") && !url.contains('?') {
            format!("{url}?mode=rwc")
        } else {
            url.to_owned()
        };
        // SQLite: one writer connection, so that jobs running side by side take turns
        // instead of failing with "database is locked" when a read in a transaction
        // turns into a write. (Never hold a transaction across another store call.)
        let conns = if url.starts_with("sqlite:") { 1 } else { 8 };
        let meta = MetaDb::connect_with(&url, Duration::from_secs(30), conns).await?;
        let store = Self { pool: meta.pool().clone(), meta, url };
        store.apply_schema(profile).await?;
        Ok(store)
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn reader(&self) -> &MetaDb {
        &self.meta
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    async fn apply_schema(&self, profile: Profile) -> anyhow::Result<()> {
        let id = if self.url.starts_with("mysql:") {
            "INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY"
        } else {
            "INTEGER PRIMARY KEY AUTOINCREMENT"
        };
        let mysql_port =
            if profile.comp_nodes_have_mysql_port() { "mysql_port INTEGER," } else { "" };
        let ddl: String = SCHEMA
            .replace("{ID}", id)
            .replace("{MYSQL_PORT}", mysql_port)
            .lines()
            .filter(|l| !l.trim_start().starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n");
        for sql in ddl.split(';') {
            if !sql.trim().is_empty() {
                sqlx::query(sql).execute(&self.pool).await.map_err(db)?;
            }
        }
        // meta_inuse.sql: "Insert a pseudo server row in order to create cluster without
        // registering valid server nodes."
        let n = self.count("SELECT CAST(COUNT(*) AS CHAR) AS n FROM server_nodes", None).await?;
        if n == 0 {
            sqlx::query("INSERT INTO server_nodes(hostaddr, total_mem, total_cpu_cores) VALUES ('pseudo_server_useless', 16384, 8)")
                .execute(&self.pool)
                .await
                .map_err(db)?;
        }
        Ok(())
    }

    pub async fn begin(&self) -> anyhow::Result<Tx> {
        self.pool.begin().await.map_err(db)
    }

    async fn count(&self, sql: &str, id: Option<i64>) -> anyhow::Result<i64> {
        let mut q = sqlx::query(sql);
        if let Some(id) = id {
            q = q.bind(id);
        }
        let row = q.fetch_one(&self.pool).await.map_err(db)?;
        Ok(text(&row, "n").parse().unwrap_or(0))
    }

    /// Registers the cluster_mgr nodes; `leader` is the raft leader's index. Each node's
    /// `port` is its HTTP port and the leader is `source` (`raft_ha.cc`
    /// `NodeHa::UpdateMetaClusterMgrState`).
    pub async fn set_cluster_mgr_nodes(
        &self,
        nodes: &[(String, u16)],
        leader: usize,
    ) -> anyhow::Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM cluster_mgr_nodes").execute(&mut *tx).await.map_err(db)?;
        for (i, (host, port)) in nodes.iter().enumerate() {
            sqlx::query(
                "INSERT INTO cluster_mgr_nodes(hostaddr, port, member_state) VALUES (?, ?, ?)",
            )
            .bind(host.clone())
            .bind(i64::from(*port))
            .bind(if i == leader { "source" } else { "replica" })
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        tx.commit().await.map_err(db)
    }

    // --- cluster_general_job_log -------------------------------------------------

    /// A new job row, as `HttpServiceImpl::GenerateRequestUniqueId` writes it: type and
    /// user, then the whole request as `job_info`; status `not_started`, memo NULL.
    pub async fn insert_job(
        &self,
        job_type: &str,
        user: &str,
        job_info: &str,
    ) -> anyhow::Result<i64> {
        let r = sqlx::query(
            "INSERT INTO cluster_general_job_log(job_type, user_name, job_info) \
             VALUES (?, ?, ?) RETURNING CAST(id AS CHAR) AS id",
        )
        .bind(job_type.to_owned())
        .bind(user.to_owned())
        .bind(job_info.to_owned())
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        returned_id(&r)
    }

    /// `UPDATE cluster_general_job_log set status=…, memo=…, when_ended=current_timestamp`
    /// (every `UpdateOperationRecord` and `UpdateMetaAndOperationStat`: cluster_mgr
    /// stamps `when_ended` on every memo write, not only at the end).
    pub async fn write_job(&self, id: i64, status: &str, memo: &Value) -> anyhow::Result<()> {
        sqlx::query(
            "UPDATE cluster_general_job_log SET status = ?, memo = ?, when_ended = CURRENT_TIMESTAMP WHERE id = ?",
        )
        .bind(status.to_owned())
        .bind(to_jsoncpp(memo))
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(())
    }

    /// `select id,job_type,status,memo from cluster_general_job_log where id=…`
    /// (`SyncMission::GetStatus`).
    pub async fn job(&self, id: i64) -> anyhow::Result<Option<JobRow>> {
        let row = sqlx::query(
            "SELECT CAST(job_type AS CHAR) AS t, CAST(status AS CHAR) AS s, CAST(memo AS CHAR) AS m \
             FROM cluster_general_job_log WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        Ok(row.map(|r| {
            let memo = text_opt(&r, "m");
            JobRow { job_type: text(&r, "t"), status: text(&r, "s"), memo }
        }))
    }

    /// Jobs neither done nor failed, with their status and type (`HttpServiceImpl::
    /// RecoverInteruptedJobIfExists`).
    pub async fn unfinished_jobs(&self) -> anyhow::Result<Vec<(i64, String, String)>> {
        let rows = sqlx::query(
            "SELECT CAST(id AS CHAR) AS id, CAST(status AS CHAR) AS s, CAST(job_type AS CHAR) AS t \
             FROM cluster_general_job_log WHERE status <> 'done' AND status <> 'failed' ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        Ok(rows
            .iter()
            .filter_map(|r| Some((text(r, "id").parse().ok()?, text(r, "s"), text(r, "t"))))
            .collect())
    }

    // --- clusters -------------------------------------------------------------------

    /// `System::get_max_cluster_id`, for the next cluster's name.
    pub async fn max_cluster_id(&self) -> anyhow::Result<i64> {
        self.count("SELECT CAST(coalesce(MAX(id), 0) AS CHAR) AS n FROM db_clusters", None).await
    }

    /// The cluster's name and memo, if the row exists (`cluster_comm.cc`
    /// `GetClusterMemoParams`: `select name, memo from db_clusters where id=…`).
    pub async fn cluster_memo(&self, id: i64) -> anyhow::Result<Vec<(String, Option<String>)>> {
        let rows = sqlx::query(
            "SELECT CAST(name AS CHAR) AS n, CAST(memo AS CHAR) AS m FROM db_clusters WHERE id = ?",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        Ok(rows.iter().map(|r| (text(r, "n"), text_opt(r, "m"))).collect())
    }

    /// Shard rows of a cluster (ids), all of them as cluster_mgr counts them.
    pub async fn shard_ids(&self, cluster_id: i64) -> anyhow::Result<Vec<i64>> {
        let rows = sqlx::query(
            "SELECT CAST(id AS CHAR) AS id FROM shards WHERE db_cluster_id = ? ORDER BY id",
        )
        .bind(cluster_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        Ok(rows.iter().filter_map(|r| text(r, "id").parse().ok()).collect())
    }

    /// Compute-node rows of a cluster: (id, host, port).
    pub async fn comp_rows(&self, cluster_id: i64) -> anyhow::Result<Vec<(i64, String, u16)>> {
        let rows = sqlx::query("SELECT CAST(id AS CHAR) AS id, CAST(hostaddr AS CHAR) AS h, CAST(port AS CHAR) AS p FROM comp_nodes WHERE db_cluster_id = ? ORDER BY id")
            .bind(cluster_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                Some((text(r, "id").parse().ok()?, text(r, "h"), text(r, "p").parse().ok()?))
            })
            .collect())
    }

    /// Storage-node rows of a cluster.
    pub async fn node_rows(&self, cluster_id: i64) -> anyhow::Result<Vec<NodeRow>> {
        let rows = sqlx::query("SELECT CAST(id AS CHAR) AS id, CAST(hostaddr AS CHAR) AS h, CAST(port AS CHAR) AS p, CAST(shard_id AS CHAR) AS s, CAST(member_state AS CHAR) AS m FROM shard_nodes WHERE db_cluster_id = ? ORDER BY shard_id, id")
            .bind(cluster_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                Some(NodeRow {
                    id: text(r, "id").parse().ok()?,
                    hostaddr: text(r, "h"),
                    port: text(r, "p").parse().ok()?,
                    shard_id: text(r, "s").parse().ok()?,
                    member_state: text(r, "m"),
                })
            })
            .collect())
    }
}

/// The id from `INSERT … RETURNING CAST(id AS CHAR) AS id`. (sqlx's `Any` driver does
/// not pass SQLite's last insert id on; RETURNING works in SQLite and MariaDB alike.
/// Read by position: with MariaDB, sqlx does not find RETURNING columns by name.)
pub fn returned_id(row: &AnyRow) -> anyhow::Result<i64> {
    let id = row.try_get::<Option<String>, _>(0).ok().flatten().unwrap_or_default();
    id.parse().map_err(|_| anyhow::anyhow!("the insert returned no id"))
}

pub use klustron::metadata::{text, text_opt};
