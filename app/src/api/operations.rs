//! 操作记录 Operation log: cluster_mgr's job log (as XPanel shows it, internal jobs
//! hidden, job names in both languages) and the console's own audit log.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const PER_PAGE: u32 = 20;

/// One line of either log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationRow {
    pub id: i64,
    /// Job type or audit action, as recorded.
    pub action: String,
    /// Its name in the reader's language, when known.
    pub name: String,
    pub user: String,
    pub target: String,
    pub status: String,
    /// As Klustron's metadata writes it (its server's local time).
    pub started: String,
    pub ended: String,
    /// Unix seconds, for console audit entries (shown in the reader's time zone).
    pub at: Option<i64>,
    pub detail: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationPage {
    pub rows: Vec<OperationRow>,
    pub total: i64,
    pub page: u32,
    pub pages: u32,
}

/// The audit log's filter form as typed (checked on the server by `AuditFilter::parse`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    pub user: String,
    pub action: String,
    /// `ok`, `failed` or empty.
    pub outcome: String,
    /// `YYYY-MM-DD` (UTC days) or empty.
    pub from: String,
    pub to: String,
    pub text: String,
}

/// `source` is `cluster_mgr` (its job log, for every user) or `console` (the audit log,
/// for those who manage users, filtered by `filter`).
#[server(endpoint = "operations/list")]
pub async fn list_operations(
    source: String,
    page: u32,
    #[server(default)] filter: AuditQuery,
) -> Result<OperationPage, AppError> {
    use crate::backend::{app_state, auth::guard, klustron::klustron};
    use crate::domain::{access::Privilege, audit::AuditFilter};
    if source == "console" {
        // Who logged in from where, and every refusal: for administrators only.
        guard::require(Privilege::UsersRoles, None).await?;
    } else {
        guard::require_user()?;
    }
    let page = page.clamp(1, 1_000_000);
    let (limit, offset) = (i64::from(PER_PAGE), i64::from(page - 1) * i64::from(PER_PAGE));
    let (rows, total) = match source.as_str() {
        "cluster_mgr" => {
            let meta = klustron()?.meta().await?;
            let total = meta.job_log_count().await?;
            let rows = meta
                .job_log(limit, offset)
                .await?
                .into_iter()
                .map(|j| OperationRow {
                    name: crate::lang::job_name(
                        crate::backend::locale::request_locale(),
                        &j.job_type,
                    ),
                    id: j.id,
                    action: j.job_type,
                    user: j.user_name,
                    target: String::new(),
                    status: j.status,
                    started: j.when_started,
                    ended: j.when_ended,
                    at: None,
                    // The memo is cluster_mgr's JSON; shown as text, never as markup.
                    detail: j.memo.chars().take(500).collect(),
                })
                .collect();
            (rows, total)
        }
        "console" => {
            let q = &filter;
            let filter = AuditFilter::parse(
                crate::backend::locale::request_locale(),
                &q.user,
                &q.action,
                &q.outcome,
                &q.from,
                &q.to,
                &q.text,
            )
            .map_err(|e| AppError::invalid(e.field, e.message))?;
            let (records, total) = app_state()?.store.audit_page(&filter, limit, offset).await?;
            let rows = records
                .into_iter()
                .map(|a| OperationRow {
                    id: a.id,
                    name: String::new(),
                    action: a.action,
                    user: a.user_name,
                    target: a.target,
                    status: a.outcome,
                    started: String::new(),
                    ended: String::new(),
                    at: Some(a.at),
                    detail: if a.client_addr.is_empty() {
                        a.detail
                    } else {
                        format!("{} (from {})", a.detail, a.client_addr)
                    },
                })
                .collect();
            (rows, total)
        }
        _ => return Err(AppError::invalid("source", "Unknown log")),
    };
    let pages = u32::try_from((total + limit - 1) / limit).unwrap_or(u32::MAX).max(1);
    Ok(OperationPage { rows, total, page, pages })
}
