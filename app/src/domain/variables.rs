//! An instance's variables, read and set through cluster_mgr (`get_variable`,
//! `set_variable`), which puts the name (and a set's value) into SQL as it receives
//! them (`select @@<name>`, `show <name>`, `set persist <name>=…`). So nothing reaches it
//! that is not checked here: a name is letters, digits, `_` and `.`; a value is a whole
//! number (sent unquoted) or a string of a safe alphabet (sent quoted), never a quote,
//! a backslash or a space. A pattern (`%` as the wildcard) is matched against the
//! variables the console knows for the instance's kind, since cluster_mgr reads one
//! name at a time.

use crate::i18n::*;
use serde::{Deserialize, Serialize};

/// The most names one pattern reads (each is one call to cluster_mgr).
pub const MAX_PATTERN_NAMES: usize = 40;

/// Storage nodes (Klustron's MySQL) : variables a DBA tunes, and Klustron's own.
const STORAGE: &[&str] = &[
    "autocommit",
    "binlog_format",
    "character_set_server",
    "collation_server",
    "enable_fullsync",
    "fullsync_consistency_level",
    "fullsync_timeout",
    "fullsync_relaxed_acks",
    "general_log",
    "gtid_mode",
    "innodb_buffer_pool_size",
    "innodb_flush_log_at_trx_commit",
    "innodb_io_capacity",
    "innodb_lock_wait_timeout",
    "innodb_log_file_size",
    "innodb_thread_concurrency",
    "interactive_timeout",
    "lock_wait_timeout",
    "log_bin",
    "long_query_time",
    "max_allowed_packet",
    "max_binlog_size",
    "max_connections",
    "read_only",
    "server_id",
    "slave_parallel_workers",
    "slow_query_log",
    "sql_mode",
    "super_read_only",
    "sync_binlog",
    "thread_cache_size",
    "time_zone",
    "transaction_isolation",
    "wait_timeout",
];

/// Compute nodes (Klustron's PostgreSQL).
const COMPUTE: &[&str] = &[
    "enable_parallel_remote_scan",
    "effective_cache_size",
    "idle_in_transaction_session_timeout",
    "lock_timeout",
    "log_min_duration_statement",
    "log_statement",
    "maintenance_work_mem",
    "max_connections",
    "max_parallel_workers",
    "max_prepared_transactions",
    "search_path",
    "shared_buffers",
    "statement_timeout",
    "temp_buffers",
    "TimeZone",
    "work_mem",
];

/// One variable as read: `None` when the instance did not answer it (unknown name, or
/// the instance is down).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VarReading {
    pub name: String,
    pub value: Option<String>,
}

/// A variable set: its value before and after, both read from the instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VarChange {
    pub name: String,
    pub old: String,
    pub new: String,
}

/// Storage variables the console will not set: each stops or reshapes the instance's
/// service or replication (writes refused, binlog or GTIDs changed, cluster_mgr's own
/// fullsync switch), which no dialog here warns of.
const NOT_SETTABLE: &[&str] = &[
    "read_only",
    "super_read_only",
    "offline_mode",
    "init_connect",
    "gtid_mode",
    "log_bin",
    "server_id",
    "binlog_format",
    "enable_fullsync",
    "sql_log_bin",
];

/// Whether the console sets storage variable `name`: one it knows (it reads any).
pub fn settable(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    STORAGE.contains(&n.as_str()) && !NOT_SETTABLE.contains(&n.as_str())
}

/// A value as cluster_mgr will put it into `SET PERSIST`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VarValue {
    /// A whole number, unquoted.
    Number(String),
    /// Anything else, quoted.
    Text(String),
}

fn name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.'
}

/// A variable's name, or the names a pattern matches among those known for the kind.
pub fn names(l: Locale, raw: &str, storage: bool) -> Result<Vec<String>, String> {
    let raw = raw.trim();
    let ok_shape = !raw.is_empty()
        && raw.len() <= 64
        && raw.chars().all(|c| name_char(c) || c == '%')
        && !raw.starts_with(|c: char| c.is_ascii_digit() || c == '.');
    if !ok_shape {
        return Err(td_string!(l, variables.bad_name).to_owned());
    }
    if !raw.contains('%') {
        return Ok(vec![raw.to_owned()]);
    }
    let known = if storage { STORAGE } else { COMPUTE };
    let found: Vec<String> = known
        .iter()
        .filter(|n| like(&n.to_ascii_lowercase(), &raw.to_ascii_lowercase()))
        .take(MAX_PATTERN_NAMES)
        .map(|n| (*n).to_owned())
        .collect();
    if found.is_empty() {
        return Err(td_string!(l, variables.no_match).to_owned());
    }
    Ok(found)
}

/// SQL `LIKE` with `%` only (`_` is a name's own character here).
fn like(name: &str, pattern: &str) -> bool {
    let parts: Vec<&str> = pattern.split('%').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !name.starts_with(first) || name.len() < first.len() + last.len() || !name.ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for p in &parts[1..parts.len() - 1] {
        match rest.find(p) {
            Some(i) => rest = &rest[i + p.len()..],
            None => return false,
        }
    }
    true
}

/// A value to set: a whole number, or 1-256 of letters, digits and `_ . , : / + @ = -`.
pub fn value(l: Locale, raw: &str) -> Result<VarValue, String> {
    let v = raw.trim();
    let number = v.strip_prefix('-').unwrap_or(v);
    if !number.is_empty() && number.len() <= 19 && number.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(VarValue::Number(v.to_owned()));
    }
    let safe = |c: char| c.is_ascii_alphanumeric() || "_.,:/+@=-".contains(c);
    if v.is_empty() || v.len() > 256 || !v.chars().all(safe) {
        return Err(td_string!(l, variables.bad_value).to_owned());
    }
    Ok(VarValue::Text(v.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_never_carry_sql() {
        let l = Locale::en;
        assert_eq!(names(l, " fullsync_timeout ", true), Ok(vec!["fullsync_timeout".into()]));
        assert_eq!(names(l, "kunlun.x", false), Ok(vec!["kunlun.x".into()]));
        for bad in ["", "a b", "a;drop", "x'", "@@x", "1abc", ".x", "a-b", &"x".repeat(65)] {
            assert!(names(l, bad, true).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_pattern_reads_the_known_names_it_matches() {
        let l = Locale::en;
        assert_eq!(
            names(l, "fullsync%", true).unwrap(),
            ["fullsync_consistency_level", "fullsync_timeout", "fullsync_relaxed_acks"]
        );
        assert_eq!(
            names(l, "%lock%timeout", true).unwrap(),
            ["innodb_lock_wait_timeout", "lock_wait_timeout"]
        );
        assert_eq!(names(l, "%timezone", false).unwrap(), ["TimeZone"]);
        assert!(names(l, "zzz%", true).is_err());
        assert!(names(l, "%", true).unwrap().len() <= MAX_PATTERN_NAMES);
    }

    #[test]
    fn only_known_tuning_variables_are_set() {
        assert!(settable("fullsync_timeout") && settable("Slow_Query_Log"));
        for no in ["read_only", "super_read_only", "gtid_mode", "enable_fullsync", "no_such_var"] {
            assert!(!settable(no), "{no}");
        }
    }

    #[test]
    fn values_are_numbers_or_quoted_safe_text() {
        let l = Locale::en;
        assert_eq!(value(l, "20000"), Ok(VarValue::Number("20000".into())));
        assert_eq!(value(l, "-1"), Ok(VarValue::Number("-1".into())));
        assert_eq!(value(l, "ON"), Ok(VarValue::Text("ON".into())));
        assert_eq!(
            value(l, "STRICT_TRANS_TABLES,NO_ZERO_DATE"),
            Ok(VarValue::Text("STRICT_TRANS_TABLES,NO_ZERO_DATE".into()))
        );
        for bad in ["", "a b", "x'", "a\\b", "1;drop", "\"q\"", &"x".repeat(257)] {
            assert!(value(l, bad).is_err(), "{bad:?}");
        }
    }
}
