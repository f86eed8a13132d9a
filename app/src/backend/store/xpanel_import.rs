//! Writing an XPanel account import ([`crate::domain::xpanel_import`]): what the plan
//! needs to know about the store, and the plan applied in one transaction, so a failed
//! import leaves the store as it was.

use super::{insert_id, now, with_pool, Store};

/// Records that XPanel user `$xpanel_id` became account `$user_id`, in transaction `$tx`.
/// (A macro, not a function: a generic executor argument makes futures lose `Send`.)
macro_rules! record_import {
    ($store:expr, $tx:ident, $xpanel_id:expr, $user_id:expr, $name:expr, $t:expr) => {
        sqlx::query(&$store.sql(
            "INSERT INTO xpanel_imports (xpanel_user_id, user_id, name, imported_at)
             VALUES (?, ?, ?, ?)",
        ))
        .bind($xpanel_id)
        .bind($user_id)
        .bind($name)
        .bind($t)
        .execute(&mut *$tx)
        .await?
    };
}
use crate::domain::access::{Privilege, SUPER_DBA};
use crate::domain::xpanel_import::{ImportPlan, Target};

/// Why an import was not written.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error("the plan names role {0:?}, which does not exist")]
    NoSuchRole(String),
    #[error("an account named {0:?} was created meanwhile; nothing was imported, run it again")]
    NameTaken(String),
    #[error(transparent)]
    Store(#[from] sqlx::Error),
}

impl Store {
    /// The roles, account names and imports the plan is made against.
    pub async fn xpanel_import_target(&self) -> sqlx::Result<Target> {
        let roles = self
            .roles()
            .await?
            .into_iter()
            .map(|r| {
                let p = r.privileges();
                (r.name, p)
            })
            .collect();
        let (user_names, imported, changed) = with_pool!(self, |pool| {
            let names: Vec<String> =
                sqlx::query_scalar(&self.sql("SELECT name FROM users")).fetch_all(pool).await?;
            let imported: Vec<i64> =
                sqlx::query_scalar(&self.sql("SELECT xpanel_user_id FROM xpanel_imports"))
                    .fetch_all(pool)
                    .await?;
            // No super_dba at all: a store not started yet, which will seed it.
            let changed: i64 = sqlx::query_scalar(&self.sql(
                "SELECT COUNT(*) FROM users WHERE name = ? AND (password_changed_at IS NOT NULL
                 OR must_change_password = FALSE)",
            ))
            .bind(SUPER_DBA)
            .fetch_one(pool)
            .await?;
            Ok::<_, sqlx::Error>((names, imported, changed))
        })?;
        Ok(Target { roles, user_names, imported, super_dba_untouched: changed == 0 })
    }

    /// Nothing has happened in this store yet: the only account is super_dba with its
    /// initial password and nothing was imported. Then the console imports XPanel's
    /// accounts by itself at start.
    pub async fn is_untouched(&self) -> sqlx::Result<bool> {
        let t = self.xpanel_import_target().await?;
        Ok(t.imported.is_empty() && t.user_names.len() == 1 && t.super_dba_untouched)
    }

    /// Writes `plan`: its roles, its accounts (must change the password; `hashes[i]`
    /// for `plan.accounts[i]`), their grants, super_dba's password (`super_dba_hash`, only
    /// if it was not changed here meanwhile), and which XPanel users were imported. All
    /// or nothing. Returns the new accounts' ids.
    pub async fn apply_xpanel_import(
        &self,
        plan: &ImportPlan,
        hashes: &[String],
        super_dba_hash: Option<&str>,
        by: &str,
    ) -> Result<Vec<i64>, ApplyError> {
        assert_eq!(hashes.len(), plan.accounts.len(), "one hash per account");
        let t = now();
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            for r in &plan.roles {
                insert_id!(
                    self,
                    &mut *tx,
                    "INSERT INTO roles (name, privileges) VALUES (?, ?)",
                    &r.name,
                    Privilege::join(&r.privileges),
                )?;
            }
            let mut ids = vec![];
            for (a, hash) in plan.accounts.iter().zip(hashes) {
                let role_id: Option<i64> =
                    sqlx::query_scalar(&self.sql("SELECT id FROM roles WHERE name = ?"))
                        .bind(&a.role)
                        .fetch_optional(&mut *tx)
                        .await?;
                let role_id = role_id.ok_or_else(|| ApplyError::NoSuchRole(a.role.clone()))?;
                let id = insert_id!(
                    self,
                    &mut *tx,
                    "INSERT INTO users (name, password_hash, must_change_password, disabled, created_at, role_id)
                     VALUES (?, ?, TRUE, ?, ?, ?)",
                    &a.name,
                    hash,
                    a.disabled,
                    t,
                    role_id,
                )
                .map_err(|e| match e {
                    sqlx::Error::Database(d) if d.is_unique_violation() => {
                        ApplyError::NameTaken(a.name.clone())
                    }
                    e => ApplyError::Store(e),
                })?;
                for g in &a.grants {
                    sqlx::query(&self.sql(
                        "INSERT INTO grants (user_id, cluster_id, valid_from, valid_until, created_at, created_by)
                         VALUES (?, ?, ?, ?, ?, ?)",
                    ))
                    .bind(id)
                    .bind(g.cluster_id)
                    .bind(g.valid_from)
                    .bind(g.valid_until)
                    .bind(t)
                    .bind(by)
                    .execute(&mut *tx)
                    .await?;
                }
                record_import!(self, tx, a.xpanel_id, id, &a.name, t);
                ids.push(id);
            }
            let super_dba: Option<i64> =
                sqlx::query_scalar(&self.sql("SELECT id FROM users WHERE name = ?"))
                    .bind(SUPER_DBA)
                    .fetch_optional(&mut *tx)
                    .await?;
            if let (Some(hash), Some(_)) = (super_dba_hash, super_dba) {
                sqlx::query(&self.sql(
                    "UPDATE users SET password_hash = ?, must_change_password = TRUE
                     WHERE name = ? AND password_changed_at IS NULL",
                ))
                .bind(hash)
                .bind(SUPER_DBA)
                .execute(&mut *tx)
                .await?;
            }
            if let Some(sid) = super_dba {
                for (xpanel_id, name) in &plan.mapped {
                    record_import!(self, tx, *xpanel_id, sid, name, t);
                }
            }
            tx.commit().await?;
            Ok(ids)
        })
    }
}
