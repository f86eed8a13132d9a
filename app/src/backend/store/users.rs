//! Accounts. The password hash never leaves this module's types as a string anyone could
//! serialise: [`PasswordHash`] is deliberately not `Serialize`.

use super::{now, with_pool, Store};

/// An argon2id PHC string as stored.
#[derive(Clone)]
pub struct PasswordHash(pub String);

/// A user row as the auth code needs it.
#[derive(Clone, sqlx::FromRow)]
pub struct UserRecord {
    pub id: i64,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub password_hash: PasswordHash,
    pub must_change_password: bool,
    pub disabled: bool,
    pub language: Option<String>,
}

impl From<String> for PasswordHash {
    fn from(s: String) -> Self {
        PasswordHash(s)
    }
}

impl Store {
    pub async fn user_by_name(&self, name: &str) -> sqlx::Result<Option<UserRecord>> {
        with_pool!(self, |pool| {
            sqlx::query_as(&self.sql(
                "SELECT id, name, password_hash, must_change_password, disabled, language
                 FROM users WHERE lower(name) = lower(?)",
            ))
            .bind(name)
            .fetch_optional(pool)
            .await
        })
    }

    pub async fn user_by_id(&self, id: i64) -> sqlx::Result<Option<UserRecord>> {
        with_pool!(self, |pool| {
            sqlx::query_as(&self.sql(
                "SELECT id, name, password_hash, must_change_password, disabled, language
                 FROM users WHERE id = ?",
            ))
            .bind(id)
            .fetch_optional(pool)
            .await
        })
    }

    /// Stores the user's language (a tag already checked against the known locales).
    pub async fn set_user_language(&self, user_id: i64, tag: &str) -> sqlx::Result<()> {
        with_pool!(self, |pool| {
            sqlx::query(&self.sql("UPDATE users SET language = ? WHERE id = ?"))
                .bind(tag)
                .bind(user_id)
                .execute(pool)
                .await
                .map(|_| ())
        })
    }

    pub async fn count_users(&self) -> sqlx::Result<i64> {
        with_pool!(self, |pool| {
            sqlx::query_scalar(&self.sql("SELECT COUNT(*) FROM users")).fetch_one(pool).await
        })
    }

    /// Inserts the initial account unless the store already has accounts. Returns whether
    /// it inserted. A changed password is therefore never re-seeded.
    pub async fn seed_initial_user(&self, name: &str, hash: &PasswordHash) -> sqlx::Result<bool> {
        with_pool!(self, |pool| {
            let inserted = sqlx::query(&self.sql(
                "INSERT INTO users (name, password_hash, must_change_password, created_at, role_id)
                 SELECT ?, ?, TRUE, ?, r.id FROM roles r
                 WHERE r.name = 'super_dba' AND NOT EXISTS (SELECT 1 FROM users)",
            ))
            .bind(name)
            .bind(&hash.0)
            .bind(now())
            .execute(pool)
            .await?
            .rows_affected();
            Ok(inserted == 1)
        })
    }
}
