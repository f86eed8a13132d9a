//! Server functions, one module per resource. Each is a thin adapter: check the session
//! and the privilege, convert input, call the backend. Every URL is fixed by `endpoint`
//! so that the access gate and the tests can name it. An error's HTTP status is set in
//! one place, the server's edge layer (`server/src/edge.rs`), from the `AppError` the
//! function returns.

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
