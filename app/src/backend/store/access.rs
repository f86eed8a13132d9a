//! Roles and the accounts as the user administration sees them (migration 0004); grants
//! are in `grants.rs`.
//! Every change that alters what a user may do ends that user's sessions in the same
//! transaction, so new rights (or fewer) apply from the next login.

pub use super::grants::GrantRecord;
use super::{insert_id, now, with_pool, Store};
use crate::domain::access::Privilege;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RoleRecord {
    pub id: i64,
    pub name: String,
    pub builtin: bool,
    pub privileges: String,
}

impl RoleRecord {
    pub fn privileges(&self) -> Vec<Privilege> {
        Privilege::parse_list(&self.privileges)
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccountRecord {
    pub id: i64,
    pub name: String,
    pub role_id: i64,
    pub role_name: String,
    pub disabled: bool,
    pub must_change_password: bool,
    pub created_at: i64,
}

/// Who may do what, as read for one request.
#[derive(Debug, Clone)]
pub struct Rights {
    pub role: RoleRecord,
    pub grants: Vec<GrantRecord>,
}

const ACCOUNT: &str = "SELECT u.id, u.name, u.role_id, r.name AS role_name, u.disabled,
        u.must_change_password, u.created_at FROM users u JOIN roles r ON r.id = u.role_id";

/// Locks the accounts of a role until the transaction `$tx` ends (MySQL, PostgreSQL).
/// On SQLite the transaction's first write takes the database's single write lock,
/// which serialises the same way. (Macros, not functions: a generic executor argument
/// makes server functions' futures lose `Send`.)
macro_rules! lock_role {
    ($store:expr, $tx:ident, $role:expr) => {
        if $store.dialect() != super::Dialect::Sqlite {
            sqlx::query(&$store.sql("SELECT id FROM users WHERE role_id = ? FOR UPDATE"))
                .bind($role)
                .execute(&mut *$tx)
                .await?;
        }
    };
}

/// Enabled accounts with a role, as the transaction `$tx` sees them.
macro_rules! enabled_with_role {
    ($store:expr, $tx:ident, $role:expr) => {
        sqlx::query_scalar::<_, i64>(
            &$store.sql("SELECT COUNT(*) FROM users WHERE role_id = ? AND disabled = FALSE"),
        )
        .bind($role)
        .fetch_one(&mut *$tx)
        .await?
    };
}

impl Store {
    pub async fn roles(&self) -> sqlx::Result<Vec<RoleRecord>> {
        with_pool!(self, |pool| {
            sqlx::query_as(&self.sql("SELECT id, name, builtin, privileges FROM roles ORDER BY id"))
                .fetch_all(pool)
                .await
        })
    }

    pub async fn role(&self, id: i64) -> sqlx::Result<Option<RoleRecord>> {
        with_pool!(self, |pool| {
            sqlx::query_as(
                &self.sql("SELECT id, name, builtin, privileges FROM roles WHERE id = ?"),
            )
            .bind(id)
            .fetch_optional(pool)
            .await
        })
    }

    /// The role and grants of a user.
    pub async fn rights(&self, user_id: i64) -> sqlx::Result<Option<Rights>> {
        with_pool!(self, |pool| {
            let role: Option<RoleRecord> = sqlx::query_as(&self.sql(
                "SELECT r.id, r.name, r.builtin, r.privileges FROM roles r
                 JOIN users u ON u.role_id = r.id WHERE u.id = ?",
            ))
            .bind(user_id)
            .fetch_optional(pool)
            .await?;
            let Some(role) = role else { return Ok(None) };
            Ok(Some(Rights { role, grants: self.grants_of(user_id).await? }))
        })
    }

    pub async fn create_role(&self, name: &str, privileges: &str) -> sqlx::Result<i64> {
        with_pool!(self, |pool| {
            insert_id!(
                self,
                pool,
                "INSERT INTO roles (name, privileges) VALUES (?, ?)",
                name,
                privileges
            )
        })
    }

    /// Changes a role's privileges and ends the sessions of everyone who has it.
    pub async fn update_role(&self, id: i64, privileges: &str) -> sqlx::Result<bool> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let n = sqlx::query(
                &self.sql("UPDATE roles SET privileges = ? WHERE id = ? AND builtin = FALSE"),
            )
            .bind(privileges)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            sqlx::query(&self.sql(
                "DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE role_id = ?)",
            ))
            .bind(id)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(n == 1)
        })
    }

    /// Deletes a role nobody has; false if it is built in or in use.
    pub async fn delete_role(&self, id: i64) -> sqlx::Result<bool> {
        with_pool!(self, |pool| {
            let n = sqlx::query(&self.sql(
                "DELETE FROM roles WHERE id = ? AND builtin = FALSE
                 AND NOT EXISTS (SELECT 1 FROM users WHERE role_id = ?)",
            ))
            .bind(id)
            .bind(id)
            .execute(pool)
            .await?
            .rows_affected();
            Ok(n == 1)
        })
    }

    pub async fn accounts(&self) -> sqlx::Result<Vec<AccountRecord>> {
        with_pool!(self, |pool| {
            sqlx::query_as(&self.sql(&format!("{ACCOUNT} ORDER BY u.id"))).fetch_all(pool).await
        })
    }

    pub async fn account(&self, id: i64) -> sqlx::Result<Option<AccountRecord>> {
        with_pool!(self, |pool| {
            sqlx::query_as(&self.sql(&format!("{ACCOUNT} WHERE u.id = ?")))
                .bind(id)
                .fetch_optional(pool)
                .await
        })
    }

    /// A new account with a temporary password that must be changed at first login.
    /// A new account; `None` when the name (in any case) is taken, also by a create
    /// running at the same moment (the unique index decides).
    pub async fn create_account(
        &self,
        name: &str,
        hash: &str,
        role_id: i64,
    ) -> sqlx::Result<Option<i64>> {
        let r = with_pool!(self, |pool| {
            insert_id!(
                self,
                pool,
                "INSERT INTO users (name, password_hash, must_change_password, created_at, role_id)
                 VALUES (?, ?, TRUE, ?, ?)",
                name,
                hash,
                now(),
                role_id,
            )
        });
        match r {
            Ok(id) => Ok(Some(id)),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Sets role and disabled flag; ends the user's sessions.
    pub async fn update_account(&self, id: i64, role_id: i64, disabled: bool) -> sqlx::Result<()> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(&self.sql("UPDATE users SET role_id = ?, disabled = ? WHERE id = ?"))
                .bind(role_id)
                .bind(disabled)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(&self.sql("DELETE FROM sessions WHERE user_id = ?"))
                .bind(id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await
        })
    }

    /// A temporary password that must be changed at next login; ends the user's sessions.
    pub async fn reset_password(&self, id: i64, hash: &str) -> sqlx::Result<()> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(&self.sql("UPDATE users SET password_hash = ?, must_change_password = TRUE, password_changed_at = ?
                 WHERE id = ?",
            ))
            .bind(hash)
            .bind(now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
            sqlx::query(&self.sql("DELETE FROM sessions WHERE user_id = ?"))
                .bind(id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await
        })
    }

    /// Deletes an account (its sessions and grants go with it).
    pub async fn delete_account(&self, id: i64) -> sqlx::Result<()> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(&self.sql("DELETE FROM sessions WHERE user_id = ?"))
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(&self.sql("DELETE FROM grants WHERE user_id = ?"))
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(&self.sql("DELETE FROM users WHERE id = ?"))
                .bind(id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await
        })
    }

    /// Sets role and disabled flag and ends the user's sessions, unless that would leave
    /// no enabled account with role `keep`: then nothing changes and the answer is false.
    /// Check and change are one transaction, the accounts of role `keep` locked first,
    /// so two administrators demoting each other at once cannot both succeed.
    pub async fn update_account_keeping(
        &self,
        id: i64,
        role_id: i64,
        disabled: bool,
        keep: i64,
    ) -> sqlx::Result<bool> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            lock_role!(self, tx, keep);
            sqlx::query(&self.sql("UPDATE users SET role_id = ?, disabled = ? WHERE id = ?"))
                .bind(role_id)
                .bind(disabled)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            if enabled_with_role!(self, tx, keep) == 0 {
                tx.rollback().await?;
                return Ok(false);
            }
            sqlx::query(&self.sql("DELETE FROM sessions WHERE user_id = ?"))
                .bind(id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Deletes an account (its sessions and grants too), unless that would leave no
    /// enabled account with role `keep`: then nothing changes and the answer is false.
    pub async fn delete_account_keeping(&self, id: i64, keep: i64) -> sqlx::Result<bool> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            lock_role!(self, tx, keep);
            for sql in [
                "DELETE FROM sessions WHERE user_id = ?",
                "DELETE FROM grants WHERE user_id = ?",
                "DELETE FROM users WHERE id = ?",
            ] {
                sqlx::query(&self.sql(sql)).bind(id).execute(&mut *tx).await?;
            }
            if enabled_with_role!(self, tx, keep) == 0 {
                tx.rollback().await?;
                return Ok(false);
            }
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Accounts with this role that are not disabled.
    pub async fn active_with_role(&self, role_id: i64) -> sqlx::Result<i64> {
        with_pool!(self, |pool| {
            sqlx::query_scalar(
                &self.sql("SELECT COUNT(*) FROM users WHERE role_id = ? AND disabled = FALSE"),
            )
            .bind(role_id)
            .fetch_one(pool)
            .await
        })
    }
}
