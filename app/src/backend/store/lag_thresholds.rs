//! Replication-lag thresholds per shard (migration 0010): the lag above which a shard's
//! replicas are flagged on the cluster page. A shard without a row has the default.

use super::{now, with_pool, Store};

impl Store {
    /// `(shard_id, max_lag_secs)` of every shard of cluster `cluster_id` that has one.
    pub async fn lag_thresholds(&self, cluster_id: i64) -> sqlx::Result<Vec<(i64, i64)>> {
        with_pool!(self, |pool| {
            sqlx::query_as(&self.sql(
                "SELECT shard_id, max_lag_secs FROM shard_lag_thresholds WHERE cluster_id = ?",
            ))
            .bind(cluster_id)
            .fetch_all(pool)
            .await
        })
    }

    /// Sets shard `shard_id`'s threshold (the three databases share no upsert, so the
    /// old row is replaced in one transaction).
    pub async fn set_lag_threshold(
        &self,
        cluster_id: i64,
        shard_id: i64,
        secs: i64,
        by: &str,
    ) -> sqlx::Result<()> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(
                &self.sql("DELETE FROM shard_lag_thresholds WHERE cluster_id = ? AND shard_id = ?"),
            )
            .bind(cluster_id)
            .bind(shard_id)
            .execute(&mut *tx)
            .await?;
            sqlx::query(&self.sql(
                "INSERT INTO shard_lag_thresholds
                 (cluster_id, shard_id, max_lag_secs, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)",
            ))
            .bind(cluster_id)
            .bind(shard_id)
            .bind(secs)
            .bind(by)
            .bind(now())
            .execute(&mut *tx)
            .await?;
            tx.commit().await
        })
    }
}
