//! Guards for server functions: every one starts with `require_user()` (or, for the few
//! that a user with a pending password change may call, `require_session()`).

use super::{ClientAddr, CurrentSession};
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

/// The client's address, for the audit log.
pub fn client_addr() -> String {
    use_context::<Parts>()
        .and_then(|p| p.extensions.get::<ClientAddr>().map(|a| a.0.clone()))
        .unwrap_or_default()
}
