//! 系统管理 System: users, roles and grants. Every function needs the `users_roles`
//! privilege (super_dba's role has it), every change is audited, and every change to
//! what a user may do ends that user's sessions.

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::i18n::*;
#[cfg(feature = "ssr")]
use crate::lang::fill;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleView {
    pub id: i64,
    pub name: String,
    pub builtin: bool,
    /// Privilege keys (`domain::access::Privilege::key`).
    pub privileges: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantView {
    pub id: i64,
    /// `None`: every cluster.
    pub cluster_id: Option<i64>,
    pub valid_from: Option<i64>,
    pub valid_until: Option<i64>,
    pub created_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    pub id: i64,
    pub name: String,
    pub role_id: i64,
    pub role: String,
    pub disabled: bool,
    pub must_change_password: bool,
    pub created_at: i64,
    pub grants: Vec<GrantView>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemView {
    pub users: Vec<UserView>,
    pub roles: Vec<RoleView>,
}

#[server(endpoint = "system/get")]
pub async fn get_system() -> Result<SystemView, AppError> {
    let (state, _) = admin().await?;
    let roles = state.store.roles().await?;
    let mut users = vec![];
    for a in state.store.accounts().await? {
        let grants = state.store.grants_of(a.id).await?;
        users.push(UserView {
            id: a.id,
            name: a.name,
            role_id: a.role_id,
            role: a.role_name,
            disabled: a.disabled,
            must_change_password: a.must_change_password,
            created_at: a.created_at,
            grants: grants
                .into_iter()
                .map(|g| GrantView {
                    id: g.id,
                    cluster_id: g.cluster_id,
                    valid_from: g.valid_from,
                    valid_until: g.valid_until,
                    created_by: g.created_by,
                })
                .collect(),
        });
    }
    Ok(SystemView {
        users,
        roles: roles
            .into_iter()
            .map(|r| RoleView {
                privileges: r.privileges().iter().map(|p| p.key().to_owned()).collect(),
                id: r.id,
                name: r.name,
                builtin: r.builtin,
            })
            .collect(),
    })
}

/// Creates a user with a temporary password that must be changed at first login.
#[server(endpoint = "system/create_user")]
pub async fn create_user(name: String, role_id: i64, password: String) -> Result<i64, AppError> {
    use crate::backend::auth::password;
    use crate::domain::{NewPassword, UserName};
    let (state, who) = admin().await?;
    let name = UserName::parse(&name).map_err(|e| {
        AppError::invalid("name", e.message(crate::backend::locale::request_locale()))
    })?;
    role(&state, role_id).await?;
    let pw = NewPassword::parse(name.as_str(), "", &password, &password).map_err(|e| {
        AppError::invalid("password", e.message(crate::backend::locale::request_locale()))
    })?;
    let taken = || {
        AppError::invalid(
            "name",
            td_string!(crate::backend::locale::request_locale(), api_users.this_user_name_is_taken),
        )
    };
    if state.store.user_by_name(name.as_str()).await?.is_some() {
        return Err(taken());
    }
    let hash = password::hash(pw.expose()).await?;
    let id =
        state.store.create_account(name.as_str(), &hash.0, role_id).await?.ok_or_else(taken)?;
    audit(&who, "create_user", name.as_str(), &format!("role {role_id}")).await;
    Ok(id)
}

/// Changes a user's role and whether the account is disabled; ends the user's sessions.
/// The last enabled super_dba cannot be disabled or demoted.
#[server(endpoint = "system/update_user")]
pub async fn update_user(id: i64, role_id: i64, disabled: bool) -> Result<(), AppError> {
    let (state, who) = admin().await?;
    let user = account(&state, id).await?;
    let new_role = role(&state, role_id).await?;
    let keep = super_dba_role(&state).await?;
    if !state.store.update_account_keeping(id, role_id, disabled, keep).await? {
        return Err(last_super_dba());
    }
    let detail = format!("role {} → {}, disabled {disabled}", user.role_name, new_role.name);
    audit(&who, "update_user", &user.name, &detail).await;
    Ok(())
}

/// Sets a temporary password; the user must change it at next login (any user, not only
/// the initial account), and every session of the user ends.
#[server(endpoint = "system/reset_password")]
pub async fn reset_password(id: i64, password: String) -> Result<(), AppError> {
    use crate::backend::auth::password as hashing;
    use crate::domain::NewPassword;
    let (state, who) = admin().await?;
    let user = account(&state, id).await?;
    let pw = NewPassword::parse(&user.name, "", &password, &password).map_err(|e| {
        AppError::invalid("password", e.message(crate::backend::locale::request_locale()))
    })?;
    let hash = hashing::hash(pw.expose()).await?;
    state.store.reset_password(id, &hash.0).await?;
    audit(&who, "reset_password", &user.name, "must change at next login").await;
    Ok(())
}

/// Deletes a user; `confirm` must repeat the name. Not yourself, not the last super_dba.
#[server(endpoint = "system/delete_user")]
pub async fn delete_user(id: i64, confirm: String) -> Result<(), AppError> {
    let (state, who) = admin().await?;
    let user = account(&state, id).await?;
    if user.id == who.user_id {
        return Err(AppError::invalid(
            "",
            td_string!(
                crate::backend::locale::request_locale(),
                api_users.you_cannot_delete_your_own_account
            ),
        ));
    }
    if confirm.trim() != user.name {
        return Err(AppError::invalid(
            "confirm",
            fill!(
                td_string!(crate::backend::locale::request_locale(), api_cluster.type_to_confirm),
                name = user.name
            ),
        ));
    }
    let keep = super_dba_role(&state).await?;
    if !state.store.delete_account_keeping(id, keep).await? {
        return Err(last_super_dba());
    }
    audit(&who, "delete_user", &user.name, "").await;
    Ok(())
}

/// Creates a role, or changes a custom role's privileges (`id` > 0). Built-in roles are
/// fixed. Everyone with a changed role is logged out.
#[server(endpoint = "system/save_role")]
pub async fn save_role(
    id: i64,
    name: String,
    #[server(default)] privileges: Vec<String>,
) -> Result<i64, AppError> {
    use crate::domain::access::{valid_role_name, Privilege};
    let (state, who) = admin().await?;
    let mut list = vec![];
    for key in &privileges {
        list.push(Privilege::parse(key).ok_or_else(|| {
            AppError::invalid(
                "privileges",
                format!("Unknown privilege {:?}", key.chars().take(40).collect::<String>()),
            )
        })?);
    }
    list.sort();
    list.dedup();
    let joined = Privilege::join(&list);
    if id == 0 {
        let name = valid_role_name(crate::backend::locale::request_locale(), &name)
            .map_err(|m| AppError::invalid("name", m))?;
        if state.store.roles().await?.iter().any(|r| r.name.eq_ignore_ascii_case(&name)) {
            return Err(AppError::invalid(
                "name",
                td_string!(crate::backend::locale::request_locale(), api_users.this_role_exists),
            ));
        }
        let id = state.store.create_role(&name, &joined).await?;
        audit(&who, "create_role", &name, &joined).await;
        Ok(id)
    } else {
        let r = role(&state, id).await?;
        if r.builtin || !state.store.update_role(id, &joined).await? {
            return Err(AppError::invalid(
                "",
                td_string!(
                    crate::backend::locale::request_locale(),
                    api_users.built_in_roles_cannot_be_changed
                ),
            ));
        }
        audit(&who, "update_role", &r.name, &joined).await;
        Ok(id)
    }
}

#[server(endpoint = "system/delete_role")]
pub async fn delete_role(id: i64) -> Result<(), AppError> {
    let (state, who) = admin().await?;
    let r = role(&state, id).await?;
    if !state.store.delete_role(id).await? {
        return Err(AppError::invalid(
            "",
            td_string!(
                crate::backend::locale::request_locale(),
                api_users.built_in_roles_and_roles_someone
            ),
        ));
    }
    audit(&who, "delete_role", &r.name, "").await;
    Ok(())
}

/// Opens the user's per-cluster privileges on one cluster (`cluster_id` > 0) or all (0),
/// from `valid_from` until `valid_until` (Unix seconds; 0 = unbounded).
#[server(endpoint = "system/add_grant")]
pub async fn add_grant(
    user_id: i64,
    cluster_id: i64,
    valid_from: i64,
    valid_until: i64,
) -> Result<i64, AppError> {
    let (state, who) = admin().await?;
    let user = account(&state, user_id).await?;
    if cluster_id < 0 || valid_from < 0 || valid_until < 0 {
        return Err(AppError::invalid("", "Ids and times cannot be negative"));
    }
    let cluster = (cluster_id > 0).then_some(cluster_id);
    if let Some(c) = cluster {
        let meta = crate::backend::klustron::klustron()?.meta().await?;
        if meta.cluster(c).await?.is_none() {
            return Err(AppError::invalid(
                "cluster_id",
                fill!(
                    td_string!(crate::backend::locale::request_locale(), api_users.no_cluster),
                    c = c
                ),
            ));
        }
    }
    let from = (valid_from > 0).then_some(valid_from);
    let until = (valid_until > 0).then_some(valid_until);
    if let (Some(f), Some(u)) = (from, until) {
        if u <= f {
            return Err(AppError::invalid(
                "valid_until",
                td_string!(
                    crate::backend::locale::request_locale(),
                    api_users.the_end_must_be_after_the
                ),
            ));
        }
    }
    let id = state.store.add_grant(user_id, cluster, (from, until), &who.user_name).await?;
    let what = cluster.map_or("all clusters".to_owned(), |c| format!("cluster {c}"));
    audit(&who, "add_grant", &user.name, &format!("{what}, {from:?}..{until:?}")).await;
    Ok(id)
}

#[server(endpoint = "system/delete_grant")]
pub async fn delete_grant(user_id: i64, grant_id: i64) -> Result<(), AppError> {
    let (state, who) = admin().await?;
    let user = account(&state, user_id).await?;
    if !state.store.delete_grant(user_id, grant_id).await? {
        return Err(AppError::NotFound(format!("grant {grant_id} of {}", user.name)));
    }
    audit(&who, "delete_grant", &user.name, &format!("grant {grant_id}")).await;
    Ok(())
}

// --- server-side helpers ---------------------------------------------------------------

#[cfg(feature = "ssr")]
use crate::backend::{auth::CurrentSession, store::access::AccountRecord, AppState};

#[cfg(feature = "ssr")]
async fn admin() -> Result<(AppState, CurrentSession), AppError> {
    use crate::backend::auth::guard;
    let who = guard::require(crate::domain::access::Privilege::UsersRoles, None).await?;
    Ok((crate::backend::app_state()?, who))
}

#[cfg(feature = "ssr")]
async fn account(state: &AppState, id: i64) -> Result<AccountRecord, AppError> {
    state.store.account(id).await?.ok_or_else(|| AppError::NotFound(format!("user {id}")))
}

#[cfg(feature = "ssr")]
async fn role(
    state: &AppState,
    id: i64,
) -> Result<crate::backend::store::access::RoleRecord, AppError> {
    state.store.role(id).await?.ok_or_else(|| {
        AppError::invalid(
            "role_id",
            td_string!(crate::backend::locale::request_locale(), api_users.no_such_role),
        )
    })
}

/// The id of the built-in super_dba role, the one that must keep an enabled account.
#[cfg(feature = "ssr")]
async fn super_dba_role(state: &AppState) -> Result<i64, AppError> {
    let roles = state.store.roles().await?;
    let r = roles.iter().find(|r| r.builtin && r.name == crate::domain::access::SUPER_DBA);
    r.map(|r| r.id).ok_or(AppError::Internal)
}

/// The change would leave no enabled super_dba: refused, whatever happens at the same
/// time (the store checks and changes in one transaction).
#[cfg(feature = "ssr")]
fn last_super_dba() -> AppError {
    AppError::invalid(
        "",
        td_string!(
            crate::backend::locale::request_locale(),
            api_users.this_is_the_last_enabled_super
        ),
    )
}

#[cfg(feature = "ssr")]
async fn audit(who: &CurrentSession, action: &str, target: &str, detail: &str) {
    use crate::backend::{auth::guard, store::audit::Outcome};
    guard::audit(who, action, target, Outcome::Ok, detail).await;
}
