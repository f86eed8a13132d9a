//! Every URL the console serves lives under one prefix, like the original XPanel.
//!
//! Routes are written with the full path (no router `base`) so that server redirects and
//! client navigation agree; see docs/ARCHITECTURE.md.

/// The prefix of every page, asset and server function.
pub const BASE: &str = "/KunlunXPanel";
/// Prefix of server functions (must match `SERVER_FN_PREFIX` in `.cargo/config.toml`).
pub const API: &str = "/KunlunXPanel/api";
/// Prefix of the compiled JS, wasm and CSS.
pub const PKG: &str = "/KunlunXPanel/pkg";

pub const HOME: &str = "/KunlunXPanel";
pub const LOGIN: &str = "/KunlunXPanel/login";
pub const CHANGE_PASSWORD: &str = "/KunlunXPanel/change-password";
pub const MACHINES: &str = "/KunlunXPanel/machines";
pub const CLUSTERS: &str = "/KunlunXPanel/clusters";
pub const NEW_CLUSTER: &str = "/KunlunXPanel/clusters/new";
pub const JOBS: &str = "/KunlunXPanel/jobs";
pub const OPERATION_LOG: &str = "/KunlunXPanel/operation-log";
pub const SYSTEM: &str = "/KunlunXPanel/system";

/// Operations endpoints (no session needed; see server/src/ops.rs).
pub const HEALTHZ: &str = "/KunlunXPanel/healthz";
pub const READYZ: &str = "/KunlunXPanel/readyz";
pub const METRICS: &str = "/KunlunXPanel/metrics";

/// Server functions callable without a session: the login and the language switch.
pub const PUBLIC_FNS: &[&str] = &["/KunlunXPanel/api/login", "/KunlunXPanel/api/set_language"];
/// Server functions callable by a user who must still change the password.
pub const PASSWORD_CHANGE_FNS: &[&str] =
    &["/KunlunXPanel/api/change_password", "/KunlunXPanel/api/logout"];
