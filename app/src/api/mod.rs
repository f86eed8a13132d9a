//! Server functions, one module per resource. Each is a thin adapter: check the session,
//! convert input, call the backend, map the outcome. Every URL is fixed by `endpoint` so
//! that the access gate and the tests can name it.

pub mod auth;
pub mod cluster;
pub mod cluster_create;
pub mod clusters;
pub mod jobs;
pub mod machines;
pub mod operations;
pub mod overview;
pub mod preferences;
pub mod users;

use server_fn::ServerFn;

/// Server functions callable without a session.
pub const PUBLIC_ENDPOINTS: &[&str] =
    &[<auth::Login as ServerFn>::PATH, <preferences::SetLanguage as ServerFn>::PATH];

/// Server functions callable by a user who must still change the password.
pub const PASSWORD_CHANGE_ENDPOINTS: &[&str] =
    &[<auth::ChangePassword as ServerFn>::PATH, <auth::Logout as ServerFn>::PATH];

/// Sets the HTTP status that matches an error, so that an error is never a `200`. Only
/// for a server-function call: a page whose data failed to load is still a page (200)
/// that shows the error.
#[cfg(feature = "ssr")]
pub(crate) fn finish<T>(r: Result<T, crate::error::AppError>) -> Result<T, crate::error::AppError> {
    use leptos::prelude::use_context;
    let is_call = use_context::<http::request::Parts>()
        .is_some_and(|p| p.uri.path().starts_with(crate::paths::API));
    if let (Err(e), true) = (&r, is_call) {
        if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
            let status = http::StatusCode::from_u16(e.status())
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
            opts.set_status(status);
            if let crate::error::AppError::TooManyAttempts { retry_after_secs } = e {
                opts.insert_header(http::header::RETRY_AFTER, (*retry_after_secs).into());
            }
        }
    }
    r
}
