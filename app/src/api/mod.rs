//! Server functions, one module per resource. Each is a thin adapter: check the session
//! and the privilege, convert input, call the backend. Every URL is fixed by `endpoint`
//! so that the access gate and the tests can name it. An error's HTTP status is set in
//! one place, the server's edge layer (`server/src/edge.rs`), from the `AppError` the
//! function returns.

pub mod auth;
pub mod cluster;
pub mod cluster_create;
pub mod clusters;
pub mod instances;
pub mod jobs;
pub mod machines;
pub mod noswitch;
pub mod operations;
pub mod overview;
pub mod preferences;
pub mod rebuild;
pub mod shard_settings;
pub mod switchover;
pub mod users;
pub mod variables;

/// The gate's lists of server functions (`paths::PUBLIC_FNS`, `paths::PASSWORD_CHANGE_FNS`)
/// are written as paths, since the backend may not name this module; these are the
/// functions they must be.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::paths;
    use server_fn::ServerFn;

    #[test]
    fn the_gates_lists_name_these_server_functions() {
        assert_eq!(
            paths::PUBLIC_FNS,
            [<auth::Login as ServerFn>::PATH, <preferences::SetLanguage as ServerFn>::PATH]
        );
        assert_eq!(
            paths::PASSWORD_CHANGE_FNS,
            [<auth::ChangePassword as ServerFn>::PATH, <auth::Logout as ServerFn>::PATH]
        );
    }
}
