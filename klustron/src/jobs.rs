//! The jobs the console submits, as typed parameters.
//!
//! cluster_mgr reads every number with `CheckStringIsDigit(paras[k].asString())` and
//! `atoi`, so numbers go on the wire as decimal strings (`as_str` below); lists of hosts
//! are JSON arrays of strings. Field names and the job types come from cluster_mgr's
//! `src/cluster_mission/*.cc` and `machine_mission.cc`, checked against what XPanel's
//! `views/*/*.vue` send; the fixtures in `tests/fixtures/` name the source of each.

use serde::{Serialize, Serializer};

pub use klustron_vocab::{HaMode, InstanceControl, JobType, MachineType};

/// A job's parameters: what goes into `paras`.
pub trait Job: Serialize {
    const TYPE: JobType;
}

/// Serializes any number as the decimal string cluster_mgr expects.
fn as_str<T: std::fmt::Display, S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

fn opt_as_str<T: std::fmt::Display, S: Serializer>(v: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.collect_str(v),
        None => s.serialize_none(),
    }
}

fn port_range<S: Serializer>(v: &(u16, u16), s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&format_args!("{}-{}", v.0, v.1))
}

/// `create_machine` and `update_machine` (cluster_mgr `machine_mission.cc`). Directory
/// fields are `;`-separated lists of absolute paths; the ones that do not apply to the
/// machine type are sent empty, as XPanel does.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MachineSpec {
    pub hostaddr: String,
    pub machine_type: MachineType,
    #[serde(serialize_with = "port_range")]
    pub port_range: (u16, u16),
    pub rack_id: String,
    pub datadir: String,
    pub logdir: String,
    pub wal_log_dir: String,
    pub comp_datadir: String,
    #[serde(serialize_with = "as_str")]
    pub total_mem: u32,
    #[serde(serialize_with = "as_str")]
    pub total_cpu_cores: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct CreateMachine(pub MachineSpec);
impl Job for CreateMachine {
    const TYPE: JobType = JobType::CreateMachine;
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct UpdateMachine(pub MachineSpec);
impl Job for UpdateMachine {
    const TYPE: JobType = JobType::UpdateMachine;
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeleteMachine {
    pub hostaddr: String,
    pub machine_type: MachineType,
}
impl Job for DeleteMachine {
    const TYPE: JobType = JobType::DeleteMachine;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CpuLimitMode {
    Quota,
    Share,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Degrade {
    #[serde(rename = "ON")]
    On,
    #[serde(rename = "OFF")]
    Off,
}

/// `create_cluster`: every field XPanel's dialog collects, including the ones it forgot
/// to send (the console sends them all; cluster_mgr ignores what it does not read).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CreateCluster {
    pub nick_name: String,
    pub ha_mode: HaMode,
    #[serde(serialize_with = "as_str")]
    pub shards: u16,
    #[serde(serialize_with = "as_str")]
    pub nodes: u16,
    #[serde(serialize_with = "as_str")]
    pub comps: u16,
    #[serde(serialize_with = "as_str")]
    pub max_storage_size: u32,
    #[serde(serialize_with = "as_str")]
    pub max_connections: u32,
    #[serde(serialize_with = "as_str")]
    pub cpu_cores: u32,
    pub cpu_limit_mode: CpuLimitMode,
    #[serde(serialize_with = "as_str")]
    pub innodb_size: u32,
    #[serde(serialize_with = "as_str")]
    pub dbcfg: u8,
    #[serde(serialize_with = "as_str")]
    pub fullsync_level: u16,
    pub conf_degrade_state: Degrade,
    #[serde(serialize_with = "as_str")]
    pub conf_degrade_time: u32,
    #[serde(rename = "data_storage_MB", serialize_with = "as_str")]
    pub data_storage_mb: u32,
    #[serde(rename = "log_storage_MB", serialize_with = "as_str")]
    pub log_storage_mb: u32,
    #[serde(serialize_with = "as_str")]
    pub install_proxysql: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub computer_user: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub computer_password: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub storage_iplists: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub computer_iplists: Vec<String>,
}
impl Job for CreateCluster {
    const TYPE: JobType = JobType::CreateCluster;
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeleteCluster {
    #[serde(serialize_with = "as_str")]
    pub cluster_id: u32,
    pub nick_name: String,
}
impl Job for DeleteCluster {
    const TYPE: JobType = JobType::DeleteCluster;
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AddShards {
    #[serde(serialize_with = "as_str")]
    pub cluster_id: u32,
    pub nick_name: String,
    #[serde(serialize_with = "as_str")]
    pub shards: u16,
    #[serde(serialize_with = "as_str")]
    pub nodes: u16,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub storage_iplists: Vec<String>,
}
impl Job for AddShards {
    const TYPE: JobType = JobType::AddShards;
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AddComps {
    #[serde(serialize_with = "as_str")]
    pub cluster_id: u32,
    pub nick_name: String,
    #[serde(serialize_with = "as_str")]
    pub comps: u16,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub computer_iplists: Vec<String>,
}
impl Job for AddComps {
    const TYPE: JobType = JobType::AddComps;
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AddNodes {
    #[serde(serialize_with = "as_str")]
    pub cluster_id: u32,
    pub nick_name: String,
    /// Optional: without it cluster_mgr adds `nodes` replicas to every shard of the
    /// cluster (`AddNodeMission::SetUpMisson`, `shard_id_` -2).
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "opt_as_str")]
    pub shard_id: Option<u32>,
    #[serde(serialize_with = "as_str")]
    pub nodes: u16,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub storage_iplists: Vec<String>,
}
impl Job for AddNodes {
    const TYPE: JobType = JobType::AddNodes;
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeleteShard {
    #[serde(serialize_with = "as_str")]
    pub cluster_id: u32,
    #[serde(serialize_with = "as_str")]
    pub shard_id: u32,
}
impl Job for DeleteShard {
    const TYPE: JobType = JobType::DeleteShard;
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeleteComp {
    #[serde(serialize_with = "as_str")]
    pub cluster_id: u32,
    pub nick_name: String,
    #[serde(serialize_with = "as_str")]
    pub comp_id: u32,
}
impl Job for DeleteComp {
    const TYPE: JobType = JobType::DeleteComp;
}

/// `delete_node` names the storage node by host and port (`delete_node.cc`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeleteNode {
    #[serde(serialize_with = "as_str")]
    pub cluster_id: u32,
    #[serde(serialize_with = "as_str")]
    pub shard_id: u32,
    pub hostaddr: String,
    #[serde(serialize_with = "as_str")]
    pub port: u16,
}
impl Job for DeleteNode {
    const TYPE: JobType = JobType::DeleteNode;
}

/// `control_instance` names the instance by host and port (`other_mission.cc`
/// `OtherMission::ControlInstance`). cluster_mgr 1.0.2 finds the instance's kind itself
/// (`shard_nodes`, then `comp_nodes`) and reads neither `machine_type` nor
/// `cluster_id`; both are sent as XPanel sends them (`onecluster/shardlist.vue`
/// `handleControlNode`), for the releases that do read them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ControlInstance {
    #[serde(serialize_with = "as_str")]
    pub cluster_id: u32,
    pub hostaddr: String,
    #[serde(serialize_with = "as_str")]
    pub port: u16,
    pub machine_type: MachineType,
    pub control: InstanceControl,
}
impl Job for ControlInstance {
    const TYPE: JobType = JobType::ControlInstance;
}

/// `manual_switch` (cluster_mgr 1.1+; XPanel 1.2 `onecluster/standby_switch.vue`,
/// cluster_mgr `test/hellentest/kunlun_test1.1.2/t/manual_switch.test`): instances are
/// named `ip_port`, with an underscore. Without `assign_hostaddr` cluster_mgr picks the
/// new primary itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ManualSwitch {
    #[serde(serialize_with = "as_str")]
    pub cluster_id: u32,
    #[serde(serialize_with = "as_str")]
    pub shard_id: u32,
    pub master_hostaddr: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assign_hostaddr: Option<String>,
}
impl Job for ManualSwitch {
    const TYPE: JobType = JobType::ManualSwitch;
}

/// An instance as manual_switch names it: `ip_port`.
pub fn ip_port(host: &str, port: u16) -> String {
    format!("{host}_{port}")
}

/// The clusters a no-switch window covers: one, or every one (`"all"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterScope {
    All,
    One(u32),
}

impl Serialize for ClusterScope {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ClusterScope::All => s.serialize_str("all"),
            ClusterScope::One(id) => s.collect_str(id),
        }
    }
}

/// `set_noswitch`: no switchover of the cluster's shards (or one shard) for `timeout`
/// seconds. `type` is always `"1"` in every client seen (its meaning is in no source).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SetNoswitch {
    pub cluster_id: ClusterScope,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "opt_as_str")]
    pub shard_id: Option<u32>,
    #[serde(serialize_with = "as_str")]
    pub timeout: u32,
    #[serde(rename = "type")]
    pub kind: &'static str,
}
impl Job for SetNoswitch {
    const TYPE: JobType = JobType::SetNoswitch;
}

impl SetNoswitch {
    pub fn new(cluster_id: ClusterScope, shard_id: Option<u32>, timeout: u32) -> Self {
        Self { cluster_id, shard_id, timeout, kind: "1" }
    }
}

/// `del_noswitch`: ends the window set for the same cluster (or all) and shard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DelNoswitch {
    pub cluster_id: ClusterScope,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "opt_as_str")]
    pub shard_id: Option<u32>,
}
impl Job for DelNoswitch {
    const TYPE: JobType = JobType::DelNoswitch;
}

/// `list_noswitch`: every window, as `attachment.value` (XPanel always asks for all).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListNoswitch {
    pub cluster_id: ClusterScope,
}
impl Job for ListNoswitch {
    const TYPE: JobType = JobType::ListNoswitch;
}

/// `update_shard_degrade_conf` (cluster_mgr 1.1+; XPanel 1.2 `onecluster/shardlist.vue`
/// `updateData`): whether a fullsync shard may "degrade" to asynchronous replication
/// when no replica acknowledges within `conf_degrade_time` seconds (5-500). XPanel sends
/// `"0"` with `OFF`; so does [`UpdateShardDegradeConf::off`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UpdateShardDegradeConf {
    #[serde(serialize_with = "as_str")]
    pub cluster_id: u32,
    #[serde(serialize_with = "as_str")]
    pub shard_id: u32,
    pub conf_degrade_state: Degrade,
    #[serde(serialize_with = "as_str")]
    pub conf_degrade_time: u32,
}
impl Job for UpdateShardDegradeConf {
    const TYPE: JobType = JobType::UpdateShardDegradeConf;
}

impl UpdateShardDegradeConf {
    pub fn on(cluster_id: u32, shard_id: u32, secs: u32) -> Self {
        Self { cluster_id, shard_id, conf_degrade_state: Degrade::On, conf_degrade_time: secs }
    }
    pub fn off(cluster_id: u32, shard_id: u32) -> Self {
        Self { cluster_id, shard_id, conf_degrade_state: Degrade::Off, conf_degrade_time: 0 }
    }
}

/// `"0"` / `"1"`, as cluster_mgr `atoi`s (or `asCString()`s) its flags.
fn flag<S: Serializer>(v: &bool, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(if *v { "1" } else { "0" })
}

/// `rebuild_node` (`rebuild_node/rebuild_node.cc` `RebuildNodeMission::SetUpMisson`):
/// the replicas in `rb_nodes` are wiped and copied again, the first from the least
/// lagging other replica (within `allow_replica_delay` seconds; else from the primary
/// when `allow_pull_from_master`), the others from the first. Every value is a string:
/// cluster_mgr reads `cluster_id`, `shard_id` and `need_backup` with `asCString()`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RebuildNode {
    #[serde(serialize_with = "as_str")]
    pub cluster_id: u32,
    #[serde(serialize_with = "as_str")]
    pub shard_id: u32,
    pub rb_nodes: Vec<RbNode>,
    #[serde(serialize_with = "flag")]
    pub allow_pull_from_master: bool,
    #[serde(serialize_with = "as_str")]
    pub allow_replica_delay: u32,
}
impl Job for RebuildNode {
    const TYPE: JobType = JobType::RebuildNode;
}

/// One replica to rebuild. `pv_limit` is the copy's speed limit in MB/s (cluster_mgr
/// multiplies it by 1024 × 1024; XPanel labels it KB/s). With `need_backup` the old
/// data is first saved to `hdfs_host` (`ip:port` of a backup storage target).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RbNode {
    pub hostaddr: String,
    #[serde(serialize_with = "as_str")]
    pub port: u16,
    #[serde(serialize_with = "flag")]
    pub need_backup: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hdfs_host: Option<String>,
    #[serde(serialize_with = "as_str")]
    pub pv_limit: u32,
}

/// `get_variable` (`kl_mentain/sys.cc` `System::get_variable`): one variable of a
/// storage instance (`select @@<variable>`) or a compute instance (`show <variable>`),
/// answered at once as `{result: "true"|"false", value}`. `variable` is put into SQL by
/// cluster_mgr as it is: the console sends only names it has checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GetVariable {
    pub hostaddr: String,
    #[serde(serialize_with = "as_str")]
    pub port: u16,
    pub variable: String,
}
impl Job for GetVariable {
    const TYPE: JobType = JobType::GetVariable;
}

/// `set_variable` (`System::set_variable` → `Shard_node::set_variables`): cluster_mgr
/// 1.0.2 runs `set persist <variable>=<type>` when `type` is not empty (it passes
/// `type` where the unquoted value belongs) and `set persist <variable>='<value>'`
/// otherwise; a compute node's set does nothing. [`SetVariable::unquoted`] and
/// [`SetVariable::quoted`] build the two forms that work on it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SetVariable {
    pub hostaddr: String,
    #[serde(serialize_with = "as_str")]
    pub port: u16,
    pub variable: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub value: String,
}
impl Job for SetVariable {
    const TYPE: JobType = JobType::SetVariable;
}

impl SetVariable {
    /// An unquoted value (a number, or a word such as `ON`): in `type`, where 1.0.2
    /// reads it, and in `value`.
    pub fn unquoted(hostaddr: String, port: u16, variable: String, value: String) -> Self {
        Self { hostaddr, port, variable, kind: value.clone(), value }
    }
    /// A quoted string value: `type` empty.
    pub fn quoted(hostaddr: String, port: u16, variable: String, value: String) -> Self {
        Self { hostaddr, port, variable, kind: String::new(), value }
    }
}

/// What kind of instance `update_instance_cgroup` limits: a storage node (`mysql`) or a
/// compute node (`pg`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InstanceKind {
    Mysql,
    Pg,
}

/// `update_instance_cgroup` (cluster_mgr 1.1+; XPanel 1.2 `onecluster/shardlist.vue` and
/// `complist.vue` `SaveCpuSetData`, cluster_mgr `kunlun_test1.1.2/t/
/// update_instance_cgroup.test`): the instance's CPU limit, `cpu_cores` cores as a hard
/// quota or as a share. The instance is named `ip`, not `hostaddr`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UpdateInstanceCgroup {
    pub ip: String,
    #[serde(serialize_with = "as_str")]
    pub port: u16,
    #[serde(rename = "type")]
    pub kind: InstanceKind,
    #[serde(serialize_with = "as_str")]
    pub cpu_cores: u32,
    pub cgroup_mode: CpuLimitMode,
}
impl Job for UpdateInstanceCgroup {
    const TYPE: JobType = JobType::UpdateInstanceCgroup;
}
