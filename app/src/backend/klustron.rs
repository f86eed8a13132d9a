//! The console's handle on Klustron: the metadata primary (found through METASEEDS) and
//! the cluster_mgr client. `ClientError` becomes `AppError` here, once.

use std::sync::Arc;
use std::time::Duration;

use klustron::{ClientConfig, ClientError, ClusterMgr, LeaderSource, MetaDb, MetaSeeds, Metadata};

use crate::error::AppError;

pub struct Klustron {
    pub metadata: Arc<Metadata>,
    pub cluster_mgr: ClusterMgr,
}

impl Klustron {
    /// From METASEEDS (and the metadata account); `cluster_mgr` addresses, when given,
    /// replace discovery through `cluster_mgr_nodes`.
    pub fn new(seeds: MetaSeeds, cluster_mgr: Vec<String>) -> Self {
        let metadata = Arc::new(Metadata::new(seeds, Duration::from_secs(5)));
        let source = if cluster_mgr.is_empty() {
            LeaderSource::Metadata(metadata.clone())
        } else {
            LeaderSource::Fixed(cluster_mgr)
        };
        Self { metadata, cluster_mgr: ClusterMgr::new(source, ClientConfig::default()) }
    }

    /// The metadata database, connecting (or reconnecting) as needed.
    pub async fn meta(&self) -> Result<MetaDb, AppError> {
        Ok(self.metadata.db().await?)
    }
}

/// Failed Klustron calls since start, by kind (for `/metrics`).
static ERRORS: std::sync::Mutex<std::collections::BTreeMap<&'static str, u64>> =
    std::sync::Mutex::new(std::collections::BTreeMap::new());

/// (kind, count) of failed Klustron calls since start.
pub fn error_counts() -> Vec<(&'static str, u64)> {
    ERRORS.lock().map(|m| m.iter().map(|(k, v)| (*k, *v)).collect()).unwrap_or_default()
}

fn count(e: &ClientError) {
    let kind = match e {
        ClientError::Refused { .. } => "refused",
        ClientError::Timeout { .. } => "timeout",
        ClientError::HttpStatus { .. } => "http_status",
        ClientError::Malformed(_) => "malformed",
        ClientError::Busy => "busy",
        ClientError::Rejected { .. } => "rejected",
        ClientError::NoLeader(_) => "no_leader",
        ClientError::Metadata(_) => "metadata",
        ClientError::Network { .. } => "network",
    };
    if let Ok(mut m) = ERRORS.lock() {
        *m.entry(kind).or_default() += 1;
    }
}

impl From<ClientError> for AppError {
    fn from(e: ClientError) -> Self {
        count(&e);
        match e {
            ClientError::Busy => AppError::Busy,
            other => {
                tracing::warn!(error = %other, "Klustron backend error");
                AppError::Klustron(other.to_string())
            }
        }
    }
}

/// The Klustron handle from the state, or `NotConfigured`.
pub fn klustron() -> Result<Arc<Klustron>, AppError> {
    super::app_state()?.klustron.ok_or(AppError::NotConfigured)
}
