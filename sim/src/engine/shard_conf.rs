//! `update_shard_degrade_conf` (profile 1.2 only): whether a fullsync shard may degrade
//! to asynchronous replication, and after how many seconds without an acknowledging
//! replica.
//!
//! No public source has the handler. What the model rests on: the request of XPanel 1.2
//! `onecluster/shardlist.vue` `updateData` (`cluster_id`, `shard_id`,
//! `conf_degrade_state` ON|OFF, `conf_degrade_time`, all strings; `"0"` with OFF), which
//! treats the reply as success only when `status == "done"` and shows `error_info`
//! otherwise, never polling (answered at once); and the columns the setting lives in,
//! `shards.degrade_conf_state` / `degrade_conf_time`, which 1.0.2's `kl_mentain/shard.cc`
//! `MetadataShard::refresh_shards` reads. Inferred: a refusal has 1.0.2's sync-failure
//! shape (`failed`, code "0", "OK"), as for the no-switch jobs; cluster_mgr's own range
//! check, if any, is unknown, so only the shape of the values is checked here (the
//! console enforces XPanel's 5-500 s).

use serde_json::{json, Map, Value};

use super::Engine;
use crate::store;
use crate::wire;

fn answer(ok: bool) -> String {
    let mut att = Map::new();
    att.insert("error_code".into(), json!("0"));
    att.insert("error_info".into(), json!("OK"));
    att.insert("status".into(), json!(if ok { "done" } else { "failed" }));
    wire::sync_ok(Some(att))
}

fn id(p: &Map<String, Value>, k: &str) -> Option<i64> {
    let s = p.get(k).map(wire::as_string)?;
    s.bytes().all(|b| b.is_ascii_digit()).then(|| s.parse().ok()).flatten()
}

impl Engine {
    /// Answers `update_shard_degrade_conf`: the shard's row changed, or a refusal.
    pub(crate) async fn update_shard_degrade_conf(&self, doc: &Value) -> String {
        let empty = Map::new();
        let p = doc.get("paras").and_then(Value::as_object).unwrap_or(&empty);
        let state = p.get("conf_degrade_state").map(wire::as_string).unwrap_or_default();
        let (Some(cluster), Some(shard), Some(secs), true) = (
            id(p, "cluster_id"),
            id(p, "shard_id"),
            id(p, "conf_degrade_time"),
            matches!(state.as_str(), "ON" | "OFF"),
        ) else {
            return answer(false);
        };
        let r = sqlx::query(
            "UPDATE shards SET degrade_conf_state = ?, degrade_conf_time = ? \
             WHERE id = ? AND db_cluster_id = ?",
        )
        .bind(state)
        .bind(secs)
        .bind(shard)
        .bind(cluster)
        .execute(self.store.pool())
        .await
        .map_err(store::db);
        match r {
            Ok(done) => answer(done.rows_affected() == 1),
            Err(e) => {
                tracing::error!(error = %e, "update_shard_degrade_conf");
                answer(false)
            }
        }
    }
}
