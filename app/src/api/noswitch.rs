//! No-switch windows of a cluster: read (anyone logged in), set and deleted (the
//! switchover privilege on the cluster; a window on every cluster needs it on all).

pub use crate::domain::noswitch::{NoSwitchView, NoSwitchWindow};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::{
    backend::{auth::guard, noswitch},
    domain::{access::Privilege, field::number_in, noswitch::MAX_SECS},
    i18n::*,
};
use leptos::prelude::*;

/// The windows that cover cluster `cluster_id` (its own and those on every cluster).
#[server(endpoint = "noswitch/list")]
pub async fn noswitch_list(cluster_id: i64) -> Result<NoSwitchView, AppError> {
    guard::require_user()?;
    noswitch::list(cluster_id).await
}

/// No switchover of cluster `cluster_id`'s shard `shard_id` (0: every shard) for `secs`
/// seconds (1 s to 30 days).
#[server(endpoint = "noswitch/set")]
pub async fn noswitch_set(cluster_id: i64, shard_id: i64, secs: String) -> Result<(), AppError> {
    let who = guard::require(Privilege::Switchover, Some(cluster_id)).await?;
    let l = crate::backend::locale::request_locale();
    let secs = number_in(l, &secs, 1, MAX_SECS, td_string!(l, noswitch.seconds))
        .map_err(|m| AppError::invalid("secs", m))?;
    noswitch::set(&who, cluster_id, (shard_id > 0).then_some(shard_id), secs).await
}

/// Deletes the window on cluster `cluster_id`'s shard `shard_id` (0: every shard), or,
/// with `all`, the one on every cluster.
#[server(endpoint = "noswitch/delete")]
pub async fn noswitch_delete(
    cluster_id: i64,
    shard_id: i64,
    #[server(default)] all: bool,
) -> Result<(), AppError> {
    let who = guard::require(Privilege::Switchover, (!all).then_some(cluster_id)).await?;
    noswitch::delete(&who, cluster_id, (shard_id > 0).then_some(shard_id), all).await
}
