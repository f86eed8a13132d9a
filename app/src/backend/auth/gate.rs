//! The access gate: an axum middleware in front of every page and server function.
//!
//! It resolves the session cookie into a [`CurrentSession`] and decides, by path alone,
//! whether the request may proceed. This is where "nothing but the password change until
//! the default password is changed" is enforced, for pages and server functions alike;
//! the guards in [`super::guard`] repeat the check inside each server function.

use super::{cookie, AuthSettings, ClientAddr, CurrentSession};
use crate::{backend::store::now, backend::AppState, error::AppError, paths};
use axum::{
    extract::{ConnectInfo, Request, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use std::net::SocketAddr;

/// Who may reach a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone: the login page and form, static assets, and everything outside the console.
    Public,
    /// Any logged-in user, even one who still has to change the password.
    PasswordChange,
    /// Logged-in users whose password is in order.
    User,
}

/// Classifies a request path. Anything under the console that is not listed is `User`,
/// so a new page or server function is protected without being named here.
pub fn access_for(path: &str) -> Access {
    if !path.starts_with(paths::BASE) || path.contains("..") {
        return if path.starts_with(paths::BASE) { Access::User } else { Access::Public };
    }
    let is_asset = path.starts_with(&format!("{}/", paths::PKG))
        || path == "/KunlunXPanel/favicon.ico"
        || path == "/KunlunXPanel/favicon.svg";
    let is_ops = [paths::HEALTHZ, paths::READYZ, paths::METRICS].contains(&path);
    if is_asset || is_ops || path == paths::LOGIN || paths::PUBLIC_FNS.contains(&path) {
        Access::Public
    } else if path == paths::CHANGE_PASSWORD || paths::PASSWORD_CHANGE_FNS.contains(&path) {
        Access::PasswordChange
    } else {
        Access::User
    }
}

/// The middleware: resolve the session, check the origin of writes, enforce [`Access`].
pub async fn gate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let is_api = path.starts_with(&format!("{}/", paths::API));

    if is_api && req.method() != Method::GET && !same_origin(req.headers()) {
        return api_error(AppError::Refused("it came from another site".into()));
    }

    let addr = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_default();
    req.extensions_mut().insert(ClientAddr(addr));

    let session = resolve_session(&state, req.headers()).await;
    if let Some(s) = &session {
        req.extensions_mut().insert(s.clone());
    }

    let denied = match (access_for(&path), &session) {
        (Access::Public, _) => None,
        (_, None) => Some(AppError::Unauthorized),
        (Access::User, Some(s)) if s.must_change_password => Some(AppError::PasswordChangeRequired),
        _ => None,
    };
    match denied {
        None => next.run(req).await,
        Some(e) if is_api => api_error(e),
        Some(AppError::PasswordChangeRequired) => {
            Redirect::to(paths::CHANGE_PASSWORD).into_response()
        }
        Some(_) => Redirect::to(&login_url(&path)).into_response(),
    }
}

/// Looks up the session named by the cookie, ending it if it expired.
async fn resolve_session(state: &AppState, headers: &HeaderMap) -> Option<CurrentSession> {
    let token = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(cookie::token_from_cookie_header)?;
    let hash = cookie::token_hash(&token);
    let record = match state.store.session(&hash).await {
        Ok(r) => r?,
        Err(e) => {
            tracing::error!(error = %e, "session lookup failed");
            return None;
        }
    };
    let t = now();
    if record.disabled || expired(&state.auth, t, record.created_at, record.last_seen_at) {
        let _ = state.store.delete_session(&hash).await;
        return None;
    }
    // Refresh the idle clock at most once a minute: one write per minute, not per request.
    if t - record.last_seen_at >= 60 {
        if let Err(e) = state.store.touch_session(&hash).await {
            tracing::warn!(error = %e, "could not refresh session");
        }
    }
    Some(CurrentSession {
        token_hash: hash,
        user_id: record.user_id,
        user_name: record.user_name,
        must_change_password: record.must_change_password,
    })
}

fn expired(settings: &AuthSettings, now: i64, created_at: i64, last_seen_at: i64) -> bool {
    now - last_seen_at > settings.idle_timeout.as_secs() as i64
        || now - created_at > settings.absolute_timeout.as_secs() as i64
}

/// A write is same-origin when the browser says so (`Sec-Fetch-Site`) or when `Origin`
/// names the host the request was sent to. Requests without either header do not come from
/// a browser's cross-site form or fetch, and SameSite=Strict keeps the cookie off them.
/// A write the browser says comes from this console's own pages. Both signals must
/// agree where present: an `Origin` other than this host is refused whatever
/// `Sec-Fetch-Site` claims (`none` means "typed by the user", not "trusted"), and
/// `Sec-Fetch-Site` must be `same-origin` or `none`. Without either (a script, curl) the
/// session cookie's `SameSite=Strict` is the guard.
fn same_origin(headers: &HeaderMap) -> bool {
    let get = |h| headers.get(h).and_then(|v: &HeaderValue| v.to_str().ok());
    if let Some(origin) = get("origin") {
        let authority = origin.split_once("://").map(|(_, rest)| rest);
        if get("host").is_none() || authority != get("host") {
            return false;
        }
    }
    match get("sec-fetch-site") {
        Some(site) => matches!(site, "same-origin" | "none"),
        None => true,
    }
}

fn login_url(from: &str) -> String {
    // Only console pages are carried over, so the login page cannot be made to redirect
    // off-site; login itself decides whether the change-password page comes next.
    let pointless = [paths::LOGIN, paths::HOME, paths::CHANGE_PASSWORD];
    if from.starts_with(paths::BASE) && !pointless.contains(&from) {
        format!("{}?next={}", paths::LOGIN, from)
    } else {
        paths::LOGIN.to_owned()
    }
}

/// An error in the encoding server functions use, so the browser decodes it as `AppError`.
pub fn api_error(e: AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_string(&e).unwrap_or_else(|_| "\"Internal\"".into());
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_classified_with_user_as_the_default() {
        assert_eq!(access_for("/"), Access::Public);
        assert_eq!(access_for("/KunlunXPanel/login"), Access::Public);
        assert_eq!(access_for("/KunlunXPanel/pkg/kunlunxpanel.wasm"), Access::Public);
        assert_eq!(access_for("/KunlunXPanel/api/login"), Access::Public);
        assert_eq!(access_for("/KunlunXPanel/change-password"), Access::PasswordChange);
        assert_eq!(access_for("/KunlunXPanel/api/change_password"), Access::PasswordChange);
        assert_eq!(access_for("/KunlunXPanel/api/logout"), Access::PasswordChange);
        assert_eq!(access_for("/KunlunXPanel"), Access::User);
        assert_eq!(access_for("/KunlunXPanel/machines"), Access::User);
        assert_eq!(access_for("/KunlunXPanel/api/anything_new"), Access::User);
        assert_eq!(access_for("/KunlunXPanel/pkg/../machines"), Access::User);
        assert_eq!(access_for("/KunlunXPanel/loginx"), Access::User);
    }

    #[test]
    fn writes_from_another_origin_are_refused() {
        let mut h = HeaderMap::new();
        h.insert("host", HeaderValue::from_static("panel:18080"));
        h.insert("origin", HeaderValue::from_static("http://panel:18080"));
        assert!(same_origin(&h));
        h.insert("origin", HeaderValue::from_static("http://evil.example"));
        assert!(!same_origin(&h));
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(!same_origin(&h));
        h.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert!(!same_origin(&h), "a foreign Origin is refused whatever Sec-Fetch-Site says");
        h.insert("sec-fetch-site", HeaderValue::from_static("none"));
        assert!(!same_origin(&h), "`none` with a foreign Origin too");
        h.insert("origin", HeaderValue::from_static("http://panel:18080"));
        assert!(same_origin(&h));
        h.remove("origin");
        h.insert("sec-fetch-site", HeaderValue::from_static("same-site"));
        assert!(!same_origin(&h), "a sibling site is another site");
    }

    #[test]
    fn sessions_expire_when_idle_or_too_old() {
        let s = AuthSettings::default();
        assert!(!expired(&s, 1000, 0, 900));
        assert!(expired(&s, 10_000, 0, 0));
        assert!(expired(&s, 13 * 3600, 0, 13 * 3600 - 10));
    }

    #[test]
    fn the_login_redirect_only_carries_console_paths() {
        assert_eq!(
            login_url("/KunlunXPanel/machines"),
            "/KunlunXPanel/login?next=/KunlunXPanel/machines"
        );
        assert_eq!(login_url("/KunlunXPanel"), "/KunlunXPanel/login");
    }
}
