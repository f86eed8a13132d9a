//! Login throttling, per account name and per client address.
//!
//! After `ACCOUNT_LIMIT` failures for one name (known or not: the answer must not tell
//! which) or `ADDRESS_LIMIT` failures from one address within `WINDOW`, further attempts
//! are refused without checking the password, for a lock that doubles with every further
//! failure (30 s, 1 min, 2 min, ... up to 15 min). A successful login clears the name's
//! count. The counts live in this console's memory: several instances behind a load
//! balancer each count on their own, which bounds an attacker to N times the limit.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const ACCOUNT_LIMIT: u32 = 5;
pub const ADDRESS_LIMIT: u32 = 20;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
const FIRST_LOCK: Duration = Duration::from_secs(30);
const MAX_LOCK: Duration = Duration::from_secs(15 * 60);
/// Entries kept at most per map; the oldest are dropped first when full.
const MAX_ENTRIES: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    first_at: Instant,
    locked_until: Option<Instant>,
}

#[derive(Default)]
pub struct Throttle {
    accounts: Mutex<HashMap<String, Failures>>,
    addresses: Mutex<HashMap<String, Failures>>,
}

/// Names are counted case-insensitively, at most 64 characters of them.
fn account_key(name: &str) -> String {
    name.trim().chars().take(64).collect::<String>().to_lowercase()
}

impl Throttle {
    /// `Err(wait)` while the name or the address is locked.
    pub fn check(&self, name: &str, addr: &str, now: Instant) -> Result<(), Duration> {
        let wait = |map: &Mutex<HashMap<String, Failures>>, key: &str| {
            map.lock()
                .ok()
                .and_then(|m| m.get(key).and_then(|f| f.locked_until))
                .and_then(|until| until.checked_duration_since(now))
                .filter(|d| !d.is_zero())
        };
        match wait(&self.accounts, &account_key(name)).max(wait(&self.addresses, addr)) {
            Some(d) => Err(d),
            None => Ok(()),
        }
    }

    /// Counts a failed attempt.
    pub fn failed(&self, name: &str, addr: &str, now: Instant) {
        count(&self.accounts, account_key(name), ACCOUNT_LIMIT, now);
        count(&self.addresses, addr.to_owned(), ADDRESS_LIMIT, now);
    }

    /// A successful login clears the name's failures (not the address's).
    pub fn succeeded(&self, name: &str) {
        if let Ok(mut m) = self.accounts.lock() {
            m.remove(&account_key(name));
        }
    }

    /// Forgets entries whose window and lock are over.
    pub fn purge(&self, now: Instant) {
        for map in [&self.accounts, &self.addresses] {
            if let Ok(mut m) = map.lock() {
                m.retain(|_, f| !expired(f, now));
            }
        }
    }
}

fn expired(f: &Failures, now: Instant) -> bool {
    now.duration_since(f.first_at) > WINDOW && f.locked_until.is_none_or(|u| u <= now)
}

fn count(map: &Mutex<HashMap<String, Failures>>, key: String, limit: u32, now: Instant) {
    let Ok(mut m) = map.lock() else { return };
    if m.len() >= MAX_ENTRIES && !m.contains_key(&key) {
        m.retain(|_, f| !expired(f, now));
        if m.len() >= MAX_ENTRIES {
            if let Some(oldest) = m.iter().min_by_key(|(_, f)| f.first_at).map(|(k, _)| k.clone()) {
                m.remove(&oldest);
            }
        }
    }
    let f = m.entry(key).or_insert(Failures { count: 0, first_at: now, locked_until: None });
    if expired(f, now) {
        *f = Failures { count: 0, first_at: now, locked_until: None };
    }
    f.count += 1;
    if f.count >= limit {
        let doublings = (f.count - limit).min(10);
        let lock = FIRST_LOCK.saturating_mul(1 << doublings).min(MAX_LOCK);
        f.locked_until = Some(now + lock);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_locks_after_its_limit_and_the_lock_grows() {
        let t = Throttle::default();
        let now = Instant::now();
        for _ in 0..ACCOUNT_LIMIT - 1 {
            t.failed("super_dba", "10.0.0.1", now);
            assert!(t.check("super_dba", "10.0.0.1", now).is_ok());
        }
        t.failed("Super_DBA ", "10.0.0.2", now);
        assert_eq!(t.check("super_dba", "10.0.0.3", now), Err(FIRST_LOCK));
        let later = now + FIRST_LOCK;
        assert!(t.check("super_dba", "10.0.0.3", later).is_ok());
        t.failed("super_dba", "10.0.0.3", later);
        assert_eq!(t.check("super_dba", "10.0.0.3", later), Err(FIRST_LOCK * 2));
        // Other names are not affected by this name's lock.
        assert!(t.check("other", "10.0.0.9", later).is_ok());
    }

    #[test]
    fn unknown_names_lock_exactly_like_known_ones() {
        let t = Throttle::default();
        let now = Instant::now();
        for _ in 0..ACCOUNT_LIMIT {
            t.failed("nobody", "10.0.0.1", now);
        }
        assert_eq!(t.check("nobody", "10.0.0.5", now), Err(FIRST_LOCK));
    }

    #[test]
    fn an_address_locks_across_names() {
        let t = Throttle::default();
        let now = Instant::now();
        for i in 0..ADDRESS_LIMIT {
            t.failed(&format!("user{i}"), "10.0.0.66", now);
        }
        assert!(t.check("fresh_name", "10.0.0.66", now).is_err());
        assert!(t.check("fresh_name", "10.0.0.67", now).is_ok());
    }

    #[test]
    fn success_clears_the_name_and_old_failures_expire() {
        let t = Throttle::default();
        let now = Instant::now();
        for _ in 0..ACCOUNT_LIMIT - 1 {
            t.failed("dba", "a", now);
        }
        t.succeeded("dba");
        t.failed("dba", "a", now);
        assert!(t.check("dba", "a", now).is_ok());
        let much_later = now + WINDOW + MAX_LOCK + Duration::from_secs(1);
        for _ in 0..ACCOUNT_LIMIT - 1 {
            t.failed("dba", "b", much_later);
        }
        assert!(t.check("dba", "b", much_later).is_ok(), "the old failures expired");
        t.purge(much_later + WINDOW + MAX_LOCK + Duration::from_secs(1));
        assert!(t.accounts.lock().unwrap().is_empty());
    }
}
