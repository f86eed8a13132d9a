//! The job engine: checks a request the way cluster_mgr's `SetUpMisson` does, records it
//! in `cluster_general_job_log`, and runs it in the background in steps, writing the
//! same progress memos cluster_mgr writes, so that `get_status` answers alike.
//!
//! Like cluster_mgr, a request that parses is always `accept`ed with a job id; a request
//! cluster_mgr would refuse then shows up as a `failed` job with cluster_mgr's error code
//! and text. One job runs at a time; a submit meanwhile is answered `ongoing`.

use std::sync::Arc;
use std::time::Duration;

use klustron::jobs::{HaMode, MachineType};
use klustron::metadata::model::{parse_port_range, MemberState};
use klustron::protocol::{loose_int, loose_string};
use serde_json::{json, Map, Value};
use tokio::sync::Mutex;

use crate::codes::{self, Code};
use crate::faults::Faults;
use crate::store::{self, Store};
use klustron::placement::{self, spread_primaries};

pub struct Engine {
    pub store: Store,
    pub step: Duration,
    pub faults: Arc<std::sync::Mutex<Faults>>,
    busy: Mutex<Option<i64>>,
    /// When each step of a create_cluster job became visible through `get_status`, so a
    /// test can measure how long the console takes to show it (`GET /sim/steps`).
    marks: std::sync::Mutex<Vec<StepMark>>,
}

/// One step of a job, as reported: `step` is the console's step key (`comp-1`, …).
#[derive(Debug, Clone, serde::Serialize)]
pub struct StepMark {
    pub job_id: i64,
    pub step: String,
    /// Unix time in milliseconds.
    pub at_ms: u128,
}

/// A request cluster_mgr would refuse, with its code and words.
struct Refusal(Code);

type Checked<T> = Result<T, Refusal>;

/// Reads `paras` the way cluster_mgr does: `asString()`, then `CheckStringIsDigit`.
struct Paras<'a>(&'a Map<String, Value>);

impl Paras<'_> {
    fn s(&self, k: &str) -> String {
        loose_string(self.0.get(k))
    }
    fn digits(&self, k: &str, err: Code) -> Checked<u64> {
        let s = self.s(k);
        if !s.is_empty() && s.len() <= 9 && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(s.parse().unwrap_or(0))
        } else {
            Err(Refusal(err))
        }
    }
    fn in_range(&self, k: &str, lo: u64, hi: u64, err: Code) -> Checked<u64> {
        self.digits(k, err)
            .and_then(|v| if (lo..=hi).contains(&v) { Ok(v) } else { Err(Refusal(err)) })
    }
    fn list(&self, k: &str) -> Vec<String> {
        match self.0.get(k) {
            Some(Value::Array(a)) => a.iter().map(|v| loose_string(Some(v))).collect(),
            _ => Vec::new(),
        }
    }
}

/// What a checked job will do.
enum Plan {
    CreateMachine(MachineRow),
    UpdateMachine(MachineRow),
    DeleteMachine { host: String, t: MachineType },
    CreateCluster(Box<NewCluster>),
    DeleteCluster { cluster_id: i64 },
    AddShards { cluster_id: i64, shards: Vec<Vec<(String, u16)>>, sync_num: i64 },
    AddComps { cluster_id: i64, comps: Vec<(String, u16)> },
    AddNodes { cluster_id: i64, shard_id: i64, nodes: Vec<(String, u16)> },
    DeleteShard { cluster_id: i64, shard_id: i64 },
    DeleteComp { cluster_id: i64, comp_id: i64 },
    DeleteNode { cluster_id: i64, shard_id: i64, host: String, port: u16 },
}

struct MachineRow {
    host: String,
    t: MachineType,
    range: (u16, u16),
    rack: String,
    datadir: String,
    logdir: String,
    wal_log_dir: String,
    comp_datadir: String,
    mem: i64,
    cores: i64,
}

struct NewCluster {
    nick: String,
    ha: HaMode,
    comps: Vec<(String, u16)>,
    shards: Vec<Vec<(String, u16)>>,
    cpu_cores: i64,
    max_conns: i64,
    fullsync: i64,
    user: String,
    password: String,
    memo: Value,
}

impl Engine {
    pub fn new(store: Store, step: Duration, faults: Arc<std::sync::Mutex<Faults>>) -> Arc<Self> {
        Arc::new(Self { store, step, faults, busy: Mutex::new(None), marks: Default::default() })
    }

    /// The step marks recorded so far (at most the last 10,000).
    pub fn step_marks(&self) -> Vec<StepMark> {
        self.marks.lock().map(|m| m.clone()).unwrap_or_default()
    }

    fn mark(&self, job_id: i64, step: String) {
        let at_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0);
        if let Ok(mut m) = self.marks.lock() {
            if m.len() >= 10_000 {
                m.remove(0);
            }
            m.push(StepMark { job_id, step, at_ms });
        }
    }

    /// Marks jobs a previous run left unfinished as failed, as cluster_mgr does after a
    /// restart it cannot recover from (`CLUSTER_MGR_RESTART_ERROR`).
    pub async fn recover(&self) -> anyhow::Result<()> {
        for id in self.store.unfinished_jobs().await? {
            let memo =
                json!({"error_code": 70999, "error_info": "cluster_mgr restarted during the job"});
            self.store.set_job(id, "failed", &memo).await?;
        }
        Ok(())
    }

    /// Handles one request body; returns the reply body.
    pub async fn handle(self: &Arc<Self>, body: &[u8]) -> Value {
        let Ok(Value::Object(doc)) = serde_json::from_slice::<Value>(body) else {
            return failed_reply(codes::INVALID_REQUEST.0, "JSON parse error");
        };
        let job_type = loose_string(doc.get("job_type"));
        if job_type.is_empty() {
            return failed_reply(
                codes::INVALID_REQUEST.0,
                "missing `job_type` key-value pair in the request body",
            );
        }
        if job_type == "get_status" {
            return self.status(&loose_string(doc.get("job_id"))).await;
        }
        if !KNOWN.contains(&job_type.as_str()) {
            return failed_reply(codes::INVALID_REQUEST.0, "Unrecongnized job type");
        }
        let empty = Map::new();
        let paras = match doc.get("paras") {
            Some(Value::Object(p)) => p,
            _ => &empty,
        };
        let user = loose_string(doc.get("user_name"));

        let mut busy = self.busy.lock().await;
        if let Some(running) = *busy {
            return json!({"version": "1.0", "status": "ongoing", "job_id": running.to_string(),
                          "error_code": "0", "error_info": "another job is running", "attachment": null});
        }
        let id = match self.store.new_job(&job_type, &user, &Value::Object(paras.clone())).await {
            Ok(id) => id,
            Err(e) => return failed_reply(codes::INVALID_REQUEST.0, &e.to_string()),
        };
        match self.check(&job_type, paras).await {
            Err(Refusal((code, info))) => {
                let memo = json!({"error_code": code, "error_info": info});
                let _ = self.store.set_job(id, "failed", &memo).await;
            }
            Ok(plan) => {
                *busy = Some(id);
                let _ = self
                    .store
                    .set_job(id, "ongoing", &json!({"error_code": 0, "error_info": ""}))
                    .await;
                let me = self.clone();
                tokio::spawn(async move {
                    let outcome = me.run(id, plan).await;
                    let memo_now = me.memo(id).await;
                    let (status, memo) = match outcome {
                        Ok(()) => {
                            ("done", merge(memo_now, json!({"error_code": 0, "error_info": ""})))
                        }
                        Err(Failure { code: (c, i), extra }) => (
                            "failed",
                            merge(
                                merge(memo_now, extra),
                                json!({"error_code": c, "error_info": i}),
                            ),
                        ),
                    };
                    // The end is recorded and the engine freed under one lock, so a
                    // caller who has seen `done` can submit the next job at once.
                    let mut busy = me.busy.lock().await;
                    if let Err(e) = me.store.set_job(id, status, &memo).await {
                        tracing::error!(error = %e, "could not record the end of job {id}");
                    }
                    me.mark(id, format!("finish-1-{status}"));
                    *busy = None;
                });
            }
        }
        json!({"version": "1.0", "status": "accept", "job_id": id.to_string(),
               "error_code": "0", "error_info": "", "attachment": null})
    }

    async fn memo(&self, id: i64) -> Value {
        match self.store.job(id).await {
            Ok(Some((_, _, m))) => serde_json::from_str(&m).unwrap_or(json!({})),
            _ => json!({}),
        }
    }

    /// `get_status` (cluster_mgr `SyncMission::GetStatus`): the job's memo as the
    /// attachment, plus for create/delete_cluster the memos of its sub-jobs.
    async fn status(&self, job_id: &str) -> Value {
        let Ok(id) = job_id.parse::<i64>() else {
            return failed_reply(70000 + 1004, "job_id no find");
        };
        let Ok(Some((job_type, status, memo))) = self.store.job(id).await else {
            return failed_reply(70000 + 1004, "job_id no find");
        };
        let mut att: Map<String, Value> = match serde_json::from_str(&memo) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        };
        if job_type == "create_cluster" || job_type == "delete_cluster" {
            att.insert("job_steps".into(), json!("shard,computer"));
            for (key, step) in [("computer_id", "computer_step"), ("shard_id", "shard_step")] {
                if let Some(sub) = att.get(key).and_then(|v| loose_int(Some(v))) {
                    if let Ok(Some((_, _, m))) = self.store.job(sub).await {
                        let sub_memo: Value = serde_json::from_str(&m).unwrap_or(json!({}));
                        att.insert(step.into(), json!([sub_memo]));
                    }
                }
            }
        }
        let code = loose_string(att.remove("error_code").as_ref());
        let info = loose_string(att.remove("error_info").as_ref());
        let status = if status == "not_started" { "ongoing".to_owned() } else { status };
        json!({"version": "1.0", "status": status, "job_id": id.to_string(), "job_type": job_type,
               "error_code": if code.is_empty() { "0".to_owned() } else { code },
               "error_info": info, "attachment": Value::Object(att)})
    }

    // --- checks (SetUpMisson) -------------------------------------------------------

    async fn check(&self, job_type: &str, paras: &Map<String, Value>) -> Checked<Plan> {
        let p = Paras(paras);
        let meta = self.store.reader();
        let machines = meta.machines().await.map_err(|_| Refusal(codes::INVALID_REQUEST))?;
        match job_type {
            "create_machine" | "update_machine" => {
                let row = machine_row(&p)?;
                let exists = machines
                    .iter()
                    .any(|m| m.hostaddr == row.host && m.machine_type == Some(row.t));
                if job_type == "create_machine" && exists {
                    return Err(Refusal(codes::MACHINE_EXISTS));
                }
                if job_type == "update_machine" && !exists {
                    return Err(Refusal(codes::MACHINE_NOT_EXIST));
                }
                Ok(if job_type == "create_machine" {
                    Plan::CreateMachine(row)
                } else {
                    Plan::UpdateMachine(row)
                })
            }
            "delete_machine" => {
                let host = p.s("hostaddr");
                let t = MachineType::parse(&p.s("machine_type"))
                    .ok_or(Refusal(codes::MACHINE_NOT_EXIST))?;
                let m = machines
                    .iter()
                    .find(|m| m.hostaddr == host && m.machine_type == Some(t))
                    .ok_or(Refusal(codes::MACHINE_NOT_EXIST))?;
                if !m.used_ports.is_empty() || !m.installing_ports.is_empty() {
                    return Err(Refusal(codes::MACHINE_HAS_USED_PORT));
                }
                Ok(Plan::DeleteMachine { host, t })
            }
            "create_cluster" => {
                let ha =
                    HaMode::parse(&p.s("ha_mode")).ok_or(Refusal(codes::CLUSTER_MISS_HAMODE))?;
                let shards = p.in_range("shards", 1, 256, codes::CLUSTER_SHARDS_WRONG)? as usize;
                let nodes = p.in_range("nodes", 1, 256, codes::CLUSTER_NODES_WRONG)? as usize;
                let comps = p.in_range("comps", 1, 256, codes::CLUSTER_COMPS_WRONG)? as usize;
                p.digits("max_storage_size", codes::CLUSTER_MISS_MAX_STORAGE)?;
                let max_conns =
                    p.digits("max_connections", codes::CLUSTER_MISS_MAX_CONNECTIONS)? as i64;
                let cpu_cores = p.digits("cpu_cores", codes::CLUSTER_MISS_CPU_CORES)? as i64;
                p.in_range("innodb_size", 1, 1 << 24, codes::CLUSTER_INNODB_WRONG)?;
                let fullsync = match p.s("fullsync_level").as_str() {
                    "" => 1,
                    _ => p.digits("fullsync_level", codes::FULLSYNC_TOO_BIG)? as i64,
                };
                if nodes > 1 && fullsync >= nodes as i64 {
                    return Err(Refusal(codes::FULLSYNC_TOO_BIG));
                }
                let storage_ips = p.list("storage_iplists");
                let comp_ips = p.list("computer_iplists");
                registered(&machines, &storage_ips, MachineType::Storage, codes::STORAGE_IPLISTS)?;
                registered(&machines, &comp_ips, MachineType::Computer, codes::COMPUTER_IPLISTS)?;
                let storage =
                    placement::place(&machines, MachineType::Storage, &storage_ips, shards * nodes)
                        .ok_or(Refusal(codes::NO_RESOURCES))?;
                let comp_slots =
                    placement::place(&machines, MachineType::Computer, &comp_ips, comps)
                        .ok_or(Refusal(codes::NO_RESOURCES))?;
                let user = non_empty(p.s("computer_user"), "abc");
                let password = non_empty(p.s("computer_password"), "abc");
                let mut memo = Value::Object(paras.clone());
                if let Value::Object(m) = &mut memo {
                    m.remove("computer_password");
                }
                Ok(Plan::CreateCluster(Box::new(NewCluster {
                    nick: p.s("nick_name"),
                    ha,
                    comps: comp_slots,
                    shards: spread_primaries(&storage, nodes),
                    cpu_cores,
                    max_conns,
                    fullsync,
                    user,
                    password,
                    memo,
                })))
            }
            "delete_cluster" => {
                let cluster_id = self.cluster(&p, codes::CLUSTER_ID_UNKNOWN).await?;
                Ok(Plan::DeleteCluster { cluster_id })
            }
            "add_shards" => {
                let cluster_id = self.cluster(&p, codes::CLUSTER_ID_UNKNOWN).await?;
                let shards = p.in_range("shards", 1, 256, codes::ADD_SHARD_SHARDS_WRONG)? as usize;
                let nodes = p.in_range("nodes", 1, 256, codes::ADD_SHARD_NODES_WRONG)? as usize;
                let ips = p.list("storage_iplists");
                let slots = slots_on(&machines, &ips, MachineType::Storage, shards * nodes)?;
                Ok(Plan::AddShards {
                    cluster_id,
                    shards: spread_primaries(&slots, nodes),
                    sync_num: 1,
                })
            }
            "add_comps" => {
                let cluster_id = self.cluster(&p, codes::CLUSTER_ID_UNKNOWN).await?;
                let comps = p.in_range("comps", 1, 256, codes::CLUSTER_COMPS_WRONG)? as usize;
                let ips = p.list("computer_iplists");
                let comps = slots_on(&machines, &ips, MachineType::Computer, comps)?;
                Ok(Plan::AddComps { cluster_id, comps })
            }
            "add_nodes" => {
                let cluster_id = self.cluster(&p, codes::CLUSTER_ID_UNKNOWN).await?;
                let shard_id = p.digits("shard_id", codes::ADD_NODE_SHARD_UNKNOWN)? as i64;
                self.shards_with(cluster_id, shard_id, codes::ADD_NODE_SHARD_UNKNOWN).await?;
                let n = p.in_range("nodes", 1, 256, codes::ADD_NODE_NODES_WRONG)? as usize;
                let ips = p.list("storage_iplists");
                let nodes = slots_on(&machines, &ips, MachineType::Storage, n)?;
                Ok(Plan::AddNodes { cluster_id, shard_id, nodes })
            }
            "delete_shard" => {
                let cluster_id = self.cluster(&p, codes::CLUSTER_ID_UNKNOWN).await?;
                let shard_id = p.digits("shard_id", codes::DELETE_SHARD_UNKNOWN)? as i64;
                let shards =
                    self.shards_with(cluster_id, shard_id, codes::DELETE_SHARD_UNKNOWN).await?;
                if shards.len() <= 1 {
                    return Err(Refusal(codes::DELETE_SHARD_ONLY_ONE));
                }
                Ok(Plan::DeleteShard { cluster_id, shard_id })
            }
            "delete_comp" => {
                let cluster_id = self.cluster(&p, codes::CLUSTER_ID_UNKNOWN).await?;
                let comp_id = p.digits("comp_id", codes::DELETE_COMP_MISS_ID)? as i64;
                let comps = meta
                    .comp_nodes(cluster_id)
                    .await
                    .map_err(|_| Refusal(codes::DELETE_COMP_MISS_ID))?;
                if !comps.iter().any(|c| c.id == comp_id) {
                    return Err(Refusal(codes::DELETE_COMP_MISS_ID));
                }
                if comps.len() <= 1 {
                    return Err(Refusal(codes::DELETE_COMP_ONLY_ONE));
                }
                Ok(Plan::DeleteComp { cluster_id, comp_id })
            }
            "delete_node" => {
                let cluster_id = self.cluster(&p, codes::CLUSTER_ID_UNKNOWN).await?;
                let shard_id = p.digits("shard_id", codes::DELETE_NODE_UNKNOWN)? as i64;
                let host = p.s("hostaddr");
                let port = p.in_range("port", 1, 65535, codes::DELETE_NODE_UNKNOWN)? as u16;
                let nodes = meta
                    .shard_nodes(cluster_id)
                    .await
                    .map_err(|_| Refusal(codes::DELETE_NODE_UNKNOWN))?;
                let in_shard: Vec<_> = nodes.iter().filter(|n| n.shard_id == shard_id).collect();
                let node = in_shard
                    .iter()
                    .find(|n| n.hostaddr == host && n.port == port)
                    .ok_or(Refusal(codes::DELETE_NODE_UNKNOWN))?;
                if in_shard.len() <= 1 {
                    return Err(Refusal(codes::DELETE_NODE_ONLY_ONE));
                }
                if node.member_state == MemberState::Source {
                    return Err(Refusal(codes::DELETE_NODE_MASTER));
                }
                Ok(Plan::DeleteNode { cluster_id, shard_id, host, port })
            }
            _ => Err(Refusal(codes::INVALID_REQUEST)),
        }
    }

    /// The cluster's shards, refused with `err` unless `shard_id` is one of them.
    async fn shards_with(
        &self,
        cluster_id: i64,
        shard_id: i64,
        err: Code,
    ) -> Checked<Vec<klustron::metadata::Shard>> {
        let shards = self.store.reader().shards(cluster_id).await.map_err(|_| Refusal(err))?;
        if shards.iter().any(|s| s.id == shard_id) {
            Ok(shards)
        } else {
            Err(Refusal(err))
        }
    }

    async fn cluster(&self, p: &Paras<'_>, err: Code) -> Checked<i64> {
        let id = p.digits("cluster_id", err)? as i64;
        let clusters = self.store.reader().clusters().await.map_err(|_| Refusal(err))?;
        clusters.iter().any(|c| c.id == id).then_some(id).ok_or(Refusal(err))
    }
}

const KNOWN: [&str; 11] = [
    "create_machine",
    "update_machine",
    "delete_machine",
    "create_cluster",
    "delete_cluster",
    "add_shards",
    "add_comps",
    "add_nodes",
    "delete_shard",
    "delete_comp",
    "delete_node",
];

fn non_empty(s: String, default: &str) -> String {
    if s.is_empty() {
        default.to_owned()
    } else {
        s
    }
}

fn registered(
    machines: &[klustron::metadata::Machine],
    ips: &[String],
    t: MachineType,
    err: Code,
) -> Checked<()> {
    let ok = ips
        .iter()
        .all(|ip| machines.iter().any(|m| &m.hostaddr == ip && m.machine_type == Some(t)));
    if ok {
        Ok(())
    } else {
        Err(Refusal(err))
    }
}

/// `count` instance slots on machines of type `t` (only those in `ips` when given), as
/// cluster_mgr refuses: unknown machines in the list first, then lack of room.
fn slots_on(
    machines: &[klustron::metadata::Machine],
    ips: &[String],
    t: MachineType,
    count: usize,
) -> Checked<Vec<(String, u16)>> {
    let unknown = match t {
        MachineType::Storage => codes::STORAGE_IPLISTS,
        MachineType::Computer => codes::COMPUTER_IPLISTS,
    };
    registered(machines, ips, t, unknown)?;
    placement::place(machines, t, ips, count).ok_or(Refusal(codes::NO_RESOURCES))
}

fn machine_row(p: &Paras<'_>) -> Checked<MachineRow> {
    let host = p.s("hostaddr");
    if host.parse::<std::net::IpAddr>().is_err() {
        return Err(Refusal(codes::MACHINE_MISS_HOSTADDR));
    }
    let t =
        MachineType::parse(&p.s("machine_type")).ok_or(Refusal(codes::MACHINE_MISS_HOSTADDR))?;
    let range = match p.s("port_range").as_str() {
        "" => t.default_port_range(),
        s => parse_port_range(s).filter(|(a, b)| a < b).ok_or(Refusal(codes::INVALID_REQUEST))?,
    };
    Ok(MachineRow {
        host,
        t,
        range,
        rack: non_empty(p.s("rack_id"), "0"),
        datadir: p.s("datadir"),
        logdir: p.s("logdir"),
        wal_log_dir: p.s("wal_log_dir"),
        comp_datadir: p.s("comp_datadir"),
        mem: p.digits("total_mem", codes::MACHINE_MISS_TOTALMEM)? as i64,
        cores: p.digits("total_cpu_cores", codes::MACHINE_MISS_CPUCORES)? as i64,
    })
}

fn failed_reply(code: i64, info: &str) -> Value {
    json!({"version": "1.0", "status": "failed", "job_id": "", "error_code": code.to_string(),
           "error_info": info, "attachment": null})
}

fn merge(mut a: Value, b: Value) -> Value {
    if let (Value::Object(a), Value::Object(b)) = (&mut a, b) {
        a.extend(b);
    }
    a
}

// --- running jobs ---------------------------------------------------------------------

/// How a job ended badly: cluster_mgr's code and text, plus memo fields
/// (`comp_error_info`, `shard_error_info`).
struct Failure {
    code: Code,
    extra: Value,
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure { code: codes::INVALID_REQUEST, extra: json!({"detail": e.to_string()}) }
    }
}

/// Counts a job's steps, sleeps between them, and fails where a test asked it to.
struct Steps<'a> {
    engine: &'a Engine,
    n: u32,
}

impl Steps<'_> {
    async fn next(&mut self, fail_as: Code, what: &str) -> Result<(), Failure> {
        self.n += 1;
        tokio::time::sleep(self.engine.step).await;
        let fail = self.engine.faults.lock().map(|mut f| f.take_failure(self.n)).unwrap_or(false);
        if fail {
            return Err(Failure { code: fail_as, extra: json!({"failed_step": what}) });
        }
        Ok(())
    }
}

impl Engine {
    async fn run(&self, id: i64, plan: Plan) -> Result<(), Failure> {
        let mut steps = Steps { engine: self, n: 0 };
        match plan {
            Plan::CreateMachine(m) => {
                // cluster_mgr first asks the host's node_mgr; documentation addresses
                // (192.0.2.0/24, RFC 5737) stand for a host whose node_mgr is down.
                steps.next(codes::MACHINE_UNALIVE, "ping node_mgr").await?;
                if m.host.starts_with("192.0.2.") {
                    return Err(Failure { code: codes::MACHINE_UNALIVE, extra: json!({}) });
                }
                self.insert_machine(&m).await?;
                Ok(())
            }
            Plan::UpdateMachine(m) => {
                steps.next(codes::INVALID_REQUEST, "update").await?;
                self.update_machine(&m).await?;
                Ok(())
            }
            Plan::DeleteMachine { host, t } => {
                steps.next(codes::INVALID_REQUEST, "delete").await?;
                sqlx::query("DELETE FROM server_nodes WHERE hostaddr = ? AND machine_type = ?")
                    .bind(host)
                    .bind(t.as_str())
                    .execute(self.store.pool())
                    .await
                    .map_err(store::db)?;
                Ok(())
            }
            Plan::CreateCluster(c) => self.create_cluster(id, *c, &mut steps).await,
            Plan::DeleteCluster { cluster_id } => {
                for comp in
                    self.store.reader().comp_nodes(cluster_id).await.map_err(anyhow::Error::from)?
                {
                    steps.next(codes::INVALID_REQUEST, "delete compute node").await?;
                    self.remove_comp(cluster_id, comp.id).await?;
                }
                for shard in
                    self.store.reader().shards(cluster_id).await.map_err(anyhow::Error::from)?
                {
                    steps.next(codes::INVALID_REQUEST, "delete shard").await?;
                    self.remove_shard(cluster_id, shard.id).await?;
                }
                let mut tx = self.store.begin().await?;
                sqlx::query("UPDATE db_clusters SET status = 'deleted' WHERE id = ?")
                    .bind(cluster_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(store::db)?;
                tx.commit().await.map_err(store::db)?;
                Ok(())
            }
            Plan::AddShards { cluster_id, shards, sync_num } => {
                self.reserve(&shards.concat(), MachineType::Storage).await?;
                for hosts in &shards {
                    if let Err(f) = steps.next(codes::ADD_SHARD_INSTALL, "install shard").await {
                        self.release(&shards.concat(), MachineType::Storage).await?;
                        return Err(f);
                    }
                    self.install_shard(cluster_id, hosts, sync_num).await?;
                }
                Ok(())
            }
            Plan::AddComps { cluster_id, comps } => {
                self.reserve(&comps, MachineType::Computer).await?;
                let (user, pass) = self.comp_account(cluster_id).await;
                for slot in &comps {
                    if let Err(f) =
                        steps.next(codes::ADD_COMPS_INSTALL, "install compute node").await
                    {
                        self.release(&comps, MachineType::Computer).await?;
                        return Err(f);
                    }
                    self.install_comp(cluster_id, slot, &user, &pass, 8, 1000).await?;
                }
                Ok(())
            }
            Plan::AddNodes { cluster_id, shard_id, nodes } => {
                self.reserve(&nodes, MachineType::Storage).await?;
                for slot in &nodes {
                    if let Err(f) =
                        steps.next(codes::ADD_SHARD_INSTALL, "install storage node").await
                    {
                        self.release(&nodes, MachineType::Storage).await?;
                        return Err(f);
                    }
                    self.insert_shard_node(cluster_id, shard_id, slot, "replica").await?;
                }
                Ok(())
            }
            Plan::DeleteShard { cluster_id, shard_id } => {
                steps.next(codes::INVALID_REQUEST, "delete shard").await?;
                self.remove_shard(cluster_id, shard_id).await?;
                Ok(())
            }
            Plan::DeleteComp { cluster_id, comp_id } => {
                steps.next(codes::INVALID_REQUEST, "delete compute node").await?;
                self.remove_comp(cluster_id, comp_id).await?;
                Ok(())
            }
            Plan::DeleteNode { cluster_id, shard_id, host, port } => {
                steps.next(codes::INVALID_REQUEST, "delete storage node").await?;
                let mut tx = self.store.begin().await?;
                sqlx::query("DELETE FROM shard_nodes WHERE db_cluster_id = ? AND shard_id = ? AND hostaddr = ? AND port = ?")
                    .bind(cluster_id)
                    .bind(shard_id)
                    .bind(host.clone())
                    .bind(i64::from(port))
                    .execute(&mut *tx)
                    .await
                    .map_err(store::db)?;
                sqlx::query("UPDATE shards SET num_nodes = num_nodes - 1 WHERE id = ?")
                    .bind(shard_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(store::db)?;
                Store::mark_used(&mut tx, &host, MachineType::Storage, &[port], false).await?;
                tx.commit().await.map_err(store::db)?;
                Ok(())
            }
        }
    }

    /// create_cluster as XPanel's progress dialog reads it: the cluster row, then the
    /// compute nodes (one step per node), then the shards (one step per shard), each
    /// phase with its own sub-job memo (`computer_step`, `shard_step`).
    async fn create_cluster(
        &self,
        id: i64,
        c: NewCluster,
        steps: &mut Steps<'_>,
    ) -> Result<(), Failure> {
        let all_storage = c.shards.concat();
        self.reserve(&all_storage, MachineType::Storage).await?;
        self.reserve(&c.comps, MachineType::Computer).await?;
        let name = format!("cluster_{}_{id:06}", unix_now());
        let cluster_id = {
            let r = sqlx::query(
                "INSERT INTO db_clusters(name, nick_name, owner, ddl_log_tblname, business, ha_mode, status, memo) \
                 VALUES (?, ?, 'abc', ?, 'kunlun', ?, 'creating', ?) RETURNING CAST(id AS CHAR) AS id",
            )
            .bind(name.clone())
            .bind(c.nick.clone())
            .bind(format!("ddl_ops_log_{name}"))
            .bind(c.ha.as_str())
            .bind(c.memo.to_string())
            .fetch_one(self.store.pool())
            .await
            .map_err(store::db)?;
            store::returned_id(&r)?
        };
        let comp_job = self.store.new_job("add_comps", "internal_user", &json!({})).await?;
        let shard_job = self.store.new_job("add_shards", "internal_user", &json!({})).await?;
        let comp_hosts: Vec<String> = c.comps.iter().map(|(h, p)| format!("{h}:{p}")).collect();
        let shard_hosts: Vec<String> =
            all_storage.iter().map(|(h, p)| format!("{h}:{p}")).collect();
        let mut memo = json!({
            "cluster_id": cluster_id.to_string(), "cluster_name": name,
            "computer_id": comp_job.to_string(), "shard_id": shard_job.to_string(),
            "computer_state": "dispatch", "storage_state": "prepare",
            "computer_user": c.user, "error_code": 0, "error_info": ""
        });
        self.store.set_job(id, "ongoing", &memo).await?;
        self.mark(id, "init-1".into());

        let mut comp_ids = Vec::new();
        let mut failure = None;
        for slot in &c.comps {
            let sub = json!({"computer_id": comp_ids, "computer_hosts": comp_hosts.join(","),
                             "computer_state": "ongoing", "error_info": ""});
            self.store.set_job(comp_job, "ongoing", &sub).await?;
            if let Err(f) =
                steps.next(codes::CLUSTER_INSTALL_COMPUTER, "install compute node").await
            {
                let info = format!("install compute node on {}:{} failed", slot.0, slot.1);
                let sub = json!({"computer_id": comp_ids, "computer_hosts": comp_hosts.join(","),
                                 "computer_state": "failed", "error_info": info});
                self.store.set_job(comp_job, "failed", &sub).await?;
                failure = Some(Failure {
                    code: f.code,
                    extra: json!({"comp_error_info": info, "computer_state": "failed"}),
                });
                break;
            }
            comp_ids.push(
                self.install_comp(cluster_id, slot, &c.user, &c.password, c.cpu_cores, c.max_conns)
                    .await?,
            );
            // Report the node as installed at once, as cluster_mgr updates its memo.
            let state = if comp_ids.len() == c.comps.len() { "done" } else { "ongoing" };
            let sub = json!({"computer_id": comp_ids, "computer_hosts": comp_hosts.join(","),
                             "computer_state": state, "error_info": ""});
            self.store.set_job(comp_job, state, &sub).await?;
            self.mark(id, format!("comp-{}", comp_ids.len()));
        }
        if failure.is_none() {
            let sub = json!({"computer_id": comp_ids, "computer_hosts": comp_hosts.join(","),
                             "computer_state": "done", "error_info": ""});
            self.store.set_job(comp_job, "done", &sub).await?;
            memo["computer_state"] = json!("done");
            memo["storage_state"] = json!("dispatch");
            self.store.set_job(id, "ongoing", &memo).await?;

            let mut shard_ids = Vec::new();
            for hosts in &c.shards {
                let sub = json!({"shard_ids": shard_ids, "storage_hosts": shard_hosts.join(","),
                                 "storage_state": "ongoing", "error_info": ""});
                self.store.set_job(shard_job, "ongoing", &sub).await?;
                if let Err(f) = steps.next(codes::CLUSTER_INSTALL_STORAGE, "install shard").await {
                    let info = format!(
                        "install shard on {} failed",
                        hosts.iter().map(|(h, p)| format!("{h}:{p}")).collect::<Vec<_>>().join(",")
                    );
                    let sub = json!({"shard_ids": shard_ids, "storage_hosts": shard_hosts.join(","),
                                     "storage_state": "failed", "error_info": info});
                    self.store.set_job(shard_job, "failed", &sub).await?;
                    failure = Some(Failure {
                        code: f.code,
                        extra: json!({"shard_error_info": info, "storage_state": "failed"}),
                    });
                    break;
                }
                shard_ids.push(self.install_shard(cluster_id, hosts, c.fullsync).await?);
                let state = if shard_ids.len() == c.shards.len() { "done" } else { "ongoing" };
                let sub = json!({"shard_ids": shard_ids, "storage_hosts": shard_hosts.join(","),
                                 "storage_state": state, "error_info": ""});
                self.store.set_job(shard_job, state, &sub).await?;
                self.mark(id, format!("shard-{}", shard_ids.len()));
            }
            if failure.is_none() {
                let sub = json!({"shard_ids": shard_ids, "storage_hosts": shard_hosts.join(","),
                                 "storage_state": "done", "error_info": ""});
                self.store.set_job(shard_job, "done", &sub).await?;
            }
        }
        if let Some(f) = failure {
            // Roll back like cluster_mgr: remove what was installed, free every port.
            self.rollback_cluster(cluster_id, &all_storage, &c.comps).await?;
            return Err(f);
        }
        sqlx::query("UPDATE db_clusters SET status = 'active' WHERE id = ?")
            .bind(cluster_id)
            .execute(self.store.pool())
            .await
            .map_err(store::db)?;
        memo["storage_state"] = json!("done");
        self.store.set_job(id, "ongoing", &memo).await?;
        Ok(())
    }

    async fn reserve(&self, slots: &[(String, u16)], t: MachineType) -> anyhow::Result<()> {
        let mut tx = self.store.begin().await?;
        for (host, port) in slots {
            Store::mark_installing(&mut tx, host, t, &[*port], true).await?;
        }
        tx.commit().await.map_err(store::db)
    }

    /// Frees the reserved ports of a job that stopped half-way. Installed instances
    /// already moved theirs from `installing_port` to `used_port`, so clearing every
    /// slot's reservation is safe.
    async fn release(&self, slots: &[(String, u16)], t: MachineType) -> anyhow::Result<()> {
        let mut tx = self.store.begin().await?;
        for (host, port) in slots {
            Store::mark_installing(&mut tx, host, t, &[*port], false).await?;
        }
        tx.commit().await.map_err(store::db)
    }

    async fn rollback_cluster(
        &self,
        cluster_id: i64,
        storage: &[(String, u16)],
        comps: &[(String, u16)],
    ) -> anyhow::Result<()> {
        let mut tx = self.store.begin().await?;
        for sql in [
            "DELETE FROM comp_nodes WHERE db_cluster_id = ?",
            "DELETE FROM shard_nodes WHERE db_cluster_id = ?",
            "DELETE FROM shards WHERE db_cluster_id = ?",
            "DELETE FROM db_clusters WHERE id = ?",
        ] {
            sqlx::query(sql).bind(cluster_id).execute(&mut *tx).await.map_err(store::db)?;
        }
        for (t, slots) in [(MachineType::Storage, storage), (MachineType::Computer, comps)] {
            for (host, port) in slots {
                Store::mark_installing(&mut tx, host, t, &[*port], false).await?;
                Store::mark_used(&mut tx, host, t, &[*port], false).await?;
            }
        }
        tx.commit().await.map_err(store::db)
    }

    async fn comp_account(&self, cluster_id: i64) -> (String, String) {
        let row = sqlx::query("SELECT CAST(user_name AS CHAR) AS u, CAST(passwd AS CHAR) AS p FROM comp_nodes WHERE db_cluster_id = ? LIMIT 1")
            .bind(cluster_id)
            .fetch_optional(self.store.pool())
            .await
            .ok()
            .flatten();
        row.map(|r| (store::text(&r, "u"), store::text(&r, "p")))
            .unwrap_or(("abc".into(), "abc".into()))
    }

    async fn install_comp(
        &self,
        cluster_id: i64,
        slot: &(String, u16),
        user: &str,
        pass: &str,
        cpu: i64,
        conns: i64,
    ) -> anyhow::Result<i64> {
        let svr = self.store.machine_id(&slot.0, MachineType::Computer).await?.unwrap_or(0);
        let mut tx = self.store.begin().await?;
        let r = sqlx::query(
            "INSERT INTO comp_nodes(name, hostaddr, port, mysql_port, db_cluster_id, user_name, passwd, svr_node_id, status, cpu_cores, max_mem_MB, max_conns) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, 2048, ?) RETURNING CAST(id AS CHAR) AS id",
        )
        .bind(format!("comp_{}_{}", slot.0, slot.1))
        .bind(slot.0.clone())
        .bind(i64::from(slot.1))
        .bind(i64::from(slot.1) + 1)
        .bind(cluster_id)
        .bind(user.to_owned())
        .bind(pass.to_owned())
        .bind(svr)
        .bind(cpu)
        .bind(conns)
        .fetch_one(&mut *tx)
        .await
        .map_err(store::db)?;
        let comp_id = store::returned_id(&r)?;
        Store::mark_installing(&mut tx, &slot.0, MachineType::Computer, &[slot.1], false).await?;
        Store::mark_used(&mut tx, &slot.0, MachineType::Computer, &[slot.1], true).await?;
        tx.commit().await.map_err(store::db)?;
        Ok(comp_id)
    }

    async fn install_shard(
        &self,
        cluster_id: i64,
        hosts: &[(String, u16)],
        sync_num: i64,
    ) -> anyhow::Result<i64> {
        let count: i64 =
            sqlx::query("SELECT CAST(COUNT(*) AS CHAR) AS n FROM shards WHERE db_cluster_id = ?")
                .bind(cluster_id)
                .fetch_one(self.store.pool())
                .await
                .map(|r| store::text(&r, "n").parse().unwrap_or(0))
                .map_err(store::db)?;
        let r = sqlx::query("INSERT INTO shards(name, num_nodes, db_cluster_id, sync_num) VALUES (?, ?, ?, ?) RETURNING CAST(id AS CHAR) AS id")
            .bind(format!("shard_{}", count + 1))
            .bind(hosts.len() as i64)
            .bind(cluster_id)
            .bind(sync_num)
            .fetch_one(self.store.pool())
            .await
            .map_err(store::db)?;
        let shard_id = store::returned_id(&r)?;
        for (i, slot) in hosts.iter().enumerate() {
            let role = if i == 0 { "source" } else { "replica" };
            self.insert_shard_node(cluster_id, shard_id, slot, role).await?;
        }
        Ok(shard_id)
    }

    async fn insert_shard_node(
        &self,
        cluster_id: i64,
        shard_id: i64,
        slot: &(String, u16),
        role: &str,
    ) -> anyhow::Result<()> {
        let svr = self.store.machine_id(&slot.0, MachineType::Storage).await?.unwrap_or(0);
        let mut tx = self.store.begin().await?;
        sqlx::query(
            "INSERT INTO shard_nodes(hostaddr, port, user_name, passwd, shard_id, db_cluster_id, svr_node_id, member_state, status, cpu_cores) \
             VALUES (?, ?, 'pgx', 'pgx_pwd', ?, ?, ?, ?, 'active', 8)",
        )
        .bind(slot.0.clone())
        .bind(i64::from(slot.1))
        .bind(shard_id)
        .bind(cluster_id)
        .bind(svr)
        .bind(role.to_owned())
        .execute(&mut *tx)
        .await
        .map_err(store::db)?;
        if role == "replica" {
            sqlx::query("UPDATE shards SET num_nodes = (SELECT COUNT(*) FROM shard_nodes WHERE shard_id = ?) WHERE id = ?")
                .bind(shard_id)
                .bind(shard_id)
                .execute(&mut *tx)
                .await
                .map_err(store::db)?;
        }
        Store::mark_installing(&mut tx, &slot.0, MachineType::Storage, &[slot.1], false).await?;
        Store::mark_used(&mut tx, &slot.0, MachineType::Storage, &[slot.1], true).await?;
        tx.commit().await.map_err(store::db)
    }

    async fn remove_comp(&self, cluster_id: i64, comp_id: i64) -> anyhow::Result<()> {
        let comps = self.store.reader().comp_nodes(cluster_id).await?;
        let Some(c) = comps.into_iter().find(|c| c.id == comp_id) else { return Ok(()) };
        let mut tx = self.store.begin().await?;
        sqlx::query("DELETE FROM comp_nodes WHERE id = ?")
            .bind(comp_id)
            .execute(&mut *tx)
            .await
            .map_err(store::db)?;
        Store::mark_used(&mut tx, &c.hostaddr, MachineType::Computer, &[c.port], false).await?;
        tx.commit().await.map_err(store::db)
    }

    async fn remove_shard(&self, cluster_id: i64, shard_id: i64) -> anyhow::Result<()> {
        let nodes = self.store.reader().shard_nodes(cluster_id).await?;
        let mut tx = self.store.begin().await?;
        for n in nodes.iter().filter(|n| n.shard_id == shard_id) {
            Store::mark_used(&mut tx, &n.hostaddr, MachineType::Storage, &[n.port], false).await?;
        }
        sqlx::query("DELETE FROM shard_nodes WHERE shard_id = ?")
            .bind(shard_id)
            .execute(&mut *tx)
            .await
            .map_err(store::db)?;
        sqlx::query("DELETE FROM shards WHERE id = ?")
            .bind(shard_id)
            .execute(&mut *tx)
            .await
            .map_err(store::db)?;
        tx.commit().await.map_err(store::db)
    }

    async fn insert_machine(&self, m: &MachineRow) -> anyhow::Result<()> {
        sqlx::query(
            "INSERT INTO server_nodes(hostaddr, machine_type, port_range, node_stats, rack_id, comp_datadir, datadir, logdir, wal_log_dir, total_mem, total_cpu_cores) \
             VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(m.host.clone())
        .bind(m.t.as_str())
        .bind(format!("{}-{}", m.range.0, m.range.1))
        .bind(m.rack.clone())
        .bind(m.comp_datadir.clone())
        .bind(m.datadir.clone())
        .bind(m.logdir.clone())
        .bind(m.wal_log_dir.clone())
        .bind(m.mem)
        .bind(m.cores)
        .execute(self.store.pool())
        .await
        .map_err(store::db)?;
        Ok(())
    }

    async fn update_machine(&self, m: &MachineRow) -> anyhow::Result<()> {
        sqlx::query(
            "UPDATE server_nodes SET port_range = ?, rack_id = ?, comp_datadir = ?, datadir = ?, logdir = ?, wal_log_dir = ?, total_mem = ?, total_cpu_cores = ? \
             WHERE hostaddr = ? AND machine_type = ?",
        )
        .bind(format!("{}-{}", m.range.0, m.range.1))
        .bind(m.rack.clone())
        .bind(m.comp_datadir.clone())
        .bind(m.datadir.clone())
        .bind(m.logdir.clone())
        .bind(m.wal_log_dir.clone())
        .bind(m.mem)
        .bind(m.cores)
        .bind(m.host.clone())
        .bind(m.t.as_str())
        .execute(self.store.pool())
        .await
        .map_err(store::db)?;
        Ok(())
    }
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
