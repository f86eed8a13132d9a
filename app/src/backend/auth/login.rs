//! The account operations behind the auth server functions, free of Leptos so they can be
//! tested directly.

use super::{cookie, password, CurrentSession};
use crate::i18n::td_string;
use crate::{
    backend::{
        store::audit::{AuditEvent, Outcome},
        AppState,
    },
    domain::{NewPassword, UserName},
    error::AppError,
};

/// A session that was just opened.
pub struct OpenedSession {
    pub token: String,
    pub must_change_password: bool,
    pub user_id: i64,
    /// The user's stored language (`en`, `zh-CN`), if ever chosen.
    pub language: Option<String>,
}

/// Verifies the credentials and opens a new session, ending `previous` (the session the
/// browser came with, if any) so a planted session id is never promoted.
pub async fn log_in(
    state: &AppState,
    raw_name: &str,
    password_attempt: &str,
    previous: Option<&CurrentSession>,
    client: &str,
) -> Result<OpenedSession, AppError> {
    let store = &state.store;
    let now = std::time::Instant::now();
    // Counted before the hash, so parallel guesses cannot pass the limit.
    let attempt = match state.throttle.reserve(raw_name, client, now) {
        Ok(a) => a,
        Err(refused) => {
            // One audit record per lock, not one per refused attempt.
            if refused.first {
                let shown: String = raw_name.chars().take(64).collect();
                store.audit(event(&shown, client, "login", Outcome::Failed, "throttled")).await;
            }
            return Err(too_many(refused.wait));
        }
    };
    let user = match UserName::parse(raw_name) {
        Ok(name) => store.user_by_name(name.as_str()).await?,
        Err(_) => None,
    };
    // Same work and same answer whether the user is unknown, disabled or mistyped.
    let verified =
        password::verify(password_attempt, user.as_ref().map(|u| &u.password_hash)).await?;
    let user = match user {
        Some(u) if verified && !u.disabled => u,
        _ => {
            let shown: String = raw_name.chars().take(64).collect();
            store.audit(event(&shown, client, "login", Outcome::Failed, "bad credentials")).await;
            return Err(AppError::BadCredentials);
        }
    };
    state.throttle.succeeded(attempt);
    if let Some(old) = previous {
        store.delete_session(&old.token_hash).await?;
    }
    let token = cookie::new_token();
    store.insert_session(&cookie::token_hash(&token), user.id).await?;
    store.audit(event(&user.name, client, "login", Outcome::Ok, "")).await;
    Ok(OpenedSession {
        token,
        must_change_password: user.must_change_password,
        user_id: user.id,
        language: user.language,
    })
}

/// Checks the current password and the rule, stores the new hash, ends every session of
/// the user and returns the token of the one new session.
pub async fn change_password(
    state: &AppState,
    session: &CurrentSession,
    current: &str,
    new: &str,
    confirm: &str,
    client: &str,
) -> Result<String, AppError> {
    let store = &state.store;
    let user = store.user_by_id(session.user_id).await?.ok_or(AppError::Unauthorized)?;
    let failed = |detail: &'static str| {
        event(&user.name, client, "change_password", Outcome::Failed, detail)
    };
    // A stolen session must not guess the current password without limit.
    let attempt = match state.throttle.reserve_change(user.id, client, std::time::Instant::now()) {
        Ok(a) => a,
        Err(refused) => {
            if refused.first {
                store.audit(failed("throttled")).await;
            }
            return Err(too_many(refused.wait));
        }
    };
    if !password::verify(current, Some(&user.password_hash)).await? {
        store.audit(failed("wrong current password")).await;
        return Err(AppError::invalid(
            "current_password",
            td_string!(crate::backend::locale::request_locale(), password_rule.current_wrong),
        ));
    }
    // The current password was right: that attempt was no guess.
    state.throttle.succeeded(attempt);
    let new = match NewPassword::parse(&user.name, current, new, confirm) {
        Ok(p) => p,
        Err(rule) => {
            store.audit(failed(rule.audit_label())).await;
            let field = if rule == crate::domain::PasswordRuleError::Mismatch {
                "confirm_password"
            } else {
                "new_password"
            };
            return Err(AppError::invalid(
                field,
                rule.message(crate::backend::locale::request_locale()),
            ));
        }
    };
    let hash = password::hash(new.expose()).await?;
    let token = cookie::new_token();
    store.change_password_and_rotate(user.id, &hash, &cookie::token_hash(&token)).await?;
    store
        .audit(event(&user.name, client, "change_password", Outcome::Ok, "all sessions ended"))
        .await;
    Ok(token)
}

/// Ends the session on the server.
pub async fn log_out(
    state: &AppState,
    session: &CurrentSession,
    client: &str,
) -> Result<(), AppError> {
    state.store.delete_session(&session.token_hash).await?;
    state.store.audit(event(&session.user_name, client, "logout", Outcome::Ok, "")).await;
    Ok(())
}

/// 429 with the wait in whole seconds, rounded up: never tell someone to retry before
/// the lock ends.
fn too_many(wait: std::time::Duration) -> AppError {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    AppError::TooManyAttempts { retry_after_secs: secs.max(1) }
}

fn event<'a>(
    user: &'a str,
    client: &'a str,
    action: &'a str,
    outcome: Outcome,
    detail: &'a str,
) -> AuditEvent<'a> {
    AuditEvent { user_name: user, client_addr: client, action, target: "", outcome, detail }
}
