//! A simulator per test, and a client that finds it the way the console does: through
//! the metadata's `cluster_mgr_nodes`.

#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use klustron::jobs::*;
use klustron::{
    ClientConfig, ClusterMgr, JobId, JobReport, JobState, LeaderSource, MetaSeeds, Metadata,
};
use klustron_sim::{Profile, SimConfig, Simulator};

pub struct TestSim {
    pub sim: Arc<Simulator>,
    pub client: ClusterMgr,
    pub meta_url: String,
    /// "sqlite 1.0", "mariadb 1.2", …: says which run a failing assertion belongs to.
    pub label: String,
    _dir: Option<tempfile::TempDir>,
}

pub async fn sqlite_sim() -> TestSim {
    sqlite_sim_as(Profile::V1_0).await
}

pub async fn sqlite_sim_as(profile: Profile) -> TestSim {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("metadata.db").display());
    start(url, Some(dir), profile, "sqlite").await
}

/// The MariaDB/MySQL server at `XPANEL_TEST_MYSQL_URL` (scripts/test.sh sets it to the
/// machine's MariaDB). Unset, the MariaDB runs are skipped and say so; with
/// `XPANEL_TEST_REQUIRE_ALL=1` (scripts/test.sh, so CI) an unset URL fails the test.
pub fn mysql_server() -> Option<String> {
    let url = std::env::var("XPANEL_TEST_MYSQL_URL").ok().filter(|s| !s.is_empty());
    if url.is_none() {
        assert!(
            std::env::var("XPANEL_TEST_REQUIRE_ALL").as_deref() != Ok("1"),
            "XPANEL_TEST_MYSQL_URL is not set but XPANEL_TEST_REQUIRE_ALL=1: the MariaDB runs must run"
        );
        eprintln!("SKIPPED: XPANEL_TEST_MYSQL_URL not set, MariaDB runs left out");
    }
    url
}

pub async fn mysql_sim() -> Option<TestSim> {
    mysql_sim_as(Profile::V1_0).await
}

/// A simulator on a fresh database in that server, or `None` when it is not set.
pub async fn mysql_sim_as(profile: Profile) -> Option<TestSim> {
    let server = mysql_server()?;
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
    Some(start(format!("{base}/{name}"), None, profile, "mariadb").await)
}

/// Runs `fact` on every simulator: both profiles, on SQLite and on MariaDB.
pub async fn on_every_sim<F, Fut>(fact: F)
where
    F: Fn(TestSim) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for profile in [Profile::V1_0, Profile::V1_2] {
        fact(sqlite_sim_as(profile).await).await;
        if let Some(t) = mysql_sim_as(profile).await {
            fact(t).await;
        }
    }
}

async fn start(url: String, dir: Option<tempfile::TempDir>, profile: Profile, db: &str) -> TestSim {
    // The simulator's own errors, on the test's output (shown when a test fails).
    let _ = tracing_subscriber::fmt().with_test_writer().with_env_filter("warn").try_init();
    let sim = Simulator::start(SimConfig {
        metadata_url: url.clone(),
        nodes: vec!["127.0.0.1:0".parse().unwrap(), "127.0.0.1:0".parse().unwrap()],
        control: "127.0.0.1:0".parse().unwrap(),
        step: Duration::from_millis(15),
        profile,
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
    TestSim { sim, client, meta_url: url, label: format!("{db} {profile}"), _dir: dir }
}

impl TestSim {
    pub fn profile(&self) -> Profile {
        self.sim.profile()
    }

    /// Polls until the job ends, keeping every report.
    pub async fn wait(&self, id: &JobId) -> Vec<JobReport> {
        let mut seen = Vec::new();
        for _ in 0..2000 {
            let r = self.client.status(id).await.unwrap();
            let end = r.state.is_finished();
            seen.push(r);
            if end {
                return seen;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("{}: job {id} did not end; last report {:?}", self.label, seen.last());
    }

    pub async fn run<J: Job>(&self, job: &J) -> JobReport {
        let id = self.client.submit("super_dba", job).await.unwrap();
        self.wait(&id).await.pop().unwrap()
    }

    pub async fn run_ok<J: Job>(&self, job: &J) -> JobReport {
        let r = self.run(job).await;
        assert_eq!(
            r.state,
            JobState::Done,
            "{}: {} failed: {:?}",
            self.label,
            J::TYPE.as_str(),
            r.state
        );
        r
    }

    /// POSTs raw bytes to the leader's job API; the reply body as cluster_mgr wrote it.
    pub async fn post_raw(&self, body: &str) -> Result<String, reqwest::Error> {
        let url = format!("http://{}/HttpService/Emit", self.sim.leader().await);
        reqwest::Client::new().post(url).body(body.to_owned()).send().await?.text().await
    }

    /// `get_status` of a job id, as raw bytes.
    pub async fn raw_status(&self, id: &str) -> String {
        let body = format!(
            r#"{{"version":"1.0","job_id":"{id}","job_type":"get_status","timestamp":"1","user_name":"","paras":{{}}}}"#
        );
        self.post_raw(&body).await.unwrap()
    }

    /// A `cluster_general_job_log` row: (status, memo) with the memo `None` while NULL.
    pub async fn job_row(&self, id: &JobId) -> (String, Option<String>) {
        let r = self.sim.store().job(id.as_str().parse().unwrap()).await.unwrap().unwrap();
        (r.status, r.memo)
    }

    /// One text value from the metadata (`CAST(… AS CHAR)` comes as bytes from MariaDB).
    pub async fn scalar(&self, sql: &str, id: i64) -> String {
        let row = sqlx::query(sql).bind(id).fetch_one(self.sim.store().pool()).await.unwrap();
        klustron_sim::store::text(&row, "v")
    }

    /// Waits up to 5 s for `cond` (cluster_mgr reports a failure before it rolls back).
    pub async fn eventually<F, Fut>(&self, what: &str, cond: F)
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        for _ in 0..500 {
            if cond().await {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("{}: {what}", self.label);
    }

    /// Submits a create_cluster and waits for it, on the demo's machines.
    pub async fn create(&self, c: &CreateCluster) -> (JobReport, i64) {
        let r = self.run_ok(c).await;
        let name = r.attachment["cluster_name"].as_str().unwrap().to_owned();
        let meta = self.sim.store().reader();
        let id = meta.clusters().await.unwrap().into_iter().find(|c| c.name == name).unwrap().id;
        (r, id)
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
