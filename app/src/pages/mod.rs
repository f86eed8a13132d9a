//! One module per screen.

pub mod change_password;
pub mod clusters;
pub mod frame;
pub mod home;
pub mod login;
pub mod machines;
pub mod not_built;
pub mod not_found;
pub mod operations;
