//! Rebuilding replicas through cluster_mgr's `rebuild_node`: checked against the shard
//! as the metadata has it now and the backup targets it lists
//! (`domain::rebuild`), confirmed by the shard's typed name, recorded, submitted and
//! followed per replica.

use klustron::jobs::{RbNode, RebuildNode};

use super::auth::{guard, CurrentSession};
use super::clusters::{cm_id, confirm_typed, load, shard_is_free};
use super::klustron::klustron;
use super::{app_state, jobs};
use crate::backend::locale::request_locale;
use crate::domain::cluster_view::Refusal;
use crate::domain::rebuild::{plan, RebuildAsk, Source};
use crate::error::AppError;

/// The HDFS backup storage targets as `host:port`, which a rebuild may save old data to.
pub async fn backup_targets() -> Result<Vec<String>, AppError> {
    let meta = klustron()?.meta().await?;
    let targets = meta.backup_targets().await?;
    // node_mgr saves the old data to `hdfs://<hdfs_host>`: only HDFS targets serve.
    Ok(targets
        .into_iter()
        .filter(|t| t.stype.eq_ignore_ascii_case("HDFS"))
        .map(|t| format!("{}:{}", t.hostaddr, t.port))
        .collect())
}

/// Checks `ask` on cluster `cluster_id` and the typed shard name, then submits it.
pub async fn submit(
    who: &CurrentSession,
    cluster_id: i64,
    ask: &RebuildAsk,
    confirm: &str,
) -> Result<i64, AppError> {
    let l = request_locale();
    let c = load(cluster_id).await?;
    let shard = c
        .shard(ask.shard_id)
        .ok_or_else(|| AppError::invalid("shard_id", Refusal::NoSuchShard.message(l)))?;
    let targets = backup_targets().await?;
    let p = plan(l, shard, ask, &targets).map_err(|(field, m)| AppError::invalid(field, m))?;
    confirm_typed(&shard.name, confirm)?;
    shard_is_free(c.id, shard.id).await?;
    let job = RebuildNode {
        cluster_id: cm_id(c.id)?,
        shard_id: cm_id(shard.id)?,
        rb_nodes: p
            .nodes
            .iter()
            .map(|(host, port)| RbNode {
                hostaddr: host.clone(),
                port: *port,
                need_backup: p.backup_to.is_some(),
                hdfs_host: p.backup_to.clone(),
                pv_limit: p.pv_limit_mb,
            })
            .collect(),
        allow_pull_from_master: p.from_primary,
        allow_replica_delay: p.max_source_lag,
    };
    let nodes: Vec<String> = p.nodes.iter().map(|(h, port)| format!("{h}:{port}")).collect();
    let source = match &p.source {
        Source::Replica(a) => format!("replica {a}"),
        Source::Primary(a) => format!("primary {a}"),
    };
    let target = format!(
        "{} of {} of {} (cluster {}), from {source}{}",
        nodes.join(", "),
        shard.name,
        c.confirm_word(),
        c.id,
        p.backup_to.as_ref().map(|b| format!(", old data saved to {b}")).unwrap_or_default()
    );
    jobs::submit(&app_state()?, who, &guard::client_addr(), &target, &job).await
}
