//! A simulator per test, and a client that finds it the way the console does: through
//! the metadata's `cluster_mgr_nodes`.

#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use klustron::jobs::*;
use klustron::{
    ClientConfig, ClusterMgr, JobId, JobReport, JobState, LeaderSource, MetaSeeds, Metadata,
};
use klustron_sim::{SimConfig, Simulator};

pub struct TestSim {
    pub sim: Arc<Simulator>,
    pub client: ClusterMgr,
    pub meta_url: String,
    _dir: Option<tempfile::TempDir>,
}

pub async fn sqlite_sim() -> TestSim {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("metadata.db").display());
    start(url, Some(dir)).await
}

/// A simulator on a fresh database in the MariaDB/MySQL server at `XPANEL_TEST_MYSQL_URL`
/// (scripts/test.sh sets it to the machine's MariaDB), or `None` when it is not set.
pub async fn mysql_sim() -> Option<TestSim> {
    let server = std::env::var("XPANEL_TEST_MYSQL_URL").ok().filter(|s| !s.is_empty())?;
    sqlx::any::install_default_drivers();
    let name = format!(
        "xpanel_sim_{}_{}",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
            % 1_000_000_000
    );
    let admin =
        sqlx::AnyPool::connect(&server).await.expect("XPANEL_TEST_MYSQL_URL must be reachable");
    // Databases of earlier runs (other processes) are dropped here, since a test cannot
    // drop its own asynchronously when it ends.
    let mine = format!("xpanel_sim_{}_", std::process::id());
    let old: Vec<String> = sqlx::query(
        "SELECT CAST(schema_name AS CHAR) FROM information_schema.schemata \
         WHERE schema_name LIKE 'xpanel_sim_%'",
    )
    .fetch_all(&admin)
    .await
    .unwrap()
    .iter()
    .map(|r| sqlx::Row::try_get::<String, _>(r, 0).unwrap_or_default())
    .filter(|n| !n.starts_with(&mine))
    .collect();
    for db in old {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {db}")).execute(&admin).await;
    }
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await.unwrap();
    let base = server.trim_end_matches('/').rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap();
    Some(start(format!("{base}/{name}"), None).await)
}

async fn start(url: String, dir: Option<tempfile::TempDir>) -> TestSim {
    let sim = Simulator::start(SimConfig {
        metadata_url: url.clone(),
        nodes: vec!["127.0.0.1:0".parse().unwrap(), "127.0.0.1:0".parse().unwrap()],
        control: "127.0.0.1:0".parse().unwrap(),
        step: Duration::from_millis(15),
    })
    .await
    .unwrap();
    let seeds = MetaSeeds::parse(&url, "", "").unwrap();
    let meta = Arc::new(Metadata::new(seeds, Duration::from_secs(5)));
    let client = ClusterMgr::new(
        LeaderSource::Metadata(meta),
        ClientConfig {
            timeout: Duration::from_secs(2),
            read_attempts: 3,
            read_backoff: Duration::from_millis(50),
        },
    );
    TestSim { sim, client, meta_url: url, _dir: dir }
}

impl TestSim {
    /// Polls until the job ends, keeping every report.
    pub async fn wait(&self, id: &JobId) -> Vec<JobReport> {
        let mut seen = Vec::new();
        for _ in 0..1000 {
            let r = self.client.status(id).await.unwrap();
            let end = r.state.is_finished();
            seen.push(r);
            if end {
                return seen;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("job {id} did not end");
    }

    pub async fn run<J: Job>(&self, job: &J) -> JobReport {
        let id = self.client.submit("super_dba", job).await.unwrap();
        self.wait(&id).await.pop().unwrap()
    }

    pub async fn run_ok<J: Job>(&self, job: &J) -> JobReport {
        let r = self.run(job).await;
        assert_eq!(r.state, JobState::Done, "{} failed: {:?}", J::TYPE.as_str(), r.state);
        r
    }

    pub async fn add_machines(&self, storage: &[&str], computer: &[&str]) {
        for h in storage {
            self.run_ok(&CreateMachine(machine(h, MachineType::Storage))).await;
        }
        for h in computer {
            self.run_ok(&CreateMachine(machine(h, MachineType::Computer))).await;
        }
    }
}

pub fn machine(host: &str, t: MachineType) -> MachineSpec {
    let storage = t == MachineType::Storage;
    let dir = |s: &str| if storage { s.to_owned() } else { String::new() };
    MachineSpec {
        hostaddr: host.into(),
        machine_type: t,
        port_range: t.default_port_range(),
        rack_id: "0".into(),
        datadir: dir("/kunlun/data"),
        logdir: dir("/kunlun/log"),
        wal_log_dir: dir("/kunlun/wal"),
        comp_datadir: if storage { String::new() } else { "/kunlun/comp".into() },
        total_mem: 16384,
        total_cpu_cores: 8,
    }
}

pub fn cluster(nick: &str, shards: u16, nodes: u16, comps: u16) -> CreateCluster {
    CreateCluster {
        nick_name: nick.into(),
        ha_mode: HaMode::Rbr,
        shards,
        nodes,
        comps,
        max_storage_size: 20,
        max_connections: 1000,
        cpu_cores: 8,
        cpu_limit_mode: CpuLimitMode::Quota,
        innodb_size: 1024,
        dbcfg: 0,
        fullsync_level: 1,
        conf_degrade_state: Degrade::Off,
        conf_degrade_time: 25,
        data_storage_mb: 1024,
        log_storage_mb: 1024,
        install_proxysql: 0,
        computer_user: None,
        computer_password: None,
        storage_iplists: vec![],
        computer_iplists: vec![],
    }
}
