//! Switching a shard's primary over to a replica (cluster_mgr's `manual_switch`): which
//! replica may take over, which one cluster_mgr would pick when none is chosen, and the
//! refusals cluster_mgr would answer, foreseen so the page can say them before anything
//! is sent. The server function asks the same questions before it submits.
//!
//! Which replica cluster_mgr picks is not in any public source; the console assumes what
//! its error table implies (70019 "Assign Host Unalive", 70177 "…not fullsync…", 70020
//! "Assign Host No Maximum GTIDS"): a running fullsync replica, the least behind. The
//! simulator picks the same way (sim `engine/manual_switch.rs`), and the dialog says it
//! is cluster_mgr's choice, not the console's.

use crate::domain::cluster_view::{ClusterDetail, Refusal, ShardDetail, StorageNodeRow};
use crate::domain::node_control::ACTIVE;
use serde::{Deserialize, Serialize};

/// Switchovers per page of the history.
pub const HISTORY_PAGE: u32 = 20;

/// One switchover of the cluster's history (cluster_mgr's `rbr_consfailover` rows of one
/// task), instances as `host:port`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwitchoverEntry {
    pub taskid: String,
    pub shard_id: i64,
    pub shard_name: String,
    /// Asked for (`manual`), or cluster_mgr's own failover.
    pub manual: bool,
    pub old_primary: String,
    pub new_primary: String,
    pub started: String,
    pub ended: String,
    pub ok: bool,
    /// cluster_mgr's words on the last step.
    pub message: String,
    /// From the first step's time to the last's, when both parse.
    #[serde(default)]
    pub duration_secs: Option<i64>,
    pub steps: Vec<SwitchoverStepView>,
}

/// One `rbr_consfailover` row of a switchover: when, which step, and cluster_mgr's code
/// and words on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwitchoverStepView {
    pub step: String,
    pub at: String,
    pub code: Option<i64>,
    pub words: String,
}

/// A page of a cluster's switchover history, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwitchoverPage {
    pub entries: Vec<SwitchoverEntry>,
    pub total: i64,
    pub pages: u32,
}

/// `ip_port` (cluster_mgr's way of naming an instance here) as `host:port`.
pub fn address(ip_port: &str) -> String {
    match ip_port.rsplit_once('_') {
        Some((h, p)) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{h}:{p}")
        }
        _ => ip_port.to_owned(),
    }
}

/// A switchover that passed the checks: the primary, and the chosen replica if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Switch<'a> {
    pub primary: &'a StorageNodeRow,
    pub target: Option<&'a StorageNodeRow>,
}

/// Whether a replica may take over: running and fullsync.
pub fn can_take_over(n: &StorageNodeRow) -> Result<(), Refusal> {
    if n.primary {
        Err(Refusal::TargetIsPrimary)
    } else if n.status != ACTIVE {
        Err(Refusal::TargetNotRunning)
    } else if !n.fullsync {
        Err(Refusal::TargetNotFullsync)
    } else {
        Ok(())
    }
}

/// The replica cluster_mgr would pick with none chosen.
pub fn likely_pick(s: &ShardDetail) -> Option<&StorageNodeRow> {
    s.nodes.iter().filter(|n| can_take_over(n).is_ok()).min_by_key(|n| n.lag_secs)
}

impl ClusterDetail {
    /// Checks a switchover of shard `shard_id` to `target` (`host`, `port`; `None`:
    /// cluster_mgr picks).
    pub fn check_switch(
        &self,
        shard_id: i64,
        target: Option<(&str, u16)>,
    ) -> Result<Switch<'_>, Refusal> {
        let shard = self.shard(shard_id).ok_or(Refusal::NoSuchShard)?;
        let primary = shard.nodes.iter().find(|n| n.primary).ok_or(Refusal::NoPrimary)?;
        let target = match target {
            Some((host, port)) => {
                let n = shard
                    .nodes
                    .iter()
                    .find(|n| n.hostaddr == host && n.port == port)
                    .ok_or(Refusal::NoSuchNode)?;
                can_take_over(n)?;
                Some(n)
            }
            None => {
                likely_pick(shard).ok_or(Refusal::NoReplicaToPick)?;
                None
            }
        };
        Ok(Switch { primary, target })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(h: &str, primary: bool, lag: i64, fullsync: bool, status: &str) -> StorageNodeRow {
        StorageNodeRow {
            hostaddr: h.into(),
            port: 57001,
            primary,
            lag_secs: lag,
            fullsync,
            status: status.into(),
            cpu_cores: 0,
        }
    }

    fn cluster(nodes: Vec<StorageNodeRow>) -> ClusterDetail {
        ClusterDetail {
            id: 1,
            name: "c".into(),
            nick_name: String::new(),
            ha_mode: None,
            status: "inuse".into(),
            created: String::new(),
            comp_user: "abc".into(),
            managed: true,
            comps: vec![],
            shards: vec![ShardDetail::plain(5, "shard_5", nodes)],
        }
    }

    #[test]
    fn cluster_mgr_would_pick_the_running_fullsync_replica_least_behind() {
        let c = cluster(vec![
            node("p", true, 0, true, ACTIVE),
            node("far", false, 30, true, ACTIVE),
            node("near_async", false, 0, false, ACTIVE),
            node("near_stopped", false, 0, true, "inactive"),
            node("near", false, 2, true, ACTIVE),
        ]);
        assert_eq!(likely_pick(&c.shards[0]).map(|n| n.hostaddr.as_str()), Some("near"));
        let ok = c.check_switch(5, None).unwrap();
        assert_eq!((ok.primary.hostaddr.as_str(), ok.target), ("p", None));
        let to_far = c.check_switch(5, Some(("far", 57001))).unwrap();
        assert_eq!(to_far.target.map(|n| n.hostaddr.as_str()), Some("far"));
    }

    #[test]
    fn each_refusal_is_the_one_cluster_mgr_would_answer() {
        let c = cluster(vec![
            node("p", true, 0, true, ACTIVE),
            node("async", false, 0, false, ACTIVE),
            node("stopped", false, 0, true, "inactive"),
        ]);
        let to = |h| c.check_switch(5, Some((h, 57001))).map(|_| ());
        assert_eq!(to("p"), Err(Refusal::TargetIsPrimary));
        assert_eq!(to("async"), Err(Refusal::TargetNotFullsync));
        assert_eq!(to("stopped"), Err(Refusal::TargetNotRunning));
        assert_eq!(to("nobody"), Err(Refusal::NoSuchNode));
        assert_eq!(c.check_switch(5, None).map(|_| ()), Err(Refusal::NoReplicaToPick));
        assert_eq!(c.check_switch(6, None).map(|_| ()), Err(Refusal::NoSuchShard));
        let headless = cluster(vec![node("r", false, 0, true, ACTIVE)]);
        assert_eq!(headless.check_switch(5, None).map(|_| ()), Err(Refusal::NoPrimary));
    }
}
