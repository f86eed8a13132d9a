//! The server's integration tests, in one binary: each file would otherwise link the
//! whole console again (hundreds of MB of disk and a minute of linking per file).

mod common;

mod access_control;
mod access_gate;
mod assets;
mod cluster_jobs;
mod clusters;
mod cpu_limit;
mod languages;
mod logging;
mod machines;
mod node_control;
mod operations;
mod ops;
mod passwords_and_sessions;
mod real_wire;
mod rebuild;
mod security_headers;
mod security_suite;
mod shard_settings;
mod shared_store;
mod switchover;
mod throttling;
mod variables;
mod xpanel_import;
