//! The console's own store (SQLite file by default), its migrations and its queries.

pub mod access;
pub mod audit;
pub mod jobs;
pub mod sessions;
pub mod users;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use std::{path::Path, str::FromStr, time::Duration};

/// Handle to the store; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) pool: SqlitePool,
}

impl Store {
    /// Opens (creating if needed) the SQLite store in `data_dir` and applies migrations.
    pub async fn open_in(data_dir: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(data_dir)?;
        let url = format!("sqlite://{}", data_dir.join("xpanel.db").display());
        Self::open(&url).await
    }

    /// Opens the store at a sqlx SQLite URL (`sqlite::memory:` works for tests).
    pub async fn open(url: &str) -> anyhow::Result<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .foreign_keys(true)
            .journal_mode(SqliteJournalMode::Wal)
            .busy_timeout(Duration::from_secs(5));
        // An in-memory database exists once per connection, so it gets exactly one.
        let max = if url.contains(":memory:") { 1 } else { 8 };
        let pool = SqlitePoolOptions::new().max_connections(max).connect_with(options).await?;
        sqlx::migrate!("../migrations/sqlite").run(&pool).await?;
        Ok(Store { pool })
    }
}

impl Store {
    /// One round trip to the store (for `/readyz`).
    pub async fn ping(&self) -> sqlx::Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map(|_| ())
    }
}

/// Current time in Unix seconds, the unit of every timestamp in the store.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
