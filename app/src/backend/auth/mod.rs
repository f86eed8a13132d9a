//! Authentication: password hashing, session cookies, the access gate every request passes,
//! and the guards server functions call.

pub mod cookie;
pub mod gate;
pub mod guard;
pub mod login;
pub mod password;
pub mod throttle;

use std::time::Duration;

/// Cookie and session-lifetime settings, from the server's configuration.
#[derive(Clone, Debug)]
pub struct AuthSettings {
    /// Mark the session cookie `Secure` (only when the console is served over HTTPS).
    pub cookie_secure: bool,
    /// A session unused for this long ends.
    pub idle_timeout: Duration,
    /// A session ends this long after login, used or not.
    pub absolute_timeout: Duration,
}

impl Default for AuthSettings {
    fn default() -> Self {
        AuthSettings {
            cookie_secure: false,
            idle_timeout: Duration::from_secs(30 * 60),
            absolute_timeout: Duration::from_secs(12 * 60 * 60),
        }
    }
}

/// The logged-in user of this request, put into the request extensions by the gate.
#[derive(Clone, Debug)]
pub struct CurrentSession {
    pub token_hash: String,
    pub user_id: i64,
    pub user_name: String,
    pub must_change_password: bool,
}

/// The peer address of this request, for the audit log.
#[derive(Clone, Debug, Default)]
pub struct ClientAddr(pub String);

/// The initial account and its password, as the original XPanel ships them.
pub const INITIAL_USER: &str = "super_dba";
pub const INITIAL_PASSWORD: &str = "super_dba";
