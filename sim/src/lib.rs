//! `klustron-sim`: a stand-in for Klustron's cluster_mgr and metadata cluster.
//!
//! It serves cluster_mgr's job API (`POST /HttpService/Emit`) on the address of the
//! current raft leader among N simulated cluster_mgr nodes, keeps Klustron's metadata
//! tables in SQLite or MariaDB/MySQL, and runs jobs in timed steps ([`engine`]). A
//! separate control address takes fault injection and seeding requests ([`control`]),
//! so a test can break the job API while still steering the simulator.
//!
//! Like the real cluster_mgr, only the leader listens (`main.cc` starts the HTTP server
//! only while `is_leader()`): the other nodes refuse connections, and moving the leader
//! moves the listener and `cluster_mgr_nodes`. A new leader recovers the jobs the old
//! one left (`RecoverInteruptedJobIfExists`); a simulated crash (see `engine`) stops the
//! listener and, a moment later, the next node leads.
//!
//! Every behaviour names the cluster_mgr source it follows; what the simulator does
//! differently is listed in docs/ARCHITECTURE.md. Which cluster_mgr it plays is its
//! [`Profile`].

pub mod codes;
pub mod control;
pub mod engine;
pub mod faults;
pub mod paras;
pub mod profile;
pub mod seed;
pub mod store;
pub mod wire;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::Mutex;
use tokio::task::JoinHandle;

use engine::Engine;
use faults::{Faults, Injected};
pub use profile::Profile;
use store::Store;

#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Metadata database URL: `sqlite:path` or `mysql://…`.
    pub metadata_url: String,
    /// Addresses of the simulated cluster_mgr nodes; the first one leads at start.
    pub nodes: Vec<SocketAddr>,
    /// Where the control API listens.
    pub control: SocketAddr,
    /// Duration of one job step.
    pub step: Duration,
    /// Which cluster_mgr to play.
    pub profile: Profile,
}

/// A running simulator.
pub struct Simulator {
    pub engine: Arc<Engine>,
    nodes: Vec<SocketAddr>,
    leader: Mutex<LeaderState>,
    control_addr: SocketAddr,
}

struct LeaderState {
    index: usize,
    task: Option<JoinHandle<()>>,
}

impl Simulator {
    /// Opens the metadata, registers the nodes, starts the leader and the control API.
    /// Port 0 in `nodes` is replaced by a free port, chosen once, so that the
    /// addresses in `cluster_mgr_nodes` stay valid when the leader moves.
    pub async fn start(config: SimConfig) -> anyhow::Result<Arc<Self>> {
        let store = Store::open(&config.metadata_url, config.profile).await?;
        let faults = Arc::new(std::sync::Mutex::new(Faults::default()));
        let (crash_tx, mut crash_rx) = tokio::sync::mpsc::unbounded_channel();
        let engine = Engine::new(store.clone(), config.profile, config.step, faults, crash_tx);

        let mut nodes = Vec::new();
        for n in &config.nodes {
            nodes.push(if n.port() == 0 { free_addr(n.ip()).await? } else { *n });
        }
        anyhow::ensure!(!nodes.is_empty(), "at least one cluster_mgr node is needed");

        let control = TcpListener::bind(config.control).await?;
        let control_addr = control.local_addr()?;
        let sim = Arc::new(Self {
            engine,
            nodes,
            leader: Mutex::new(LeaderState { index: 0, task: None }),
            control_addr,
        });
        sim.set_leader(0).await?;
        // A crash: the listener goes at once, and after an election the next node leads.
        let me = Arc::downgrade(&sim);
        tokio::spawn(async move {
            while let Some(why) = crash_rx.recv().await {
                let Some(sim) = me.upgrade() else { break };
                sim.stop_listening().await;
                tokio::time::sleep((sim.engine.step * 5).max(Duration::from_millis(300))).await;
                let next = (sim.leader.lock().await.index + 1) % sim.nodes.len();
                if let Err(e) = sim.set_leader(next).await {
                    tracing::error!(error = %e, "no leader after a crash ({why})");
                }
            }
        });
        let app = control::router(sim.clone());
        tokio::spawn(async move {
            let _ = axum::serve(control, app).await;
        });
        Ok(sim)
    }

    pub fn store(&self) -> &Store {
        &self.engine.store
    }

    pub fn nodes(&self) -> &[SocketAddr] {
        &self.nodes
    }

    pub fn control_addr(&self) -> SocketAddr {
        self.control_addr
    }

    pub async fn leader(&self) -> SocketAddr {
        self.nodes[self.leader.lock().await.index]
    }

    /// Makes node `index` the leader: the old leader stops listening (its address now
    /// refuses connections) and its jobs stop with it, the new one recovers what was
    /// left (`RecoverInteruptedJobIfExists`), and `cluster_mgr_nodes` says who leads.
    pub async fn set_leader(&self, index: usize) -> anyhow::Result<()> {
        anyhow::ensure!(index < self.nodes.len(), "no cluster_mgr node {index}");
        let mut state = self.leader.lock().await;
        if let Some(old) = state.task.take() {
            old.abort();
            let _ = old.await;
        }
        self.engine.boot().await?;
        self.listen(&mut state, index).await
    }

    async fn listen(&self, state: &mut LeaderState, index: usize) -> anyhow::Result<()> {
        let addr = self.nodes[index];
        let listener = TcpListener::bind(addr).await?;
        let app = Router::new()
            .route(klustron::protocol::EMIT_PATH, post(emit))
            .with_state(self.engine.clone());
        state.task = Some(tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        }));
        state.index = index;
        let list: Vec<(String, u16)> =
            self.nodes.iter().map(|a| (a.ip().to_string(), a.port())).collect();
        self.store().set_cluster_mgr_nodes(&list, index).await
    }

    async fn stop_listening(&self) -> usize {
        let mut state = self.leader.lock().await;
        if let Some(old) = state.task.take() {
            old.abort();
            let _ = old.await;
        }
        state.index
    }

    /// Stops the leader from accepting connections for `ms` milliseconds (a network
    /// fault: its jobs go on).
    pub async fn refuse_for(self: &Arc<Self>, ms: u64) {
        let index = self.stop_listening().await;
        let me = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            let mut state = me.leader.lock().await;
            if state.task.is_none() {
                if let Err(e) = me.listen(&mut state, index).await {
                    tracing::error!(error = %e, "could not listen again after a refuse fault");
                }
            }
        });
    }

    /// The profile the simulator plays.
    pub fn profile(&self) -> Profile {
        self.engine.profile
    }

    pub fn set_faults(&self, f: Faults) {
        if let Ok(mut slot) = self.engine.faults.lock() {
            *slot = f;
        }
    }
}

async fn free_addr(ip: std::net::IpAddr) -> anyhow::Result<SocketAddr> {
    let l = TcpListener::bind((ip, 0)).await?;
    Ok(l.local_addr()?)
}

/// `POST /HttpService/Emit`, with the faults a test switched on applied first.
async fn emit(State(engine): State<Arc<Engine>>, body: Bytes) -> Response {
    let (delay, injected) = match engine.faults.lock() {
        Ok(mut f) => (f.delay_ms, f.take_for_request()),
        Err(_) => (0, Injected::None),
    };
    let delay = Duration::from_millis(delay);
    match injected {
        Injected::HttpStatus(code) => {
            tokio::time::sleep(delay).await;
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, "<html><body>upstream error</body></html>").into_response()
        }
        Injected::Garbage => {
            ([(header::CONTENT_TYPE, "text/plain")], "{\"status\": \"acc\u{0}ept\", oops")
                .into_response()
        }
        Injected::None => {
            // Handled in its own task: like cluster_mgr, a job whose caller hung up
            // (e.g. timed out) still runs.
            let job = async move {
                tokio::time::sleep(delay).await;
                engine.handle(&body).await
            };
            match tokio::spawn(job).await {
                // cluster_mgr answers text/plain; the body ends with two newlines.
                Ok(Some(reply)) => ([(header::CONTENT_TYPE, "text/plain")], reply).into_response(),
                // The process died before it answered: the connection breaks.
                Ok(None) | Err(_) => {
                    let broken = futures::stream::once(async {
                        Err::<Bytes, _>(std::io::Error::other("cluster_mgr died"))
                    });
                    axum::body::Body::from_stream(broken).into_response()
                }
            }
        }
    }
}
