//! Server-side sessions, keyed by the SHA-256 of the cookie token.

use super::{now, with_pool, Store};
use crate::backend::store::users::PasswordHash;

/// A live session joined with its user, as the access gate needs it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SessionRecord {
    pub user_id: i64,
    pub user_name: String,
    pub must_change_password: bool,
    pub disabled: bool,
    pub created_at: i64,
    pub last_seen_at: i64,
}

impl Store {
    pub async fn insert_session(&self, token_hash: &str, user_id: i64) -> sqlx::Result<()> {
        with_pool!(self, |pool| {
            let t = now();
            sqlx::query(&self.sql("INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)"))
                .bind(token_hash)
                .bind(user_id)
                .bind(t)
                .bind(t)
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    pub async fn session(&self, token_hash: &str) -> sqlx::Result<Option<SessionRecord>> {
        with_pool!(self, |pool| {
            sqlx::query_as(&self.sql(
                "SELECT s.user_id, u.name AS user_name, u.must_change_password, u.disabled,
                        s.created_at, s.last_seen_at
                 FROM sessions s JOIN users u ON u.id = s.user_id
                 WHERE s.token_hash = ?",
            ))
            .bind(token_hash)
            .fetch_optional(pool)
            .await
        })
    }

    pub async fn touch_session(&self, token_hash: &str) -> sqlx::Result<()> {
        with_pool!(self, |pool| {
            sqlx::query(&self.sql("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?"))
                .bind(now())
                .bind(token_hash)
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    pub async fn delete_session(&self, token_hash: &str) -> sqlx::Result<()> {
        with_pool!(self, |pool| {
            sqlx::query(&self.sql("DELETE FROM sessions WHERE token_hash = ?"))
                .bind(token_hash)
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    /// Sets a new password, clears the forced-change flag, ends every session of the user
    /// and opens the one new session, all or nothing.
    pub async fn change_password_and_rotate(
        &self,
        user_id: i64,
        hash: &PasswordHash,
        new_token_hash: &str,
    ) -> sqlx::Result<()> {
        with_pool!(self, |pool| {
            let t = now();
            let mut tx = pool.begin().await?;
            sqlx::query(&self.sql("UPDATE users SET password_hash = ?, must_change_password = FALSE, password_changed_at = ?
                 WHERE id = ?",
            ))
            .bind(&hash.0)
            .bind(t)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
            sqlx::query(&self.sql("DELETE FROM sessions WHERE user_id = ?"))
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(&self.sql("INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)"))
                .bind(new_token_hash)
                .bind(user_id)
                .bind(t)
                .bind(t)
                .execute(&mut *tx)
                .await?;
            tx.commit().await
        })
    }

    /// Removes sessions idle since before `idle_before` or created before `created_before`.
    pub async fn purge_expired_sessions(
        &self,
        idle_before: i64,
        created_before: i64,
    ) -> sqlx::Result<u64> {
        with_pool!(self, |pool| {
            Ok(sqlx::query(
                &self.sql("DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ?"),
            )
            .bind(idle_before)
            .bind(created_before)
            .execute(pool)
            .await?
            .rows_affected())
        })
    }
}
