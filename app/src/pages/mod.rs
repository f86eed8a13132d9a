//! One module per screen.

pub mod change_password;
pub mod frame;
pub mod home;
pub mod login;
pub mod not_built;
pub mod not_found;
