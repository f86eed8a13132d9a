//! A switchover checked and submitted, and the history read from the metadata.

use klustron::jobs::{ip_port, ManualSwitch};

use super::auth::{guard, CurrentSession};
use super::clusters::{cm_id, confirm_typed, load, shard_is_free};
use super::klustron::klustron;
use super::{app_state, jobs};
use crate::backend::locale::request_locale;
use crate::domain::switchover::{
    address, SwitchoverEntry, SwitchoverPage, SwitchoverStepView, HISTORY_PAGE,
};
use crate::error::AppError;
use crate::i18n::*;
use crate::lang::fill;

/// What the page asked for: the shard, the target (`host:port`, or empty for
/// cluster_mgr's pick), the typed shard name, and the primary it showed (may be empty).
pub struct Asked<'a> {
    pub shard_id: i64,
    pub target: &'a str,
    pub confirm: &'a str,
    pub primary: &'a str,
}

/// Checks the switchover against the cluster as the metadata has it now (the primary the
/// page showed must still be the primary: a failover may have happened meanwhile),
/// checks the typed shard name, and submits it.
pub async fn submit(
    who: &CurrentSession,
    cluster_id: i64,
    asked: Asked<'_>,
) -> Result<i64, AppError> {
    let l = request_locale();
    let shard_id = asked.shard_id;
    let target = match asked.target.trim() {
        "" => None,
        t => Some(
            parse_address(t)
                .ok_or_else(|| AppError::invalid("target", td_string!(l, switchover.bad_target)))?,
        ),
    };
    let c = load(cluster_id).await?;
    let switch = c
        .check_switch(shard_id, target.as_ref().map(|(h, p)| (h.as_str(), *p)))
        .map_err(|r| AppError::invalid("target", r.message(l)))?;
    let now = format!("{}:{}", switch.primary.hostaddr, switch.primary.port);
    if !asked.primary.trim().is_empty() && asked.primary.trim() != now {
        let m = fill!(td_string!(l, switchover.primary_moved), node = now);
        return Err(AppError::invalid("target", m));
    }
    let shard = c.shard(shard_id).map(|s| s.name.clone()).unwrap_or_default();
    confirm_typed(&shard, asked.confirm)?;
    shard_is_free(c.id, shard_id).await?;
    let job = ManualSwitch {
        cluster_id: cm_id(c.id)?,
        shard_id: cm_id(shard_id)?,
        master_hostaddr: ip_port(&switch.primary.hostaddr, switch.primary.port),
        assign_hostaddr: switch.target.map(|t| ip_port(&t.hostaddr, t.port)),
    };
    let to = switch.target.map(|t| format!("{}:{}", t.hostaddr, t.port));
    let target = format!(
        "{shard} of {} (cluster {}): {}:{} to {}",
        c.confirm_word(),
        c.id,
        switch.primary.hostaddr,
        switch.primary.port,
        to.as_deref().unwrap_or("cluster_mgr's choice")
    );
    jobs::submit(&app_state()?, who, &guard::client_addr(), &target, &job).await
}

/// `host:port` (a bracketed IPv6 host too).
fn parse_address(s: &str) -> Option<(String, u16)> {
    let (h, p) = s.rsplit_once(':')?;
    let h = h.trim_start_matches('[').trim_end_matches(']');
    let port = p.parse().ok()?;
    (!h.is_empty() && h.len() <= 255).then(|| (h.to_owned(), port))
}

/// Page `page` (from 1) of the cluster's switchovers.
pub async fn history(cluster_id: i64, page: u32) -> Result<SwitchoverPage, AppError> {
    let meta = klustron()?.meta().await?;
    let total = meta.switchover_count(cluster_id).await?;
    let pages = u32::try_from((total + i64::from(HISTORY_PAGE) - 1) / i64::from(HISTORY_PAGE))
        .unwrap_or(u32::MAX)
        .max(1);
    let page = page.clamp(1, pages);
    let offset = i64::from(page - 1) * i64::from(HISTORY_PAGE);
    let rows = meta.switchovers(cluster_id, i64::from(HISTORY_PAGE), offset).await?;
    let shards = meta.shards(cluster_id).await?;
    let entries = rows
        .iter()
        .map(|s| SwitchoverEntry {
            taskid: s.taskid.clone(),
            shard_id: s.shard_id,
            shard_name: shards
                .iter()
                .find(|x| x.id == s.shard_id)
                .map(|x| x.name.clone())
                .unwrap_or_default(),
            manual: s.manual,
            old_primary: address(s.old_primary()),
            new_primary: address(s.new_primary()),
            started: s.started().to_owned(),
            ended: s.ended().to_owned(),
            ok: s.ok(),
            message: s.err_msg().to_owned(),
            duration_secs: crate::time::parse_sql_datetime(s.started())
                .zip(crate::time::parse_sql_datetime(s.ended()))
                .map(|(a, b)| b - a)
                .filter(|d| *d >= 0),
            steps: s
                .steps
                .iter()
                .map(|st| SwitchoverStepView {
                    step: st.step.clone(),
                    at: st.at.clone(),
                    code: st.err_code,
                    words: st.err_msg.clone(),
                })
                .collect(),
        })
        .collect();
    Ok(SwitchoverPage { entries, total, pages })
}
