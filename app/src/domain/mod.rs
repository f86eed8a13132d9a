//! Validated domain types. The same checks run in the browser (instant feedback) and on
//! the server (the only ones that count).

pub mod access;
pub mod audit;
pub mod cluster;
pub mod cluster_view;
pub mod field;
pub mod job;
pub mod klustron;
pub mod machine;
pub mod password;
pub mod user_name;

pub use password::{NewPassword, PasswordRuleError};
pub use user_name::{UserName, UserNameError};
