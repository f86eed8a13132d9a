//! Reading `paras` the way cluster_mgr does, including what kills it.
//!
//! cluster_mgr reads a value with `paras[k].asString()` (numbers and booleans printed),
//! checks counts and ids with `CheckStringIsDigit`, then converts them with
//! `atoi(paras[k].asCString())`. jsoncpp's `asCString()` asserts that the value is a
//! string: a JSON number passes the digit check and then throws, and nothing catches it
//! in the job thread, so the whole cluster_mgr process dies (the submit was already
//! answered `accept`). [`Paras::count`] reports that as [`Read::Crash`].

use serde_json::{Map, Value};

use crate::codes::Code;
use crate::wire::as_string;

/// Why reading a parameter stopped the job.
pub enum Read {
    /// cluster_mgr's parameter error: the job fails with this code.
    Refuse(Code),
    /// cluster_mgr would have crashed on this value.
    Crash(String),
}

pub type ReadResult<T> = Result<T, Read>;

pub struct Paras<'a>(pub &'a Map<String, Value>);

impl Paras<'_> {
    pub fn has(&self, k: &str) -> bool {
        self.0.contains_key(k)
    }

    /// `paras[k].asString()`; "" when missing.
    pub fn string(&self, k: &str) -> String {
        self.0.get(k).map(as_string).unwrap_or_default()
    }

    /// `isMember(k)` (missing → `missing`), `CheckStringIsDigit(asString())` (not digits
    /// → `missing` as well: cluster_mgr uses one code for both), then
    /// `atoi(asCString())`, which crashes on a non-string.
    pub fn count(&self, k: &str, missing: Code) -> ReadResult<i64> {
        let Some(v) = self.0.get(k) else { return Err(Read::Refuse(missing)) };
        let s = as_string(v);
        if !is_digits(&s) {
            return Err(Read::Refuse(missing));
        }
        if !v.is_string() {
            return Err(Read::Crash(format!("asCString() on the non-string paras.{k}")));
        }
        Ok(atoi(&s))
    }

    /// [`count`](Self::count), then a range check with its own code.
    pub fn count_in(
        &self,
        k: &str,
        lo: i64,
        hi: i64,
        missing: Code,
        range: Code,
    ) -> ReadResult<i64> {
        let n = self.count(k, missing)?;
        if (lo..=hi).contains(&n) {
            Ok(n)
        } else {
            Err(Read::Refuse(range))
        }
    }

    /// An array of strings (`paras[k][i].asString()`), empty when missing.
    pub fn list(&self, k: &str) -> Vec<String> {
        match self.0.get(k) {
            Some(Value::Array(a)) => a.iter().map(as_string).collect(),
            _ => Vec::new(),
        }
    }

    /// `stoi(paras[k].asString())`, which throws on anything that does not start with a
    /// number: cluster_mgr dies (`machine_mission.cc` `CreateStorageMachine`).
    pub fn stoi(&self, k: &str) -> ReadResult<i64> {
        let s = self.string(k);
        let t = s.trim_start();
        let digits: String = t
            .chars()
            .enumerate()
            .take_while(|(i, c)| c.is_ascii_digit() || (*i == 0 && (*c == '-' || *c == '+')))
            .map(|(_, c)| c)
            .collect();
        digits.parse::<i64>().map_err(|_| Read::Crash(format!("stoi() on paras.{k} = {s:?}")))
    }
}

/// `CheckStringIsDigit`: non-empty, only ASCII digits.
pub fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// C's `atoi` on a string of digits (saturating instead of undefined on overflow).
fn atoi(s: &str) -> i64 {
    s.parse::<i64>().unwrap_or(i64::MAX)
}
