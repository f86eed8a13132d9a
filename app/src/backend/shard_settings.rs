//! A shard's settings: the degrade setting, sent to cluster_mgr
//! (`update_shard_degrade_conf`, answered at once), and the lag threshold, kept in the
//! console's store. Each change is audited with the value before and after.

use klustron::jobs::UpdateShardDegradeConf;

use super::app_state;
use super::auth::{guard, CurrentSession};
use super::clusters::{cm_id, load};
use super::klustron::call_audited;
use super::noswitch::checked_shard;
use super::store::audit::Outcome;
use crate::domain::cluster_view::{ClusterDetail, ShardDetail};
use crate::domain::shard_settings::Degrade;
use crate::error::AppError;

/// The cluster and its shard `shard_id` (refused when the shard is not the cluster's).
async fn shard_of(
    cluster_id: i64,
    shard_id: i64,
) -> Result<(ClusterDetail, ShardDetail), AppError> {
    let c = load(cluster_id).await?;
    checked_shard(&c, Some(shard_id))?;
    let s = c.shard(shard_id).cloned().ok_or(AppError::Internal)?;
    Ok((c, s))
}

fn target(c: &ClusterDetail, s: &ShardDetail) -> String {
    format!("shard {} ({}) of {} (cluster {})", s.name, s.id, c.confirm_word(), c.id)
}

/// Sets shard `shard_id`'s degrade setting through cluster_mgr.
pub async fn set_degrade(
    who: &CurrentSession,
    cluster_id: i64,
    shard_id: i64,
    to: Degrade,
) -> Result<(), AppError> {
    let (c, s) = shard_of(cluster_id, shard_id).await?;
    let (cid, sid) = (cm_id(c.id)?, cm_id(s.id)?);
    let job = match to {
        Degrade::On(secs) => UpdateShardDegradeConf::on(cid, sid, secs),
        Degrade::Off => UpdateShardDegradeConf::off(cid, sid),
    };
    let detail = format!("degrade {} -> {}", s.degrade.describe(), to.describe());
    call_audited(who, "update_shard_degrade_conf", &target(&c, &s), &detail, &job).await
}

/// Sets shard `shard_id`'s lag threshold in the console's store.
pub async fn set_max_lag(
    who: &CurrentSession,
    cluster_id: i64,
    shard_id: i64,
    secs: u32,
) -> Result<(), AppError> {
    let (c, s) = shard_of(cluster_id, shard_id).await?;
    let state = app_state()?;
    let result = state.store.set_lag_threshold(c.id, s.id, i64::from(secs), &who.user_name).await;
    let detail = format!("lag threshold {} s -> {secs} s", s.max_lag_secs);
    let (outcome, detail) = match &result {
        Ok(()) => (Outcome::Ok, detail),
        Err(e) => (Outcome::Failed, format!("{detail}: {e}")),
    };
    guard::audit(who, "set_lag_threshold", &target(&c, &s), outcome, &detail).await;
    Ok(result?)
}
