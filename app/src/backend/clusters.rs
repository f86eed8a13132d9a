//! One cluster, read from Klustron's metadata, and the server-side steps of changing it
//! (the rules themselves are in `domain::cluster_view`).

use klustron::jobs::{Job, MachineType};
use klustron::metadata::model::MemberState;

use super::auth::{guard, CurrentSession};
use super::klustron::klustron;
use super::{app_state, jobs};
use crate::backend::locale::request_locale;
use crate::domain::cluster_view::{
    check_confirm, ClusterChange, ClusterDetail, CompNodeDetail, ShardDetail, StorageNodeRow,
};
use crate::domain::node_control::{Instance, InstanceControl};
use crate::domain::shard_settings::{Degrade, DEFAULT_MAX_LAG_SECS};
use crate::error::AppError;
use crate::i18n::*;
use crate::lang::fill;

/// cluster_mgr's default compute account (`CreateClusterMission`), which the seed
/// document names too: used when the cluster's memo names none.
const DEFAULT_COMP_USER: &str = "abc";

/// The cluster as the metadata has it now.
pub async fn load(id: i64) -> Result<ClusterDetail, AppError> {
    let meta = klustron()?.meta().await?;
    let c = meta.cluster(id).await?.ok_or_else(|| AppError::NotFound(format!("cluster {id}")))?;
    let comps = meta.comp_nodes(id).await?;
    let shards = meta.shards(id).await?;
    let nodes = meta.shard_nodes(id).await?;
    let thresholds = app_state()?.store.lag_thresholds(id).await?;
    let comp_user = c
        .memo
        .as_ref()
        .and_then(|m| m.computer_user.clone())
        .unwrap_or_else(|| DEFAULT_COMP_USER.to_owned());
    Ok(ClusterDetail {
        id: c.id,
        managed: c.memo.is_some(),
        name: c.name,
        nick_name: c.nick_name,
        ha_mode: c.ha_mode,
        status: c.status,
        created: c.when_created,
        comp_user,
        comps: comps
            .into_iter()
            .map(|n| CompNodeDetail {
                id: n.id,
                name: n.name,
                hostaddr: n.hostaddr,
                pg_port: n.port,
                mysql_port: n.mysql_port,
                mysql_port_derived: n.mysql_port_derived,
                status: n.status.as_str().to_owned(),
                cpu_cores: n.cpu_cores,
                max_mem_mb: n.max_mem_mb,
                max_conns: n.max_conns,
            })
            .collect(),
        shards: shards
            .into_iter()
            .map(|s| ShardDetail {
                nodes: nodes
                    .iter()
                    .filter(|n| n.shard_id == s.id)
                    .map(|n| StorageNodeRow {
                        hostaddr: n.hostaddr.clone(),
                        port: n.port,
                        primary: n.member_state == MemberState::Source,
                        lag_secs: n.replica_delay,
                        fullsync: n.fullsync,
                        status: n.status.as_str().to_owned(),
                        cpu_cores: n.cpu_cores,
                    })
                    .collect(),
                id: s.id,
                name: s.name,
                sync_num: s.sync_num,
                degrade: Degrade::from_columns(s.degrade_on, s.degrade_secs),
                degraded_now: s.degraded_now,
                max_lag_secs: thresholds
                    .iter()
                    .find(|(shard, _)| *shard == s.id)
                    .map_or(DEFAULT_MAX_LAG_SECS, |(_, secs)| *secs),
            })
            .collect(),
    })
}

/// The cluster, once `change` passes the rules (and the typed confirmation, when it
/// deletes something).
pub async fn checked(
    id: i64,
    change: &ClusterChange,
    confirm: Option<&str>,
) -> Result<ClusterDetail, AppError> {
    let c = load(id).await?;
    c.check(change).map_err(|r| AppError::invalid("", r.message(request_locale())))?;
    if let Some(typed) = confirm {
        confirm_typed(&c.confirm_word_for(change), typed)?;
    }
    Ok(c)
}

/// Records, submits and follows `job` on cluster `c` for `who`.
pub async fn submit<J: Job>(
    who: &CurrentSession,
    c: &ClusterDetail,
    job: &J,
) -> Result<i64, AppError> {
    let target = format!("{} (cluster {})", c.confirm_word(), c.id);
    jobs::submit(&app_state()?, who, &guard::client_addr(), &target, job).await
}

/// Checks and submits cluster_mgr's `control_instance` for instance `i` of cluster
/// `cluster_id`: `control` must be one of cluster_mgr's words, the instance must be the
/// cluster's, and a stop or a restart must be confirmed by typing its `host:port`.
pub async fn control_instance(
    who: &CurrentSession,
    cluster_id: i64,
    i: &Instance,
    control: &str,
    confirm: &str,
) -> Result<i64, AppError> {
    use klustron::jobs::ControlInstance;
    let l = request_locale();
    let control = InstanceControl::parse(control.trim())
        .ok_or_else(|| AppError::invalid("control", td_string!(l, node_control.bad_control)))?;
    let c = load(cluster_id).await?;
    let found = c.instance(i).map_err(|r| AppError::invalid("", r.message(l)))?;
    if let Some(expected) = c.control_confirm_word(i, control) {
        confirm_typed(&expected, confirm)?;
    }
    let job = ControlInstance {
        cluster_id: cm_id(c.id)?,
        hostaddr: found.host.clone(),
        port: found.port,
        machine_type: found.machine_type,
        control,
    };
    let target = format!(
        "{} {} in {} (cluster {})",
        found.machine_type,
        found.address(),
        c.confirm_word(),
        c.id
    );
    jobs::submit(&app_state()?, who, &guard::client_addr(), &target, &job).await
}

/// Submits cluster_mgr's `update_instance_cgroup` for instance `i` of cluster
/// `cluster_id`: `cores` cores as a quota or a share.
pub async fn set_cpu_limit(
    who: &CurrentSession,
    cluster_id: i64,
    i: &Instance,
    cores: &str,
    mode: &str,
) -> Result<i64, AppError> {
    use crate::domain::cpu_limit::{self, CpuMode};
    use klustron::jobs::{CpuLimitMode, InstanceKind, UpdateInstanceCgroup};
    let l = request_locale();
    let (cores, mode) =
        cpu_limit::parse(l, cores, mode).map_err(|(f, m)| AppError::invalid(f, m))?;
    let c = load(cluster_id).await?;
    let found = c.instance(i).map_err(|r| AppError::invalid("", r.message(l)))?;
    let job = UpdateInstanceCgroup {
        ip: found.host.clone(),
        port: found.port,
        kind: match found.machine_type {
            MachineType::Storage => InstanceKind::Mysql,
            MachineType::Computer => InstanceKind::Pg,
        },
        cpu_cores: cores,
        cgroup_mode: match mode {
            CpuMode::Quota => CpuLimitMode::Quota,
            CpuMode::Share => CpuLimitMode::Share,
        },
    };
    let target = format!(
        "{} {} in {} (cluster {}): {cores} core(s), {}",
        found.machine_type,
        found.address(),
        c.confirm_word(),
        c.id,
        mode.as_str()
    );
    jobs::submit(&app_state()?, who, &guard::client_addr(), &target, &job).await
}

/// A count of 1-256, as cluster_mgr takes.
pub fn count(field: &'static str, raw: &str) -> Result<u16, AppError> {
    crate::domain::field::number_in(request_locale(), raw, 1, crate::domain::cluster::MAX_COUNT, "")
        .map(|n| n as u16)
        .map_err(|m| AppError::invalid(field, m))
}

/// The chosen machines (canonical addresses) once every one is a running machine of
/// type `t` and they have room for `count` more instances (the wizard's pre-checks).
pub async fn hosts_with_room(
    t: MachineType,
    raw: &[String],
    count: usize,
) -> Result<Vec<String>, AppError> {
    use super::cluster_plan::room_checks;
    let hosts = crate::domain::cluster::host_list(request_locale(), raw)
        .map_err(|m| AppError::invalid("hosts", m))?;
    let machines = klustron()?.meta().await?.machines().await?;
    match room_checks(request_locale(), &machines, t, &hosts, count).0.into_iter().find(|c| !c.ok) {
        Some(c) => Err(AppError::invalid("hosts", c.text)),
        None => Ok(hosts),
    }
}

/// The typed confirmation of something that interrupts service or deletes, checked
/// again on the server (the page's disabled button is no check).
pub fn confirm_typed(expected: &str, typed: &str) -> Result<(), AppError> {
    check_confirm(request_locale(), expected, typed).map_err(|(f, m)| AppError::invalid(f, m))
}

/// The jobs that move a shard's data or its primary: one at a time per shard.
const SHARD_JOBS: [&str; 2] = ["manual_switch", "rebuild_node"];
/// How long such a job holds its shard at most: cluster_mgr 1.0.2 can leave a rebuild
/// `ongoing` for ever (a failed node_mgr call, a leader change), which must not lock
/// the shard for good.
const HOLD_SECS: i64 = 24 * 3600;

/// Refuses a switchover or a rebuild of a shard while the console follows one of either
/// on it: cluster_mgr 1.0.2 queues jobs without a gate, and the second would act on a
/// primary or a source the first is changing. (Two requests in the same instant can
/// still both pass; cluster_mgr then fails one, a switchover with 70033 as the primary
/// it names has moved.)
pub async fn shard_is_free(cluster_id: i64, shard_id: i64) -> Result<(), AppError> {
    let same =
        |p: &serde_json::Value, k: &str, v: i64| klustron::protocol::loose_int(p.get(k)) == Some(v);
    let now = crate::backend::store::now();
    let running = app_state()?.store.unfinished_jobs().await?.into_iter().find(|j| {
        SHARD_JOBS.contains(&j.job_type.as_str())
            && now - j.created_at < HOLD_SECS
            && serde_json::from_str::<serde_json::Value>(&j.params)
                .is_ok_and(|p| same(&p, "cluster_id", cluster_id) && same(&p, "shard_id", shard_id))
    });
    match running {
        Some(j) => {
            let l = request_locale();
            let what = crate::lang::job_name(l, &j.job_type);
            Err(AppError::invalid(
                "",
                fill!(td_string!(l, cluster.shard_busy), job = j.id, what = what),
            ))
        }
        None => Ok(()),
    }
}

/// A metadata id as cluster_mgr's 32-bit id.
pub fn cm_id(id: i64) -> Result<u32, AppError> {
    u32::try_from(id).map_err(|_| AppError::Internal)
}
