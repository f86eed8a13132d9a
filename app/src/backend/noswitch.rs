//! No-switch windows through cluster_mgr's sync jobs: read for a cluster, set and
//! deleted with an audit record each (there is no job to follow).

use klustron::jobs::{ClusterScope, DelNoswitch, ListNoswitch, SetNoswitch};
use klustron::protocol::loose_int;
use serde_json::Value;

use super::auth::{guard, CurrentSession};
use super::clusters::{cm_id, load};
use super::klustron::{call_audited, klustron};
use crate::backend::locale::request_locale;
use crate::domain::cluster_view::Refusal;
use crate::domain::noswitch::{NoSwitchView, NoSwitchWindow};
use crate::error::AppError;

/// cluster_mgr's "no such job" (1.0.2 has no no-switch jobs).
const UNKNOWN_JOB: i64 = 70001;

fn now_secs() -> i64 {
    crate::backend::store::now()
}

/// The windows that concern cluster `cluster_id`, read from cluster_mgr.
pub async fn list(cluster_id: i64) -> Result<NoSwitchView, AppError> {
    let k = klustron()?;
    let who = guard::require_user()?;
    let reply = k
        .cluster_mgr
        .call(&who.user_name, &ListNoswitch { cluster_id: ClusterScope::All }, true)
        .await;
    let att = match reply {
        Ok(a) => a,
        Err(klustron::ClientError::Rejected { code: UNKNOWN_JOB, .. }) => {
            return Ok(NoSwitchView { supported: false, windows: vec![], now: now_secs() })
        }
        Err(e) => return Err(e.into()),
    };
    // Untrusted: a row that does not parse is left out.
    let windows = att
        .get("value")
        .and_then(Value::as_array)
        .map(|rows| rows.iter().take(10_000).filter_map(window).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .filter(|w| w.cluster_id.is_none_or(|c| c == cluster_id))
        .collect();
    Ok(NoSwitchView { supported: true, windows, now: now_secs() })
}

/// `{cluster_id: "all"|"3", shard_id?: "5", param: {timestamp}}`.
fn window(v: &Value) -> Option<NoSwitchWindow> {
    let cluster_id = match v.get("cluster_id")? {
        Value::String(s) if s == "all" => None,
        other => Some(loose_int(Some(other))?),
    };
    let shard_id = match v.get("shard_id") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.is_empty() => None,
        other => Some(loose_int(other)?),
    };
    let expires_at = loose_int(v.get("param")?.get("timestamp"))?;
    Some(NoSwitchWindow { cluster_id, shard_id, expires_at })
}

/// Sets a window of `secs` seconds on cluster `cluster_id` (shard `shard_id`, or all).
pub async fn set(
    who: &CurrentSession,
    cluster_id: i64,
    shard_id: Option<i64>,
    secs: u32,
) -> Result<(), AppError> {
    let c = load(cluster_id).await?;
    let shard = checked_shard(&c, shard_id)?;
    let job = SetNoswitch::new(ClusterScope::One(cm_id(c.id)?), shard, secs);
    let what = format!("{} for {secs} s", scope_text(c.confirm_word(), c.id, shard_id));
    call_audited(who, "set_noswitch", &what, "", &job).await
}

/// Deletes the window on cluster `cluster_id` (or on every cluster, `all`), shard
/// `shard_id` or all shards.
pub async fn delete(
    who: &CurrentSession,
    cluster_id: i64,
    shard_id: Option<i64>,
    all: bool,
) -> Result<(), AppError> {
    let c = load(cluster_id).await?;
    let (scope, what) = if all {
        (ClusterScope::All, "every cluster".to_owned())
    } else {
        checked_shard(&c, shard_id)?;
        (ClusterScope::One(cm_id(c.id)?), scope_text(c.confirm_word(), c.id, shard_id))
    };
    let shard = shard_id.map(cm_id).transpose()?;
    let job = DelNoswitch { cluster_id: scope, shard_id: shard };
    call_audited(who, "del_noswitch", &what, "", &job).await
}

/// The shard, if named, as cluster_mgr's id, once it is the cluster's.
pub(super) fn checked_shard(
    c: &crate::domain::cluster_view::ClusterDetail,
    shard_id: Option<i64>,
) -> Result<Option<u32>, AppError> {
    match shard_id {
        None => Ok(None),
        Some(s) => {
            c.shard(s).ok_or_else(|| {
                AppError::invalid("shard_id", Refusal::NoSuchShard.message(request_locale()))
            })?;
            Ok(Some(cm_id(s)?))
        }
    }
}

fn scope_text(name: &str, id: i64, shard_id: Option<i64>) -> String {
    match shard_id {
        Some(s) => format!("shard {s} of {name} (cluster {id})"),
        None => format!("every shard of {name} (cluster {id})"),
    }
}
