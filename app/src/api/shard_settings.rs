//! A shard's settings: its degrade setting (cluster_mgr 1.1+) and its lag threshold,
//! each changed under the `configure` privilege on the cluster.

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::{
    backend::{auth::guard, locale::request_locale, shard_settings},
    domain::{
        access::Privilege,
        shard_settings::{parse_max_lag, Degrade},
    },
};
use leptos::prelude::*;

/// Turns shard `shard_id`'s degrade setting on after `secs` seconds (5-500), or off.
#[server(endpoint = "shards/degrade")]
pub async fn set_shard_degrade(
    cluster_id: i64,
    shard_id: i64,
    #[server(default)] on: bool,
    #[server(default)] secs: String,
) -> Result<(), AppError> {
    let who = guard::require(Privilege::Configure, Some(cluster_id)).await?;
    let to =
        Degrade::parse(request_locale(), on, &secs).map_err(|m| AppError::invalid("secs", m))?;
    shard_settings::set_degrade(&who, cluster_id, shard_id, to).await
}

/// Flags shard `shard_id`'s replicas more than `secs` seconds (1 to a day) behind.
#[server(endpoint = "shards/max_lag")]
pub async fn set_shard_max_lag(
    cluster_id: i64,
    shard_id: i64,
    secs: String,
) -> Result<(), AppError> {
    let who = guard::require(Privilege::Configure, Some(cluster_id)).await?;
    let secs =
        parse_max_lag(request_locale(), &secs).map_err(|m| AppError::invalid("max_lag", m))?;
    shard_settings::set_max_lag(&who, cluster_id, shard_id, secs).await
}
