//! Rebuilding replicas (cluster_mgr's `rebuild_node`): which nodes of a shard may be
//! rebuilt, where cluster_mgr will copy the first one from, and the refusals it would
//! answer, decided before anything is sent. The rules are `RebuildNodeMission`'s
//! (`rebuild_node/rebuild_node.cc` `GetPullAndMasterHost`): only replicas of the shard
//! (70041); the source is the least lagging replica not being rebuilt when its lag is
//! within `allow_replica_delay`, else the primary when allowed, else a refusal (70042).
//! The others are then copied from the first node rebuilt.

use crate::domain::cluster_view::{ShardDetail, StorageNodeRow};
use crate::domain::field::number_in;
use crate::domain::node_control::ACTIVE;
use crate::i18n::*;
use crate::lang::fill;
use serde::{Deserialize, Serialize};

/// cluster_mgr's default for `allow_replica_delay` (`rebuild_node.h`).
pub const DEFAULT_SOURCE_LAG_SECS: u32 = 30;
/// XPanel's default speed limit, MB/s (cluster_mgr's own default is the same).
pub const DEFAULT_PV_LIMIT_MB: u32 = 10;
/// cluster_mgr multiplies the limit by 1024 × 1024 in a 32-bit `int`
/// (`RebuildNodeMission::SetUpMisson`): 2048 MB/s and more would wrap negative.
const MAX_PV_LIMIT_MB: u32 = 2047;

/// A rebuild as the dialog asks for it: untrusted text, checked by [`plan`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RebuildAsk {
    pub shard_id: i64,
    /// `host:port` of each replica to rebuild, the first rebuilt first.
    #[serde(default)]
    pub nodes: Vec<String>,
    #[serde(default)]
    pub from_primary: bool,
    #[serde(default)]
    pub max_source_lag: String,
    /// `host:port` of a backup storage target to save the old data to; empty: none.
    #[serde(default)]
    pub backup_to: String,
    #[serde(default)]
    pub pv_limit: String,
}

/// Where cluster_mgr will copy the first node from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Replica(String),
    Primary(String),
}

/// A checked rebuild.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RebuildPlan {
    pub nodes: Vec<(String, u16)>,
    pub from_primary: bool,
    pub max_source_lag: u32,
    pub backup_to: Option<String>,
    pub pv_limit_mb: u32,
    pub source: Source,
}

fn address(n: &StorageNodeRow) -> String {
    format!("{}:{}", n.hostaddr, n.port)
}

/// Where cluster_mgr would copy from when `rebuilt` are rebuilt; `None`: it would
/// refuse (70042).
pub fn likely_source(
    shard: &ShardDetail,
    rebuilt: &[String],
    from_primary: bool,
    max_lag: u32,
) -> Option<Source> {
    // The first of the least lagging, in the metadata's order, as cluster_mgr's `>`.
    let best = shard.nodes.iter().filter(|n| !n.primary && !rebuilt.contains(&address(n))).fold(
        None::<&StorageNodeRow>,
        |b, n| match b {
            Some(b) if b.lag_secs <= n.lag_secs => Some(b),
            _ => Some(n),
        },
    );
    match best {
        Some(n) if n.lag_secs <= i64::from(max_lag) => Some(Source::Replica(address(n))),
        _ if from_primary => {
            shard.nodes.iter().find(|n| n.primary).map(|n| Source::Primary(address(n)))
        }
        _ => None,
    }
}

/// Checks `ask` against `shard` and the backup targets (`host:port`): `Err((field,
/// message))` for what cluster_mgr would refuse or the console cannot send.
pub fn plan(
    l: Locale,
    shard: &ShardDetail,
    ask: &RebuildAsk,
    targets: &[String],
) -> Result<RebuildPlan, (&'static str, String)> {
    let mut nodes = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for raw in ask.nodes.iter().take(64) {
        let a = raw.trim();
        let n = shard.nodes.iter().find(|n| address(n) == a).ok_or_else(|| {
            (
                "nodes",
                fill!(
                    td_string!(l, rebuild.not_in_shard),
                    node = a.chars().take(60).collect::<String>()
                ),
            )
        })?;
        if n.primary {
            return Err(("nodes", fill!(td_string!(l, rebuild.is_primary), node = a)));
        }
        if !names.contains(&address(n)) {
            names.push(address(n));
            nodes.push((n.hostaddr.clone(), n.port));
        }
    }
    if nodes.is_empty() {
        return Err(("nodes", td_string!(l, rebuild.no_nodes).to_owned()));
    }
    let max_source_lag =
        number_in(l, &ask.max_source_lag, 0, 86_400, "s").map_err(|m| ("max_source_lag", m))?;
    let pv_limit_mb =
        number_in(l, &ask.pv_limit, 1, MAX_PV_LIMIT_MB, "MB/s").map_err(|m| ("pv_limit", m))?;
    let backup_to = match ask.backup_to.trim() {
        "" => None,
        t if targets.iter().any(|x| x == t) => Some(t.to_owned()),
        _ => return Err(("backup_to", td_string!(l, rebuild.unknown_target).to_owned())),
    };
    let source =
        likely_source(shard, &names, ask.from_primary, max_source_lag).ok_or_else(|| {
            ("from_primary", fill!(td_string!(l, rebuild.no_source), lag = max_source_lag))
        })?;
    // cluster_mgr picks by lag alone; a stopped replica's lag is stale and node_mgr
    // would fail copying from it.
    if let Source::Replica(a) = &source {
        if shard.nodes.iter().any(|n| address(n) == *a && n.status != ACTIVE) {
            return Err(("max_source_lag", fill!(td_string!(l, rebuild.source_down), node = a)));
        }
    }
    Ok(RebuildPlan {
        nodes,
        from_primary: ask.from_primary,
        max_source_lag,
        backup_to,
        pv_limit_mb,
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(h: &str, primary: bool, lag: i64) -> StorageNodeRow {
        StorageNodeRow {
            hostaddr: h.into(),
            port: 57001,
            primary,
            lag_secs: lag,
            fullsync: true,
            status: "active".into(),
            cpu_cores: 0,
        }
    }

    fn shard() -> ShardDetail {
        ShardDetail::plain(
            5,
            "shard_5",
            vec![
                node("p", true, 0),
                node("a", false, 40),
                node("b", false, 10),
                node("c", false, 10),
            ],
        )
    }

    fn ask(nodes: &[&str], from_primary: bool, lag: &str) -> RebuildAsk {
        RebuildAsk {
            shard_id: 5,
            nodes: nodes.iter().map(|n| format!("{n}:57001")).collect(),
            from_primary,
            max_source_lag: lag.into(),
            backup_to: String::new(),
            pv_limit: "10".into(),
        }
    }

    #[test]
    fn the_source_is_cluster_mgrs_least_lagging_other_replica_else_the_primary() {
        let s = shard();
        let src = |nodes: &[&str], fp, lag| {
            let names: Vec<String> = nodes.iter().map(|n| format!("{n}:57001")).collect();
            likely_source(&s, &names, fp, lag)
        };
        // b and c lag alike: the first in the metadata's order.
        assert_eq!(src(&["a"], false, 30), Some(Source::Replica("b:57001".into())));
        assert_eq!(src(&["b"], false, 30), Some(Source::Replica("c:57001".into())));
        assert_eq!(src(&["b", "c"], false, 30), None);
        assert_eq!(src(&["b", "c"], false, 40), Some(Source::Replica("a:57001".into())));
        assert_eq!(src(&["b", "c"], true, 30), Some(Source::Primary("p:57001".into())));
        assert_eq!(src(&["a", "b", "c"], true, 30), Some(Source::Primary("p:57001".into())));
        assert_eq!(src(&["a", "b", "c"], false, 86_400), None);
    }

    #[test]
    fn refusals_are_cluster_mgrs_and_the_forms() {
        let (s, l) = (shard(), Locale::en);
        let field = |a: &RebuildAsk, t: &[String]| plan(l, &s, a, t).err().map(|e| e.0);
        assert_eq!(field(&ask(&["p"], true, "30"), &[]), Some("nodes"));
        assert_eq!(field(&ask(&["x"], true, "30"), &[]), Some("nodes"));
        assert_eq!(field(&ask(&[], true, "30"), &[]), Some("nodes"));
        assert_eq!(field(&ask(&["b", "c"], false, "30"), &[]), Some("from_primary"));
        assert_eq!(field(&ask(&["a"], false, "x"), &[]), Some("max_source_lag"));
        let mut bad = ask(&["a"], false, "30");
        bad.pv_limit = "0".into();
        assert_eq!(field(&bad, &[]), Some("pv_limit"));
        bad.pv_limit = "2048".into();
        assert_eq!(field(&bad, &[]), Some("pv_limit"));
        bad.pv_limit = "10".into();
        bad.backup_to = "10.0.0.9:9000".into();
        assert_eq!(field(&bad, &[]), Some("backup_to"));
        let p = plan(l, &s, &bad, &["10.0.0.9:9000".into()]).unwrap();
        assert_eq!(p.backup_to.as_deref(), Some("10.0.0.9:9000"));
        // Named twice, rebuilt once; order kept.
        let p = plan(l, &s, &ask(&["c", "a", "c"], false, "30"), &[]).unwrap();
        assert_eq!(p.nodes, [("c".to_owned(), 57001), ("a".to_owned(), 57001)]);
        assert_eq!(p.source, Source::Replica("b:57001".into()));
        // The source cluster_mgr would pick is stopped: refused, saying so.
        let mut s = shard();
        s.nodes[2].status = "inactive".into();
        assert_eq!(plan(l, &s, &ask(&["a"], true, "30"), &[]).unwrap_err().0, "max_source_lag");
    }
}
