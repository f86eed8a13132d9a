//! Grants (migration 0004): which clusters a user may act on, and when. Like every
//! change of rights, adding or removing one ends the user's sessions in the same
//! transaction.

use super::{insert_id, now, with_pool, Store};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GrantRecord {
    pub id: i64,
    pub user_id: i64,
    pub cluster_id: Option<i64>,
    pub valid_from: Option<i64>,
    pub valid_until: Option<i64>,
    pub created_by: String,
}

impl GrantRecord {
    /// Whether this grant opens `cluster` at time `t`.
    pub fn covers(&self, cluster: i64, t: i64) -> bool {
        self.cluster_id.is_none_or(|c| c == cluster)
            && self.valid_from.is_none_or(|f| f <= t)
            && self.valid_until.is_none_or(|u| t < u)
    }
}

impl Store {
    pub async fn grants_of(&self, user_id: i64) -> sqlx::Result<Vec<GrantRecord>> {
        with_pool!(self, |pool| {
            sqlx::query_as(&self.sql(
                "SELECT id, user_id, cluster_id, valid_from, valid_until, created_by
                 FROM grants WHERE user_id = ? ORDER BY id",
            ))
            .bind(user_id)
            .fetch_all(pool)
            .await
        })
    }

    /// Adds a grant; ends the user's sessions.
    pub async fn add_grant(
        &self,
        user_id: i64,
        cluster_id: Option<i64>,
        valid: (Option<i64>, Option<i64>),
        by: &str,
    ) -> sqlx::Result<i64> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let id = insert_id!(
                self,
                &mut *tx,
                "INSERT INTO grants (user_id, cluster_id, valid_from, valid_until, created_at, created_by)
                 VALUES (?, ?, ?, ?, ?, ?)",
                user_id,
                cluster_id,
                valid.0,
                valid.1,
                now(),
                by,
            )?;
            sqlx::query(&self.sql("DELETE FROM sessions WHERE user_id = ?"))
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Removes a grant of `user_id`; ends the user's sessions. False if there was none.
    pub async fn delete_grant(&self, user_id: i64, grant_id: i64) -> sqlx::Result<bool> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let n = sqlx::query(&self.sql("DELETE FROM grants WHERE id = ? AND user_id = ?"))
                .bind(grant_id)
                .bind(user_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            sqlx::query(&self.sql("DELETE FROM sessions WHERE user_id = ?"))
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(n == 1)
        })
    }
}
