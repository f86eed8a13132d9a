//! The console's audit trail: who did what, when, from where, and how it ended.

use super::{now, with_pool, Store};

/// One event to record. `outcome` is `ok` or `failed`.
pub struct AuditEvent<'a> {
    pub user_name: &'a str,
    pub client_addr: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub outcome: Outcome,
    pub detail: &'a str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Failed => "failed",
        }
    }
}

/// A stored audit record.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AuditRecord {
    pub id: i64,
    pub at: i64,
    pub user_name: String,
    pub client_addr: String,
    pub action: String,
    pub target: String,
    pub outcome: String,
    pub detail: String,
}

impl Store {
    /// Appends an event. A failure to audit is logged but does not undo the action it
    /// describes; the action already happened.
    pub async fn audit(&self, e: AuditEvent<'_>) {
        with_pool!(self, |pool| {
            let r = sqlx::query(&self.sql("INSERT INTO audit_log (at, user_name, client_addr, action, target, outcome, detail)
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
            ))
            .bind(now())
            .bind(e.user_name)
            .bind(e.client_addr)
            .bind(e.action)
            .bind(e.target)
            .bind(e.outcome.as_str())
            .bind(e.detail)
            .execute(pool)
            .await;
            if let Err(err) = r {
                tracing::error!(error = %err, action = e.action, "could not write audit record");
            }
        })
    }

    /// The newest `limit` records, newest first.
    pub async fn recent_audit(&self, limit: i64) -> sqlx::Result<Vec<AuditRecord>> {
        with_pool!(self, |pool| {
            sqlx::query_as(&self.sql(
                "SELECT id, at, user_name, client_addr, action, target, outcome, detail
                 FROM audit_log ORDER BY id DESC LIMIT ?",
            ))
            .bind(limit)
            .fetch_all(pool)
            .await
        })
    }

    /// One page of the audit log, newest first, and the number of records.
    pub async fn audit_page(
        &self,
        limit: i64,
        offset: i64,
    ) -> sqlx::Result<(Vec<AuditRecord>, i64)> {
        with_pool!(self, |pool| {
            let rows = sqlx::query_as(&self.sql(
                "SELECT id, at, user_name, client_addr, action, target, outcome, detail
                 FROM audit_log ORDER BY id DESC LIMIT ? OFFSET ?",
            ))
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await?;
            let total: (i64,) =
                sqlx::query_as(&self.sql("SELECT COUNT(*) FROM audit_log")).fetch_one(pool).await?;
            Ok((rows, total.0))
        })
    }
}
