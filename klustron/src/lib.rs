//! Klustron backends for the console: the cluster_mgr job client ([`client`]), leader
//! and metadata-primary discovery ([`discovery`]), the read-only metadata reader
//! ([`metadata`]), and the wire types they share ([`protocol`], [`jobs`]).
//!
//! This crate knows nothing about the web console; the simulator (`sim/`) and the
//! console's server functions both build on it.

pub mod client;
pub mod discovery;
pub mod error;
pub mod jobs;
pub mod metadata;
pub mod placement;
pub mod protocol;
pub mod secrets;

pub use client::{ClientConfig, ClusterMgr, JobReport, JobState, LeaderSource};
pub use discovery::{MetaSeeds, Metadata};
pub use error::ClientError;
pub use metadata::MetaDb;
pub use protocol::JobId;
