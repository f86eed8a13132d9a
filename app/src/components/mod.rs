//! Building blocks shared by pages.

pub mod focus;
pub mod form;
pub mod job;
pub mod language;
pub mod list;
pub mod local_time;
pub mod ports;
pub mod topology;
