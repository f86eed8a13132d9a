//! The console's own store, its migrations and its queries.
//!
//! SQLite (a file in the data dir) by default; MySQL or PostgreSQL when several console
//! instances share one store behind a load balancer, chosen by URL (`--store-url`). Every
//! query is written once, in SQL the three accept, with `?` placeholders (rewritten to
//! `$n` for PostgreSQL), and compiled for each database by [`with_pool!`]. Each database
//! has its own copy of the migrations (`migrations/{sqlite,mysql,postgres}`), with the
//! same versions and the same meaning; only the column types differ.

pub mod access;
pub mod audit;
pub mod grants;
pub mod jobs;
pub mod lag_thresholds;
#[cfg(any(test, feature = "test-support"))]
pub mod scratch;
pub mod sessions;
#[cfg(test)]
mod tests;
pub mod users;
pub mod xpanel_import;

use sqlx::{
    mysql::{MySqlPool, MySqlPoolOptions, MySqlQueryResult},
    postgres::{PgPool, PgPoolOptions, PgQueryResult},
    sqlite::{
        SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteQueryResult,
    },
};
use std::{borrow::Cow, path::Path, str::FromStr, time::Duration};

/// Which database holds the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    MySql,
    Postgres,
}

/// A pool for one of the supported databases.
#[derive(Clone, Debug)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    MySql(MySqlPool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the store's concrete pool, so the query code is
/// written once and type-checked and compiled for each database.
macro_rules! with_pool {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.pool {
            $crate::backend::store::Pool::Sqlite($pool) => $body,
            $crate::backend::store::Pool::MySql($pool) => $body,
            $crate::backend::store::Pool::Postgres($pool) => $body,
        }
    };
}
pub(crate) use with_pool;

/// Runs an INSERT and gives the new row's id: `RETURNING id` where the database has it;
/// MySQL has none, so there the connection's last insert id (same connection, no race).
macro_rules! insert_id {
    ($store:expr, $exec:expr, $sql:expr $(, $bind:expr)* $(,)?) => {{
        if $store.dialect() == $crate::backend::store::Dialect::MySql {
            sqlx::query(&$store.sql($sql))
                $(.bind($bind))*
                .execute($exec)
                .await
                .map(|r| $crate::backend::store::LastInsertId::last_insert(&r))
        } else {
            let sql = format!("{} RETURNING id", $sql);
            sqlx::query_scalar::<_, i64>(&$store.sql(&sql))
                $(.bind($bind))*
                .fetch_one($exec)
                .await
        }
    }};
}
pub(crate) use insert_id;

/// The id of the row an INSERT added, where the database reports it.
pub(crate) trait LastInsertId {
    fn last_insert(&self) -> i64;
}
impl LastInsertId for SqliteQueryResult {
    fn last_insert(&self) -> i64 {
        self.last_insert_rowid()
    }
}
impl LastInsertId for MySqlQueryResult {
    fn last_insert(&self) -> i64 {
        i64::try_from(self.last_insert_id()).unwrap_or(i64::MAX)
    }
}
impl LastInsertId for PgQueryResult {
    /// Never asked: PostgreSQL inserts use `RETURNING id`.
    fn last_insert(&self) -> i64 {
        0
    }
}

/// Handle to the store; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) pool: Pool,
}

/// `dir` 0700, `file` (created empty if missing) 0600, on Unix.
fn private(dir: &Path, file: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        std::fs::OpenOptions::new().create(true).append(true).mode(0o600).open(file)?;
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    let _ = (dir, file);
    Ok(())
}

impl Store {
    /// Opens the store named by `url`, or without one the SQLite file in `data_dir`;
    /// applies the migrations either way.
    pub async fn open_configured(url: Option<&str>, data_dir: &Path) -> anyhow::Result<Self> {
        match url.map(str::trim).filter(|u| !u.is_empty()) {
            Some(url) => Self::open(url).await,
            None => Self::open_in(data_dir).await,
        }
    }

    /// Opens (creating if needed) the SQLite store in `data_dir` and applies migrations.
    /// The store holds password and session hashes: the directory is the service
    /// user's alone (0700) and the database file, with its WAL and shared-memory files
    /// (SQLite gives them the database's mode), readable by nobody else (0600).
    pub async fn open_in(data_dir: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(data_dir)?;
        let file = data_dir.join("xpanel.db");
        private(data_dir, &file)?;
        let url = format!("sqlite://{}", file.display());
        Self::open(&url).await
    }

    /// Opens the store at a URL: `sqlite:` (`sqlite::memory:` works for tests),
    /// `mysql://` or `postgres://`.
    pub async fn open(url: &str) -> anyhow::Result<Self> {
        let pool = match Dialect::of_url(url)? {
            Dialect::Sqlite => {
                let options = SqliteConnectOptions::from_str(url)?
                    .create_if_missing(true)
                    .foreign_keys(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .busy_timeout(Duration::from_secs(5));
                // An in-memory database exists once per connection, so it gets exactly one.
                let max = if url.contains(":memory:") { 1 } else { 8 };
                let pool =
                    SqlitePoolOptions::new().max_connections(max).connect_with(options).await?;
                sqlx::migrate!("../migrations/sqlite").run(&pool).await?;
                Pool::Sqlite(pool)
            }
            Dialect::MySql => {
                let pool = MySqlPoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(5))
                    .connect(url)
                    .await?;
                sqlx::migrate!("../migrations/mysql").run(&pool).await?;
                Pool::MySql(pool)
            }
            Dialect::Postgres => {
                let pool = PgPoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(5))
                    .connect(url)
                    .await?;
                sqlx::migrate!("../migrations/postgres").run(&pool).await?;
                Pool::Postgres(pool)
            }
        };
        Ok(Store { pool })
    }

    pub fn dialect(&self) -> Dialect {
        match self.pool {
            Pool::Sqlite(_) => Dialect::Sqlite,
            Pool::MySql(_) => Dialect::MySql,
            Pool::Postgres(_) => Dialect::Postgres,
        }
    }

    /// The query as this database wants it: PostgreSQL numbers its placeholders.
    pub(crate) fn sql<'a>(&self, query: &'a str) -> Cow<'a, str> {
        match self.dialect() {
            Dialect::Postgres => Cow::Owned(number_placeholders(query)),
            Dialect::Sqlite | Dialect::MySql => Cow::Borrowed(query),
        }
    }

    /// One round trip to the store (for `/readyz`).
    pub async fn ping(&self) -> sqlx::Result<()> {
        with_pool!(self, |pool| sqlx::query("SELECT 1").execute(pool).await.map(|_| ()))
    }
}

impl Dialect {
    /// The database a store URL names; anything else is refused by name.
    pub fn of_url(url: &str) -> anyhow::Result<Self> {
        let scheme = url.split(':').next().unwrap_or_default().to_ascii_lowercase();
        match scheme.as_str() {
            "sqlite" => Ok(Dialect::Sqlite),
            "mysql" | "mariadb" => Ok(Dialect::MySql),
            "postgres" | "postgresql" => Ok(Dialect::Postgres),
            _ => anyhow::bail!(
                "the store URL must start with sqlite:, mysql:// or postgres:// (got {scheme:?})"
            ),
        }
    }
}

/// `?` → `$1`, `$2`, …; a `?` inside a quoted literal is left alone. Our queries are
/// constants, so this is about correctness of the rule, not about hostile input.
fn number_placeholders(query: &str) -> String {
    let mut out = String::with_capacity(query.len() + 8);
    let (mut n, mut quoted) = (0, false);
    for c in query.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                out.push(c);
            }
            '?' if !quoted => {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
            }
            _ => out.push(c),
        }
    }
    out
}

/// Current time in Unix seconds, the unit of every timestamp in the store.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
