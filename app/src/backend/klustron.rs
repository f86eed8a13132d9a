//! The console's handle on Klustron: the metadata primary (found through METASEEDS) and
//! the cluster_mgr client. `ClientError` becomes `AppError` here, once, without counting
//! and without logging a Klustron failure (only a bug of the console's own, whose cause
//! `AppError::Internal` would lose, is logged on the way).

use std::sync::Arc;
use std::time::Duration;

use klustron::{ClientConfig, ClientError, ClusterMgr, LeaderSource, MetaDb, MetaSeeds, Metadata};

use super::auth::{guard, CurrentSession};
use super::store::audit::Outcome;
use crate::domain::klustron::KlustronFailure;
use crate::error::AppError;

pub struct Klustron {
    pub metadata: Arc<Metadata>,
    pub cluster_mgr: ClusterMgr,
}

impl Klustron {
    /// From METASEEDS (and the metadata account); `cluster_mgr` addresses, when given,
    /// replace discovery through `cluster_mgr_nodes`.
    pub fn new(seeds: MetaSeeds, cluster_mgr: Vec<String>, timeout: Duration) -> Self {
        let metadata = Arc::new(Metadata::new(seeds, Duration::from_secs(5)));
        let source = if cluster_mgr.is_empty() {
            LeaderSource::Metadata(metadata.clone())
        } else {
            LeaderSource::Fixed(cluster_mgr)
        };
        let config = ClientConfig { timeout, ..ClientConfig::default() };
        Self { metadata, cluster_mgr: ClusterMgr::new(source, config) }
    }

    /// The metadata database, connecting (or reconnecting) as needed.
    pub async fn meta(&self) -> Result<MetaDb, AppError> {
        Ok(self.metadata.db().await?)
    }
}

/// The browser's view of a client error.
pub fn failure(e: ClientError) -> Result<KlustronFailure, AppError> {
    Ok(match e {
        ClientError::Refused { addr } | ClientError::Network { addr, .. } => {
            KlustronFailure::Unreachable { addr }
        }
        ClientError::Timeout { addr, secs } => KlustronFailure::TimedOut { addr, secs },
        ClientError::HttpStatus { addr, status } => KlustronFailure::HttpStatus { addr, status },
        ClientError::Malformed(detail) => KlustronFailure::Malformed { detail },
        ClientError::Rejected { code, info } => KlustronFailure::Refused { code, info },
        ClientError::NoLeader(detail) => KlustronFailure::NoLeader { detail },
        ClientError::Metadata(detail) => KlustronFailure::Metadata { detail },
        ClientError::TooLarge { bytes, limit } => KlustronFailure::TooLarge { bytes, limit },
        // The console built a request cluster_mgr would crash on: a bug here, not there.
        ClientError::NotString(field) => {
            tracing::error!(field, "refused to send a non-string parameter to cluster_mgr");
            return Err(AppError::Internal);
        }
    })
}

/// A conversion only: a failure is logged and counted once, where a server function's
/// answer leaves the console (`server/src/edge.rs`), not at every `?` on the way.
impl From<ClientError> for AppError {
    fn from(e: ClientError) -> Self {
        match failure(e) {
            Ok(f) => AppError::Klustron(f),
            Err(internal) => internal,
        }
    }
}

/// The Klustron handle from the state, or `NotConfigured`.
pub fn klustron() -> Result<Arc<Klustron>, AppError> {
    super::app_state()?.klustron.ok_or(AppError::NotConfigured)
}

/// Sends a job cluster_mgr answers at once (no job to follow) for `who`, and audits it
/// with `detail` (what changes), and cluster_mgr's refusal or failure if any.
pub async fn call_audited<J: klustron::jobs::Job>(
    who: &CurrentSession,
    action: &str,
    target: &str,
    detail: &str,
    job: &J,
) -> Result<(), AppError> {
    let result = klustron()?.cluster_mgr.call(&who.user_name, job, false).await;
    let (outcome, detail) = match (&result, detail) {
        (Ok(_), "") => (Outcome::Ok, "answered by cluster_mgr".to_owned()),
        (Ok(_), d) => (Outcome::Ok, d.to_owned()),
        (Err(e), "") => (Outcome::Failed, e.to_string()),
        (Err(e), d) => (Outcome::Failed, format!("{d}: {e}")),
    };
    guard::audit(who, action, target, outcome, &detail).await;
    result.map(|_| ()).map_err(AppError::from)
}
