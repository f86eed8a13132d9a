//! Contract: the bodies the client puts on the wire equal, field by field, request
//! bodies taken from cluster_mgr's own tests and XPanel's source (`tests/fixtures/`,
//! each naming its source). The client posts to a recording server, so the bodies are
//! the real ones, envelope included.

use std::sync::{Arc, Mutex};

use axum::{body::Bytes, extract::State, routing::post, Router};
use klustron::jobs::*;
use klustron::{ClientConfig, ClusterMgr, JobId, LeaderSource};
use serde_json::{json, Value};

type Seen = Arc<Mutex<Vec<Value>>>;

async fn recorder() -> (String, Seen) {
    let seen: Seen = Arc::default();
    async fn record(State(seen): State<Seen>, body: Bytes) -> String {
        let v: Value = serde_json::from_slice(&body).expect("the client sends JSON");
        let status = if v["job_type"] == "get_status" { "ongoing" } else { "accept" };
        seen.lock().unwrap().push(v);
        format!(
            r#"{{"version":"1.0","status":"{status}","job_id":"17","error_code":"0","error_info":"","attachment":null}}"#
        )
    }
    let app = Router::new().route("/HttpService/Emit", post(record)).with_state(seen.clone());
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap().to_string();
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    (addr, seen)
}

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// Every fixture field is sent with the same value; every field the fixture lacks is
/// listed, with its reason, in the fixture's `console_extra`.
fn assert_matches(name: &str, sent: &Value) {
    let fx = fixture(name);
    for (k, v) in fx["envelope"].as_object().unwrap() {
        assert!(sent[k].is_string(), "{name}: envelope {k} must be a string, got {}", sent[k]);
        if !matches!(k.as_str(), "timestamp" | "user_name") {
            assert_eq!(&sent[k], v, "{name}: envelope {k}");
        }
    }
    let ts = sent["timestamp"].as_str().unwrap();
    assert!(!ts.is_empty() && ts.bytes().all(|b| b.is_ascii_digit()), "{name}: timestamp {ts}");
    let (want, got) = (fx["paras"].as_object().unwrap(), sent["paras"].as_object().unwrap());
    for (k, v) in want {
        assert_eq!(got.get(k), Some(v), "{name}: paras.{k} (source: {})", fx["source"]);
    }
    for k in got.keys() {
        assert!(
            want.contains_key(k) || fx["console_extra"].get(k).is_some(),
            "{name}: paras.{k} is sent but is in no source; add it to console_extra with a reason"
        );
    }
}

fn spec(t: MachineType, range: (u16, u16), dirs: [&str; 4], rack: &str) -> MachineSpec {
    MachineSpec {
        hostaddr: "192.168.0.2".into(),
        machine_type: t,
        port_range: range,
        rack_id: rack.into(),
        datadir: dirs[0].into(),
        logdir: dirs[1].into(),
        wal_log_dir: dirs[2].into(),
        comp_datadir: dirs[3].into(),
        total_mem: 1024,
        total_cpu_cores: 8,
    }
}

#[tokio::test]
async fn every_job_body_matches_its_source() {
    let (addr, seen) = recorder().await;
    let cm = ClusterMgr::new(LeaderSource::Fixed(vec![addr]), ClientConfig::default());
    let d = "/home/hellen/testjenkins092";
    let ips = vec!["192.168.0.2".to_owned()];

    cm.submit(
        "hellen_test",
        &CreateMachine(spec(MachineType::Storage, (51400, 51600), [d, d, d, d], "1")),
    )
    .await
    .unwrap();
    cm.submit(
        "super_dba",
        &UpdateMachine(spec(
            MachineType::Storage,
            (57000, 58000),
            ["/data", "/log", "/wal", ""],
            "0",
        )),
    )
    .await
    .unwrap();
    cm.submit(
        "super_dba",
        &DeleteMachine { hostaddr: "192.168.0.2".into(), machine_type: MachineType::Storage },
    )
    .await
    .unwrap();
    let create = CreateCluster {
        nick_name: "rbrcluster001".into(),
        ha_mode: HaMode::Rbr,
        shards: 1,
        nodes: 3,
        comps: 1,
        max_storage_size: 20,
        max_connections: 6,
        cpu_cores: 8,
        cpu_limit_mode: CpuLimitMode::Quota,
        innodb_size: 1,
        dbcfg: 1,
        fullsync_level: 1,
        conf_degrade_state: Degrade::Off,
        conf_degrade_time: 25,
        data_storage_mb: 1024,
        log_storage_mb: 1024,
        install_proxysql: 0,
        computer_user: Some("abc".into()),
        computer_password: Some("abc".into()),
        storage_iplists: ips.clone(),
        computer_iplists: ips.clone(),
    };
    cm.submit("kunlun_test", &create).await.unwrap();
    cm.submit("kunlun_test", &DeleteCluster { cluster_id: 1, nick_name: "demo".into() })
        .await
        .unwrap();
    cm.submit(
        "kunlun_test",
        &AddShards {
            cluster_id: 1,
            nick_name: "demo".into(),
            shards: 1,
            nodes: 3,
            storage_iplists: ips.clone(),
        },
    )
    .await
    .unwrap();
    cm.submit(
        "kunlun_test",
        &AddComps {
            cluster_id: 1,
            nick_name: "demo".into(),
            comps: 2,
            computer_iplists: ips.clone(),
        },
    )
    .await
    .unwrap();
    cm.submit(
        "kunlun_test",
        &AddNodes {
            cluster_id: 1,
            nick_name: "demo".into(),
            shard_id: Some(1),
            nodes: 2,
            storage_iplists: ips.clone(),
        },
    )
    .await
    .unwrap();
    cm.submit("kunlun_test", &DeleteShard { cluster_id: 1, shard_id: 2 }).await.unwrap();
    cm.submit("kunlun_test", &DeleteComp { cluster_id: 1, nick_name: "demo".into(), comp_id: 1 })
        .await
        .unwrap();
    cm.submit(
        "kunlun_test",
        &DeleteNode { cluster_id: 1, shard_id: 1, hostaddr: "192.168.0.2".into(), port: 57005 },
    )
    .await
    .unwrap();
    cm.submit(
        "super_dba",
        &ControlInstance {
            cluster_id: 1,
            hostaddr: "192.168.0.132".into(),
            port: 59401,
            machine_type: MachineType::Storage,
            control: InstanceControl::Stop,
        },
    )
    .await
    .unwrap();
    cm.submit(
        "zhangsan",
        &ManualSwitch {
            cluster_id: 3,
            shard_id: 5,
            master_hostaddr: ip_port("192.168.0.140", 59403),
            assign_hostaddr: Some(ip_port("192.168.0.129", 59403)),
        },
    )
    .await
    .unwrap();
    cm.submit(
        "kunlun_test",
        &RebuildNode {
            cluster_id: 1,
            shard_id: 2,
            rb_nodes: vec![RbNode {
                hostaddr: "192.168.0.132".into(),
                port: 59403,
                need_backup: false,
                hdfs_host: Some("192.168.0.129:57040".into()),
                pv_limit: 10,
            }],
            allow_pull_from_master: true,
            allow_replica_delay: 0,
        },
    )
    .await
    .unwrap();
    cm.submit(
        "kunlun_test",
        &UpdateInstanceCgroup {
            ip: "192.168.0.140".into(),
            port: 59401,
            kind: InstanceKind::Mysql,
            cpu_cores: 1,
            cgroup_mode: CpuLimitMode::Share,
        },
    )
    .await
    .unwrap();
    // The no-switch jobs are answered at once; the recorder answers them "accept",
    // which `call` takes as an answer without a refusal.
    cm.call("zhangsan", &SetNoswitch::new(ClusterScope::One(3), Some(5), 600), false)
        .await
        .unwrap();
    cm.call(
        "super_dba",
        &DelNoswitch { cluster_id: ClusterScope::One(3), shard_id: Some(5) },
        false,
    )
    .await
    .unwrap();
    cm.call("super_dba", &ListNoswitch { cluster_id: ClusterScope::All }, true).await.unwrap();
    cm.call("super_dba", &UpdateShardDegradeConf::on(3, 5, 25), false).await.unwrap();
    let (host, var) = ("192.168.0.132".to_owned(), "innodb_lock_wait_timeout".to_owned());
    let get = GetVariable { hostaddr: host.clone(), port: 59401, variable: var.clone() };
    cm.call("super_dba", &get, true).await.unwrap();
    let set = SetVariable::unquoted(host, 59401, var, "100".into());
    cm.call("super_dba", &set, false).await.unwrap();
    cm.status(&JobId::parse("17").unwrap()).await.unwrap();

    let seen = seen.lock().unwrap().clone();
    let names = [
        "create_machine",
        "update_machine",
        "delete_machine",
        "create_cluster",
        "delete_cluster",
        "add_shards",
        "add_comps",
        "add_nodes",
        "delete_shard",
        "delete_comp",
        "delete_node",
        "control_instance",
        "manual_switch",
        "rebuild_node",
        "update_instance_cgroup",
        "set_noswitch",
        "del_noswitch",
        "list_noswitch",
        "update_shard_degrade_conf",
        "get_variable",
        "set_variable",
        "get_status",
    ];
    assert_eq!(seen.len(), names.len());
    for (name, body) in names.iter().zip(&seen) {
        assert_matches(name, body);
    }
    // Every job type the client knows has a fixture.
    for t in JobType::ALL {
        assert!(names.contains(&t.as_str()), "no fixture for {}", t.as_str());
    }
}

#[tokio::test]
async fn optional_fields_are_left_out_not_sent_empty() {
    let (addr, seen) = recorder().await;
    let cm = ClusterMgr::new(LeaderSource::Fixed(vec![addr]), ClientConfig::default());
    cm.submit(
        "u",
        &AddComps { cluster_id: 1, nick_name: "x".into(), comps: 1, computer_iplists: vec![] },
    )
    .await
    .unwrap();
    let body = seen.lock().unwrap()[0].clone();
    assert_eq!(body["paras"], json!({"cluster_id": "1", "nick_name": "x", "comps": "1"}));
}
