//! 集群管理 Clusters: the cluster list with each cluster's compute nodes and the ports to
//! connect to (PostgreSQL and MySQL), read from the metadata. One cluster's page is in
//! [`super::cluster`], the creation wizard's calls in [`super::cluster_create`].

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::i18n::*;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const PER_PAGE: u32 = 20;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClusterListQuery {
    /// Part of the nick name (business name) or the cluster name.
    pub search: String,
    /// 1-based.
    pub page: u32,
}

/// A compute node as the list shows it: where to connect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompNodeRow {
    pub id: i64,
    pub name: String,
    pub hostaddr: String,
    /// PostgreSQL port.
    pub pg_port: u16,
    pub mysql_port: u16,
    /// Not in the metadata: PostgreSQL's + 1 (see `domain::cluster_view`).
    pub mysql_port_derived: bool,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterRow {
    pub id: i64,
    pub name: String,
    pub nick_name: String,
    /// `None` when `db_clusters.ha_mode` holds a word cluster_mgr does not use.
    pub ha_mode: Option<klustron_vocab::HaMode>,
    pub status: String,
    pub created: String,
    pub shards: usize,
    /// The compute nodes' account (the memo's `computer_user`, else `abc`).
    pub comp_user: String,
    /// cluster_mgr has the cluster's creation memo (else it was installed by script).
    pub managed: bool,
    pub comps: Vec<CompNodeRow>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterPage {
    pub rows: Vec<ClusterRow>,
    pub total: i64,
    pub page: u32,
    pub pages: u32,
}

#[server(endpoint = "clusters/list")]
pub async fn list_clusters(query: ClusterListQuery) -> Result<ClusterPage, AppError> {
    use crate::backend::{auth::guard, klustron::klustron};
    guard::require_user()?;
    let search = query.search.trim();
    let l = crate::backend::locale::request_locale();
    if search.chars().count() > 64 {
        let msg = td_string!(l, api_clusters.search_at_most_64_characters);
        return Err(AppError::invalid("search", msg));
    }
    if search.chars().any(char::is_control) {
        let msg = td_string!(l, api_clusters.search_no_control_characters);
        return Err(AppError::invalid("search", msg));
    }
    let page = query.page.clamp(1, 1_000_000);
    let meta = klustron()?.meta().await?;
    let (clusters, total) = meta
        .clusters_page(search, i64::from(PER_PAGE), i64::from(page - 1) * i64::from(PER_PAGE))
        .await?;
    // Two queries for the whole page, not two per cluster.
    let ids: Vec<i64> = clusters.iter().map(|c| c.id).collect();
    let mut comps = meta.comp_nodes_of(&ids).await?;
    let shard_counts = meta.shard_counts(&ids).await?;
    let rows = clusters
        .into_iter()
        .map(|c| {
            let (mine, rest): (Vec<_>, Vec<_>) =
                comps.drain(..).partition(|n| n.db_cluster_id == c.id);
            comps = rest;
            ClusterRow {
                id: c.id,
                shards: shard_counts
                    .iter()
                    .find(|(id, _)| *id == c.id)
                    .map_or(0, |(_, n)| *n as usize),
                comp_user: c
                    .memo
                    .as_ref()
                    .and_then(|m| m.computer_user.clone())
                    .unwrap_or_else(|| "abc".to_owned()),
                managed: c.memo.is_some(),
                name: c.name,
                nick_name: c.nick_name,
                ha_mode: c.ha_mode,
                status: c.status,
                created: c.when_created,
                comps: mine.into_iter().map(comp_row).collect(),
            }
        })
        .collect();
    let pages = u32::try_from((total + i64::from(PER_PAGE) - 1) / i64::from(PER_PAGE))
        .unwrap_or(u32::MAX)
        .max(1);
    Ok(ClusterPage { rows, total, page, pages })
}

#[cfg(feature = "ssr")]
fn comp_row(n: klustron::metadata::CompNode) -> CompNodeRow {
    CompNodeRow {
        id: n.id,
        name: n.name,
        hostaddr: n.hostaddr,
        pg_port: n.port,
        mysql_port: n.mysql_port,
        mysql_port_derived: n.mysql_port_derived,
        status: n.status.as_str().to_owned(),
    }
}
