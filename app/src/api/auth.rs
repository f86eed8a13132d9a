//! Log in, change password, log out, and who am I.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the browser may know about the logged-in user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    pub name: String,
}

/// Checks the credentials and opens a session. A user who must change the password is
/// sent to the change page; everyone else to `next` (a console path) or the home page.
#[server(endpoint = "login")]
pub async fn login(
    username: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::backend::auth::{cookie, guard, login as ops};
    use crate::{backend::app_state, paths};
    // A return address that is not a console path is refused before anything else:
    // CR or LF in it could not even become a header.
    if let Some(n) = next.as_deref().filter(|n| !n.is_empty()) {
        if !is_console_path(n) {
            return Err(AppError::BadRequest(
                "the return address must be a path under /KunlunXPanel/".into(),
            ));
        }
    }
    let state = app_state()?;
    let previous = guard::current_session();
    let opened =
        ops::log_in(&state, &username, &password, previous.as_ref(), &guard::client_addr()).await?;
    set_cookie(cookie::set_cookie(&opened.token, &state.auth));
    // A language picked on the login page becomes the user's; otherwise the user's
    // stored language, chosen in some browser before, becomes this one's too.
    if let Some(l) = crate::backend::locale::chosen_before_login() {
        state.store.set_user_language(opened.user_id, leptos_i18n::Locale::as_str(l)).await?;
        set_cookie(crate::backend::locale::chosen_before_login_cookie(false));
    } else if let Some(l) = opened.language.as_deref().and_then(crate::lang::parse_locale) {
        set_cookie(crate::backend::locale::language_cookie(l));
    }
    let target = if opened.must_change_password {
        paths::CHANGE_PASSWORD.to_owned()
    } else {
        safe_next(next.as_deref())
    };
    leptos_axum::redirect(&target);
    Ok(())
}

/// Changes the password of the logged-in user, ends all of that user's sessions and opens
/// a new one (new session id).
#[server(endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use crate::backend::auth::{cookie, guard, login as ops};
    use crate::{backend::app_state, paths};
    let session = guard::require_session()?;
    let state = app_state()?;
    let token = ops::change_password(
        &state,
        &session,
        &current_password,
        &new_password,
        &confirm_password,
        &guard::client_addr(),
    )
    .await?;
    set_cookie(cookie::set_cookie(&token, &state.auth));
    leptos_axum::redirect(paths::HOME);
    Ok(())
}

/// Ends the session on the server and removes the cookie.
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::backend::auth::{cookie, guard, login as ops};
    use crate::{backend::app_state, paths};
    let session = guard::require_session()?;
    let state = app_state()?;
    ops::log_out(&state, &session, &guard::client_addr()).await?;
    set_cookie(cookie::clear_cookie(&state.auth));
    leptos_axum::redirect(paths::LOGIN);
    Ok(())
}

/// The logged-in user (for the header).
#[server(endpoint = "current_user")]
pub async fn current_user() -> Result<UserView, AppError> {
    use crate::backend::auth::guard;
    guard::require_user().map(|s| UserView { name: s.user_name })
}

#[cfg(feature = "ssr")]
pub(crate) fn set_cookie(value: String) {
    if let (Some(opts), Ok(v)) =
        (use_context::<leptos_axum::ResponseOptions>(), http::HeaderValue::from_str(&value))
    {
        opts.append_header(http::header::SET_COOKIE, v);
    }
}

/// A path of this console: `/KunlunXPanel` or under `/KunlunXPanel/`, printable ASCII
/// only (no CR, LF, space or control character), no `//`, `\` or dot segments (plain
/// or escaped), at most 1024 bytes.
#[cfg(feature = "ssr")]
fn is_console_path(n: &str) -> bool {
    use crate::paths;
    (n == paths::BASE || n.starts_with(&format!("{}/", paths::BASE)))
        && n.len() <= 1024
        && n.bytes().all(|b| (0x21..0x7f).contains(&b))
        && !n.contains("//")
        && !n.contains('\\')
        && !n.split(['/', '?', '#']).any(|seg| seg == ".." || seg == ".")
        && !n.to_ascii_lowercase().contains("%2e")
}

/// `next` only if it is a console path other than the login page; never another site.
#[cfg(feature = "ssr")]
fn safe_next(next: Option<&str>) -> String {
    use crate::paths;
    match next {
        Some(n) if is_console_path(n) && !n.starts_with(paths::LOGIN) => n.to_owned(),
        _ => paths::HOME.to_owned(),
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::safe_next;

    #[test]
    fn next_only_redirects_within_the_console() {
        assert_eq!(safe_next(Some("/KunlunXPanel/machines")), "/KunlunXPanel/machines");
        assert_eq!(safe_next(Some("https://evil.example")), "/KunlunXPanel");
        assert_eq!(safe_next(Some("//evil.example")), "/KunlunXPanel");
        assert_eq!(safe_next(Some("/KunlunXPanel//evil")), "/KunlunXPanel");
        assert_eq!(safe_next(None), "/KunlunXPanel");
        assert_eq!(safe_next(Some("/KunlunXPanel/x\r\nSet-Cookie: a=b")), "/KunlunXPanel");
        assert_eq!(safe_next(Some("/KunlunXPanelevil")), "/KunlunXPanel");
        assert!(!super::is_console_path("/KunlunXPanel/a b"));
        assert!(!super::is_console_path("/KunlunXPanel/é"));
    }
}
