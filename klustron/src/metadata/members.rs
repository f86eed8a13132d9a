//! Who leads: the metadata cluster's members and the cluster_mgr raft group.

use super::model::{HaMode, MemberState};
use super::rows::{member_node, text};
use super::sql::{host_port, select};
use super::{MemberNode, MetaDb};
use crate::error::ClientError;

impl MetaDb {
    pub async fn meta_db_nodes(&self) -> Result<Vec<MemberNode>, ClientError> {
        let sql = select(
            &["hostaddr", "port", "member_state"],
            "meta_db_nodes order by meta_db_nodes.id",
        );
        Ok(self.rows(&sql).await?.iter().map(member_node).collect())
    }

    pub async fn cluster_mgr_nodes(&self) -> Result<Vec<MemberNode>, ClientError> {
        let sql = select(
            &["hostaddr", "port", "member_state"],
            "cluster_mgr_nodes order by cluster_mgr_nodes.id",
        );
        Ok(self.rows(&sql).await?.iter().map(member_node).collect())
    }

    /// `host:port` of the cluster_mgr raft leader, as XPanel's login bootstrap finds it
    /// (cluster_mgr `raft_ha.cc` marks the leader `source`, its `port` the HTTP port).
    pub async fn cluster_mgr_leader(&self) -> Result<Option<String>, ClientError> {
        Ok(self
            .cluster_mgr_nodes()
            .await?
            .into_iter()
            .find(|n| n.member_state == MemberState::Source)
            .map(|n| host_port(&n.hostaddr, n.port)))
    }

    /// The metadata cluster's replication mode (`global_configuration`, name
    /// `meta_ha_mode`), as cluster_mgr reads it at start (`sys.cc`); `None` when the
    /// table or the row is missing.
    pub async fn meta_ha_mode(&self) -> Option<HaMode> {
        let sql = "SELECT CAST(value AS CHAR) AS v FROM global_configuration \
                   WHERE name = 'meta_ha_mode'";
        let rows = self.rows(sql).await.ok()?;
        rows.first().and_then(|r| HaMode::parse(text(r, "v").trim()))
    }

    /// The group-replication primary, for `mgr` metadata: the query cluster_mgr runs
    /// (`sys.cc` `System::setup_metadata_shard_mgr`).
    pub async fn group_primary(&self) -> Result<Option<(String, u16)>, ClientError> {
        let sql = "SELECT CAST(MEMBER_HOST AS CHAR) AS h, CAST(MEMBER_PORT AS CHAR) AS p \
                   FROM performance_schema.replication_group_members \
                   WHERE MEMBER_ROLE = 'PRIMARY' AND MEMBER_STATE = 'ONLINE'";
        let rows = self.rows(sql).await?;
        Ok(rows.first().and_then(|r| {
            let port = text(r, "p").trim().parse().ok().filter(|p| *p > 0)?;
            Some((text(r, "h"), port))
        }))
    }
}
