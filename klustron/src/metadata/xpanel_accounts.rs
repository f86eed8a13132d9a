//! XPanel's own accounts, kept in the metadata cluster's `kunlun_dba_tools_db` (created
//! by Klustron's installer from zettadb/cloudnative `cluster/clustermgr/dba_tools_db.sql`
//! and written by XPanel's PHP, `KunlunMonitor/application/controllers/user/*.php`),
//! read so the console can import them. Read only: nothing here writes to that database.
//!
//! The tables have no unique keys and no foreign keys, hold passwords in plain text and
//! store values the UI never would (see `../shared/klustron/xpanel-features.md`); every
//! row is read as text and judged by the importer, not here.

use sqlx::any::AnyRow;

use super::clusters::LIVE_CLUSTER;
use super::rows::{int, text, text_opt};
use super::{Backend, MetaDb};
use crate::error::ClientError;

/// Where the installer puts XPanel's accounts.
pub const XPANEL_DB: &str = "kunlun_dba_tools_db";

/// `kunlun_role_privilege`'s 28 `enum('N','Y')` columns, in the DDL's order
/// (dba_tools_db.sql; `cluster_creata_priv` is spelled so there).
pub const PRIVILEGE_COLUMNS: [&str; 28] = [
    "user_add_priv",
    "user_drop_priv",
    "user_grant_priv",
    "user_edit_priv",
    "role_add_priv",
    "role_drop_priv",
    "role_edit_priv",
    "machine_priv",
    "cluster_creata_priv",
    "cluster_drop_priv",
    "shard_create_priv",
    "shard_drop_priv",
    "storage_node_create_priv",
    "storage_node_drop_priv",
    "compute_node_create_priv",
    "compute_node_drop_priv",
    "machine_add_priv",
    "machine_drop_priv",
    "backup_service_enable_priv",
    "backup_service_disable_priv",
    "storage_enable_priv",
    "storage_disable_priv",
    "compute_enable_priv",
    "compute_disable_priv",
    "backup_priv",
    "restore_priv",
    "expand_cluster_priv",
    "shrink_cluster_priv",
];

/// A `kunlun_user` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XpanelUser {
    pub id: i64,
    pub name: String,
    /// In plain text, as XPanel keeps it.
    pub password: String,
    /// Whether e-mail, phone or WeChat is filled in (the console keeps none of them).
    pub has_contact: bool,
}

/// A `kunlun_role_privilege` row: which of [`PRIVILEGE_COLUMNS`] are exactly `'Y'`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XpanelRole {
    pub id: i64,
    pub name: String,
    pub granted: [bool; 28],
}

/// A `kunlun_role_assign` row; times as Unix seconds in the metadata server's zone, the
/// instants XPanel compared with `NOW()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XpanelAssignment {
    pub user_id: i64,
    pub role_id: i64,
    /// `permanent` or `from_to` (anything else is never in force for XPanel).
    pub valid_period: String,
    pub start_ts: Option<i64>,
    pub end_ts: Option<i64>,
    /// 1: all clusters; 2: `affected_clusters`; other values show no cluster in XPanel.
    pub apply_all_cluster: i64,
    /// Comma-separated `db_clusters.id`s, as XPanel wrote them (may be NULL, empty, or
    /// hold `null` and empty items).
    pub affected_clusters: Option<String>,
}

/// A `shard_max_dalay` row (sic): a lag-alarm threshold per shard and reader, which
/// XPanel creates lazily (`controllers/cluster/Cluster.php`, `setMaxDalay`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardDelay {
    pub cluster_id: i64,
    pub shard_id: i64,
    pub user_id: i64,
    pub max_delay_secs: i64,
}

/// Everything XPanel kept about who may do what, read at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XpanelAccounts {
    pub users: Vec<XpanelUser>,
    pub roles: Vec<XpanelRole>,
    pub assignments: Vec<XpanelAssignment>,
    pub shard_delays: Vec<ShardDelay>,
    /// The clusters that exist (not deleted), to check `affected_clusters` against.
    pub live_clusters: Vec<i64>,
    /// The metadata server's `NOW()`, in Unix seconds: the moment the periods are judged at.
    pub now: i64,
}

impl MetaDb {
    /// XPanel's accounts in database `db` on this metadata server, or `None` when it has
    /// no such database (a cluster installed without XPanel, or the simulator's SQLite).
    pub async fn xpanel_accounts(&self, db: &str) -> Result<Option<XpanelAccounts>, ClientError> {
        if self.backend == Backend::Sqlite {
            return Ok(None);
        }
        // The name goes into SQL text: letters, digits and `_` only.
        if db.is_empty()
            || db.len() > 64
            || !db.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(ClientError::Metadata(format!("{db:?} is not a database name")));
        }
        if !self.has_table(db, "kunlun_user").await? {
            return Ok(None);
        }
        let users = self
            .rows(&format!(
                "SELECT CAST(id AS CHAR) AS id, CAST(name AS CHAR) AS name,
                        CAST(password AS CHAR) AS password,
                        CAST(CONCAT(COALESCE(email, ''), COALESCE(phone_number, ''),
                                    COALESCE(wechat_number, '')) AS CHAR) AS contact
                 FROM {db}.kunlun_user ORDER BY id"
            ))
            .await?
            .iter()
            .map(|r| XpanelUser {
                id: int(r, "id"),
                name: text(r, "name"),
                password: text(r, "password"),
                has_contact: !text(r, "contact").trim().is_empty(),
            })
            .collect();
        let columns = PRIVILEGE_COLUMNS
            .iter()
            .map(|c| format!("CAST({c} AS CHAR) AS {c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let roles = self
            .rows(&format!(
                "SELECT CAST(id AS CHAR) AS id, CAST(role_name AS CHAR) AS role_name, {columns}
                 FROM {db}.kunlun_role_privilege ORDER BY id"
            ))
            .await?
            .iter()
            .map(role)
            .collect();
        let assignments = self
            .rows(&format!(
                "SELECT CAST(user_id AS CHAR) AS user_id, CAST(role_id AS CHAR) AS role_id,
                        CAST(valid_period AS CHAR) AS valid_period,
                        CAST(UNIX_TIMESTAMP(start_ts) AS CHAR) AS start_ts,
                        CAST(UNIX_TIMESTAMP(end_ts) AS CHAR) AS end_ts,
                        CAST(apply_all_cluster AS CHAR) AS apply_all_cluster,
                        CAST(affected_clusters AS CHAR) AS affected_clusters
                 FROM {db}.kunlun_role_assign ORDER BY user_id, role_id"
            ))
            .await?
            .iter()
            .map(|r| XpanelAssignment {
                user_id: int(r, "user_id"),
                role_id: int(r, "role_id"),
                valid_period: text(r, "valid_period"),
                start_ts: seconds(r, "start_ts"),
                end_ts: seconds(r, "end_ts"),
                apply_all_cluster: int(r, "apply_all_cluster"),
                affected_clusters: text_opt(r, "affected_clusters"),
            })
            .collect();
        let shard_delays = if self.has_table(db, "shard_max_dalay").await? {
            self.rows(&format!(
                "SELECT CAST(db_cluster_id AS CHAR) AS c, CAST(shard_id AS CHAR) AS s,
                        CAST(user_id AS CHAR) AS u, CAST(max_delay_time AS CHAR) AS d
                 FROM {db}.shard_max_dalay ORDER BY id"
            ))
            .await?
            .iter()
            .map(|r| ShardDelay {
                cluster_id: int(r, "c"),
                shard_id: int(r, "s"),
                user_id: int(r, "u"),
                max_delay_secs: int(r, "d"),
            })
            .collect()
        } else {
            vec![]
        };
        let live_clusters = self
            .rows(&format!(
                "SELECT CAST(id AS CHAR) AS id FROM db_clusters WHERE {LIVE_CLUSTER} ORDER BY id"
            ))
            .await?
            .iter()
            .map(|r| int(r, "id"))
            .collect();
        let now = int(&self.rows("SELECT CAST(UNIX_TIMESTAMP(NOW()) AS CHAR) AS t").await?[0], "t");
        Ok(Some(XpanelAccounts { users, roles, assignments, shard_delays, live_clusters, now }))
    }

    async fn has_table(&self, db: &str, table: &str) -> Result<bool, ClientError> {
        let row = sqlx::query(
            "SELECT CAST(COUNT(*) AS CHAR) AS n FROM information_schema.TABLES
             WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?",
        )
        .bind(db.to_owned())
        .bind(table.to_owned())
        .fetch_one(&self.pool)
        .await
        .map_err(|e| self.failed(e))?;
        Ok(int(&row, "n") > 0)
    }
}

fn role(r: &AnyRow) -> XpanelRole {
    let mut granted = [false; 28];
    for (g, c) in granted.iter_mut().zip(PRIVILEGE_COLUMNS) {
        // XPanel checks for exactly 'Y' (models/Login_model.php `authority`).
        *g = text(r, c) == "Y";
    }
    XpanelRole { id: int(r, "id"), name: text(r, "role_name"), granted }
}

/// A `UNIX_TIMESTAMP()` result: `None` for NULL; MySQL gives 0 for a zero date, kept as 0.
fn seconds(r: &AnyRow, col: &str) -> Option<i64> {
    text_opt(r, col).and_then(|s| s.split('.').next().and_then(|n| n.trim().parse().ok()))
}
