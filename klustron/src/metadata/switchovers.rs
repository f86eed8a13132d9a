//! `rbr_consfailover`: the switchovers of a cluster's shards, manual and automatic, one
//! row per step sharing a `taskid` (zettadb/kunlun `scripts/meta_inuse.sql`). Read as
//! XPanel 1.2's history does (`Cluster.php` `getSwitcheOverList`, `getNewHost`,
//! `getTaskList`), but paged by whole tasks, newest first.

use super::rows::{int, text};
use super::sql::placeholders;
use super::{MetaDb, Switchover, SwitchoverStep};
use crate::error::ClientError;

/// Rows of a task, in the order cluster_mgr wrote them.
const STEP_COLUMNS: &[&str] = &[
    "taskid",
    "shard_id",
    "host",
    "step",
    "new_master_host",
    "consfailover_msg",
    "timestamp",
    "err_code",
    "err_msg",
];

impl MetaDb {
    /// How many switchovers cluster `cluster_id` has had.
    pub async fn switchover_count(&self, cluster_id: i64) -> Result<i64, ClientError> {
        let sql = "SELECT CAST(COUNT(DISTINCT taskid) AS CHAR) AS n FROM rbr_consfailover \
                   WHERE cluster_id = ? AND taskid IS NOT NULL AND taskid <> ''";
        Ok(self.rows_with_id(sql, cluster_id).await?.first().map(|r| int(r, "n")).unwrap_or(0))
    }

    /// A page of cluster `cluster_id`'s switchovers, the newest (by its last row) first,
    /// each with all its steps.
    pub async fn switchovers(
        &self,
        cluster_id: i64,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Switchover>, ClientError> {
        let page = "SELECT CAST(taskid AS CHAR) AS taskid FROM rbr_consfailover \
                    WHERE cluster_id = ? AND taskid IS NOT NULL AND taskid <> '' \
                    GROUP BY taskid ORDER BY MAX(id) DESC LIMIT ? OFFSET ?";
        let tasks: Vec<String> = sqlx::query(page)
            .bind(cluster_id)
            .bind(limit)
            .bind(offset)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.failed(e))?
            .iter()
            .map(|r| text(r, "taskid"))
            .collect();
        if tasks.is_empty() {
            return Ok(Vec::new());
        }
        let cols: Vec<String> =
            STEP_COLUMNS.iter().map(|c| format!("CAST({c} AS CHAR) AS {c}")).collect();
        let sql = format!(
            "SELECT {} FROM rbr_consfailover WHERE cluster_id = ? AND taskid IN ({}) ORDER BY id",
            cols.join(", "),
            placeholders(tasks.len())
        );
        let mut q = sqlx::query(&sql).bind(cluster_id);
        for t in &tasks {
            q = q.bind(t.clone());
        }
        let rows = q.fetch_all(&self.pool).await.map_err(|e| self.failed(e))?;
        let mut out: Vec<Switchover> = tasks
            .iter()
            .map(|t| Switchover { taskid: t.clone(), shard_id: 0, manual: true, steps: vec![] })
            .collect();
        // `sw_type` from the first row that has one; a task without is taken as manual.
        let mut typed: Vec<&str> = Vec::new();
        for r in &rows {
            let Some(s) = out.iter_mut().find(|s| s.taskid == text(r, "taskid")) else {
                continue;
            };
            s.shard_id = int(r, "shard_id");
            if !typed.contains(&s.taskid.as_str()) {
                if let Some(t) = sw_type(&text(r, "consfailover_msg")) {
                    s.manual = t != "failover";
                    typed.push(tasks.iter().find(|x| **x == s.taskid).map_or("", |x| x.as_str()));
                }
            }
            let code = text(r, "err_code");
            s.steps.push(SwitchoverStep {
                step: text(r, "step"),
                host: text(r, "host"),
                new_master_host: text(r, "new_master_host"),
                err_code: code.trim().parse().ok(),
                err_msg: text(r, "err_msg"),
                at: text(r, "timestamp"),
            });
        }
        Ok(out)
    }
}

/// `consfailover_msg.sw_type` (`manual` | `failover`), the one key XPanel reads.
fn sw_type(msg: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(msg).ok()?;
    v.get("sw_type")?.as_str().map(str::to_owned)
}
