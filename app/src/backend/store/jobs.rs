//! The console's record of the cluster_mgr jobs it submits (see migrations/0002).

use super::{now, Store};

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
}

pub struct NewJob<'a> {
    pub job_type: &'a str,
    pub target: &'a str,
    pub params: &'a str,
    pub user_name: &'a str,
    pub client_addr: &'a str,
}

impl Store {
    /// Records a job about to be submitted; returns the console's job id.
    pub async fn job_submitting(&self, j: NewJob<'_>) -> Result<i64, sqlx::Error> {
        let t = now();
        let id: (i64,) = sqlx::query_as(
            "INSERT INTO jobs (job_type, target, params, user_name, client_addr, status, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, 'submitting', ?, ?) RETURNING id",
        )
        .bind(j.job_type)
        .bind(j.target)
        .bind(j.params)
        .bind(j.user_name)
        .bind(j.client_addr)
        .bind(t)
        .bind(t)
        .fetch_one(&self.pool)
        .await?;
        Ok(id.0)
    }

    /// cluster_mgr accepted the job.
    pub async fn job_accepted(&self, id: i64, cm_job_id: &str) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE jobs SET cm_job_id = ?, status = 'running', updated_at = ? WHERE id = ?",
        )
        .bind(cm_job_id)
        .bind(now())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Marks a job finished. True only for the call that moved it from running or
    /// submitting to done/failed, so the outcome is audited exactly once.
    pub async fn job_finished(&self, id: i64, ok: bool, error: &str) -> Result<bool, sqlx::Error> {
        let r = sqlx::query(
            "UPDATE jobs SET status = ?, error = ?, updated_at = ?
             WHERE id = ? AND status IN ('submitting', 'running')",
        )
        .bind(if ok { "done" } else { "failed" })
        .bind(error)
        .bind(now())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected() == 1)
    }

    pub async fn job(&self, id: i64) -> Result<Option<JobRecord>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, job_type, target, user_name, cm_job_id, status, error, created_at, updated_at
             FROM jobs WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
    }
}
