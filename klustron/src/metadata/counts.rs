//! Machine counts shared between requests for a moment (issue #18). A machine list page
//! costs three queries: the page, the number of matching machines and the machines per
//! state; the last two scan `server_nodes` and are the same for every viewer of the same
//! filter. They are kept for [`FRESH_FOR`], so a thousand requests a second cost one
//! count each second; the page itself is always read fresh. The console forgets them when
//! one of its own jobs ends ([`super::MetaDb::forget_counts`]), so what a DBA just did
//! shows at once; a change made elsewhere (cluster_mgr's monitor) shows within a second.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::metadata::model::NodeStats;

pub const FRESH_FOR: Duration = Duration::from_secs(1);
/// Filters are typed by users: at most this many are kept, then all are dropped.
const MAX_FILTERS: usize = 256;

/// Machines per `node_stats`, and when they were counted.
type ByState = (Instant, Vec<(NodeStats, i64)>);

#[derive(Debug, Default)]
pub struct Counts {
    matching: Mutex<HashMap<String, (Instant, i64)>>,
    by_state: Mutex<Option<ByState>>,
}

impl Counts {
    /// The number of machines matching `filter` (the WHERE clause and its values), if
    /// counted less than [`FRESH_FOR`] ago.
    pub fn matching(&self, filter: &str) -> Option<i64> {
        let m = self.matching.lock().ok()?;
        m.get(filter).filter(|(at, _)| at.elapsed() < FRESH_FOR).map(|(_, n)| *n)
    }

    pub fn set_matching(&self, filter: String, n: i64) {
        if let Ok(mut m) = self.matching.lock() {
            if m.len() >= MAX_FILTERS {
                m.clear();
            }
            m.insert(filter, (Instant::now(), n));
        }
    }

    pub fn by_state(&self) -> Option<Vec<(NodeStats, i64)>> {
        let s = self.by_state.lock().ok()?;
        s.as_ref().filter(|(at, _)| at.elapsed() < FRESH_FOR).map(|(_, v)| v.clone())
    }

    pub fn set_by_state(&self, v: Vec<(NodeStats, i64)>) {
        if let Ok(mut s) = self.by_state.lock() {
            *s = Some((Instant::now(), v));
        }
    }

    pub fn forget(&self) {
        if let Ok(mut m) = self.matching.lock() {
            m.clear();
        }
        if let Ok(mut s) = self.by_state.lock() {
            *s = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_kept_per_filter_for_a_moment_and_forgotten_on_demand() {
        let c = Counts::default();
        assert_eq!(c.matching("a"), None);
        c.set_matching("a".into(), 3);
        c.set_by_state(vec![(NodeStats::Running, 3)]);
        assert_eq!((c.matching("a"), c.matching("b")), (Some(3), None));
        assert_eq!(c.by_state(), Some(vec![(NodeStats::Running, 3)]));
        c.forget();
        assert_eq!((c.matching("a"), c.by_state()), (None, None));
    }

    #[test]
    fn a_flood_of_filters_does_not_grow_without_bound() {
        let c = Counts::default();
        for i in 0..(MAX_FILTERS * 3) {
            c.set_matching(format!("f{i}"), 1);
        }
        assert!(c.matching.lock().unwrap().len() <= MAX_FILTERS);
    }
}
