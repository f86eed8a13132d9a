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
use crate::protocol::{Envelope, JobId, Reply, Status, EMIT_PATH, MAX_REQUEST_BYTES, VERSION};

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
    pub state: JobState,
    /// The job's memo with progress details (`computer_step`, `shard_step`, ...), as
    /// cluster_mgr sent it.
    pub attachment: serde_json::Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobState {
    /// cluster_mgr has no memo of the job: normal while it waits in cluster_mgr's queue
    /// (the memo is NULL until the job's setup writes one), but the same answer as for a
    /// job cluster_mgr dropped or never ran (see [`Reply::is_memo_less`]). Not final.
    NoMemo,
    Running,
    Done,
    /// Final, whatever the reply's `job_id` says (always `""` in `get_status`).
    Failed {
        code: i64,
        info: String,
    },
}

impl JobState {
    pub fn is_finished(&self) -> bool {
        matches!(self, JobState::Done | JobState::Failed { .. })
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
        self.submit_at(user, job, now_ms()).await
    }

    /// As [`submit`](Self::submit), with the envelope's `timestamp` given: cluster_mgr
    /// stores the whole envelope in `cluster_general_job_log.job_info`, so the caller can
    /// find the job there if the answer to the submit is lost.
    pub async fn submit_at<J: Job>(
        &self,
        user: &str,
        job: &J,
        timestamp_ms: u128,
    ) -> Result<JobId, ClientError> {
        let paras = serde_json::to_value(job).map_err(|e| {
            ClientError::Malformed(format!("cannot encode {}: {e}", J::TYPE.as_str()))
        })?;
        if let Some(field) = first_non_string(&paras, "") {
            return Err(ClientError::NotString(field));
        }
        let env = envelope(J::TYPE, "", user, paras, timestamp_ms);
        let bytes = serde_json::to_vec(&env).map(|b| b.len()).unwrap_or(usize::MAX);
        if bytes > MAX_REQUEST_BYTES {
            return Err(ClientError::TooLarge { bytes, limit: MAX_REQUEST_BYTES });
        }
        let reply = self.emit(&env, false).await?;
        match reply.status {
            // cluster_mgr checks a job's parameters later, in the job: a submit that
            // parses is always accepted (`HttpServiceImpl::Emit`).
            Status::Accept => JobId::parse(&reply.job_id),
            Status::Failed => Err(rejected(&reply)),
            other => Err(ClientError::Malformed(format!(
                "{} was answered {:?} instead of accept or failed",
                J::TYPE.as_str(),
                other.as_str()
            ))),
        }
    }

    /// Sends a job cluster_mgr answers at once (`job_type.is_sync()`) and returns the
    /// reply's attachment. A reply with `status` `failed` or a non-zero code is a
    /// refusal. `idempotent`: a read, which may be sent again if the leader moved.
    pub async fn call<J: Job>(
        &self,
        user: &str,
        job: &J,
        idempotent: bool,
    ) -> Result<serde_json::Map<String, Value>, ClientError> {
        let paras = serde_json::to_value(job).map_err(|e| {
            ClientError::Malformed(format!("cannot encode {}: {e}", J::TYPE.as_str()))
        })?;
        if let Some(field) = first_non_string(&paras, "") {
            return Err(ClientError::NotString(field));
        }
        let env = envelope(J::TYPE, "", user, paras, now_ms());
        let reply = self.emit(&env, idempotent).await?;
        match reply.status {
            Status::Failed => Err(rejected(&reply)),
            _ if reply.error_code != 0 => Err(rejected(&reply)),
            _ => Ok(reply.attachment),
        }
    }

    /// Asks where job `id` stands.
    pub async fn status(&self, id: &JobId) -> Result<JobReport, ClientError> {
        let env = envelope(
            JobType::GetStatus,
            id.as_str(),
            "",
            Value::Object(Default::default()),
            now_ms(),
        );
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
        let state = if reply.is_memo_less() {
            JobState::NoMemo
        } else {
            match reply.status {
                Status::Accept | Status::NotStarted | Status::Ongoing => JobState::Running,
                Status::Done => JobState::Done,
                Status::Failed => {
                    JobState::Failed { code: reply.error_code, info: reply.error_info.clone() }
                }
            }
        };
        Ok(JobReport { job_id: id.clone(), state, attachment: reply.attachment })
    }

    /// Whether the cluster_mgr leader answers its job API: asks `get_status` for job 0
    /// (which does not exist; any well-formed answer proves a live leader). Returns the
    /// leader's address.
    pub async fn ping(&self) -> Result<String, ClientError> {
        let env =
            envelope(JobType::GetStatus, "0", "", Value::Object(Default::default()), now_ms());
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

/// Milliseconds since the epoch, as XPanel stamps its requests.
pub fn now_ms() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0)
}

fn envelope(t: JobType, job_id: &str, user: &str, paras: Value, ms: u128) -> Envelope {
    Envelope {
        version: VERSION.into(),
        job_id: job_id.into(),
        job_type: t.as_str().into(),
        timestamp: ms.to_string(),
        user_name: user.into(),
        paras,
    }
}

/// The path of the first value in `v` that is neither a string, an array nor an object.
fn first_non_string(v: &Value, path: &str) -> Option<String> {
    match v {
        Value::String(_) => None,
        Value::Object(m) => m.iter().find_map(|(k, v)| {
            let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
            first_non_string(v, &p)
        }),
        Value::Array(a) => {
            a.iter().enumerate().find_map(|(i, v)| first_non_string(v, &format!("{path}[{i}]")))
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => Some(path.to_owned()),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_strings_go_on_the_wire() {
        let ok = serde_json::json!({"a": "1", "l": ["x", "y"], "o": {"b": "2"}});
        assert_eq!(first_non_string(&ok, ""), None);
        let bad = serde_json::json!({"a": "1", "o": {"shards": 2}});
        assert_eq!(first_non_string(&bad, "").as_deref(), Some("o.shards"));
        let bad = serde_json::json!({"l": ["x", true]});
        assert_eq!(first_non_string(&bad, "").as_deref(), Some("l[1]"));
    }
}
