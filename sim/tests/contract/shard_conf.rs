//! `update_shard_degrade_conf` (day2-jobs.md §3.4; engine/shard_conf.rs says what of it
//! is inferred): unknown to 1.0.2; on 1.2 answered at once, the shard's
//! `degrade_conf_*` columns changed, which the metadata reader reads back.

use super::*;

#[tokio::test]
async fn cluster_mgr_1_0_does_not_know_the_degrade_setting() {
    let t = sqlite_sim_as(Profile::V1_0).await;
    let r = t.client.call("u", &UpdateShardDegradeConf::on(1, 1, 25), false).await;
    match r {
        Err(ClientError::Rejected { code, info }) => {
            assert_eq!((code, info.as_str()), (70001, "Unrecongnized job type"))
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_degrade_setting_is_written_to_the_shard_and_refused_for_another_clusters() {
    on_1_2(|t| async move {
        t.add_machines(&["10.0.0.11", "10.0.0.12"], &["10.0.0.21"]).await;
        let cid = running_cluster(&t, "dg", 1, 2).await;
        let reader = t.sim.store().reader();
        let shard = reader.shards(cid).await.unwrap()[0].clone();
        // The schema's defaults: off, 0 s.
        assert_eq!((shard.degrade_on, shard.degrade_secs, shard.degraded_now), (false, 0, false));

        let s = shard.id as u32;
        t.client
            .call("super_dba", &UpdateShardDegradeConf::on(cid as u32, s, 30), false)
            .await
            .unwrap();
        let now = reader.shards(cid).await.unwrap()[0].clone();
        assert_eq!((now.degrade_on, now.degrade_secs), (true, 30));

        t.client
            .call("super_dba", &UpdateShardDegradeConf::off(cid as u32, s), false)
            .await
            .unwrap();
        let now = reader.shards(cid).await.unwrap()[0].clone();
        assert_eq!((now.degrade_on, now.degrade_secs), (false, 0));

        // The shard is not the other cluster's: 1.0.2's sync-failure shape, nothing written.
        let r = t
            .client
            .call("super_dba", &UpdateShardDegradeConf::on(cid as u32 + 1, s, 30), false)
            .await;
        match r {
            Err(ClientError::Rejected { code, info }) => {
                assert_eq!((code, info.as_str()), (0, "OK"))
            }
            other => panic!("{other:?}"),
        }
        assert!(!reader.shards(cid).await.unwrap()[0].degrade_on);
    })
    .await;
}
