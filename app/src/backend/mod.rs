//! Server-only code: application state, the console's store, and authentication.

pub mod auth;
pub mod cluster_plan;
pub mod clusters;
pub mod jobs;
pub mod klustron;
pub mod locale;
pub mod noswitch;
pub mod rebuild;
pub mod shard_settings;
pub mod state;
pub mod store;
pub mod switchover;
pub mod variables;
pub mod xpanel_import;

pub use state::{app_state, AppState};
