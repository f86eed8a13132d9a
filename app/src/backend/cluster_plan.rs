//! Where a new cluster (or new shards and compute nodes) will land, and whether it can:
//! the pre-checks the wizard shows on its review step and the server repeats at submit.
//! Placement follows cluster_mgr's own rule (`klustron::placement`), so the preview
//! names the machines and ports cluster_mgr will pick.

use crate::i18n::*;
use crate::lang::fill;
use klustron::jobs::{CpuLimitMode, CreateCluster, Degrade, MachineType};
use klustron::metadata::model::NodeStats;
use klustron::metadata::Machine;
use klustron::placement::{capacity, place, spread_primaries};

use crate::domain::cluster::{ClusterDraft, ValidCluster};
use crate::domain::cluster_plan::{ClusterPlan, OfferedMachine, Placed, PreCheck};
use crate::error::AppError;

/// The draft's first problem as a validation error on its field.
pub fn validated(l: Locale, draft: &ClusterDraft) -> Result<ValidCluster, AppError> {
    draft.validate(l).map_err(|errors| {
        let first = &errors[0];
        AppError::invalid(first.field, first.message.clone())
    })
}

/// Running machines with room for at least one instance, storage first.
pub fn offered(machines: &[Machine]) -> Vec<OfferedMachine> {
    let mut out: Vec<OfferedMachine> = machines
        .iter()
        .filter(|m| m.node_stats == NodeStats::Running)
        .filter_map(|m| {
            let t = m.machine_type?;
            let free = capacity(std::slice::from_ref(m), t, &[]);
            (free > 0).then(|| OfferedMachine {
                hostaddr: m.hostaddr.clone(),
                machine_type: t.as_str().to_owned(),
                free_slots: u32::try_from(free).unwrap_or(u32::MAX),
                cpu_cores: m.total_cpu_cores,
                mem_mb: m.total_mem_mb,
            })
        })
        .collect();
    out.sort_by(|a, b| b.machine_type.cmp(&a.machine_type).then(a.hostaddr.cmp(&b.hostaddr)));
    out
}

/// Pre-checks for `count` instances of type `t` on `chosen` machines (all running ones
/// when empty): every chosen machine registered and running, and room for all.
pub fn room_checks(
    l: Locale,
    machines: &[Machine],
    t: MachineType,
    chosen: &[String],
    count: usize,
) -> (Vec<PreCheck>, Option<Vec<(String, u16)>>) {
    let kind = match t {
        MachineType::Storage => td_string!(l, plan.storage),
        MachineType::Computer => td_string!(l, plan.compute),
    };
    let mut checks = vec![];
    for host in chosen {
        match machines.iter().find(|m| &m.hostaddr == host && m.machine_type == Some(t)) {
            None => checks.push(PreCheck {
                ok: false,
                text: fill!(td_string!(l, plan.not_registered), host = host, kind = kind),
            }),
            Some(m) if m.node_stats != NodeStats::Running => checks.push(PreCheck {
                ok: false,
                text: fill!(
                    td_string!(l, plan.not_running),
                    host = host,
                    status = m.node_stats.as_str()
                ),
            }),
            Some(_) => {}
        }
    }
    let room = capacity(machines, t, chosen);
    let running = machines
        .iter()
        .filter(|m| m.machine_type == Some(t) && m.node_stats == NodeStats::Running)
        .filter(|m| chosen.is_empty() || chosen.contains(&m.hostaddr))
        .count();
    let placed = if checks.is_empty() { place(machines, t, chosen, count) } else { None };
    checks.push(PreCheck {
        ok: placed.is_some(),
        text: fill!(
            td_string!(l, plan.room),
            count = count,
            kind = kind,
            running = running,
            room = room
        ),
    });
    (checks, placed)
}

/// The review of a valid cluster against the machines as they are.
pub fn plan(l: Locale, c: &ValidCluster, machines: &[Machine]) -> ClusterPlan {
    let nodes = usize::from(c.shards) * usize::from(c.replicas);
    let (mut checks, storage) =
        room_checks(l, machines, MachineType::Storage, &c.storage_hosts, nodes);
    let (comp_checks, comps) =
        room_checks(l, machines, MachineType::Computer, &c.compute_hosts, usize::from(c.comps));
    checks.extend(comp_checks);
    checks.push(PreCheck {
        ok: c.fullsync_level < c.replicas,
        text: fill!(td_string!(l, plan.fullsync), f = c.fullsync_level, r = c.replicas),
    });
    let shards: Vec<Vec<Placed>> = storage
        .map(|s| spread_primaries(&s, usize::from(c.replicas)))
        .unwrap_or_default()
        .into_iter()
        .map(|shard| {
            shard
                .into_iter()
                .map(|(hostaddr, port)| Placed { hostaddr, port, mysql_port: None })
                .collect()
        })
        .collect();
    let comps: Vec<Placed> = comps
        .unwrap_or_default()
        .into_iter()
        .map(|(hostaddr, port)| Placed { hostaddr, mysql_port: port.checked_add(1), port })
        .collect();
    let mut warnings = c.warnings(l);
    if let Some(shared) = shards.iter().position(|s| {
        let mut hosts: Vec<&str> = s.iter().map(|p| p.hostaddr.as_str()).collect();
        hosts.sort_unstable();
        hosts.dedup();
        hosts.len() < s.len()
    }) {
        warnings.push(fill!(td_string!(l, plan.shared_machine), s = shared + 1));
    }
    ClusterPlan { shards, comps, checks, warnings }
}

/// The `create_cluster` job for a valid cluster: every field the wizard collects.
pub fn create_job(c: &ValidCluster) -> CreateCluster {
    CreateCluster {
        nick_name: c.nick_name.clone(),
        ha_mode: c.ha_mode,
        shards: c.shards,
        nodes: c.replicas,
        comps: c.comps,
        max_storage_size: c.max_storage_gb,
        max_connections: c.max_connections,
        cpu_cores: c.cpu_cores,
        cpu_limit_mode: if c.cpu_limit_mode == "share" {
            CpuLimitMode::Share
        } else {
            CpuLimitMode::Quota
        },
        innodb_size: c.innodb_mb,
        dbcfg: 0,
        fullsync_level: c.fullsync_level,
        conf_degrade_state: if c.degrade { Degrade::On } else { Degrade::Off },
        conf_degrade_time: c.degrade_secs,
        data_storage_mb: c.data_storage_mb,
        log_storage_mb: c.log_storage_mb,
        install_proxysql: u8::from(c.install_proxysql),
        computer_user: Some(c.computer_user.clone()),
        computer_password: Some(c.computer_password.clone()),
        storage_iplists: c.storage_hosts.clone(),
        computer_iplists: c.compute_hosts.clone(),
    }
}
