//! `get_status` (`sync_mission/sync_mission.cc` `SyncMission::GetStatus`).
//!
//! It reads `id, job_type, status, memo` of the row; with no row, or a memo that is
//! NULL or not JSON, it builds an error attachment but never stores it, so the reply is
//! `MakeSyncOkResponseBody` over nothing. Otherwise the attachment becomes the parsed
//! memo (which drops the `job_id`/`job_type` it had just set), create_cluster and
//! delete_cluster get their sub-jobs' memos (`GetCreateClusterStatus`,
//! `GetDeleteClusterStatus`), and `status` is the row's.

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
        att.insert("status".into(), Value::String(row.status));
        wire::sync_ok(Some(att))
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
