//! Guards for server functions: every one starts with `require_user()` (or, for the few
//! that a user with a pending password change may call, `require_session()`).

use super::{ClientAddr, CurrentSession};
use crate::backend::store::audit::{AuditEvent, Outcome};
use crate::domain::access::{Privilege, SUPER_DBA};
use crate::error::AppError;
use http::request::Parts;
use leptos::prelude::use_context;

/// The session of the current request, if any.
pub fn current_session() -> Option<CurrentSession> {
    use_context::<Parts>().and_then(|p| p.extensions.get::<CurrentSession>().cloned())
}

/// A logged-in user whose password is in order.
pub fn require_user() -> Result<CurrentSession, AppError> {
    let s = require_session()?;
    if s.must_change_password {
        return Err(AppError::PasswordChangeRequired);
    }
    Ok(s)
}

/// Any logged-in user, including one who must still change the password.
pub fn require_session() -> Result<CurrentSession, AppError> {
    current_session().ok_or(AppError::Unauthorized)
}

/// A logged-in user whose role has `privilege` and, for a per-cluster privilege, a grant
/// covering `cluster` now (super_dba's role covers every cluster). A refusal is audited.
pub async fn require(
    privilege: Privilege,
    cluster: Option<i64>,
) -> Result<CurrentSession, AppError> {
    let s = require_user()?;
    let state = crate::backend::app_state()?;
    let rights = state.store.rights(s.user_id).await?.ok_or(AppError::Unauthorized)?;
    let refusal = if !rights.role.privileges().contains(&privilege) {
        Some(format!(
            "the role {} does not include “{}”",
            rights.role.name,
            privilege.label(crate::i18n::Locale::en)
        ))
    } else if privilege.is_per_cluster() && rights.role.name != SUPER_DBA {
        let t = crate::backend::store::now();
        match cluster {
            Some(c) if rights.grants.iter().any(|g| g.covers(c, t)) => None,
            Some(c) => Some(format!("no current grant for cluster {c}")),
            None => Some("no cluster named".to_owned()),
        }
    } else {
        None
    };
    match refusal {
        None => Ok(s),
        Some(why) => {
            let target = cluster.map(|c| format!("cluster {c}")).unwrap_or_default();
            let detail = format!("denied: {why}");
            audit(&s, privilege.key(), &target, Outcome::Failed, &detail).await;
            Err(AppError::Forbidden(why))
        }
    }
}

/// Writes what `who` did from this request (and from which address) to the audit log.
pub async fn audit(
    who: &CurrentSession,
    action: &str,
    target: &str,
    outcome: Outcome,
    detail: &str,
) {
    let Ok(state) = crate::backend::app_state() else {
        tracing::error!(action, target, "no application state: the audit event is lost");
        return;
    };
    let client_addr = client_addr();
    let event = AuditEvent {
        user_name: &who.user_name,
        client_addr: &client_addr,
        action,
        target,
        outcome,
        detail,
    };
    state.store.audit(event).await;
}

/// The client's address, for the audit log.
pub fn client_addr() -> String {
    use_context::<Parts>()
        .and_then(|p| p.extensions.get::<ClientAddr>().map(|a| a.0.clone()))
        .unwrap_or_default()
}
