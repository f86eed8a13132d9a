//! The simulator's metadata database: Klustron's table and column names, in a SQLite
//! file or in MariaDB/MySQL. Reads go through `klustron::MetaDb` (the console's own
//! reader); the writes cluster_mgr would do live here, each in one transaction.

use std::time::Duration;

use klustron::jobs::MachineType;
use klustron::metadata::MetaDb;
use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::{Any, AnyPool, Transaction};

const SCHEMA: &str = include_str!("schema.sql");

#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    meta: MetaDb,
    url: String,
}

pub type Tx = Transaction<'static, Any>;

fn db_err(e: sqlx::Error) -> anyhow::Error {
    anyhow::anyhow!("metadata write failed: {e}")
}

impl Store {
    /// Opens (and for SQLite creates) the database and applies the schema.
    pub async fn open(url: &str) -> anyhow::Result<Self> {
        let url = if url.starts_with("sqlite:") && !url.contains('?') {
            format!("{url}?mode=rwc")
        } else {
            url.to_owned()
        };
        let meta = MetaDb::connect(&url, Duration::from_secs(5)).await?;
        let store = Self { pool: meta.pool().clone(), meta, url };
        store.apply_schema().await?;
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

    async fn apply_schema(&self) -> anyhow::Result<()> {
        let mysql = self.url.starts_with("mysql:");
        let (id, long) = if mysql {
            ("INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY", "TEXT")
        } else {
            ("INTEGER PRIMARY KEY AUTOINCREMENT", "TEXT")
        };
        let ddl = SCHEMA.replace("{ID}", id).replace("{LONGTEXT}", long);
        for stmt in ddl.split(';') {
            let sql: String = stmt
                .lines()
                .filter(|l| !l.trim_start().starts_with("--"))
                .collect::<Vec<_>>()
                .join("\n");
            if !sql.trim().is_empty() {
                sqlx::query(&sql).execute(&self.pool).await.map_err(db_err)?;
            }
        }
        Ok(())
    }

    pub async fn begin(&self) -> anyhow::Result<Tx> {
        self.pool.begin().await.map_err(db_err)
    }

    /// Registers the cluster_mgr nodes; `leader` is the index of the raft leader.
    pub async fn set_cluster_mgr_nodes(
        &self,
        nodes: &[(String, u16)],
        leader: usize,
    ) -> anyhow::Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM cluster_mgr_nodes").execute(&mut *tx).await.map_err(db_err)?;
        for (i, (host, port)) in nodes.iter().enumerate() {
            sqlx::query(
                "INSERT INTO cluster_mgr_nodes(hostaddr, port, member_state) VALUES (?, ?, ?)",
            )
            .bind(host.clone())
            .bind(i64::from(*port))
            .bind(if i == leader { "source" } else { "replica" })
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)
    }

    // --- cluster_general_job_log -------------------------------------------------

    pub async fn new_job(
        &self,
        job_type: &str,
        user: &str,
        job_info: &Value,
    ) -> anyhow::Result<i64> {
        let r = sqlx::query(
            "INSERT INTO cluster_general_job_log(job_type, user_name, status, job_info, memo) \
             VALUES (?, ?, 'not_started', ?, '{}') RETURNING CAST(id AS CHAR) AS id",
        )
        .bind(job_type.to_owned())
        .bind(user.to_owned())
        .bind(job_info.to_string())
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)?;
        returned_id(&r)
    }

    pub async fn set_job(&self, id: i64, status: &str, memo: &Value) -> anyhow::Result<()> {
        let ended = matches!(status, "done" | "failed");
        let sql = if ended {
            "UPDATE cluster_general_job_log SET status = ?, memo = ?, when_ended = CURRENT_TIMESTAMP WHERE id = ?"
        } else {
            "UPDATE cluster_general_job_log SET status = ?, memo = ? WHERE id = ?"
        };
        sqlx::query(sql)
            .bind(status.to_owned())
            .bind(memo.to_string())
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    /// (job_type, status, memo) of a job.
    pub async fn job(&self, id: i64) -> anyhow::Result<Option<(String, String, String)>> {
        let row = sqlx::query(
            "SELECT CAST(job_type AS CHAR) AS t, CAST(status AS CHAR) AS s, CAST(memo AS CHAR) AS m \
             FROM cluster_general_job_log WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(row.map(|r| (text(&r, "t"), text(&r, "s"), text(&r, "m"))))
    }

    /// Jobs left `ongoing` by a previous run (the simulator restarted mid-job).
    pub async fn unfinished_jobs(&self) -> anyhow::Result<Vec<i64>> {
        let rows = sqlx::query(
            "SELECT CAST(id AS CHAR) AS id FROM cluster_general_job_log \
             WHERE status IN ('not_started', 'ongoing')",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(rows.iter().filter_map(|r| text(r, "id").parse().ok()).collect())
    }

    // --- server_nodes --------------------------------------------------------------

    pub async fn machine_id(&self, host: &str, t: MachineType) -> anyhow::Result<Option<i64>> {
        let row = sqlx::query("SELECT CAST(id AS CHAR) AS id FROM server_nodes WHERE hostaddr = ? AND machine_type = ?")
            .bind(host.to_owned())
            .bind(t.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(row.and_then(|r| text(&r, "id").parse().ok()))
    }

    /// Adds `ports` to a machine's `installing_port` (`add`) or removes them.
    pub async fn mark_installing(
        tx: &mut Tx,
        host: &str,
        t: MachineType,
        ports: &[u16],
        add: bool,
    ) -> anyhow::Result<()> {
        Self::edit_port_list(tx, "installing_port", host, t, ports, add).await
    }

    pub async fn mark_used(
        tx: &mut Tx,
        host: &str,
        t: MachineType,
        ports: &[u16],
        add: bool,
    ) -> anyhow::Result<()> {
        Self::edit_port_list(tx, "used_port", host, t, ports, add).await
    }

    async fn edit_port_list(
        tx: &mut Tx,
        column: &str,
        host: &str,
        t: MachineType,
        ports: &[u16],
        add: bool,
    ) -> anyhow::Result<()> {
        let sql = format!("SELECT CAST({column} AS CHAR) AS p FROM server_nodes WHERE hostaddr = ? AND machine_type = ?");
        let row = sqlx::query(&sql)
            .bind(host.to_owned())
            .bind(t.as_str())
            .fetch_optional(&mut **tx)
            .await
            .map_err(db_err)?;
        let Some(row) = row else { return Ok(()) };
        let mut list = klustron::metadata::model::parse_port_list(&text(&row, "p"));
        if add {
            list.extend_from_slice(ports);
        } else {
            list.retain(|p| !ports.contains(p));
        }
        // cluster_mgr writes "p1,p2," and NULL for none.
        let value: Option<String> =
            (!list.is_empty()).then(|| list.iter().map(|p| format!("{p},")).collect());
        let sql =
            format!("UPDATE server_nodes SET {column} = ? WHERE hostaddr = ? AND machine_type = ?");
        sqlx::query(&sql)
            .bind(value)
            .bind(host.to_owned())
            .bind(t.as_str())
            .execute(&mut **tx)
            .await
            .map_err(db_err)?;
        Ok(())
    }
}

/// The id from `INSERT … RETURNING CAST(id AS CHAR) AS id`. (sqlx's `Any` driver does
/// not pass SQLite's last insert id on; RETURNING works in SQLite and MariaDB alike.
/// Read by position: with MariaDB, sqlx does not find RETURNING columns by name.)
pub fn returned_id(row: &AnyRow) -> anyhow::Result<i64> {
    use sqlx::Row;
    let id = row.try_get::<Option<String>, _>(0).ok().flatten().unwrap_or_default();
    id.parse().map_err(|_| anyhow::anyhow!("the insert returned no id"))
}

pub use klustron::metadata::text;

pub fn db(e: sqlx::Error) -> anyhow::Error {
    db_err(e)
}
