//! The console against cluster_mgr's real wire (the simulator's 1.0 profile, which is
//! the public source): failed jobs end failed, memo-less jobs wait and are given up
//! after a bound, no compute password leaks, and 1.0's metadata (no
//! `comp_nodes.mysql_port`) is read right.

use crate::common::*;
use app::api::jobs::{JobStatus, WaitReason};
use app::domain::job::EndReason;
use reqwest::StatusCode;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use klustron_sim::faults::Faults;
use klustron_sim::Profile;

async fn add_machine(app: &TestApp, host: &str) -> i64 {
    let r = post(app, "/KunlunXPanel/api/machines/add", &machine_form(host)).await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

async fn metrics(app: &TestApp) -> String {
    reqwest::get(app.url("/KunlunXPanel/metrics")).await.unwrap().text().await.unwrap()
}

/// §1 #1: `get_status` never carries `job_id`, so a `failed` answer is the job's end:
/// recorded failed with cluster_mgr's code and words, and never followed again, also
/// after a restart.
#[tokio::test]
async fn a_failed_job_ends_failed_with_cluster_mgrs_code_and_is_not_followed_after_a_restart() {
    let s = ready(10).await;
    let first = add_machine(&s.app, "10.0.5.1").await;
    assert_eq!(wait_job(&s.app, first).await.status, JobStatus::Done);
    let dup = add_machine(&s.app, "10.0.5.1").await;
    let j = wait_job(&s.app, dup).await;
    assert_eq!(j.status, JobStatus::Failed, "{j:?}");
    assert_eq!(j.error_code, Some(70062));
    assert_eq!(
        j.error,
        "Create machine job add hostaddr in server_nodes (cluster_mgr error 70062)"
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(metrics(&s.app).await.contains("xpanel_jobs_followed 0"));

    // A second console on the same store (as after a restart) follows nothing.
    let again = spawn_with(s.app.data_dir.clone(), vec![s.sim.store().url().to_owned()]).await;
    again.login(DEFAULT_USER, NEW_PASSWORD).await;
    let j = job(&again, dup).await;
    assert_eq!((j.status, j.error_code), (JobStatus::Failed, Some(70062)));
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        metrics(&again).await.contains("xpanel_jobs_followed 0"),
        "a failed job is not followed again"
    );
}

/// §0.3 #10: while cluster_mgr has no memo of a job (it waits in the queue) the job
/// waits and says so; it ends as cluster_mgr reports.
#[tokio::test]
async fn a_job_whose_memo_is_null_for_a_while_waits_for_cluster_mgr_then_ends_done() {
    let s = ready(10).await;
    s.sim.set_faults(Faults { hold_setup_ms: 1500, ..Faults::default() });
    let id = add_machine(&s.app, "10.0.5.1").await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    let j = job(&s.app, id).await;
    assert_eq!(
        (j.status, j.waiting.map(|w| w.reason)),
        (JobStatus::Running, Some(WaitReason::Queued)),
        "{j:?}"
    );
    let html = s.app.get(&format!("/KunlunXPanel/jobs/{id}")).await.text().await.unwrap();
    assert!(
        html.contains("Waiting for cluster_mgr to start the job"),
        "the job page says what it waits for"
    );
    s.sim.set_faults(Faults::default());
    let j = wait_job(&s.app, id).await;
    assert_eq!(j.status, JobStatus::Done, "{j:?}");
    assert_eq!(j.waiting, None);
}

/// #10: a job cluster_mgr never starts (its memo stays NULL: dropped by a restart, or
/// stuck in the queue) is given up after the bound, with that reason.
#[tokio::test]
async fn a_job_whose_memo_never_comes_ends_failed_after_the_bound() {
    let s = spawn_app_with_sim_config(Duration::from_millis(10), Profile::V1_0, |c| {
        c.job_start_timeout_secs = 2
    })
    .await;
    s.app.login_with_changed_password().await;
    s.sim.set_faults(Faults { hold_setup_ms: 120_000, ..Faults::default() });
    let id = add_machine(&s.app, "10.0.5.1").await;
    let j = wait_job(&s.app, id).await;
    assert_eq!(
        (j.status, j.end_reason),
        (JobStatus::Failed, Some(EndReason::NotStarted(2))),
        "{j:?}"
    );
    assert!(j.error.contains("did not start the job within 2 s"), "{j:?}");
    // The reason reaches the reader in Chinese too.
    let html = s
        .app
        .client
        .get(s.app.url(&format!("/KunlunXPanel/jobs/{id}")))
        .header("accept-language", "zh-CN")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("秒内没有启动该任务"), "translated reason");
}

/// Every log line of this test binary, for the password check.
fn captured_logs() -> &'static Mutex<Vec<u8>> {
    static LOGS: OnceLock<Mutex<Vec<u8>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        struct Sink;
        impl std::io::Write for Sink {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                if let Ok(mut v) = captured_logs().lock() {
                    v.extend_from_slice(b);
                }
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let _ = tracing_subscriber::fmt()
            .with_env_filter("debug")
            .with_writer(|| Sink)
            .with_ansi(false)
            .try_init();
        Mutex::new(Vec::new())
    })
}

/// §1 #11: cluster_mgr keeps the compute password in clear in its memos, the cluster's
/// memo and `job_info`; no reply, page, log line or store row of the console shows it.
#[tokio::test]
async fn no_reply_page_log_or_store_row_shows_a_compute_password() {
    captured_logs();
    const SECRET: &str = "Zq9#Secret7";
    let s = ready(5).await;
    let id: i64 = create(&s.app, &[("computer_password", SECRET), ("shards", "1"), ("comps", "1")])
        .await
        .json()
        .await
        .unwrap();
    let j = wait_job(&s.app, id).await;
    assert_eq!(j.status, JobStatus::Done, "{j:?}");
    let cid = j.cluster_id.expect("the job names its cluster").to_string();
    // The simulator holds it where cluster_mgr does, so the check below means something.
    let raw: Vec<String> = sqlx::query_scalar(
        "SELECT CAST(memo AS TEXT) FROM cluster_general_job_log WHERE memo IS NOT NULL",
    )
    .fetch_all(s.sim.store().pool())
    .await
    .unwrap();
    assert!(raw.iter().any(|m| m.contains(SECRET)), "cluster_mgr's memos hold the password");

    let mut seen = String::new();
    for (path, form) in [
        ("/KunlunXPanel/api/jobs/get", pairs(&[("id", &id.to_string())])),
        ("/KunlunXPanel/api/jobs/list", pairs(&[("query[page]", "1")])),
        ("/KunlunXPanel/api/clusters/get", pairs(&[("id", &cid)])),
        ("/KunlunXPanel/api/clusters/list", pairs(&[("query[page]", "1")])),
        ("/KunlunXPanel/api/operations/list", pairs(&[("source", "cluster_mgr"), ("page", "1")])),
        ("/KunlunXPanel/api/operations/list", pairs(&[("source", "console"), ("page", "1")])),
    ] {
        let r = post(&s.app, path, &form).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        seen.push_str(&r.text().await.unwrap());
    }
    for page in [
        format!("/KunlunXPanel/jobs/{id}"),
        format!("/KunlunXPanel/clusters/{cid}"),
        "/KunlunXPanel/operation-log".into(),
        "/KunlunXPanel/jobs".into(),
    ] {
        seen.push_str(&s.app.get(&page).await.text().await.unwrap());
    }
    assert!(seen.contains("psql -h"), "the pages were read");
    assert!(!seen.contains(SECRET), "a reply or page shows the password");
    let store = std::fs::read(s.app.data_dir.join("xpanel.db")).unwrap();
    assert!(!String::from_utf8_lossy(&store).contains(SECRET), "a store row holds the password");
    let logs = String::from_utf8_lossy(&captured_logs().lock().unwrap()).into_owned();
    assert!(!logs.is_empty(), "logs were captured");
    assert!(!logs.contains(SECRET), "a log line shows the password");
}

/// §1 #3: on 1.0 metadata (no `comp_nodes.mysql_port`) the list, the cluster page and
/// the node view work and show both ports, the MySQL one marked derived, and the
/// connect commands name the cluster's compute user.
#[tokio::test]
async fn the_cluster_pages_and_the_node_view_work_on_1_0_metadata() {
    let s = ready(5).await;
    let id: i64 = create(&s.app, &[("shards", "1"), ("comps", "1"), ("computer_user", "kunlun")])
        .await
        .json()
        .await
        .unwrap();
    let j = wait_job(&s.app, id).await;
    assert_eq!(j.status, JobStatus::Done, "{j:?}");
    let cluster_id = j.cluster_id.expect("the job names its cluster");
    let c = cluster(&s.app, cluster_id).await;
    let comp = &c.comps[0];
    let (pg, my) = (comp.pg_port, comp.mysql_port);
    assert_eq!(
        (my, comp.mysql_port_derived, c.comp_user.as_str(), c.managed),
        (pg + 1, true, "kunlun", true)
    );
    let html =
        s.app.get(&format!("/KunlunXPanel/clusters/{cluster_id}")).await.text().await.unwrap();
    let host = &comp.hostaddr;
    assert!(
        html.contains(&format!("mysql -h {host} -P {my} -u kunlun -p postgres")),
        "connect command"
    );
    assert!(html.contains(&format!("psql -h {host} -p {pg} -U kunlun postgres")));
    let instances = instances_on(&s.app, host).await;
    let compute = instances.iter().find(|n| n.kind == "computer").expect("a compute instance");
    assert_eq!(compute.role, format!("PostgreSQL {pg}, MySQL {my}*"));
}

/// §1 #12: a cluster installed by script (no `db_clusters.memo`) is shown, and what
/// cluster_mgr would refuse with 70113 is refused before submitting, with the reason.
#[tokio::test]
async fn a_cluster_installed_by_script_is_shown_and_changes_cluster_mgr_refuses_are_refused() {
    let s = ready(5).await;
    let id: i64 = create(&s.app, &[("shards", "2"), ("comps", "2")]).await.json().await.unwrap();
    let cluster_id = wait_job(&s.app, id).await.cluster_id.expect("the job names its cluster");
    sqlx::query("UPDATE db_clusters SET memo = NULL WHERE id = ?")
        .bind(cluster_id)
        .execute(s.sim.store().pool())
        .await
        .unwrap();
    let cid = cluster_id.to_string();
    let c = cluster(&s.app, cluster_id).await;
    assert_eq!((c.managed, c.comp_user.as_str()), (false, "abc"));
    let html = s.app.get(&format!("/KunlunXPanel/clusters/{cid}")).await.text().await.unwrap();
    assert!(html.contains("data-test=\"not-managed\""), "the page says why");
    let before = s.sim.store().reader().job_log(100, 0).await.unwrap().len();
    let r = post(
        &s.app,
        "/KunlunXPanel/api/clusters/add_comps",
        &pairs(&[("cluster_id", &cid), ("comps", "1")]),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (_, message) = validation(app_error(r).await);
    assert!(message.contains("code 70113"), "{message}");
    let shard = &c.shards[1];
    let r = post(
        &s.app,
        "/KunlunXPanel/api/clusters/delete_shard",
        &pairs(&[
            ("cluster_id", &cid),
            ("shard_id", &shard.id.to_string()),
            ("confirm", &shard.name),
        ]),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        s.sim.store().reader().job_log(100, 0).await.unwrap().len(),
        before,
        "nothing reached cluster_mgr"
    );
    // delete_comp does not read the memo in cluster_mgr: allowed.
    let comp = &c.comps[0];
    let r = post(
        &s.app,
        "/KunlunXPanel/api/clusters/delete_comp",
        &pairs(&[("cluster_id", &cid), ("comp_id", &comp.id.to_string()), ("confirm", &comp.name)]),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
}

/// A submit whose answer is lost (timed out) may have started a job: the console finds
/// it in `cluster_general_job_log` by its envelope's timestamp and follows it to its
/// end, instead of recording a failure while cluster_mgr runs the job.
#[tokio::test]
async fn a_submit_that_times_out_is_found_in_cluster_mgrs_log_and_followed() {
    let s = spawn_app_with_sim_config(Duration::from_millis(10), Profile::V1_0, |c| {
        c.cluster_mgr_timeout_secs = 1
    })
    .await;
    s.app.login_with_changed_password().await;
    s.sim.set_faults(Faults { delay_ms: 1500, ..Faults::default() });
    let id = add_machine(&s.app, "10.0.5.1").await;
    let j = job(&s.app, id).await;
    assert_eq!(j.status, JobStatus::Running, "not recorded as failed: {j:?}");
    tokio::time::sleep(Duration::from_millis(1200)).await;
    s.sim.set_faults(Faults::default());
    let j = wait_job(&s.app, id).await;
    assert_eq!(j.status, JobStatus::Done, "{j:?}");
    assert!(!j.cm_job_id.is_empty(), "{j:?}");
    assert_eq!(
        s.sim
            .store()
            .reader()
            .machines()
            .await
            .unwrap()
            .iter()
            .filter(|m| m.hostaddr == "10.0.5.1")
            .count(),
        1
    );

    // An answer that cannot be read, from a request that started nothing: looked for,
    // not found, closed with that reason.
    s.sim.set_faults(Faults { garbage_count: 1, ..Faults::default() });
    let id = add_machine(&s.app, "10.0.5.2").await;
    let j = wait_job(&s.app, id).await;
    assert_eq!((j.status, j.end_reason), (JobStatus::Failed, Some(EndReason::LostSubmit)), "{j:?}");
}
