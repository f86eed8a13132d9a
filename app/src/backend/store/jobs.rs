//! The console's record of the cluster_mgr jobs it submits (see migrations/0002).

use super::{insert_id, now, with_pool, Store};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct JobRecord {
    pub id: i64,
    pub job_type: String,
    pub target: String,
    pub user_name: String,
    pub cm_job_id: Option<String>,
    pub status: String,
    pub error: String,
    pub created_at: i64,
    pub updated_at: i64,
    /// The parameters sent, as JSON (passwords redacted).
    pub params: String,
    /// The steps as last seen (JSON of `backend::jobs::progress::Progress`), or empty.
    pub progress: String,
    /// cluster_mgr's code when it failed the job.
    pub error_code: Option<i64>,
    /// Unix seconds of the last sign of the job from cluster_mgr (accepted, or an answer
    /// with a memo); NULL before it was accepted.
    pub cm_seen_at: Option<i64>,
    /// The submit envelope's `timestamp` (milliseconds), to find the job in
    /// `cluster_general_job_log.job_info` if the submit's answer was lost.
    pub submitted_ms: String,
    /// `domain::job::EndReason` key when the console ended the job itself.
    pub end_reason: String,
}

const COLUMNS: &str = "id, job_type, target, user_name, cm_job_id, status, error, created_at, updated_at, params, progress, error_code, cm_seen_at, submitted_ms, end_reason";

pub struct NewJob<'a> {
    pub job_type: &'a str,
    pub target: &'a str,
    pub params: &'a str,
    pub user_name: &'a str,
    pub client_addr: &'a str,
    pub submitted_ms: &'a str,
}

/// How a job ended.
pub struct JobEnd<'a> {
    pub ok: bool,
    pub error: &'a str,
    pub code: Option<i64>,
    /// `EndReason` key, or "".
    pub reason: &'a str,
}

impl Store {
    /// Records a job about to be submitted; returns the console's job id.
    pub async fn job_submitting(&self, j: NewJob<'_>) -> Result<i64, sqlx::Error> {
        with_pool!(self, |pool| {
            let t = now();
            insert_id!(
                self,
                pool,
                "INSERT INTO jobs (job_type, target, params, user_name, client_addr, status, created_at, updated_at, submitted_ms)
                 VALUES (?, ?, ?, ?, ?, 'submitting', ?, ?, ?)",
                j.job_type,
                j.target,
                j.params,
                j.user_name,
                j.client_addr,
                t,
                t,
                j.submitted_ms,
            )
        })
    }

    /// cluster_mgr accepted the job.
    pub async fn job_accepted(&self, id: i64, cm_job_id: &str) -> Result<(), sqlx::Error> {
        with_pool!(self, |pool| {
            let t = now();
            sqlx::query(&self.sql(
                "UPDATE jobs SET cm_job_id = ?, status = 'running', updated_at = ?, cm_seen_at = ? WHERE id = ?",
            ))
            .bind(cm_job_id)
            .bind(t)
            .bind(t)
            .bind(id)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// cluster_mgr showed the job at `at` (an answer with a memo).
    pub async fn job_seen(&self, id: i64, at: i64) -> Result<(), sqlx::Error> {
        with_pool!(self, |pool| {
            sqlx::query(&self.sql("UPDATE jobs SET cm_seen_at = ? WHERE id = ?"))
                .bind(at)
                .bind(id)
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    /// Marks a job finished. True only for the call that moved it from running or
    /// submitting to done/failed, so the outcome is audited exactly once.
    pub async fn job_finished(&self, id: i64, end: JobEnd<'_>) -> Result<bool, sqlx::Error> {
        with_pool!(self, |pool| {
            let r = sqlx::query(&self.sql(
                "UPDATE jobs SET status = ?, error = ?, error_code = ?, end_reason = ?, updated_at = ?
                 WHERE id = ? AND status IN ('submitting', 'running')",
            ))
            .bind(if end.ok { "done" } else { "failed" })
            .bind(end.error)
            .bind(end.code)
            .bind(end.reason)
            .bind(now())
            .bind(id)
            .execute(pool)
            .await?;
            Ok(r.rows_affected() == 1)
        })
    }

    /// Saves the steps as last seen.
    pub async fn job_progress(&self, id: i64, progress: &str) -> Result<(), sqlx::Error> {
        with_pool!(self, |pool| {
            sqlx::query(&self.sql("UPDATE jobs SET progress = ?, updated_at = ? WHERE id = ?"))
                .bind(progress)
                .bind(now())
                .bind(id)
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    pub async fn job(&self, id: i64) -> Result<Option<JobRecord>, sqlx::Error> {
        with_pool!(self, |pool| {
            sqlx::query_as(&self.sql(&format!("SELECT {COLUMNS} FROM jobs WHERE id = ?")))
                .bind(id)
                .fetch_optional(pool)
                .await
        })
    }

    /// (status, count) of all jobs (for `/metrics`).
    pub async fn job_counts(&self) -> Result<Vec<(String, i64)>, sqlx::Error> {
        with_pool!(self, |pool| {
            sqlx::query_as(
                &self.sql("SELECT status, COUNT(*) FROM jobs GROUP BY status ORDER BY status"),
            )
            .fetch_all(pool)
            .await
        })
    }

    /// Jobs not known to have ended: the ones to follow again after a restart.
    pub async fn unfinished_jobs(&self) -> Result<Vec<JobRecord>, sqlx::Error> {
        with_pool!(self, |pool| {
            sqlx::query_as(&self.sql(&format!(
                "SELECT {COLUMNS} FROM jobs WHERE status IN ('submitting', 'running') ORDER BY id"
            )))
            .fetch_all(pool)
            .await
        })
    }

    /// One page of jobs, newest first, optionally only those in `status`; and the count.
    pub async fn jobs_page(
        &self,
        status: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<JobRecord>, i64), sqlx::Error> {
        with_pool!(self, |pool| {
            let (cond, arg) = match status {
                // 'submitting' is shown as running: the console is still waiting on it.
                Some("running") => ("status IN ('submitting', 'running')", None),
                Some(s) => ("status = ?", Some(s)),
                None => ("1 = 1", None),
            };
            let sql = format!(
                "SELECT {COLUMNS} FROM jobs WHERE {cond} ORDER BY id DESC LIMIT ? OFFSET ?"
            );
            let sql = self.sql(&sql);
            let mut q = sqlx::query_as(&sql);
            if let Some(a) = arg {
                q = q.bind(a);
            }
            let rows = q.bind(limit).bind(offset).fetch_all(pool).await?;
            let count_sql = format!("SELECT COUNT(*) FROM jobs WHERE {cond}");
            let count_sql = self.sql(&count_sql);
            let mut c = sqlx::query_as::<_, (i64,)>(&count_sql);
            if let Some(a) = arg {
                c = c.bind(a);
            }
            let total = c.fetch_one(pool).await?.0;
            Ok((rows, total))
        })
    }
}
