//! Building blocks shared by pages.

pub mod form;
pub mod job;
pub mod list;
pub mod topology;
