//! `spawn_app()`: the real console on port 0 with a fresh data directory, and a browser-like
//! client (cookies kept, redirects not followed) with one method per thing a user does.

#![allow(dead_code)] // each test binary uses a different subset

use app::error::AppError;
use reqwest::{header, Client, Response, StatusCode};
use server::{config::Config, startup::Application};
// serde as server_fn re-exports it: the server crate has no serde dependency of its own.
use std::path::PathBuf;
use std::time::Duration;

mod replies;
pub use replies::*;

pub const DEFAULT_USER: &str = "super_dba";
pub const DEFAULT_PASSWORD: &str = "super_dba";
pub const NEW_PASSWORD: &str = "Kunlun#2026x";

pub struct TestApp {
    pub base: String,
    pub client: Client,
    pub data_dir: PathBuf,
    _tmp: Option<tempfile::TempDir>,
}

/// Starts a console on a fresh, empty store.
pub async fn spawn_app() -> TestApp {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut app = spawn_app_in(tmp.path().to_path_buf()).await;
    app._tmp = Some(tmp);
    app
}

/// Starts a console on the store in `data_dir` (to test restarts).
pub async fn spawn_app_in(data_dir: PathBuf) -> TestApp {
    spawn_with(data_dir, vec![]).await
}

/// A console wired to a fresh klustron-sim (SQLite metadata), as `scripts/run.sh` does.
pub struct SimApp {
    pub app: TestApp,
    pub sim: std::sync::Arc<klustron_sim::Simulator>,
    _tmp: tempfile::TempDir,
}

pub async fn spawn_app_with_sim() -> SimApp {
    spawn_app_with_sim_step(std::time::Duration::from_millis(10)).await
}

/// As [`spawn_app_with_sim`], with simulated job steps of `step` each.
pub async fn spawn_app_with_sim_step(step: std::time::Duration) -> SimApp {
    spawn_app_with_sim_as(step, klustron_sim::Profile::V1_0).await
}

/// A console beside a simulator playing cluster_mgr `profile`.
pub async fn spawn_app_with_sim_as(
    step: std::time::Duration,
    profile: klustron_sim::Profile,
) -> SimApp {
    spawn_app_with_sim_config(step, profile, |_| {}).await
}

/// As [`spawn_app_with_sim_as`], with the console's configuration changed by `tweak`.
pub async fn spawn_app_with_sim_config(
    step: std::time::Duration,
    profile: klustron_sim::Profile,
    tweak: impl FnOnce(&mut Config),
) -> SimApp {
    let tmp = tempfile::tempdir().expect("temp dir");
    let sim = start_sim_as(tmp.path(), step, profile).await;
    let mut c = config(tmp.path().join("console"), vec![sim_metadata_url(tmp.path())]);
    tweak(&mut c);
    let app = spawn_config(c).await;
    SimApp { app, sim, _tmp: tmp }
}

/// The simulator's metadata database in `dir`.
pub fn sim_metadata_url(dir: &std::path::Path) -> String {
    format!("sqlite:{}", dir.join("metadata.db").display())
}

/// A klustron-sim (cluster_mgr 1.0) with one node, its metadata in `dir`.
pub async fn start_sim(
    dir: &std::path::Path,
    step: std::time::Duration,
) -> std::sync::Arc<klustron_sim::Simulator> {
    start_sim_as(dir, step, klustron_sim::Profile::V1_0).await
}

pub async fn start_sim_as(
    dir: &std::path::Path,
    step: std::time::Duration,
    profile: klustron_sim::Profile,
) -> std::sync::Arc<klustron_sim::Simulator> {
    start_sim_on(&sim_metadata_url(dir), step, profile).await
}

/// A klustron-sim with its metadata in the database at `metadata_url` (SQLite or MySQL).
pub async fn start_sim_on(
    metadata_url: &str,
    step: std::time::Duration,
    profile: klustron_sim::Profile,
) -> std::sync::Arc<klustron_sim::Simulator> {
    klustron_sim::Simulator::start(klustron_sim::SimConfig {
        metadata_url: metadata_url.to_owned(),
        nodes: vec!["127.0.0.1:0".parse().unwrap()],
        control: "127.0.0.1:0".parse().unwrap(),
        step,
        profile,
    })
    .await
    .expect("simulator starts")
}

/// The configuration the tests start consoles with (loopback, port 0).
pub fn config(data_dir: PathBuf, metaseeds: Vec<String>) -> Config {
    Config {
        command: None,
        listen: vec!["127.0.0.1:0".parse().unwrap()],
        run_as: None,
        xpanel_db: klustron::metadata::xpanel_accounts::XPANEL_DB.into(),
        data_dir,
        site_root: "target/site".into(),
        cookie_secure: false,
        session_idle_minutes: 30,
        session_max_hours: 12,
        metaseeds,
        cluster_mgr: vec![],
        meta_user: "pgx".into(),
        meta_password: "pgx_pwd".into(),
        store_url: None,
        log_format: server::logging::LogFormat::Text,
        cluster_mgr_timeout_secs: 10,
        allowed_hosts: vec![],
        ops_token: None,
        job_start_timeout_secs: 180,
        job_silent_timeout_secs: 1800,
    }
}

/// A console on the store in `data_dir`, with these METASEEDS.
pub async fn spawn_with(data_dir: PathBuf, metaseeds: Vec<String>) -> TestApp {
    spawn_config(config(data_dir, metaseeds)).await
}

/// A console on a shared store at `url` (MySQL or PostgreSQL), its own data dir.
pub async fn spawn_with_store(url: &str) -> TestApp {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut c = config(tmp.path().to_path_buf(), vec![]);
    c.store_url = Some(url.to_string());
    let mut app = spawn_config(c).await;
    app._tmp = Some(tmp);
    app
}

/// A console serving the compiled site from `site_root`.
pub async fn spawn_with_site(data_dir: PathBuf, site_root: &std::path::Path) -> TestApp {
    let mut c = config(data_dir, vec![]);
    c.site_root = site_root.display().to_string();
    spawn_config(c).await
}

/// A console configured as served over HTTPS (Secure cookies, HSTS).
pub async fn spawn_https_like(data_dir: PathBuf) -> TestApp {
    let mut c = config(data_dir, vec![]);
    c.cookie_secure = true;
    spawn_config(c).await
}

/// A console started with `config`.
pub async fn spawn_config(config: Config) -> TestApp {
    let data_dir = config.data_dir.clone();
    let app = Application::build(&config).await.expect("console starts");
    let base = format!("http://{}", app.local_addr());
    tokio::spawn(app.run_until_stopped());
    TestApp { base, client: new_client(), data_dir, _tmp: None }
}

/// A console on a runtime of its own, returned so a test can stop it dead
/// (`shutdown_background`): every task of the console ends at once, like a kill -9.
pub fn spawn_on_own_runtime(
    data_dir: PathBuf,
    metaseeds: Vec<String>,
) -> (TestApp, tokio::runtime::Runtime) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let config = config(data_dir.clone(), metaseeds);
    let (tx, rx) = std::sync::mpsc::channel();
    rt.spawn(async move {
        let app = Application::build(&config).await.expect("console starts");
        tx.send(app.local_addr()).expect("the test waits");
        app.run_until_stopped().await
    });
    let addr = rx.recv().expect("the console reports its address");
    (TestApp { base: format!("http://{addr}"), client: new_client(), data_dir, _tmp: None }, rt)
}

pub fn new_client() -> Client {
    Client::builder()
        .cookie_store(true)
        // A request that never gets its answer fails the test with its name, instead of
        // stalling the whole run until CI's limit (one did, once: see the closing notes).
        .timeout(std::time::Duration::from_secs(60))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// POSTs a form to a path, as the hydrated page does for a server function.
    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> Response {
        self.client.post(self.url(path)).form(form).send().await.unwrap()
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    pub async fn login(&self, user: &str, password: &str) -> Response {
        self.post_form("/KunlunXPanel/api/login", &[("username", user), ("password", password)])
            .await
    }

    pub async fn change_password(&self, current: &str, new: &str, confirm: &str) -> Response {
        self.post_form(
            "/KunlunXPanel/api/change_password",
            &[("current_password", current), ("new_password", new), ("confirm_password", confirm)],
        )
        .await
    }

    pub async fn logout(&self) -> Response {
        self.post_form("/KunlunXPanel/api/logout", &[]).await
    }

    pub async fn current_user(&self) -> Response {
        self.post_form("/KunlunXPanel/api/current_user", &[]).await
    }

    /// Logs in with the default password and changes it to [`NEW_PASSWORD`].
    pub async fn login_with_changed_password(&self) {
        assert_eq!(self.login(DEFAULT_USER, DEFAULT_PASSWORD).await.status(), StatusCode::OK);
        let r = self.change_password(DEFAULT_PASSWORD, NEW_PASSWORD, NEW_PASSWORD).await;
        assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    }
}

/// The session token the server set in a response, if any.
pub fn session_cookie(r: &Response) -> Option<String> {
    r.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("xpanel_session="))
        .map(|rest| rest.split(';').next().unwrap_or_default().to_owned())
        .filter(|t| !t.is_empty())
}

/// Sends a request with exactly this session token and no other cookies.
pub async fn post_with_token(app: &TestApp, path: &str, token: &str) -> Response {
    Client::new()
        .post(app.url(path))
        .header(header::COOKIE, format!("xpanel_session={token}"))
        .form(&[("x", "")])
        .send()
        .await
        .unwrap()
}

/// The JSON error body of a failed server function.
pub async fn error_body(r: Response) -> serde_json::Value {
    let text = r.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("not a JSON error: {text}"))
}
