//! `update_instance_cgroup` (day2-jobs.md §3.5; engine/cgroup.rs says what of it is
//! inferred): unknown to 1.0.2; on 1.2 async, the instance's `cpu_cores` written.

use super::*;

fn cgroup(
    ip: &str,
    port: u16,
    kind: InstanceKind,
    cores: u32,
    mode: CpuLimitMode,
) -> UpdateInstanceCgroup {
    UpdateInstanceCgroup { ip: ip.into(), port, kind, cpu_cores: cores, cgroup_mode: mode }
}

#[tokio::test]
async fn cluster_mgr_1_0_does_not_know_cpu_limits() {
    let t = sqlite_sim_as(Profile::V1_0).await;
    let r = t
        .client
        .submit("u", &cgroup("10.0.0.11", 57001, InstanceKind::Mysql, 2, CpuLimitMode::Quota))
        .await;
    match r {
        Err(ClientError::Rejected { code, info }) => {
            assert_eq!((code, info.as_str()), (70001, "Unrecongnized job type"))
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_cpu_limit_is_written_to_the_instances_row() {
    on_1_2(|t| async move {
        t.add_machines(&["10.0.0.11", "10.0.0.12"], &["10.0.0.21"]).await;
        let cid = running_cluster(&t, "cg", 1, 2).await;
        let n = t.sim.store().node_rows(cid).await.unwrap()[0].clone();
        t.run_ok(&cgroup(&n.hostaddr, n.port, InstanceKind::Mysql, 4, CpuLimitMode::Quota)).await;
        let sql = "SELECT CAST(cpu_cores AS CHAR) AS v FROM shard_nodes WHERE id = ?";
        assert_eq!(t.scalar(sql, n.id).await, "4", "{}", t.label);

        let comp = t.sim.store().comp_rows(cid).await.unwrap()[0].clone();
        t.run_ok(&cgroup(&comp.1, comp.2, InstanceKind::Pg, 2, CpuLimitMode::Share)).await;
        let sql = "SELECT CAST(cpu_cores AS CHAR) AS v FROM comp_nodes WHERE id = ?";
        assert_eq!(t.scalar(sql, comp.0).await, "2", "{}", t.label);

        // A storage node named as a compute node is in neither table as such.
        let r = t.run(&cgroup(&n.hostaddr, n.port, InstanceKind::Pg, 2, CpuLimitMode::Share)).await;
        assert_eq!(failed_with(&t, &r.state, 0), "instance ip_port no find", "{}", t.label);
    })
    .await;
}
