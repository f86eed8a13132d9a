//! The console server as a library, so integration tests start the real thing.

pub mod config;
pub mod edge;
pub mod healthcheck;
pub mod logging;
pub mod malloc;
pub mod metrics;
pub mod ops;
pub mod privileges;
pub mod startup;
pub mod xpanel_accounts;
