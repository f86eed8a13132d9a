//! The job engine: cluster_mgr's request pipeline (`http_server/http_server.cc`,
//! `request_framework/`), with each job family in its own module.
//!
//! A submit that parses is recorded in `cluster_general_job_log` (status `not_started`,
//! memo NULL) and answered `accept` at once (`HttpServiceImpl::Emit`). One queue task
//! then sets the jobs up one at a time, in order (`HandleRequestThread::run` calls
//! `SetUp`, i.e. `SetUpMisson` and `ArrangeRemoteTask`); each job's deal phase then runs
//! on its own task, concurrently with the others (`AsyncDealRequest` in a bthread). So
//! there is no "busy" answer: jobs queue, and a job's memo stays NULL until its setup
//! writes one, which `get_status` cannot tell apart from an unknown job.
//!
//! A value that would kill cluster_mgr (a JSON number where it calls `asCString()`, junk
//! where it calls `stoi`) stops the simulated process: see [`Engine::crash`].

mod add;
mod add_comps;
mod add_shards;
mod cgroup;
mod create_cluster;
mod delete_cluster;
mod machines;
mod manual_switch;
mod nodes;
mod noswitch;
mod other_mission;
mod phases;
mod rebuild_node;
mod remove;
mod shard_conf;
mod status;
mod variables;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Map, Value};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use crate::codes::{self, Code};
use crate::faults::Faults;
use crate::paras::Read;
use crate::profile::Profile;
use crate::store::Store;
use crate::wire;
use klustron_vocab::JobType;

pub struct Engine {
    pub store: Store,
    pub profile: Profile,
    pub step: Duration,
    pub faults: Arc<Mutex<Faults>>,
    /// When each step of a create_cluster job became visible through `get_status`, so a
    /// test can measure how long the console takes to show it (`GET /sim/steps`).
    marks: Mutex<Vec<StepMark>>,
    /// The running "process": its queue and every task it started.
    process: Mutex<Option<Process>>,
    /// Where a crash is reported (the simulator stops listening and elects a leader).
    crashes: mpsc::UnboundedSender<String>,
    /// The last cluster number handed out (`g_inc_cluster_id`, create_cluster.cc): two
    /// creates set up back to back get different names.
    pub(crate) last_cluster: Mutex<i64>,
    /// The no-switch windows (engine/noswitch.rs), kept by cluster_mgr, not in a table.
    noswitch: Mutex<Vec<noswitch::Window>>,
    /// Storage instances' variables set with `set_variable` (engine/variables.rs):
    /// (host, port, name) → value.
    variables: Mutex<std::collections::HashMap<(String, i64, String), String>>,
}

struct Process {
    queue: mpsc::UnboundedSender<Queued>,
    tasks: JoinSet<()>,
}

/// One step of a job, as reported: `step` is the console's step key (`comp-1`, …).
#[derive(Debug, Clone, serde::Serialize)]
pub struct StepMark {
    pub job_id: i64,
    pub step: String,
    /// Unix time in milliseconds.
    pub at_ms: u128,
}

/// A job waiting for its setup in the queue.
pub(crate) enum Queued {
    /// A request from the job API.
    Request { id: i64, job_type: JobType, paras: Map<String, Value> },
    /// A sub-job cluster_mgr dispatched itself (`internal_add_shard`, …): `InitFromInternal`
    /// skips the request checks.
    Phase(phases::Phase),
}

/// How a job's setup ended.
pub(crate) enum Setup {
    /// Finished, or failed, in setup: nothing runs after.
    Over,
    /// The deal phase runs next, on its own task.
    Deal(std::pin::Pin<Box<dyn std::future::Future<Output = anyhow::Result<()>> + Send>>),
}

/// A parameter error (the job fails with cluster_mgr's code) or a crash.
pub(crate) type Checked<T> = Result<T, Read>;

impl Engine {
    pub fn new(
        store: Store,
        profile: Profile,
        step: Duration,
        faults: Arc<Mutex<Faults>>,
        crashes: mpsc::UnboundedSender<String>,
    ) -> Arc<Self> {
        Arc::new(Self {
            store,
            profile,
            step,
            faults,
            marks: Mutex::default(),
            process: Mutex::default(),
            crashes,
            last_cluster: Mutex::new(0),
            noswitch: Mutex::default(),
            variables: Mutex::default(),
        })
    }

    /// Starts the process: recovers interrupted jobs, then runs the queue. Called when
    /// this node becomes the leader.
    pub async fn boot(self: &Arc<Self>) -> anyhow::Result<()> {
        self.halt();
        self.recover().await?;
        let (tx, mut rx) = mpsc::unbounded_channel::<Queued>();
        let mut tasks = JoinSet::new();
        let me = self.clone();
        tasks.spawn(async move {
            while let Some(job) = rx.recv().await {
                me.hold_setup().await;
                if let Err(e) = me.set_up(job).await {
                    tracing::error!(error = %e, "simulator job setup failed");
                }
            }
        });
        if let Ok(mut p) = self.process.lock() {
            *p = Some(Process { queue: tx, tasks });
        }
        Ok(())
    }

    /// Stops every task of the process (a crash, or leadership lost).
    pub fn halt(&self) {
        if let Ok(mut p) = self.process.lock() {
            if let Some(mut old) = p.take() {
                old.tasks.abort_all();
            }
        }
    }

    /// cluster_mgr died: the simulator stops listening and another node leads.
    pub(crate) fn crash(&self, why: &str) {
        tracing::warn!(reason = why, "simulated cluster_mgr crashed");
        self.halt();
        let _ = self.crashes.send(why.to_owned());
    }

    /// `HttpServiceImpl::RecoverInteruptedJobIfExists` at start: a `not_started` job is
    /// abandoned (`SetInteruptedJobAsFaild` is empty: the row stays as it is, memo NULL,
    /// for ever); an `ongoing` one is dispatched again in recovery mode, which for the
    /// jobs modelled here rolls back and fails with `CLUSTER_MGR_RESTART_ERROR`
    /// (`CreateClusterMission::ArrangeRemoteTask`, `AddComputerMission::ArrangeRemoteTask`).
    async fn recover(&self) -> anyhow::Result<()> {
        for (id, status, _job_type) in self.store.unfinished_jobs().await? {
            if status == "ongoing" {
                let memo = json!({"error_code": codes::CLUSTER_MGR_RESTART.0,
                                  "error_info": codes::CLUSTER_MGR_RESTART.1});
                self.store.write_job(id, "failed", &memo).await?;
                delete_cluster::roll_back_leftovers(self, id).await?;
            }
        }
        Ok(())
    }

    /// Queues a job for setup.
    pub(crate) fn enqueue(&self, job: Queued) {
        if let Ok(p) = self.process.lock() {
            if let Some(p) = p.as_ref() {
                let _ = p.queue.send(job);
            }
        }
    }

    /// Runs `fut` as a task of the process (a deal phase, an install).
    pub(crate) fn spawn(
        self: &Arc<Self>,
        fut: impl std::future::Future<Output = anyhow::Result<()>> + Send + 'static,
    ) {
        if let Ok(mut p) = self.process.lock() {
            if let Some(p) = p.as_mut() {
                p.tasks.spawn(async move {
                    if let Err(e) = fut.await {
                        tracing::error!(error = %e, "simulator job task failed");
                    }
                });
            }
        }
    }

    async fn hold_setup(&self) {
        let ms = self.faults.lock().map(|f| f.hold_setup_ms).unwrap_or(0);
        if ms > 0 {
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
    }

    /// The step marks recorded so far (at most the last 10,000).
    pub fn step_marks(&self) -> Vec<StepMark> {
        self.marks.lock().map(|m| m.clone()).unwrap_or_default()
    }

    pub(crate) fn mark(&self, job_id: i64, step: impl Into<String>) {
        let at_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0);
        if let Ok(mut m) = self.marks.lock() {
            if m.len() >= 10_000 {
                m.remove(0);
            }
            m.push(StepMark { job_id, step: step.into(), at_ms });
        }
    }

    /// One request body in, the reply bytes out (`HttpServiceImpl::Emit`). `None` when
    /// cluster_mgr would have died before answering.
    pub async fn handle(self: &Arc<Self>, body: &[u8]) -> Option<String> {
        let text = String::from_utf8_lossy(body);
        let doc: Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                let info = format!("JSON parse error: {e}, JSON string: {text}");
                return Some(wire::refusal(codes::EFAIL.0, &info));
            }
        };
        let Some(job_type) = doc.get("job_type") else {
            return Some(wire::refusal(
                codes::EFAIL.0,
                "missing `job_type` key-value pair in the request body",
            ));
        };
        let job_type = wire::as_string(job_type);
        if job_type.is_empty() {
            return Some(wire::refusal(
                codes::EFAIL.0,
                "The field `job_type` in Body must be a non empty valid string",
            ));
        }
        // The simulator runs the job types the console sends (`JobType`, whose strings
        // the request-body fixtures pin to cluster_mgr's); `meta_info.cc`
        // `GetReqTypeEnumByStr` knows more, which are answered as unknown here (see
        // docs/ARCHITECTURE.md).
        let job_type = match JobType::parse(&job_type) {
            Some(JobType::GetStatus) => {
                let id = wire::as_string(doc.get("job_id").unwrap_or(&Value::Null));
                return Some(self.status(&id).await);
            }
            // Not a job type of the public 1.0.2 (`meta_info.cc` has no such string).
            Some(t) if !self.profile.knows(t) => {
                return Some(wire::refusal(codes::EFAIL.0, "Unrecongnized job type"))
            }
            // Answered at once, no job row (`SyncMission`).
            Some(t @ (JobType::GetVariable | JobType::SetVariable)) => {
                return self.variable(t == JobType::SetVariable, &doc).await
            }
            Some(JobType::UpdateShardDegradeConf) => {
                return Some(self.update_shard_degrade_conf(&doc).await)
            }
            Some(t) if t.is_sync() => return Some(self.noswitch(t, &doc)),
            Some(t) => t,
            None => return Some(wire::refusal(codes::EFAIL.0, "Unrecongnized job type")),
        };
        // GenerateRequestUniqueId `sprintf`s the request into a 4096-byte buffer: a longer
        // one overwrites the stack and the process dies before it answers.
        let job_info = wire::to_jsoncpp(&doc);
        let statement = format!(
            "update kunlun_metadata_db.cluster_general_job_log set related_id= '',job_info='{job_info}' where id = 4294967295"
        );
        if statement.len() >= 4096 {
            self.crash("request longer than GenerateRequestUniqueId's 4096-byte buffer");
            return None;
        }
        let user = doc.get("user_name").map(wire::as_string).unwrap_or_default();
        let id = match self.store.insert_job(job_type.as_str(), &user, &job_info).await {
            Ok(id) => id,
            Err(e) => return Some(wire::refusal(codes::EFAIL.0, &e.to_string())),
        };
        let paras = match doc.get("paras") {
            Some(Value::Object(p)) => p.clone(),
            _ => Map::new(),
        };
        let mut paras = paras;
        if doc.get("paras").is_none() {
            // Marks the missing `paras` key for the `isMember("paras")` checks.
            paras.insert(NO_PARAS.into(), Value::Bool(true));
        }
        self.enqueue(Queued::Request { id, job_type, paras });
        Some(wire::accept(id))
    }

    /// A job's setup, in the queue task.
    async fn set_up(self: &Arc<Self>, job: Queued) -> anyhow::Result<()> {
        let outcome = match job {
            Queued::Request { id, job_type, paras } => {
                let r = self.set_up_request(id, job_type, &paras).await;
                match r {
                    Ok(s) => s,
                    Err(Read::Crash(why)) => {
                        self.crash(&why);
                        return Ok(());
                    }
                    Err(Read::Refuse(code)) => {
                        // Cannot happen: each setup writes its own refusals.
                        self.fail(id, code, json!({})).await?;
                        Setup::Over
                    }
                }
            }
            Queued::Phase(p) => phases::set_up(self, p).await?,
        };
        if let Setup::Deal(fut) = outcome {
            self.spawn(fut);
        }
        Ok(())
    }

    async fn set_up_request(
        self: &Arc<Self>,
        id: i64,
        job_type: JobType,
        paras: &Map<String, Value>,
    ) -> Checked<Setup> {
        if paras.contains_key(NO_PARAS) {
            return Ok(self.no_paras(id, job_type).await);
        }
        use JobType as T;
        match job_type {
            T::CreateMachine | T::UpdateMachine | T::DeleteMachine => {
                machines::set_up(self, id, job_type.as_str(), paras).await
            }
            T::CreateCluster => create_cluster::set_up_create(self, id, paras).await,
            T::DeleteCluster => delete_cluster::set_up_delete(self, id, paras).await,
            T::AddShards => add_shards::set_up_add_shards(self, id, paras).await,
            T::AddComps => add_comps::set_up_add_comps(self, id, paras).await,
            T::AddNodes => nodes::set_up_add_nodes(self, id, paras).await,
            T::DeleteShard => remove::set_up_delete_shard(self, id, paras).await,
            T::DeleteComp => remove::set_up_delete_comp(self, id, paras).await,
            T::DeleteNode => nodes::set_up_delete_node(self, id, paras).await,
            T::ControlInstance => other_mission::set_up_control_instance(self, id, paras).await,
            T::ManualSwitch => manual_switch::set_up_manual_switch(self, id, paras).await,
            T::RebuildNode => rebuild_node::set_up_rebuild_node(self, id, paras).await,
            T::UpdateInstanceCgroup => cgroup::set_up_update_instance_cgroup(self, id, paras).await,
            // Answered before a job exists.
            T::GetStatus
            | T::SetNoswitch
            | T::DelNoswitch
            | T::ListNoswitch
            | T::UpdateShardDegradeConf
            | T::GetVariable
            | T::SetVariable => Ok(Setup::Over),
        }
    }

    /// A request without `paras`: every job's first check, with its own code.
    async fn no_paras(&self, id: i64, job_type: JobType) -> Setup {
        use JobType as T;
        if job_type == T::ControlInstance || job_type == T::UpdateInstanceCgroup {
            // OtherMission writes its own words, not the code table's.
            if let Err(e) = other_mission::refuse_no_paras(self, id).await {
                tracing::error!(error = %e, "could not record a refusal");
            }
            return Setup::Over;
        }
        let code = match job_type {
            T::CreateMachine | T::UpdateMachine | T::DeleteMachine => {
                codes::MACHINE_QUEST_LOST_PARAS
            }
            T::CreateCluster => codes::CREATE_CLUSTER_QUEST_LOST_PARAS,
            T::DeleteCluster => codes::DELETE_CLUSTER_QUEST_LOST_PARAS,
            T::AddShards => codes::ADD_SHARD_QUEST_LOST_PARAS,
            T::AddComps => codes::ADD_COMPUTER_QUEST_LOST_PARAS,
            T::AddNodes => codes::ADD_NODE_QUEST_LOST_PARAS,
            T::DeleteShard => codes::DELETE_SHARD_QUEST_LOST_PARAS,
            T::DeleteComp => codes::DELETE_COMPUTER_QUEST_LOST_PARAS,
            T::ManualSwitch | T::RebuildNode => codes::JOB_PARAMS_LOST_SHARD_ID,
            T::DeleteNode
            | T::ControlInstance
            | T::UpdateInstanceCgroup
            | T::GetStatus
            | T::SetNoswitch
            | T::DelNoswitch
            | T::ListNoswitch
            | T::UpdateShardDegradeConf
            | T::GetVariable
            | T::SetVariable => codes::DEL_NODE_QUEST_LOST_PARAS,
        };
        if let Err(e) = self.fail(id, code, json!({})).await {
            tracing::error!(error = %e, "could not record a refusal");
        }
        Setup::Over
    }

    /// `UpdateOperationRecord` of a failed job: status `failed`, memo
    /// `{"error_code": n, "error_info": text}` plus `extra` keys.
    pub(crate) async fn fail(&self, id: i64, code: Code, extra: Value) -> anyhow::Result<()> {
        self.store.write_job(id, "failed", &memo(code, extra)).await
    }

    /// How long one instance takes to install or remove in the simulation.
    pub(crate) async fn install_time(&self, units: usize) {
        tokio::time::sleep(self.step * units.max(1) as u32).await;
    }
}

/// The key [`Engine::handle`] adds when a request has no `paras` at all.
const NO_PARAS: &str = "\u{0}no paras";

/// `{"error_code": code, "error_info": text}` with `extra` merged in.
pub(crate) fn memo(code: Code, extra: Value) -> Value {
    let mut m = json!({"error_code": code.0, "error_info": code.1});
    if let (Value::Object(a), Value::Object(b)) = (&mut m, extra) {
        a.extend(b);
    }
    m
}

/// A code whose text is replaced (cluster_mgr puts an install's own words in
/// `error_info`).
pub(crate) fn with_text(code: Code, text: &str) -> Value {
    json!({"error_code": code.0, "error_info": text})
}
