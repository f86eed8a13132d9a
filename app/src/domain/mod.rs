//! Validated domain types. The same checks run in the browser (instant feedback) and on
//! the server (the only ones that count).

pub mod access;
pub mod audit;
pub mod cluster;
pub mod cluster_plan;
pub mod cluster_view;
pub mod cpu_limit;
pub mod field;
pub mod job;
pub mod klustron;
pub mod machine;
pub mod node_control;
pub mod noswitch;
pub mod password;
pub mod rebuild;
pub mod shard_settings;
pub mod switchover;
pub mod user_name;
pub mod variables;
/// Server only: it reads klustron's types.
#[cfg(feature = "ssr")]
pub mod xpanel_import;

pub use password::{NewPassword, PasswordRuleError};
pub use user_name::{UserName, UserNameError};
