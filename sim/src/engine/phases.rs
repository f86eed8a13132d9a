//! The missions that add or remove shards and compute nodes. Each runs either for a
//! request (`add_shards`, `add_comps`, `delete_shard`, `delete_comp`) or as a sub-job a
//! cluster job dispatched itself (`internal_add_shard`, `internal_add_comps`,
//! `internal_del_shard`, `internal_del_comp`, user `internal_user`), in which case its
//! setup skips the request checks (`init_flag_`) and its end is reported to the parent
//! (the parent's callback, `AddShardCallCB` and friends, run from the sub-job's
//! `TearDown`).

use std::sync::Arc;

use serde_json::{json, Map, Value};
use tokio::sync::oneshot;

use super::{add_comps, add_shards, remove, Engine, Setup};

/// Which mission, with what it acts on.
pub(crate) enum PhaseKind {
    AddShards { shards: usize, nodes: usize, iplists: Vec<String> },
    AddComps { comps: usize, iplists: Vec<String> },
    DeleteShards { shard_ids: Vec<i64> },
    DeleteComps { comp_ids: Vec<i64> },
}

/// A mission and the cluster parameters it carries.
pub(crate) struct Phase {
    pub id: i64,
    pub kind: PhaseKind,
    pub cluster_id: i64,
    pub cluster_name: String,
    /// Set only by create_cluster (`SetNickName`): a plain add_comps memo has none.
    pub nick_name: String,
    pub ha_mode: String,
    pub computer_user: String,
    pub computer_pwd: String,
    /// Dispatched by another job: memos say `rollback_flag` "1", the end goes to `done`.
    pub internal: bool,
    pub done: Option<oneshot::Sender<PhaseEnd>>,
}

/// What a sub-job's callback tells its parent (`root["status"]`, `root["error_info"]`).
#[derive(Debug, Clone)]
pub(crate) struct PhaseEnd {
    pub ok: bool,
    pub error_info: String,
}

impl Phase {
    pub fn rollback_flag(&self) -> &'static str {
        if self.internal {
            "1"
        } else {
            "0"
        }
    }

    /// Reports the end to the parent, if any.
    pub fn finish(&mut self, ok: bool, error_info: &str) {
        if let Some(tx) = self.done.take() {
            let _ = tx.send(PhaseEnd { ok, error_info: error_info.to_owned() });
        }
    }
}

/// The setup of a sub-job: nothing is checked or written (`init_flag_`); the mission
/// runs next.
pub(super) async fn set_up(e: &Arc<Engine>, phase: Phase) -> anyhow::Result<Setup> {
    Ok(deal(e, phase))
}

/// The deal phase of a mission, to run on its own task.
pub(super) fn deal(e: &Arc<Engine>, phase: Phase) -> Setup {
    let e = e.clone();
    Setup::Deal(Box::pin(async move {
        match phase.kind {
            PhaseKind::AddShards { .. } => add_shards::run_add_shards(&e, phase).await,
            PhaseKind::AddComps { .. } => add_comps::run_add_comps(&e, phase).await,
            PhaseKind::DeleteShards { .. } => remove::run_delete_shards(&e, phase).await,
            PhaseKind::DeleteComps { .. } => remove::run_delete_comps(&e, phase).await,
        }
    }))
}

/// A row for a sub-job cluster_mgr starts itself: `GenerateRequestUniqueId` inserts it
/// with user `internal_user`, `CompleteGeneralJobInfo` sets its type and `job_info`.
pub(super) async fn sub_job(e: &Engine, job_type: &str, paras: Value) -> anyhow::Result<i64> {
    let info = json!({"version": "1.0", "job_type": job_type, "timestamp": "test",
                      "user_name": "internal_user", "paras": paras});
    e.store.insert_job(job_type, "internal_user", &crate::wire::to_jsoncpp(&info)).await
}

/// `ip_port;ip_port;`, the way memos list instances.
pub(super) fn hosts_text(slots: &[(String, u16)]) -> String {
    slots.iter().map(|(h, p)| format!("{h}_{p};")).collect()
}

/// `GetClusterMemoParams` (`cluster_comm.cc`): the cluster's name and memo, or the
/// refusal: 70112 unless exactly one row, 70113 for an empty memo, 70114 if it is not
/// JSON.
pub(super) async fn cluster_memo(
    e: &Engine,
    cluster_id: i64,
) -> Result<(String, Map<String, Value>), crate::codes::Code> {
    use crate::codes;
    let rows =
        e.store.cluster_memo(cluster_id).await.map_err(|_| codes::GET_MEMO_FROM_DB_CLUSTER)?;
    let [(name, memo)] = rows.as_slice() else { return Err(codes::GET_MEMO_NUM_CLUSTERID) };
    let memo = match memo.as_deref() {
        None | Some("") | Some("NULL") => return Err(codes::GET_MEMO_NULL_CLUSTERID),
        Some(m) => m,
    };
    match serde_json::from_str::<Value>(memo) {
        Ok(Value::Object(m)) => Ok((name.clone(), m)),
        _ => Err(codes::PARSE_CLUSTER_MEMO_JSON),
    }
}

/// A memo value as text (`asString()` of a missing key is "").
pub(super) fn memo_str(m: &Map<String, Value>, k: &str) -> String {
    m.get(k).map(crate::wire::as_string).unwrap_or_default()
}
