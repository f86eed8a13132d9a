//! What can go wrong talking to Klustron. Every variant is a normal event the console
//! shows to the user; none of them is a reason to crash.

use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ClientError {
    /// Nothing listens there (cluster_mgr's HTTP service runs only on the raft leader,
    /// so a follower refuses too).
    #[error("cluster_mgr at {addr} refused the connection")]
    Refused { addr: String },
    #[error("cluster_mgr at {addr} did not answer within {secs} s")]
    Timeout { addr: String, secs: u64 },
    #[error("cluster_mgr at {addr} answered HTTP {status}")]
    HttpStatus { addr: String, status: u16 },
    #[error("cluster_mgr sent a malformed reply: {0}")]
    Malformed(String),
    /// cluster_mgr refused the request before any job existed (unparsable body, unknown
    /// job type); its own words.
    #[error("cluster_mgr: {info} (code {code})")]
    Rejected { code: i64, info: String },
    /// The request would not fit cluster_mgr's 4096-byte request buffer; nothing was sent.
    #[error(
        "the request is {bytes} bytes; cluster_mgr takes at most {limit} (fewer hosts, please)"
    )]
    TooLarge { bytes: usize, limit: usize },
    /// A parameter is not a string: cluster_mgr reads values with `asCString()`, which
    /// kills the whole process on a number or a boolean. Nothing was sent.
    #[error("parameter {0} is not a string; cluster_mgr would crash on it, nothing was sent")]
    NotString(String),
    /// No metadata seed answered, or none lists a cluster_mgr leader.
    #[error("no cluster_mgr leader found: {0}")]
    NoLeader(String),
    #[error("metadata database: {0}")]
    Metadata(String),
    #[error("network error talking to cluster_mgr at {addr}: {detail}")]
    Network { addr: String, detail: String },
}

impl ClientError {
    /// The request certainly never reached a leader, so sending it again elsewhere
    /// cannot run a job twice.
    pub fn never_reached_leader(&self) -> bool {
        matches!(self, ClientError::Refused { .. })
    }

    /// Worth asking the metadata who leads now.
    pub fn suggests_leader_moved(&self) -> bool {
        self.never_reached_leader() || matches!(self, ClientError::Timeout { .. })
    }
}
