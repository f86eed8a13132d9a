//! Placing instances on machines the way cluster_mgr does (`cluster_comm.cc`
//! `GetInstallHosts`), shared by the simulator (which places) and the console's wizard
//! (which previews where each instance will land): the machine with the fewest instances first, ports taken from the
//! machine's `port_range` starting at `start + 1`, a storage instance every 4 ports
//! (mysqld, xport, mgr, exporter), a compute instance every 3 (PostgreSQL, MySQL =
//! PostgreSQL + 1, exporter). Only the first port of each instance is recorded.

use crate::jobs::MachineType;
use crate::metadata::model::NodeStats;
use crate::metadata::Machine;

pub fn delta(t: MachineType) -> u16 {
    match t {
        MachineType::Storage => 4,
        MachineType::Computer => 3,
    }
}

/// Picks `count` (host, port) slots among running machines of type `t` (limited to
/// `only` when it is not empty). `None` when there is not enough room.
pub fn place(
    machines: &[Machine],
    t: MachineType,
    only: &[String],
    count: usize,
) -> Option<Vec<(String, u16)>> {
    struct Slot {
        host: String,
        taken: Vec<u16>,
        range: (u16, u16),
    }
    let mut slots: Vec<Slot> = machines
        .iter()
        .filter(|m| m.machine_type == Some(t) && m.node_stats == NodeStats::Running)
        .filter(|m| only.is_empty() || only.contains(&m.hostaddr))
        .filter_map(|m| {
            let mut taken = m.used_ports.clone();
            taken.extend(&m.installing_ports);
            Some(Slot { host: m.hostaddr.clone(), taken, range: m.port_range? })
        })
        .collect();
    let d = delta(t);
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        // Fewest instances first; ties by host for a stable, readable layout.
        slots.sort_by(|a, b| a.taken.len().cmp(&b.taken.len()).then(a.host.cmp(&b.host)));
        let mut placed = false;
        for slot in slots.iter_mut() {
            let mut p = u32::from(slot.range.0) + 1;
            while p + u32::from(d) <= u32::from(slot.range.1) {
                let port = p as u16;
                if !slot.taken.iter().any(|t| t.abs_diff(port) < d) {
                    slot.taken.push(port);
                    out.push((slot.host.clone(), port));
                    placed = true;
                    break;
                }
                p += u32::from(d);
            }
            if placed {
                break;
            }
        }
        if !placed {
            return None;
        }
    }
    Some(out)
}

/// How many more instances of type `t` fit on running machines (only `only`, when not
/// empty), the same way [`place`] would put them.
pub fn capacity(machines: &[Machine], t: MachineType, only: &[String]) -> usize {
    let d = u32::from(delta(t));
    machines
        .iter()
        .filter(|m| m.machine_type == Some(t) && m.node_stats == NodeStats::Running)
        .filter(|m| only.is_empty() || only.contains(&m.hostaddr))
        .filter_map(|m| {
            let (lo, hi) = m.port_range?;
            let mut taken = m.used_ports.clone();
            taken.extend(&m.installing_ports);
            let mut n = 0;
            let mut p = u32::from(lo) + 1;
            while p + d <= u32::from(hi) {
                if !taken.iter().any(|t| u32::from(t.abs_diff(p as u16)) < d) {
                    taken.push(p as u16);
                    n += 1;
                }
                p += d;
            }
            Some(n)
        })
        .sum()
}

/// Cuts placed slots into shards of `nodes` replicas. The first slot of a shard becomes
/// its primary, so each shard's list is rotated to put primaries on different machines.
pub fn spread_primaries(slots: &[(String, u16)], nodes: usize) -> Vec<Vec<(String, u16)>> {
    slots
        .chunks(nodes.max(1))
        .enumerate()
        .map(|(i, c)| {
            let mut v = c.to_vec();
            let n = v.len();
            v.rotate_left(i % n);
            v
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(host: &str, t: MachineType, range: (u16, u16), used: &[u16]) -> Machine {
        Machine {
            id: 1,
            hostaddr: host.into(),
            machine_type: Some(t),
            port_range: Some(range),
            used_ports: used.to_vec(),
            installing_ports: vec![],
            node_stats: NodeStats::Running,
            total_cpu_cores: 8,
            total_mem_mb: 16384,
            rack_id: "0".into(),
            datadir: String::new(),
            logdir: String::new(),
            wal_log_dir: String::new(),
            comp_datadir: String::new(),
        }
    }

    #[test]
    fn spreads_over_machines_and_steps_ports() {
        let ms = [
            m("10.0.0.1", MachineType::Storage, (57000, 58000), &[]),
            m("10.0.0.2", MachineType::Storage, (57000, 58000), &[57001]),
        ];
        let got = place(&ms, MachineType::Storage, &[], 3).unwrap();
        assert_eq!(
            got,
            [("10.0.0.1".into(), 57001), ("10.0.0.1".into(), 57005), ("10.0.0.2".into(), 57005)]
        );
    }

    #[test]
    fn runs_out_of_room() {
        let ms = [m("10.0.0.1", MachineType::Computer, (47000, 47007), &[])];
        assert_eq!(place(&ms, MachineType::Computer, &[], 2).unwrap().len(), 2);
        assert!(place(&ms, MachineType::Computer, &[], 3).is_none());
        assert!(place(&ms, MachineType::Storage, &[], 1).is_none());
        assert_eq!(capacity(&ms, MachineType::Computer, &[]), 2);
    }

    #[test]
    fn capacity_agrees_with_place() {
        let ms = [
            m("10.0.0.1", MachineType::Storage, (57000, 57100), &[57001, 57009]),
            m("10.0.0.2", MachineType::Storage, (57000, 57050), &[]),
        ];
        let n = capacity(&ms, MachineType::Storage, &[]);
        assert!(place(&ms, MachineType::Storage, &[], n).is_some());
        assert!(place(&ms, MachineType::Storage, &[], n + 1).is_none());
        assert_eq!(capacity(&ms, MachineType::Storage, &["10.0.0.2".into()]), 12);
    }
}
