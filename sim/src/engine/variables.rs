//! `get_variable` / `set_variable` (`kl_mentain/sys.cc` `System::get_variable /
//! set_variable`, `shard.cc` `Shard_node::get/set_variables`, `kl_cluster.cc`
//! `Computer_node::get/set_variables`; both profiles), answered at once.
//!
//! What a client must expect, from those files:
//! - A missing `hostaddr`, `port` or `variable` (and for set `type` or `value`), or an
//!   instance in no user cluster, makes the handler return false: `failed`, code "0",
//!   "OK". `port` goes through `stoi` (junk kills cluster_mgr).
//! - Otherwise `done` with `result` "true" (and `value` for get) or "false" when the
//!   instance's statement failed.
//! - A storage node reads `select @@<variable>` and sets `set persist <variable>=<type>`
//!   when `type` is not empty (the handler passes `type` where the unquoted value
//!   belongs), else `set persist <variable>='<value>'`.
//! - A compute node reads `show <variable>`; its set does nothing and, returning `true`
//!   where 0 means success, always answers `result` "false".
//!
//! The instances themselves are simulated here: each kind has a few variables with
//! MySQL's or PostgreSQL's defaults and types; a variable the catalogue lacks is
//! unknown (the statement fails), a quoted value for a numeric variable fails as
//! MySQL's error 1232 does, and a stopped instance answers no statement. Values set
//! are kept in memory (a simulator restart forgets them, as it forgets no-switch
//! windows).

use serde_json::{json, Map, Value};

use super::Engine;
use crate::paras::Paras;
use crate::wire;

/// A variable's type as MySQL checks a `SET`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    /// ON/OFF, read back as 1/0 (`select @@` of a boolean gives a number).
    Bool,
    Word,
}

const MYSQL: &[(&str, Kind, &str)] = &[
    ("fullsync_timeout", Kind::Int, "10000"),
    ("innodb_lock_wait_timeout", Kind::Int, "50"),
    ("max_connections", Kind::Int, "1000"),
    ("innodb_buffer_pool_size", Kind::Int, "134217728"),
    ("lock_wait_timeout", Kind::Int, "31536000"),
    ("long_query_time", Kind::Int, "10"),
    ("slow_query_log", Kind::Bool, "0"),
    ("sql_mode", Kind::Word, "STRICT_TRANS_TABLES"),
    ("enable_fullsync", Kind::Bool, "1"),
    ("transaction_isolation", Kind::Word, "REPEATABLE-READ"),
];

const POSTGRES: &[(&str, &str)] = &[
    ("max_connections", "1000"),
    ("statement_timeout", "0"),
    ("work_mem", "4MB"),
    ("shared_buffers", "128MB"),
    ("log_min_duration_statement", "-1"),
    ("enable_parallel_remote_scan", "on"),
];

/// `failed`, code "0", "OK": a sync handler that returned false.
fn refused() -> String {
    wire::sync_ok(Some(att(false, Map::new())))
}

fn att(done: bool, extra: Map<String, Value>) -> Map<String, Value> {
    let mut a = extra;
    a.insert("status".into(), json!(if done { "done" } else { "failed" }));
    a.insert("error_code".into(), json!("0"));
    a.insert("error_info".into(), json!(if done { "" } else { "OK" }));
    a
}

/// Which instance `host:port` is in a user cluster: storage (`true`) or compute, and
/// whether it runs.
async fn instance(e: &Engine, host: &str, port: i64) -> Option<(bool, bool)> {
    for (table, storage) in [("shard_nodes", true), ("comp_nodes", false)] {
        let sql = format!(
            "SELECT CAST(status AS CHAR) AS s FROM {table} WHERE hostaddr = ? AND port = ? \
             AND status <> 'deleted'"
        );
        let row = sqlx::query(&sql)
            .bind(host.to_owned())
            .bind(port)
            .fetch_optional(e.store.pool())
            .await
            .ok()
            .flatten();
        if let Some(row) = row {
            return Some((storage, crate::store::text(&row, "s") == "active"));
        }
    }
    None
}

/// MySQL's boolean words and numbers, as `select @@` gives them back.
fn boolean(v: &str) -> Option<String> {
    match v.to_ascii_uppercase().as_str() {
        "ON" | "1" | "TRUE" => Some("1".into()),
        "OFF" | "0" | "FALSE" => Some("0".into()),
        _ => None,
    }
}

impl Engine {
    /// Answers `get_variable` or `set_variable`; `None` when cluster_mgr dies (`stoi`).
    pub(crate) async fn variable(&self, set: bool, doc: &Value) -> Option<String> {
        let empty = Map::new();
        let p = Paras(doc.get("paras").and_then(Value::as_object).unwrap_or(&empty));
        let keys: &[&str] = if set {
            &["hostaddr", "port", "variable", "type", "value"]
        } else {
            &["hostaddr", "port", "variable"]
        };
        for k in keys {
            if !p.has(k) {
                return Some(refused());
            }
            if *k == "port" && p.stoi("port").is_err() {
                self.crash("stoi() on get/set_variable's port");
                return None;
            }
        }
        let port = p.stoi("port").ok()?;
        let (host, name) = (p.string("hostaddr"), p.string("variable"));
        let Some((storage, running)) = instance(self, &host, port).await else {
            return Some(refused());
        };
        let key = (host.clone(), port, name.clone());
        let mut extra = Map::new();
        let ok = if !running {
            false
        } else if !set {
            let value = if storage {
                let current = self.variables.lock().ok().and_then(|v| v.get(&key).cloned());
                MYSQL
                    .iter()
                    .find(|(n, _, _)| *n == name)
                    .map(|(_, _, d)| current.unwrap_or_else(|| (*d).to_owned()))
            } else {
                POSTGRES.iter().find(|(n, _)| *n == name).map(|(_, d)| (*d).to_owned())
            };
            if let Some(v) = &value {
                extra.insert("value".into(), json!(v));
            }
            value.is_some()
        } else if storage {
            let (unquoted, value) = (p.string("type"), p.string("value"));
            let kind = MYSQL.iter().find(|(n, _, _)| *n == name).map(|(_, k, _)| *k);
            let accepted = match (kind, unquoted.is_empty()) {
                (None, _) => None,
                // `set persist v=<type>`: a number for a numeric variable, a word for a
                // word (MySQL takes `ON`, `OFF` unquoted).
                (Some(Kind::Int), false) => unquoted.parse::<i64>().ok().map(|n| n.to_string()),
                (Some(Kind::Word), false) => unquoted
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
                    .then_some(unquoted),
                // `set persist v='<value>'`: 1232 for a numeric variable.
                (Some(Kind::Bool), false) => boolean(&unquoted),
                (Some(Kind::Int), true) => None,
                (Some(Kind::Bool), true) => boolean(&value),
                (Some(Kind::Word), true) => (!value.contains('\'')).then_some(value),
            };
            match (accepted, self.variables.lock()) {
                (Some(v), Ok(mut vars)) => {
                    vars.insert(key, v);
                    true
                }
                _ => false,
            }
        } else {
            false
        };
        extra.insert("result".into(), json!(if ok { "true" } else { "false" }));
        Some(wire::sync_ok(Some(att(true, extra))))
    }
}
