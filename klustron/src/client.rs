//! The cluster_mgr job client: submit a job, poll its status.
//!
//! Retries are deliberate. A submit is sent again only when it certainly never reached
//! a leader (connection refused: cluster_mgr's HTTP service runs on the raft leader
//! only), after asking the metadata for the new leader; a submit that timed out may have
//! started a job, so it is reported, not repeated. `get_status` is a read and is retried
//! a few times with a short pause.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;
use tokio::sync::RwLock;

use crate::discovery::Metadata;
use crate::error::ClientError;
use crate::jobs::{Job, JobType};
use crate::protocol::{Envelope, JobId, Reply, Status, EMIT_PATH, VERSION};

/// How to find cluster_mgr.
#[derive(Debug, Clone)]
pub enum LeaderSource {
    /// Fixed `host:port` addresses (e.g. `--cluster-mgr`), tried in order.
    Fixed(Vec<String>),
    /// Read `cluster_mgr_nodes` from the metadata, like XPanel.
    Metadata(Arc<Metadata>),
}

#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Per request, connect included.
    pub timeout: Duration,
    /// Attempts for `get_status` (reads).
    pub read_attempts: u32,
    pub read_backoff: Duration,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            read_attempts: 3,
            read_backoff: Duration::from_millis(300),
        }
    }
}

/// Where a job stands, from `get_status`.
#[derive(Debug, Clone, PartialEq)]
pub struct JobReport {
    pub job_id: JobId,
    pub job_type: String,
    pub state: JobState,
    /// Progress details (`computer_step`, `shard_step`, ...), as cluster_mgr sent them.
    pub attachment: serde_json::Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobState {
    Running,
    Done,
    Failed { code: i64, info: String },
}

impl JobState {
    pub fn is_finished(&self) -> bool {
        !matches!(self, JobState::Running)
    }
}

#[derive(Debug)]
pub struct ClusterMgr {
    http: reqwest::Client,
    source: LeaderSource,
    config: ClientConfig,
    leader: RwLock<Option<String>>,
}

impl ClusterMgr {
    pub fn new(source: LeaderSource, config: ClientConfig) -> Self {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a reqwest client with rustls builds");
        Self { http, source, config, leader: RwLock::new(None) }
    }

    /// Submits a job as `user`; returns cluster_mgr's job id.
    pub async fn submit<J: Job>(&self, user: &str, job: &J) -> Result<JobId, ClientError> {
        let paras = serde_json::to_value(job).map_err(|e| {
            ClientError::Malformed(format!("cannot encode {}: {e}", J::TYPE.as_str()))
        })?;
        let env = envelope(J::TYPE, "", user, paras);
        let reply = self.emit(&env, false).await?;
        match reply.status {
            Status::Accept => JobId::parse(&reply.job_id),
            Status::Ongoing => Err(ClientError::Busy),
            Status::Failed => Err(rejected(&reply)),
            Status::Done => Err(ClientError::Malformed(format!(
                "{} answered done before it was queued",
                J::TYPE.as_str()
            ))),
        }
    }

    /// Asks where job `id` stands.
    pub async fn status(&self, id: &JobId) -> Result<JobReport, ClientError> {
        let env = envelope(JobType::GetStatus, id.as_str(), "", Value::Object(Default::default()));
        let mut attempt = 0;
        let reply = loop {
            attempt += 1;
            match self.emit(&env, true).await {
                Ok(r) => break r,
                Err(e) if attempt < self.config.read_attempts && retryable_read(&e) => {
                    tracing::debug!(error = %e, attempt, "get_status failed, retrying");
                    tokio::time::sleep(self.config.read_backoff * attempt).await;
                }
                Err(e) => return Err(e),
            }
        };
        let state = match reply.status {
            Status::Ongoing | Status::Accept => JobState::Running,
            Status::Done => JobState::Done,
            Status::Failed if reply.job_id.is_empty() => return Err(rejected(&reply)),
            Status::Failed => {
                JobState::Failed { code: reply.error_code, info: reply.error_info.clone() }
            }
        };
        Ok(JobReport {
            job_id: id.clone(),
            job_type: reply.job_type,
            state,
            attachment: reply.attachment,
        })
    }

    /// Whether the cluster_mgr leader answers its job API: asks `get_status` for job 0
    /// (which does not exist; a well-formed refusal still proves a live leader). Returns
    /// the leader's address.
    pub async fn ping(&self) -> Result<String, ClientError> {
        let env = envelope(JobType::GetStatus, "0", "", Value::Object(Default::default()));
        match self.emit(&env, true).await {
            Ok(_) | Err(ClientError::Rejected { .. }) => {
                Ok(self.current_leader().await.unwrap_or_default())
            }
            Err(e) => Err(e),
        }
    }

    /// The leader this client talks to now, if known.
    pub async fn current_leader(&self) -> Option<String> {
        self.leader.read().await.clone()
    }

    /// Sends one envelope to the leader; on a sign the leader moved, finds it again and
    /// sends once more if that is safe (`idempotent`, or the first try never arrived).
    async fn emit(&self, env: &Envelope, idempotent: bool) -> Result<Reply, ClientError> {
        let addr = self.leader_addr(false).await?;
        match self.post(&addr, env).await {
            Err(e) if e.suggests_leader_moved() && (idempotent || e.never_reached_leader()) => {
                tracing::warn!(error = %e, "cluster_mgr did not answer; looking for the leader again");
                let again = self.leader_addr(true).await?;
                self.post(&again, env).await
            }
            other => other,
        }
    }

    async fn leader_addr(&self, refresh: bool) -> Result<String, ClientError> {
        if !refresh {
            if let Some(a) = self.leader.read().await.clone() {
                return Ok(a);
            }
        }
        let found = match &self.source {
            LeaderSource::Fixed(addrs) => self.first_answering(addrs).await?,
            LeaderSource::Metadata(meta) => meta.cluster_mgr_leader().await?,
        };
        *self.leader.write().await = Some(found.clone());
        Ok(found)
    }

    /// With fixed addresses, the leader is the one that accepts connections.
    async fn first_answering(&self, addrs: &[String]) -> Result<String, ClientError> {
        for a in addrs {
            if tokio::time::timeout(self.config.timeout, tokio::net::TcpStream::connect(a.as_str()))
                .await
                .is_ok_and(|r| r.is_ok())
            {
                return Ok(a.clone());
            }
        }
        Err(ClientError::NoLeader(format!("none of {} accepts connections", addrs.join(", "))))
    }

    async fn post(&self, addr: &str, env: &Envelope) -> Result<Reply, ClientError> {
        let url = format!("http://{addr}{EMIT_PATH}");
        let resp = self
            .http
            .post(&url)
            .json(env)
            .send()
            .await
            .map_err(|e| classify(addr, &self.config, &e))?;
        let status = resp.status();
        if !status.is_success() {
            return Err(ClientError::HttpStatus { addr: addr.to_owned(), status: status.as_u16() });
        }
        if resp.content_length().is_some_and(|n| n > crate::protocol::MAX_REPLY_BYTES as u64) {
            return Err(ClientError::Malformed("reply is too big".into()));
        }
        let body = read_capped(resp).await.map_err(|e| classify(addr, &self.config, &e))?;
        Reply::parse(&body)
    }
}

/// Reads at most MAX_REPLY_BYTES + 1 bytes, so a hostile peer cannot fill memory.
async fn read_capped(mut resp: reqwest::Response) -> Result<Vec<u8>, reqwest::Error> {
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        body.extend_from_slice(&chunk);
        if body.len() > crate::protocol::MAX_REPLY_BYTES {
            break;
        }
    }
    Ok(body)
}

fn envelope(t: JobType, job_id: &str, user: &str, paras: Value) -> Envelope {
    let ms = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
    Envelope {
        version: VERSION.into(),
        job_id: job_id.into(),
        job_type: t.as_str().into(),
        timestamp: ms.to_string(),
        user_name: user.into(),
        paras,
    }
}

fn rejected(r: &Reply) -> ClientError {
    let info =
        if r.error_info.is_empty() { "request refused".to_owned() } else { r.error_info.clone() };
    ClientError::Rejected { code: r.error_code, info }
}

fn retryable_read(e: &ClientError) -> bool {
    match e {
        ClientError::Timeout { .. } | ClientError::Network { .. } | ClientError::Refused { .. } => {
            true
        }
        ClientError::HttpStatus { status, .. } => *status >= 500,
        _ => false,
    }
}

fn classify(addr: &str, config: &ClientConfig, e: &reqwest::Error) -> ClientError {
    let addr = addr.to_owned();
    if e.is_timeout() {
        return ClientError::Timeout { addr, secs: config.timeout.as_secs().max(1) };
    }
    if e.is_connect() {
        // Refused, unreachable or reset during connect: nothing was sent.
        return ClientError::Refused { addr };
    }
    ClientError::Network { addr, detail: e.to_string() }
}
