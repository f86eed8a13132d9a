//! One module per screen.

pub mod change_password;
pub mod cluster;
pub mod cluster_wizard;
pub mod clusters;
pub mod frame;
pub mod home;
pub mod jobs;
pub mod login;
pub mod machines;
pub mod not_found;
pub mod operations;
pub mod system;
