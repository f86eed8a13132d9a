//! An instance's variables: read (anyone logged in) and set (storage nodes, under the
//! `configure` privilege on the cluster). The instance is a storage node (its shard,
//! host and port) or, with `comp_id` above 0, a compute node.

pub use crate::domain::variables::{VarChange, VarReading};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::{
    backend::{auth::guard, variables},
    domain::{access::Privilege, node_control::Instance},
};
use leptos::prelude::*;

/// The variable `name` (or those its `%` pattern matches) of the instance.
#[server(endpoint = "instances/variables")]
pub async fn read_variables(
    cluster_id: i64,
    #[server(default)] shard_id: i64,
    #[server(default)] hostaddr: String,
    #[server(default)] port: u16,
    #[server(default)] comp_id: i64,
    name: String,
) -> Result<Vec<VarReading>, AppError> {
    let who = guard::require_user()?;
    let i = Instance::from_fields(shard_id, hostaddr, port, comp_id);
    variables::read(&who, cluster_id, &i, &name).await
}

/// Sets storage node variable `name` to `value`; the value before and after.
#[server(endpoint = "instances/set_variable")]
pub async fn set_variable(
    cluster_id: i64,
    #[server(default)] shard_id: i64,
    #[server(default)] hostaddr: String,
    #[server(default)] port: u16,
    #[server(default)] comp_id: i64,
    name: String,
    value: String,
) -> Result<VarChange, AppError> {
    let who = guard::require(Privilege::Configure, Some(cluster_id)).await?;
    let i = Instance::from_fields(shard_id, hostaddr, port, comp_id);
    variables::set(&who, cluster_id, &i, &name, &value).await
}
