//! Read-only access to Klustron's metadata database (`kunlun_metadata_db`), over the
//! MySQL protocol like XPanel, or from a SQLite file (the simulator's embedded default).
//!
//! The same SQL runs on both: every column is read through `CAST(col AS CHAR)`, which
//! MySQL/MariaDB and SQLite both understand, into text that is then parsed into typed
//! values ([`rows`]). That also keeps sqlx's `Any` driver away from MySQL column types it
//! does not map (ENUM, unsigned, TIMESTAMP).
//!
//! Klustron's schema is not the same in every release: cluster_mgr 1.0's
//! `meta_inuse.sql` has no `comp_nodes.mysql_port`, later metadata may. The columns that
//! differ are looked up once per connection pool ([`Columns`]) and queries name only
//! the ones that exist.

mod clusters;
mod counts;
mod job_log;
mod machines;
mod members;
pub mod model;
mod rows;
mod sql;
mod switchovers;
pub mod xpanel_accounts;

use std::sync::{Arc, Once};
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::AnyPool;
use tokio::sync::OnceCell;

use crate::error::ClientError;

pub use job_log::JobRow;
pub use machines::{MachineQuery, MachineSort};
pub use model::{
    BackupTarget, Cluster, ClusterMemo, CompNode, HaMode, JobLogEntry, Machine, MemberNode, Shard,
    ShardNode, Switchover, SwitchoverStep,
};
pub use rows::{text, text_opt};
pub use sql::{host_port, redact_url};

/// A pool on one metadata database.
#[derive(Clone, Debug)]
pub struct MetaDb {
    pool: AnyPool,
    url_for_logs: String,
    backend: Backend,
    columns: Arc<OnceCell<Columns>>,
    counts: Arc<counts::Counts>,
}

/// Which SQL dialect the metadata speaks (for the few catalogue queries that differ).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Backend {
    MySql,
    Sqlite,
}

/// Optional columns of Klustron's metadata, as found in this database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Columns {
    /// `comp_nodes.mysql_port`: absent in cluster_mgr 1.0's `meta_inuse.sql`, where the
    /// MySQL port is the PostgreSQL port + 1 by cluster_mgr's convention
    /// (`add_computer.cc` `AddComputerJobs`).
    pub comp_mysql_port: bool,
    /// `shards.status` (`inuse`/`deleted`, meta_inuse.sql).
    pub shards_status: bool,
}

static DRIVERS: Once = Once::new();

impl MetaDb {
    /// Connects to `mysql://…` or `sqlite:…`. Gives up after `timeout` so that a dead seed
    /// does not hold discovery up.
    pub async fn connect(url: &str, timeout: Duration) -> Result<Self, ClientError> {
        Self::connect_with(url, timeout, 4).await
    }

    /// [`connect`](Self::connect) with at most `max_connections` connections.
    pub async fn connect_with(
        url: &str,
        timeout: Duration,
        max_connections: u32,
    ) -> Result<Self, ClientError> {
        DRIVERS.call_once(sqlx::any::install_default_drivers);
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(timeout)
            .connect(url)
            .await
            .map_err(|e| ClientError::Metadata(format!("{}: {e}", redact_url(url))))?;
        Ok(Self::from_pool(pool, url))
    }

    pub fn from_pool(pool: AnyPool, url: &str) -> Self {
        let backend = if url.starts_with("sqlite:") { Backend::Sqlite } else { Backend::MySql };
        Self {
            pool,
            url_for_logs: redact_url(url),
            backend,
            columns: Arc::new(OnceCell::new()),
            counts: Arc::default(),
        }
    }

    /// Drops the machine counts kept for a moment (`counts.rs`): the console calls it
    /// when one of its jobs ends, so the next list shows what the job changed.
    pub fn forget_counts(&self) {
        self.counts.forget();
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn url(&self) -> &str {
        &self.url_for_logs
    }

    /// The optional columns this database has, looked up on first use.
    pub async fn columns(&self) -> Result<Columns, ClientError> {
        self.columns
            .get_or_try_init(|| async {
                let c = Columns {
                    comp_mysql_port: self.has_column("comp_nodes", "mysql_port").await?,
                    shards_status: self.has_column("shards", "status").await?,
                };
                tracing::info!(metadata = %self.url_for_logs, columns = ?c, "metadata columns");
                Ok(c)
            })
            .await
            .copied()
    }

    async fn has_column(&self, table: &str, column: &str) -> Result<bool, ClientError> {
        let sql = match self.backend {
            Backend::MySql => {
                "SELECT CAST(COUNT(*) AS CHAR) AS n FROM information_schema.COLUMNS \
                 WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?"
            }
            Backend::Sqlite => {
                "SELECT CAST(COUNT(*) AS CHAR) AS n FROM pragma_table_info(?) WHERE name = ?"
            }
        };
        let row = sqlx::query(sql)
            .bind(table.to_owned())
            .bind(column.to_owned())
            .fetch_one(&self.pool)
            .await
            .map_err(|e| self.failed(e))?;
        Ok(rows::int(&row, "n") > 0)
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
}
