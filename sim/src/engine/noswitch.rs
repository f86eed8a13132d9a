//! `set_noswitch`, `del_noswitch`, `list_noswitch` (profile 1.2 only): windows in which
//! cluster_mgr switches no primary of the covered shards over, by itself or when asked
//! (70014 "Manual Noswitch Node Exist", which 1.0.2's error table already defines).
//!
//! No public source has the handlers. What the model rests on: the request shapes of
//! XPanel 1.2 `cluster/noswitch.vue` and cluster_mgr's `kunlun_test1.1.2/t/
//! set_noswitch.test`; XPanel treats set and del as answered at once (it checks
//! `error_code == "0"` and never polls) and reads the list as `attachment.value[]` =
//! `{cluster_id, shard_id?, param: {timestamp}}` with `timestamp` the expiry in Unix
//! seconds. Inferred: the windows live in cluster_mgr (XPanel reads no table for them),
//! a window set again for the same cluster and shard replaces the old one, expired ones
//! stay listed until deleted (XPanel shows an "expired" column), and a refusal has
//! 1.0.2's sync-failure shape (`failed`, code "0", "OK").

use serde_json::{json, Map, Value};

use super::Engine;
use crate::wire;
use klustron_vocab::JobType;

/// One window: a cluster (`None`: all) and a shard (`None`: all of the cluster's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Window {
    cluster: Option<i64>,
    shard: Option<i64>,
    /// Unix seconds.
    expires: i64,
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// `"all"` → `Some(None)`, digits → `Some(Some(id))`, anything else → `None`.
fn scope(v: Option<&Value>) -> Option<Option<i64>> {
    match v.map(wire::as_string).as_deref() {
        Some("all") => Some(None),
        Some(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            s.parse().ok().map(Some)
        }
        _ => None,
    }
}

/// An optional shard id: absent or empty → all shards.
fn shard(v: Option<&Value>) -> Option<Option<i64>> {
    match v.map(wire::as_string).as_deref() {
        None | Some("") => Some(None),
        Some(s) if s.bytes().all(|b| b.is_ascii_digit()) => s.parse().ok().map(Some),
        _ => None,
    }
}

fn answer(ok: bool, extra: Map<String, Value>) -> String {
    let mut att = extra;
    att.insert("error_code".into(), json!("0"));
    att.insert("error_info".into(), json!("OK"));
    att.insert("status".into(), json!(if ok { "done" } else { "failed" }));
    wire::sync_ok(Some(att))
}

impl Engine {
    /// Answers one of the no-switch jobs.
    pub(crate) fn noswitch(&self, t: JobType, doc: &Value) -> String {
        let empty = Map::new();
        let p = doc.get("paras").and_then(Value::as_object).unwrap_or(&empty);
        let Ok(mut windows) = self.noswitch.lock() else { return answer(false, Map::new()) };
        match t {
            JobType::ListNoswitch => {
                let value: Vec<Value> = windows
                    .iter()
                    .map(|w| {
                        let mut v = json!({
                            "cluster_id": w.cluster.map_or("all".to_owned(), |c| c.to_string()),
                            "param": {"timestamp": w.expires},
                        });
                        if let Some(s) = w.shard {
                            v["shard_id"] = json!(s.to_string());
                        }
                        v
                    })
                    .collect();
                let mut m = Map::new();
                m.insert("value".into(), Value::Array(value));
                answer(true, m)
            }
            JobType::SetNoswitch | JobType::DelNoswitch => {
                let (Some(cluster), Some(shard)) =
                    (scope(p.get("cluster_id")), shard(p.get("shard_id")))
                else {
                    return answer(false, Map::new());
                };
                windows.retain(|w| !(w.cluster == cluster && w.shard == shard));
                if t == JobType::SetNoswitch {
                    let timeout = p.get("timeout").map(wire::as_string).unwrap_or_default();
                    let Some(secs) = timeout
                        .parse::<i64>()
                        .ok()
                        .filter(|_| timeout.bytes().all(|b| b.is_ascii_digit()))
                    else {
                        return answer(false, Map::new());
                    };
                    windows.push(Window { cluster, shard, expires: now_secs() + secs });
                }
                answer(true, Map::new())
            }
            _ => answer(false, Map::new()),
        }
    }

    /// Whether a window in force covers shard `shard` of cluster `cluster`.
    pub(crate) fn in_noswitch_window(&self, cluster: i64, shard: i64) -> bool {
        let now = now_secs();
        self.noswitch.lock().is_ok_and(|ws| {
            ws.iter().any(|w| {
                w.expires > now
                    && w.cluster.is_none_or(|c| c == cluster)
                    && w.shard.is_none_or(|s| s == shard)
            })
        })
    }
}
