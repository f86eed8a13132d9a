//! No-switch windows: times in which cluster_mgr switches no primary of the covered
//! shards over, neither by itself nor when asked (it refuses with 70014). cluster_mgr
//! keeps them (`set_noswitch`, `del_noswitch`, `list_noswitch`); the console shows the
//! ones that cover a cluster and says so wherever a switchover is offered.

use serde::{Deserialize, Serialize};

/// The longest window the console sets: 30 days.
pub const MAX_SECS: u32 = 30 * 24 * 3600;

/// One window as cluster_mgr lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoSwitchWindow {
    /// `None`: every cluster.
    pub cluster_id: Option<i64>,
    /// `None`: every shard of the cluster(s).
    pub shard_id: Option<i64>,
    /// Unix seconds.
    pub expires_at: i64,
}

impl NoSwitchWindow {
    /// Whether the window is in force at `now` and covers shard `shard` of `cluster`.
    pub fn covers(&self, cluster: i64, shard: i64, now: i64) -> bool {
        self.expires_at > now
            && self.cluster_id.is_none_or(|c| c == cluster)
            && self.shard_id.is_none_or(|s| s == shard)
    }
}

/// The windows that concern one cluster (its own and the ones for every cluster).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoSwitchView {
    /// cluster_mgr knows the no-switch jobs (1.1+; 1.0.2 does not).
    pub supported: bool,
    pub windows: Vec<NoSwitchWindow>,
    /// The server's clock, Unix seconds, so the page judges "in force" as cluster_mgr.
    pub now: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_covers_its_cluster_and_shard_until_it_expires() {
        let w = |c, s| NoSwitchWindow { cluster_id: c, shard_id: s, expires_at: 100 };
        assert!(w(Some(1), Some(5)).covers(1, 5, 99));
        assert!(!w(Some(1), Some(5)).covers(1, 5, 100), "expired");
        assert!(!w(Some(1), Some(5)).covers(1, 6, 0));
        assert!(!w(Some(2), None).covers(1, 5, 0));
        assert!(w(Some(1), None).covers(1, 6, 0), "every shard of the cluster");
        assert!(w(None, None).covers(9, 9, 0), "every cluster");
    }
}
