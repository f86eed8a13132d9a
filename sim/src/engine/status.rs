//! `get_status` (`sync_mission/sync_mission.cc` `SyncMission::GetStatus`).
//!
//! It reads `id, job_type, status, memo` of the row; with no row, or a memo that is
//! NULL or not JSON, it builds an error attachment but never stores it, so the reply is
//! `MakeSyncOkResponseBody` over nothing. Otherwise the attachment becomes the parsed
//! memo (which drops the `job_id`/`job_type` it had just set), create_cluster and
//! delete_cluster get their sub-jobs' memos (`GetCreateClusterStatus`,
//! `GetDeleteClusterStatus`), rebuild_node its nodes' (`GetRebuildNodeStatus`), and
//! `status` is the row's.

use serde_json::{json, Map, Value};

use super::Engine;
use crate::paras::is_digits;
use crate::wire;

impl Engine {
    pub(crate) async fn status(&self, job_id: &str) -> String {
        // `where id=%s` with anything but digits is an SQL error: no row.
        if !is_digits(job_id) {
            return wire::sync_ok(None);
        }
        let Ok(id) = job_id.parse::<i64>() else { return wire::sync_ok(None) };
        let Ok(Some(row)) = self.store.job(id).await else { return wire::sync_ok(None) };
        let Some(mut att) = row.memo.as_deref().and_then(parse_object) else {
            return wire::sync_ok(None);
        };
        if row.job_type == "create_cluster" || row.job_type == "delete_cluster" {
            att.insert("job_steps".into(), json!("shard,computer"));
            for (key, step) in [("shard_id", "shard_step"), ("computer_id", "computer_step")] {
                let sub = att.get(key).map(wire::as_string).unwrap_or_default();
                if let Some(memo) = self.sub_memo(&sub).await {
                    att.insert(step.into(), Value::Array(vec![Value::Object(memo)]));
                }
            }
        }
        if row.job_type == "rebuild_node" {
            self.rebuild_node_status(&mut att).await;
        }
        att.insert("status".into(), Value::String(row.status));
        wire::sync_ok(Some(att))
    }

    /// `GetRebuildNodeStatus`: `job_step`, then one entry per node the memo counts, in
    /// host order (a `std::map`): a done node as done, any other as its sub-job's row
    /// says (`status`, and the memo's `error_code`, `error_info`, `step` as strings).
    /// The raw arrays are dropped at the end; a sub-job that cannot be read ends the
    /// fold early, leaving them and the nodes not yet folded (cluster_mgr `return`s).
    async fn rebuild_node_status(&self, doc: &mut Map<String, Value>) {
        let steps = super::rebuild_node::STEPS.join(", ");
        doc.insert("job_step".into(), Value::String(steps));
        let mut states = std::collections::BTreeMap::new();
        let mut ids = std::collections::BTreeMap::new();
        for (key, into_ids) in [("rbnode_state", false), ("rbnode_relation_id", true)] {
            let list = doc.get(key).and_then(Value::as_array).cloned().unwrap_or_default();
            for o in list.iter().filter_map(Value::as_object) {
                for (h, v) in o {
                    if into_ids {
                        ids.insert(h.clone(), wire::as_string(v));
                    } else {
                        states.insert(h.clone(), v.as_i64().unwrap_or(0));
                    }
                }
            }
        }
        for (host, state) in states {
            let entry = if state == 1 {
                json!({"status": "done", "error_code": 0, "error_info": "OK", "step": "done"})
            } else if let Some(id) = ids.get(&host) {
                // `where id=%s`: anything but digits is an SQL error.
                let row = match id.parse::<i64>() {
                    Ok(n) if is_digits(id) => self.store.job(n).await.ok().flatten(),
                    _ => None,
                };
                let Some(row) = row else { return };
                let Some(memo) = row.memo.as_deref().and_then(parse_object) else { return };
                let s = |k: &str| memo.get(k).map(wire::as_string).unwrap_or_default();
                json!({"status": row.status, "error_code": s("error_code"),
                       "error_info": s("error_info"), "step": s("step")})
            } else {
                Value::Null
            };
            doc.insert(host, entry);
        }
        doc.remove("rbnode_relation_id");
        doc.remove("rbnode_state");
    }

    /// The memo of sub-job `id`, if it has one that parses.
    async fn sub_memo(&self, id: &str) -> Option<Map<String, Value>> {
        if !is_digits(id) {
            return None;
        }
        let row = self.store.job(id.parse().ok()?).await.ok()??;
        row.memo.as_deref().and_then(parse_object)
    }
}

fn parse_object(text: &str) -> Option<Map<String, Value>> {
    match serde_json::from_str(text) {
        Ok(Value::Object(m)) => Some(m),
        _ => None,
    }
}
