//! 计算机管理 Machines: the list (filtered, sorted and paged in the metadata database),
//! the instances on one machine, and add / edit / delete through cluster_mgr jobs.

use crate::domain::machine::{MachineForm, MachineType};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::i18n::*;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Rows per page of the machine list.
pub const PER_PAGE: u32 = 20;

/// A machine-list request as the page sends it. Strings, validated on the server;
/// missing fields mean "no filter".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MachineListQuery {
    /// Part of an IP address.
    pub search: String,
    /// `storage`, `computer` or empty for both.
    pub kind: String,
    /// `running`, `idle`, `dead` or empty for all.
    pub status: String,
    /// `host`, `type`, `status`, `cores`, `memory`, `rack`.
    pub sort: String,
    pub descending: bool,
    /// 1-based.
    pub page: u32,
}

/// One `server_nodes` row for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MachineRow {
    pub hostaddr: String,
    pub kind: Option<MachineType>,
    pub port_range: String,
    pub used_ports: String,
    /// How many of its ports instances use (cluster_mgr deletes only a machine with none).
    pub ports_in_use: usize,
    pub installing_ports: String,
    /// `running` 在线, `idle` 不允许再装实例, `dead` 离线, or what the metadata says.
    pub status: String,
    pub cpu_cores: i64,
    pub mem_mb: i64,
    pub rack_id: String,
    pub datadir: String,
    pub logdir: String,
    pub wal_log_dir: String,
    pub comp_datadir: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MachinePage {
    pub rows: Vec<MachineRow>,
    /// Rows matching the filter.
    pub total: i64,
    pub page: u32,
    pub pages: u32,
    /// Counts over all machines, whatever the filter.
    pub online: i64,
    pub idle: i64,
    pub offline: i64,
}

/// One instance on a machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceRow {
    /// `storage` or `computer`.
    pub kind: String,
    pub cluster: String,
    /// Shard name for storage nodes, compute-node name otherwise.
    pub part: String,
    pub port: u16,
    /// `primary`/`replica` for storage nodes, `PostgreSQL + MySQL :port` for compute.
    pub role: String,
    pub status: String,
}

#[server(endpoint = "machines/list")]
pub async fn list_machines(query: MachineListQuery) -> Result<MachinePage, AppError> {
    use crate::backend::{auth::guard, klustron::klustron};
    use klustron::metadata::{MachineQuery, MachineSort};
    use klustron_vocab::NodeStats;
    guard::require_user()?;
    let q = query;
    let search = q.search.trim();
    if search.len() > 45 || !search.bytes().all(|b| b.is_ascii_hexdigit() || b == b'.' || b == b':')
    {
        return Err(AppError::invalid(
            "search",
            td_string!(
                crate::backend::locale::request_locale(),
                api_machines.search_by_ip_address_digits_a
            ),
        ));
    }
    let kind = match q.kind.as_str() {
        "" => None,
        k => Some(
            MachineType::parse(k)
                .ok_or_else(|| AppError::invalid("kind", "Unknown machine type"))?,
        ),
    };
    let status = match NodeStats::parse(&q.status) {
        _ if q.status.is_empty() => None,
        NodeStats::Unknown(_) => return Err(AppError::invalid("status", "Unknown status")),
        known => Some(known),
    };
    let sort = match q.sort.as_str() {
        "" | "host" => MachineSort::Host,
        "type" => MachineSort::Type,
        "status" => MachineSort::Status,
        "cores" => MachineSort::Cores,
        "memory" => MachineSort::Memory,
        "rack" => MachineSort::Rack,
        _ => return Err(AppError::invalid("sort", "Unknown sort column")),
    };
    let page = q.page.clamp(1, 1_000_000);
    let meta = klustron()?.meta().await?;
    let (machines, total) = meta
        .machines_page(&MachineQuery {
            host_contains: search.to_owned(),
            machine_type: kind,
            node_stats: status,
            sort,
            descending: q.descending,
            limit: i64::from(PER_PAGE),
            offset: i64::from(page - 1) * i64::from(PER_PAGE),
        })
        .await?;
    let mut out = MachinePage {
        total,
        page,
        pages: u32::try_from((total + i64::from(PER_PAGE) - 1) / i64::from(PER_PAGE))
            .unwrap_or(u32::MAX)
            .max(1),
        ..MachinePage::default()
    };
    for (state, n) in meta.machine_stats().await? {
        match state {
            NodeStats::Running => out.online += n,
            NodeStats::Idle => out.idle += n,
            _ => out.offline += n,
        }
    }
    out.rows = machines.into_iter().map(row).collect();
    Ok(out)
}

#[cfg(feature = "ssr")]
fn row(m: klustron::metadata::Machine) -> MachineRow {
    let ports = |v: &[u16]| v.iter().map(u16::to_string).collect::<Vec<_>>().join(", ");
    MachineRow {
        kind: m.machine_type,
        port_range: m.port_range.map(|(a, b)| format!("{a}-{b}")).unwrap_or_default(),
        used_ports: ports(&m.used_ports),
        ports_in_use: m.used_ports.len(),
        installing_ports: ports(&m.installing_ports),
        status: m.node_stats.as_str().to_owned(),
        cpu_cores: m.total_cpu_cores,
        mem_mb: m.total_mem_mb,
        hostaddr: m.hostaddr,
        rack_id: m.rack_id,
        datadir: m.datadir,
        logdir: m.logdir,
        wal_log_dir: m.wal_log_dir,
        comp_datadir: m.comp_datadir,
    }
}

/// The storage and compute instances on one host (节点视图).
#[server(endpoint = "machines/instances")]
pub async fn machine_instances(hostaddr: String) -> Result<Vec<InstanceRow>, AppError> {
    use crate::backend::{auth::guard, klustron::klustron};
    use klustron::metadata::model::MemberState;
    guard::require_user()?;
    use crate::domain::machine::parse_host;
    let l = crate::backend::locale::request_locale();
    let host = parse_host(l, &hostaddr).map_err(|m| AppError::invalid("hostaddr", m))?;
    let meta = klustron()?.meta().await?;
    let (storage, compute) = meta.instances_on(&host.to_string()).await?;
    let names = meta.cluster_names().await?;
    let cluster = |id: i64| {
        names
            .iter()
            .find(|(cid, ..)| *cid == id)
            .map(
                |(_, name, nick)| {
                    if nick.is_empty() {
                        name.clone()
                    } else {
                        format!("{nick} ({name})")
                    }
                },
            )
            .unwrap_or_else(|| format!("cluster {id}"))
    };
    let mut out: Vec<InstanceRow> = storage
        .into_iter()
        .map(|n| InstanceRow {
            kind: "storage".into(),
            cluster: cluster(n.db_cluster_id),
            part: format!("shard {}", n.shard_id),
            port: n.port,
            role: match n.member_state {
                MemberState::Source => "primary · 主".into(),
                MemberState::Replica => "replica · 备".into(),
                MemberState::Unknown(s) => s,
            },
            status: n.status.as_str().to_owned(),
        })
        .collect();
    out.extend(compute.into_iter().map(|c| InstanceRow {
        kind: "computer".into(),
        cluster: cluster(c.db_cluster_id),
        part: c.name,
        port: c.port,
        role: format!(
            "PostgreSQL {}, MySQL {}{}",
            c.port,
            c.mysql_port,
            if c.mysql_port_derived { "*" } else { "" }
        ),
        status: c.status.as_str().to_owned(),
    }));
    Ok(out)
}

/// Submits `create_machine`; returns the console's job id to follow.
#[server(endpoint = "machines/add")]
pub async fn add_machine(form: MachineForm) -> Result<i64, AppError> {
    use crate::backend::{app_state, auth::guard, jobs};
    let who = guard::require(crate::domain::access::Privilege::MachineAdd, None).await?;
    let m = validated(&form)?;
    let job = klustron::jobs::CreateMachine(spec(&m));
    jobs::submit(&app_state()?, &who, &guard::client_addr(), &target(&m), &job).await
}

/// Submits `update_machine`. Host, type and rack are fixed once a machine exists (as in
/// XPanel); the stored rack is kept whatever the form says.
#[server(endpoint = "machines/edit")]
pub async fn edit_machine(form: MachineForm) -> Result<i64, AppError> {
    use crate::backend::{app_state, auth::guard, jobs, klustron::klustron};
    let who = guard::require(crate::domain::access::Privilege::MachineEdit, None).await?;
    let mut m = validated(&form)?;
    let existing = find(&klustron()?.meta().await?, &m.hostaddr, m.kind).await?;
    m.rack_id = existing.rack_id;
    let job = klustron::jobs::UpdateMachine(spec(&m));
    jobs::submit(&app_state()?, &who, &guard::client_addr(), &target(&m), &job).await
}

/// Submits `delete_machine`. `confirm` must repeat the address (typed confirmation).
#[server(endpoint = "machines/delete")]
pub async fn delete_machine(
    hostaddr: String,
    machine_type: String,
    confirm: String,
) -> Result<i64, AppError> {
    use crate::backend::{app_state, auth::guard, jobs, klustron::klustron};
    let who = guard::require(crate::domain::access::Privilege::MachineDelete, None).await?;
    use crate::domain::machine::{check_delete, parse_host, parse_kind};
    let l = crate::backend::locale::request_locale();
    let host = parse_host(l, &hostaddr).map_err(|m| AppError::invalid("hostaddr", m))?;
    let kind = parse_kind(l, &machine_type).map_err(|m| AppError::invalid("machine_type", m))?;
    if confirm.trim() != hostaddr.trim() {
        return Err(AppError::invalid(
            "confirm",
            td_string!(l, api_machines.type_the_machine_s_ip_address),
        ));
    }
    let host = host.to_string();
    let machine = find(&klustron()?.meta().await?, &host, kind).await?;
    check_delete(l, &host, machine.used_ports.len()).map_err(|m| AppError::invalid("", m))?;
    let job = klustron::jobs::DeleteMachine { hostaddr: host.clone(), machine_type: kind };
    let target = format!("{host} {}", kind.as_str());
    jobs::submit(&app_state()?, &who, &guard::client_addr(), &target, &job).await
}

#[cfg(feature = "ssr")]
fn validated(form: &MachineForm) -> Result<crate::domain::machine::ValidMachine, AppError> {
    form.validate(crate::backend::locale::request_locale()).map_err(|errors| {
        let first = &errors[0];
        AppError::invalid(first.field, first.message.clone())
    })
}

#[cfg(feature = "ssr")]
fn spec(m: &crate::domain::machine::ValidMachine) -> klustron::jobs::MachineSpec {
    klustron::jobs::MachineSpec {
        hostaddr: m.hostaddr.clone(),
        machine_type: m.kind,
        port_range: m.ports,
        rack_id: m.rack_id.clone(),
        datadir: m.datadir.clone(),
        logdir: m.logdir.clone(),
        wal_log_dir: m.wal_log_dir.clone(),
        comp_datadir: m.comp_datadir.clone(),
        total_mem: m.total_mem_mb,
        total_cpu_cores: m.total_cpu_cores,
    }
}

#[cfg(feature = "ssr")]
fn target(m: &crate::domain::machine::ValidMachine) -> String {
    format!("{} {}", m.hostaddr, m.kind.as_str())
}

#[cfg(feature = "ssr")]
async fn find(
    meta: &klustron::MetaDb,
    host: &str,
    kind: MachineType,
) -> Result<klustron::metadata::Machine, AppError> {
    let (rows, _) = meta
        .machines_page(&klustron::metadata::MachineQuery {
            host_contains: host.to_owned(),
            machine_type: Some(kind),
            limit: 500,
            ..Default::default()
        })
        .await?;
    rows.into_iter()
        .find(|m| m.hostaddr == host)
        .ok_or_else(|| AppError::NotFound(format!("machine {host} ({})", kind.as_str())))
}
