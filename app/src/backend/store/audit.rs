//! The console's audit trail: who did what, when, from where, and how it ended.

use super::{now, with_pool, Store};
use crate::domain::audit::{like_contains, AuditFilter};

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

    /// One page of the audit log matching `filter`, newest first, and how many match.
    pub async fn audit_page(
        &self,
        filter: &AuditFilter,
        limit: i64,
        offset: i64,
    ) -> sqlx::Result<(Vec<AuditRecord>, i64)> {
        let (cond, args) = audit_where(filter);
        let rows_sql = format!(
            "SELECT id, at, user_name, client_addr, action, target, outcome, detail
             FROM audit_log WHERE {cond} ORDER BY id DESC LIMIT ? OFFSET ?"
        );
        let count_sql = format!("SELECT COUNT(*) FROM audit_log WHERE {cond}");
        let (rows_sql, count_sql) = (self.sql(&rows_sql), self.sql(&count_sql));
        with_pool!(self, |pool| {
            let mut rows = sqlx::query_as(&rows_sql);
            let mut count = sqlx::query_as::<_, (i64,)>(&count_sql);
            for a in &args {
                (rows, count) = match a {
                    Arg::Text(t) => (rows.bind(t.clone()), count.bind(t.clone())),
                    Arg::Int(n) => (rows.bind(*n), count.bind(*n)),
                };
            }
            let rows = rows.bind(limit).bind(offset).fetch_all(pool).await?;
            Ok((rows, count.fetch_one(pool).await?.0))
        })
    }
}

enum Arg {
    Text(String),
    Int(i64),
}

/// The WHERE clause for a filter, with placeholders only: no filter text enters the SQL.
fn audit_where(f: &AuditFilter) -> (String, Vec<Arg>) {
    let mut cond = vec!["1 = 1"];
    let mut args = Vec::new();
    if let Some(u) = &f.user {
        cond.push("user_name = ?");
        args.push(Arg::Text(u.clone()));
    }
    if let Some(a) = &f.action {
        cond.push("action = ?");
        args.push(Arg::Text(a.clone()));
    }
    if let Some(ok) = f.ok {
        cond.push("outcome = ?");
        args.push(Arg::Text(if ok { Outcome::Ok } else { Outcome::Failed }.as_str().into()));
    }
    if let Some(t) = f.since {
        cond.push("at >= ?");
        args.push(Arg::Int(t));
    }
    if let Some(t) = f.until {
        cond.push("at < ?");
        args.push(Arg::Int(t));
    }
    if let Some(text) = &f.text {
        // Lower-cased on both sides: LIKE's case rules differ between the databases.
        cond.push("(LOWER(target) LIKE ? ESCAPE '!' OR LOWER(detail) LIKE ? ESCAPE '!')");
        let pattern = like_contains(&text.to_lowercase());
        args.push(Arg::Text(pattern.clone()));
        args.push(Arg::Text(pattern));
    }
    (cond.join(" AND "), args)
}
