//! Switching a shard's primary over (cluster_mgr's `manual_switch`) and the cluster's
//! switchover history (`rbr_consfailover`).

pub use crate::domain::switchover::{SwitchoverEntry, SwitchoverPage};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::{
    backend::{auth::guard, switchover},
    domain::access::Privilege,
};
use leptos::prelude::*;

/// Switches shard `shard_id`'s primary over to `target` (`host:port`; empty: cluster_mgr
/// picks); `confirm` must be the shard's name, and `primary` (`host:port`), when given,
/// the primary the page showed: if it has changed since, nothing is sent.
#[server(endpoint = "clusters/switchover")]
pub async fn switch_over(
    cluster_id: i64,
    shard_id: i64,
    #[server(default)] target: String,
    #[server(default)] confirm: String,
    #[server(default)] primary: String,
) -> Result<i64, AppError> {
    let who = guard::require(Privilege::Switchover, Some(cluster_id)).await?;
    let asked =
        switchover::Asked { shard_id, target: &target, confirm: &confirm, primary: &primary };
    switchover::submit(&who, cluster_id, asked).await
}

/// Page `page` (from 1) of cluster `cluster_id`'s switchovers, newest first.
#[server(endpoint = "clusters/switchovers")]
pub async fn switchovers(cluster_id: i64, page: u32) -> Result<SwitchoverPage, AppError> {
    guard::require_user()?;
    switchover::history(cluster_id, page).await
}
