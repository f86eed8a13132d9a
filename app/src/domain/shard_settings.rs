//! A shard's settings: the fullsync degrade setting cluster_mgr keeps in `shards`
//! (`update_shard_degrade_conf`), and the replication-lag threshold the console keeps
//! (XPanel's `shard_max_dalay`): a replica further behind than it is flagged.

use crate::domain::field::number_in;
use crate::i18n::*;
use serde::{Deserialize, Serialize};

/// XPanel's default threshold (`shard_max_dalay.max_delay_time DEFAULT '100'`).
pub const DEFAULT_MAX_LAG_SECS: i64 = 100;
/// The highest threshold the console takes: a day.
pub const MAX_LAG_SECS: u32 = 86_400;
/// XPanel's range for the degrade time (`shardlist.vue`: "退化时间范围为5-500s").
pub const DEGRADE_SECS: (u32, u32) = (5, 500);
/// What the degrade time field starts with when the setting is off (XPanel's 25).
pub const DEFAULT_DEGRADE_SECS: u32 = 25;

/// The degrade setting: off, or on after so many seconds without an acknowledging
/// replica.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Degrade {
    Off,
    On(u32),
}

impl Degrade {
    /// From the page's form: `on` and the seconds as typed (only read when on).
    pub fn parse(l: Locale, on: bool, secs: &str) -> Result<Self, String> {
        if !on {
            return Ok(Degrade::Off);
        }
        let (lo, hi) = DEGRADE_SECS;
        number_in(l, secs, lo, hi, "s").map(Degrade::On)
    }

    /// From the metadata's columns (a time outside XPanel's range is shown as it is).
    pub fn from_columns(on: bool, secs: i64) -> Self {
        if on {
            Degrade::On(u32::try_from(secs).unwrap_or(0))
        } else {
            Degrade::Off
        }
    }

    /// For the audit record and the shard card: `ON 25 s` / `OFF`.
    pub fn describe(self) -> String {
        match self {
            Degrade::Off => "OFF".into(),
            Degrade::On(s) => format!("ON {s} s"),
        }
    }
}

/// The lag threshold as typed: whole seconds, 1 to a day.
pub fn parse_max_lag(l: Locale, raw: &str) -> Result<u32, String> {
    number_in(l, raw, 1, MAX_LAG_SECS, "s")
}

/// Whether a replica `lag_secs` behind is past the threshold (a primary never is).
pub fn lagging(primary: bool, lag_secs: i64, max_lag_secs: i64) -> bool {
    !primary && lag_secs > max_lag_secs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degrade_is_read_as_xpanel_bounds_it() {
        let l = Locale::en;
        assert_eq!(Degrade::parse(l, false, "junk"), Ok(Degrade::Off));
        assert_eq!(Degrade::parse(l, true, " 25 "), Ok(Degrade::On(25)));
        assert_eq!(Degrade::parse(l, true, "5"), Ok(Degrade::On(5)));
        assert_eq!(Degrade::parse(l, true, "500"), Ok(Degrade::On(500)));
        for bad in ["4", "501", "", "-5", "2.5", "1e2"] {
            assert!(Degrade::parse(l, true, bad).is_err(), "{bad:?}");
        }
        assert_eq!(Degrade::from_columns(true, 30).describe(), "ON 30 s");
        assert_eq!(Degrade::from_columns(false, 30), Degrade::Off);
    }

    #[test]
    fn only_a_replica_beyond_the_threshold_lags() {
        assert!(!lagging(false, 100, 100));
        assert!(lagging(false, 101, 100));
        assert!(!lagging(true, 1000, 100));
        assert_eq!(parse_max_lag(Locale::en, "100"), Ok(100));
        assert!(parse_max_lag(Locale::en, "0").is_err());
        assert!(parse_max_lag(Locale::en, "86401").is_err());
    }
}
