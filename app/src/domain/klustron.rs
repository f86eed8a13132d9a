//! What can go wrong with Klustron, as the browser sees it: a typed failure it can tell
//! apart (unreachable, timed out, refused, …) and say in the reader's language. Built
//! on the server from `klustron::ClientError` (`backend::klustron`), sent to the browser
//! in `AppError::Klustron`.

use crate::i18n::*;
use crate::lang::fill;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum KlustronFailure {
    /// Nothing answers at `addr` (cluster_mgr runs its HTTP service on the raft leader
    /// only; a follower refuses too), or the connection broke.
    Unreachable { addr: String },
    /// cluster_mgr did not answer within `secs`.
    TimedOut { addr: String, secs: u64 },
    /// cluster_mgr (or a proxy in front of it) answered an HTTP error.
    HttpStatus { addr: String, status: u16 },
    /// The answer was not what cluster_mgr sends.
    Malformed { detail: String },
    /// cluster_mgr refused the request before any job existed, in its own words.
    Refused { code: i64, info: String },
    /// No cluster_mgr leader is known (the metadata names none, or none answers).
    NoLeader { detail: String },
    /// Klustron's metadata database failed.
    Metadata { detail: String },
    /// The request is bigger than cluster_mgr's request buffer; nothing was sent.
    TooLarge { bytes: usize, limit: usize },
}

impl KlustronFailure {
    /// A short stable name, for metrics and logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Unreachable { .. } => "unreachable",
            Self::TimedOut { .. } => "timeout",
            Self::HttpStatus { .. } => "http_status",
            Self::Malformed { .. } => "malformed",
            Self::Refused { .. } => "refused",
            Self::NoLeader { .. } => "no_leader",
            Self::Metadata { .. } => "metadata",
            Self::TooLarge { .. } => "too_large",
        }
    }

    /// The text the user reads, in `l`.
    pub fn message(&self, l: Locale) -> String {
        match self {
            Self::Unreachable { addr } => fill!(td_string!(l, klustron.unreachable), addr = addr),
            Self::TimedOut { addr, secs } => {
                fill!(td_string!(l, klustron.timed_out), addr = addr, secs = secs)
            }
            Self::HttpStatus { addr, status } => {
                fill!(td_string!(l, klustron.http_status), addr = addr, status = status)
            }
            Self::Malformed { detail } => fill!(td_string!(l, klustron.malformed), detail = detail),
            Self::Refused { code, info } => {
                fill!(td_string!(l, klustron.refused), code = code, info = info)
            }
            Self::NoLeader { detail } => fill!(td_string!(l, klustron.no_leader), detail = detail),
            Self::Metadata { detail } => fill!(td_string!(l, klustron.metadata), detail = detail),
            Self::TooLarge { bytes, limit } => {
                fill!(td_string!(l, klustron.too_large), bytes = bytes, limit = limit)
            }
        }
    }
}

impl std::fmt::Display for KlustronFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Locale::en))
    }
}
