//! What the tests post and read, as the app's own types: the wizard's draft, server
//! function replies decoded (`reply`, `app_error`), and one helper per page's reads.

use super::*;
use app::api::clusters::ClusterPage;
use app::api::jobs::{JobPage, JobStatus, JobView};
use app::api::machines::InstanceRow;
use app::api::users::SystemView;
use app::domain::cluster_plan::ClusterPlan;
use app::domain::cluster_view::ClusterDetail;
use server_fn::serde::de::DeserializeOwned;

// --- server function replies, decoded as the app's own types ---------------------------

/// A server function's reply decoded as `T`, the type it returns (panics with the
/// status and body when the reply is not one).
pub async fn reply<T: DeserializeOwned>(r: Response) -> T {
    let status = r.status();
    let text = r.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!("not a {}: {e}; the reply was {status}: {text}", std::any::type_name::<T>())
    })
}

/// The error a failed server function answered with.
pub async fn app_error(r: Response) -> AppError {
    reply(r).await
}

/// The field and message of a validation error (panics on any other error).
pub fn validation(e: AppError) -> (String, String) {
    match e {
        AppError::Validation { field, message } => (field, message),
        other => panic!("not a validation error: {other:?}"),
    }
}

/// A successful server function's reply decoded as `T`.
async fn ok_reply<T: DeserializeOwned>(r: Response) -> T {
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    reply(r).await
}

// --- cluster jobs, as the wizard and the job page call them ---------------------------

/// The draft as the wizard posts it (`draft[field]=value`), with overrides.
pub fn draft(overrides: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = [
        ("nick_name", "orders"),
        ("ha_mode", "rbr"),
        ("install_proxysql", "false"),
        ("shards", "2"),
        ("replicas", "3"),
        ("comps", "2"),
        ("innodb_mb", "1024"),
        ("fullsync_level", "1"),
        ("degrade", "false"),
        ("degrade_secs", "25"),
        ("data_storage_mb", "1024"),
        ("log_storage_mb", "1024"),
        ("max_storage_gb", "20"),
        ("max_connections", "1000"),
        ("cpu_cores", "8"),
        ("cpu_limit_mode", "quota"),
        ("computer_user", "kunlun"),
        ("computer_password", "Secret#2026"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (k, v) in overrides {
        fields.retain(|(f, _)| f != k && !f.starts_with(&format!("{k}[")));
        fields.push((k.to_string(), v.to_string()));
    }
    fields.into_iter().map(|(k, v)| (nest("draft", &k), v)).collect()
}

/// `storage_hosts[0]` inside `draft` becomes `draft[storage_hosts][0]`.
pub fn nest(outer: &str, key: &str) -> String {
    match key.split_once('[') {
        Some((head, rest)) => format!("{outer}[{head}][{rest}"),
        None => format!("{outer}[{key}]"),
    }
}

pub async fn post(app: &TestApp, path: &str, form: &[(String, String)]) -> reqwest::Response {
    app.client.post(app.url(path)).form(form).send().await.unwrap()
}

pub fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// The sim with the demo machines (3 storage, 2 compute) and no cluster, and a console
/// logged in with a changed password.
pub async fn ready(step_ms: u64) -> SimApp {
    let s = spawn_app_with_sim_step(Duration::from_millis(step_ms)).await;
    s.app.login_with_changed_password().await;
    klustron_sim::seed::machines_only(&s.sim).await.unwrap();
    s
}

pub async fn create(app: &TestApp, overrides: &[(&str, &str)]) -> reqwest::Response {
    post(app, "/KunlunXPanel/api/clusters/create", &draft(overrides)).await
}

// --- what the pages read, decoded as the app's types ------------------------------------

/// Job `id` as the job page gets it (`jobs/get`).
pub async fn job(app: &TestApp, id: i64) -> JobView {
    let r = post(app, "/KunlunXPanel/api/jobs/get", &pairs(&[("id", &id.to_string())])).await;
    ok_reply(r).await
}

/// Job `id` once it is no longer running.
pub async fn wait_job(app: &TestApp, id: i64) -> JobView {
    for _ in 0..600 {
        let j = job(app, id).await;
        if j.status != JobStatus::Running {
            return j;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("job {id} did not end");
}

/// A page of the job list (`jobs/list`), `status` empty for all jobs.
pub async fn job_page(app: &TestApp, status: &str, page: u32) -> JobPage {
    let form = pairs(&[("query[status]", status), ("query[page]", &page.to_string())]);
    ok_reply(post(app, "/KunlunXPanel/api/jobs/list", &form).await).await
}

/// Cluster `id` as its page gets it (`clusters/get`).
pub async fn cluster(app: &TestApp, id: i64) -> ClusterDetail {
    let r = post(app, "/KunlunXPanel/api/clusters/get", &pairs(&[("id", &id.to_string())])).await;
    ok_reply(r).await
}

/// A page of the cluster list (`clusters/list`) with these query fields.
pub async fn cluster_page(app: &TestApp, query: &[(&str, &str)]) -> ClusterPage {
    ok_reply(post(app, "/KunlunXPanel/api/clusters/list", &nested_form("query", query)).await).await
}

/// The wizard's review of the draft with `overrides` (`clusters/plan`).
pub async fn cluster_plan(app: &TestApp, overrides: &[(&str, &str)]) -> ClusterPlan {
    ok_reply(post(app, "/KunlunXPanel/api/clusters/plan", &draft(overrides)).await).await
}

/// The instances on the machine at `hostaddr` (`machines/instances`, the node view).
pub async fn instances_on(app: &TestApp, hostaddr: &str) -> Vec<InstanceRow> {
    let form = pairs(&[("hostaddr", hostaddr)]);
    ok_reply(post(app, "/KunlunXPanel/api/machines/instances", &form).await).await
}

/// Users and roles as the system page gets them (`system/get`).
pub async fn system_view(app: &TestApp) -> SystemView {
    ok_reply(app.post_form("/KunlunXPanel/api/system/get", &[]).await).await
}

/// `fields` as server_fn's URL encoding nests an argument's: `outer[field]=value`.
pub fn nested_form(outer: &str, fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields.iter().map(|(k, v)| (format!("{outer}[{k}]"), (*v).to_owned())).collect()
}

/// The add-machine form for a storage machine at `host`, as the page posts it.
pub fn machine_form(host: &str) -> Vec<(String, String)> {
    [
        ("hostaddr", host),
        ("machine_type", "storage"),
        ("port_start", "57000"),
        ("port_end", "58000"),
        ("datadir", "/kunlun/data"),
        ("logdir", "/kunlun/log"),
        ("wal_log_dir", "/kunlun/wal"),
        ("comp_datadir", ""),
        ("total_mem", "16384"),
        ("total_cpu_cores", "8"),
        ("rack_id", ""),
    ]
    .iter()
    .map(|(k, v)| (format!("form[{k}]"), v.to_string()))
    .collect()
}
