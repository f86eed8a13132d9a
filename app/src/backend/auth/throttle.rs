//! Login throttling, without handing out a lock-out of someone else's account.
//!
//! Every attempt is counted *before* the password is hashed ([`Throttle::reserve`]),
//! under one lock, so parallel guesses cannot slip past the limit; a success then takes
//! its attempt back ([`Throttle::succeeded`]). Three counters, each locking for 30 s,
//! doubling with every further failure up to 15 min:
//! - a name from one address: 5 failures (`PAIR_LIMIT`);
//! - one address, any names: 20 failures (`ADDRESS_LIMIT`);
//! - a name from any address: 20 failures (`NAME_LIMIT`), which does not apply to an
//!   address the account logged in from before: an attacker spread over many addresses
//!   is stopped, and the owner, from where they always work, is not locked out.
//!
//! Unknown names count exactly like known ones, so the answer tells nothing. The first
//! refusal of each lock is reported (and audited), not every one. Counts live in this
//! console's memory: instances behind a load balancer count on their own, which bounds
//! an attacker to N times the limits.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const PAIR_LIMIT: u32 = 5;
pub const ADDRESS_LIMIT: u32 = 20;
pub const NAME_LIMIT: u32 = 20;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
const FIRST_LOCK: Duration = Duration::from_secs(30);
const MAX_LOCK: Duration = Duration::from_secs(15 * 60);
/// Entries kept at most per map; the oldest are dropped first when full.
const MAX_ENTRIES: usize = 100_000;
/// Addresses remembered per account as ones it logged in from.
const MAX_TRUSTED: usize = 32;

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    first_at: Instant,
    locked_until: Option<Instant>,
    /// The current lock's first refusal was reported.
    reported: bool,
}

impl Failures {
    fn new(now: Instant) -> Self {
        Self { count: 0, first_at: now, locked_until: None, reported: false }
    }
}

#[derive(Default)]
struct Counts {
    pairs: HashMap<String, Failures>,
    addresses: HashMap<String, Failures>,
    names: HashMap<String, Failures>,
    trusted: HashMap<String, HashSet<String>>,
}

#[derive(Default)]
pub struct Throttle {
    counts: Mutex<Counts>,
}

/// An attempt counted before the check; give it to [`Throttle::succeeded`] on success.
#[derive(Debug)]
pub struct Attempt {
    name: String,
    addr: String,
}

/// A refused attempt: how long to wait, and whether this is the lock's first refusal
/// (the one worth an audit record).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    pub wait: Duration,
    pub first: bool,
}

/// Names are counted case-insensitively (accounts are unique that way), at most 64
/// characters of them.
fn name_key(name: &str) -> String {
    name.trim().chars().take(64).collect::<String>().to_lowercase()
}

impl Throttle {
    /// Counts an attempt by `name` from `addr`, or refuses it while a lock holds.
    pub fn reserve(&self, name: &str, addr: &str, now: Instant) -> Result<Attempt, Refused> {
        self.reserve_keyed(&name_key(name), addr, now, true)
    }

    /// The same for a password change by account `user_id` (wrong current passwords):
    /// only the pair and the address count.
    pub fn reserve_change(
        &self,
        user_id: i64,
        addr: &str,
        now: Instant,
    ) -> Result<Attempt, Refused> {
        self.reserve_keyed(&format!("\u{0}change:{user_id}"), addr, now, false)
    }

    fn reserve_keyed(
        &self,
        name: &str,
        addr: &str,
        now: Instant,
        by_name: bool,
    ) -> Result<Attempt, Refused> {
        let Ok(mut guard) = self.counts.lock() else {
            return Err(Refused { wait: FIRST_LOCK, first: false });
        };
        let c = &mut *guard;
        let pair = format!("{name}\u{0}{addr}");
        let trusted = c.trusted.get(name).is_some_and(|t| t.contains(addr));
        let mut refusal = None;
        for (map, key) in [(&mut c.pairs, &pair), (&mut c.addresses, &addr.to_owned())] {
            if let Some(r) = locked(map, key, now) {
                refusal = refusal.max(Some(r));
            }
        }
        if by_name && !trusted {
            if let Some(r) = locked(&mut c.names, name, now) {
                refusal = refusal.max(Some(r));
            }
        }
        if let Some((wait, first)) = refusal {
            return Err(Refused { wait, first });
        }
        count(&mut c.pairs, pair, PAIR_LIMIT, now);
        count(&mut c.addresses, addr.to_owned(), ADDRESS_LIMIT, now);
        if by_name {
            count(&mut c.names, name.to_owned(), NAME_LIMIT, now);
        }
        Ok(Attempt { name: name.to_owned(), addr: addr.to_owned() })
    }

    /// The attempt succeeded: its count is taken back, the name's failures from that
    /// address are forgotten, and the address is remembered as the account's own.
    pub fn succeeded(&self, a: Attempt) {
        let Ok(mut guard) = self.counts.lock() else { return };
        let c = &mut *guard;
        c.pairs.remove(&format!("{}\u{0}{}", a.name, a.addr));
        uncount(&mut c.addresses, &a.addr);
        uncount(&mut c.names, &a.name);
        let t = c.trusted.entry(a.name).or_default();
        if t.len() >= MAX_TRUSTED {
            t.clear();
        }
        t.insert(a.addr);
    }

    /// Forgets entries whose window and lock are over.
    pub fn purge(&self, now: Instant) {
        if let Ok(mut guard) = self.counts.lock() {
            let c = &mut *guard;
            for map in [&mut c.pairs, &mut c.addresses, &mut c.names] {
                map.retain(|_, f| !expired(f, now));
            }
        }
    }
}

/// `Some((wait, first refusal))` while `key` is locked.
fn locked(
    map: &mut HashMap<String, Failures>,
    key: &str,
    now: Instant,
) -> Option<(Duration, bool)> {
    let f = map.get_mut(key)?;
    let wait = f.locked_until?.checked_duration_since(now).filter(|d| !d.is_zero())?;
    let first = !f.reported;
    f.reported = true;
    Some((wait, first))
}

fn expired(f: &Failures, now: Instant) -> bool {
    now.duration_since(f.first_at) > WINDOW && f.locked_until.is_none_or(|u| u <= now)
}

fn count(map: &mut HashMap<String, Failures>, key: String, limit: u32, now: Instant) {
    if map.len() >= MAX_ENTRIES && !map.contains_key(&key) {
        map.retain(|_, f| !expired(f, now));
        if map.len() >= MAX_ENTRIES {
            if let Some(oldest) = map.iter().min_by_key(|(_, f)| f.first_at).map(|(k, _)| k.clone())
            {
                map.remove(&oldest);
            }
        }
    }
    let f = map.entry(key).or_insert(Failures::new(now));
    if expired(f, now) {
        *f = Failures::new(now);
    }
    f.count += 1;
    if f.count >= limit {
        let doublings = (f.count - limit).min(10);
        let lock = FIRST_LOCK.saturating_mul(1 << doublings).min(MAX_LOCK);
        f.locked_until = Some(now + lock);
        f.reported = false;
    }
}

fn uncount(map: &mut HashMap<String, Failures>, key: &str) {
    if let Some(f) = map.get_mut(key) {
        f.count = f.count.saturating_sub(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fail(t: &Throttle, name: &str, addr: &str, now: Instant) {
        t.reserve(name, addr, now).expect("not locked yet");
    }

    #[test]
    fn a_name_locks_from_one_address_after_its_limit_and_the_lock_grows() {
        let t = Throttle::default();
        let now = Instant::now();
        for _ in 0..PAIR_LIMIT {
            fail(&t, "Super_DBA ", "10.0.0.1", now);
        }
        let r = t.reserve("super_dba", "10.0.0.1", now).unwrap_err();
        assert_eq!(r, Refused { wait: FIRST_LOCK, first: true });
        assert!(!t.reserve("super_dba", "10.0.0.1", now).unwrap_err().first, "reported once");
        // From another address the name is not locked: no lock-out by a stranger.
        assert!(t.reserve("super_dba", "10.0.0.2", now).is_ok());
        let later = now + FIRST_LOCK;
        fail(&t, "super_dba", "10.0.0.1", later);
        assert_eq!(t.reserve("super_dba", "10.0.0.1", later).unwrap_err().wait, FIRST_LOCK * 2);
    }

    #[test]
    fn the_attempt_is_counted_before_the_check_so_parallel_guesses_stop_at_the_limit() {
        let t = std::sync::Arc::new(Throttle::default());
        let now = Instant::now();
        let passed: usize = (0..200)
            .map(|_| {
                let t = t.clone();
                std::thread::spawn(move || t.reserve("super_dba", "10.0.0.9", now).is_ok())
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|h| h.join().unwrap() as usize)
            .sum();
        assert_eq!(passed, PAIR_LIMIT as usize);
    }

    #[test]
    fn an_address_locks_across_names_and_a_name_across_addresses_but_not_its_own() {
        let t = Throttle::default();
        let now = Instant::now();
        for i in 0..ADDRESS_LIMIT {
            fail(&t, &format!("user{i}"), "10.0.0.66", now);
        }
        assert!(t.reserve("fresh_name", "10.0.0.66", now).is_err());
        assert!(t.reserve("fresh_name", "10.0.0.67", now).is_ok());

        let t = Throttle::default();
        let home = t.reserve("dba", "10.1.0.1", now).unwrap();
        t.succeeded(home);
        for i in 0..NAME_LIMIT {
            fail(&t, "dba", &format!("10.9.0.{i}"), now);
        }
        assert!(t.reserve("dba", "10.9.1.1", now).is_err(), "a new address is stopped");
        assert!(t.reserve("dba", "10.1.0.1", now).is_ok(), "the account's own address is not");
    }

    #[test]
    fn success_takes_the_attempt_back_and_old_failures_expire() {
        let t = Throttle::default();
        let now = Instant::now();
        for _ in 0..PAIR_LIMIT - 1 {
            fail(&t, "dba", "a", now);
        }
        let ok = t.reserve("dba", "a", now).unwrap();
        t.succeeded(ok);
        fail(&t, "dba", "a", now);
        assert!(t.reserve("dba", "a", now).is_ok());
        let much_later = now + WINDOW + MAX_LOCK + Duration::from_secs(1);
        t.purge(much_later + WINDOW + MAX_LOCK + Duration::from_secs(1));
        let c = t.counts.lock().unwrap();
        assert!(c.pairs.is_empty() && c.addresses.is_empty() && c.names.is_empty());
    }
}
