//! `cluster_general_job_log`: cluster_mgr's record of every job, the operation log.

use super::rows::{int, job_log_entry, text};
use super::sql::select;
use super::{JobLogEntry, MetaDb};
use crate::error::ClientError;

/// Jobs cluster_mgr runs for itself (sub-jobs of a create, installs, backups) carry this
/// user (`requestBase.cc` `ClusterRequest::FillCommonJobJsonDoc`).
const INTERNAL_USER: &str = "internal_user";

/// A job as cluster_mgr recorded it, looked up by the console.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRow {
    pub id: i64,
    pub status: String,
    /// Whether cluster_mgr has written a memo (NULL until the job's setup runs).
    pub has_memo: bool,
}

impl MetaDb {
    /// How many entries [`job_log`](Self::job_log) pages through.
    pub async fn job_log_count(&self) -> Result<i64, ClientError> {
        let sql = format!(
            "SELECT CAST(COUNT(*) AS CHAR) AS n FROM cluster_general_job_log \
             WHERE coalesce(user_name, '') <> '{INTERNAL_USER}'"
        );
        Ok(self.rows(&sql).await?.first().map(|r| int(r, "n")).unwrap_or(0))
    }

    /// cluster_mgr's job log, newest first, without its own internal jobs. Memos come
    /// without passwords.
    pub async fn job_log(&self, limit: i64, offset: i64) -> Result<Vec<JobLogEntry>, ClientError> {
        let sql = select(
            &["id", "job_type", "status", "user_name", "when_started", "when_ended", "memo"],
            &format!(
                "cluster_general_job_log where coalesce(user_name, '') <> '{INTERNAL_USER}' \
                 order by cluster_general_job_log.id desc limit ? offset ?"
            ),
        );
        let rows = sqlx::query(&sql)
            .bind(limit.clamp(0, 1000))
            .bind(offset.max(0))
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.failed(e))?;
        Ok(rows.iter().map(job_log_entry).collect())
    }

    /// Whether cluster_mgr has set up any job submitted after job `id`. cluster_mgr sets
    /// jobs up one at a time, in order, in one queue thread
    /// (`HandleRequestThread::run`), and every job writes a memo at the latest in its
    /// first deal step: a later job with a memo means job `id`'s setup has run.
    pub async fn later_job_has_memo(&self, id: i64) -> Result<bool, ClientError> {
        let sql = "SELECT CAST(COUNT(*) AS CHAR) AS n FROM cluster_general_job_log \
                   WHERE id > ? AND memo IS NOT NULL";
        Ok(self.rows_with_id(sql, id).await?.first().is_some_and(|r| int(r, "n") > 0))
    }

    /// The job cluster_mgr recorded for a submit whose answer was lost: same type and
    /// user, and the envelope's `timestamp` (cluster_mgr stores the whole request in
    /// `job_info`, `HttpServiceImpl::GenerateRequestUniqueId`; jsoncpp writes it without
    /// spaces). The newest match, if any.
    pub async fn find_submitted(
        &self,
        job_type: &str,
        user: &str,
        timestamp_ms: u128,
    ) -> Result<Option<JobRow>, ClientError> {
        let sql = "SELECT CAST(id AS CHAR) AS id, CAST(status AS CHAR) AS status, \
                   CAST(CASE WHEN memo IS NULL THEN 0 ELSE 1 END AS CHAR) AS has_memo \
                   FROM cluster_general_job_log \
                   WHERE job_type = ? AND user_name = ? AND job_info LIKE ? \
                   ORDER BY id DESC LIMIT 1";
        let row = sqlx::query(sql)
            .bind(job_type.to_owned())
            .bind(user.to_owned())
            .bind(format!("%\"timestamp\":\"{timestamp_ms}\"%"))
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| self.failed(e))?;
        Ok(row.map(|r| JobRow {
            id: int(&r, "id"),
            status: text(&r, "status"),
            has_memo: int(&r, "has_memo") == 1,
        }))
    }
}
