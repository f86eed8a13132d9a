//! Issue #4 on the server: every field of the machine form is checked by the server
//! (whatever the browser did), cluster_mgr's refusals reach the user, the list is
//! filtered and paged in the database, and every change is audited.

use crate::common::*;
use app::api::jobs::{JobStatus, JobView, WaitReason};
use app::api::machines::MachinePage;
use app::domain::job::EndReason;
use app::domain::klustron::KlustronFailure;
use app::domain::machine::MachineType;
use app::error::AppError;
use reqwest::StatusCode;

fn good() -> Vec<(&'static str, String)> {
    [
        ("hostaddr", "10.0.0.11"),
        ("machine_type", "storage"),
        ("port_start", "57000"),
        ("port_end", "58000"),
        ("datadir", "/kunlun/data"),
        ("logdir", "/kunlun/log"),
        ("wal_log_dir", "/kunlun/wal"),
        ("comp_datadir", ""),
        ("total_mem", "16384"),
        ("total_cpu_cores", "8"),
        ("rack_id", "r1"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect()
}

/// The form as server_fn's URL encoding nests it: `form[field]=value`.
fn encoded(fields: &[(&'static str, String)]) -> Vec<(String, String)> {
    fields.iter().map(|(k, v)| (format!("form[{k}]"), v.clone())).collect()
}

async fn post(app: &TestApp, path: &str, form: &[(String, String)]) -> reqwest::Response {
    app.client.post(app.url(path)).form(form).send().await.unwrap()
}

async fn add(app: &TestApp, fields: &[(&'static str, String)]) -> reqwest::Response {
    post(app, "/KunlunXPanel/api/machines/add", &encoded(fields)).await
}

/// Job `id` once it is no longer running (polled more often than `common::wait_job`).
async fn wait_job(app: &TestApp, id: i64) -> JobView {
    for _ in 0..400 {
        let j = job(app, id).await;
        if j.status != JobStatus::Running {
            return j;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("job {id} did not end");
}

async fn ready() -> SimApp {
    ready_as(klustron_sim::Profile::V1_0).await
}

async fn ready_as(profile: klustron_sim::Profile) -> SimApp {
    let s = spawn_app_with_sim_as(std::time::Duration::from_millis(10), profile).await;
    s.app.login_with_changed_password().await;
    s
}

#[tokio::test]
async fn every_field_is_validated_on_the_server_and_nothing_is_submitted() {
    let s = ready().await;
    let long = "9".repeat(5000);
    let cases: Vec<(&str, String, &str)> = vec![
        ("hostaddr", "999.1.1.1".into(), "not an IPv4 address"),
        ("hostaddr", "".into(), "Enter the machine's IP address"),
        ("hostaddr", "10.0.0.1; rm -rf /".into(), "not an IPv4 address"),
        ("hostaddr", "x".repeat(10_000), "not an IPv4 address"),
        ("hostaddr", "fe80::1".into(), "cluster_mgr takes IPv4 only"),
        ("machine_type", "root".into(), "Choose storage or compute"),
        ("port_start", "0".into(), "from 1024 to 65535"),
        ("port_start", "-57000".into(), "from 1024 to 65535"),
        ("port_start", long.clone(), "from 1024 to 65535"),
        ("port_end", "56999".into(), "greater than the start port"),
        ("port_end", "65536".into(), "from 1024 to 65535"),
        ("datadir", "kunlun/data".into(), "not an absolute path"),
        ("datadir", "/kunlun/../../etc/passwd".into(), "'..' is not allowed"),
        ("datadir", "/data;$(curl evil)".into(), "not an absolute path"),
        ("datadir", "/data|nc".into(), "is not allowed"),
        ("datadir", format!("/{long}"), "characters in all"),
        ("logdir", "".into(), "Enter at least one absolute directory"),
        ("wal_log_dir", "/wal\n/etc".into(), "is not allowed"),
        ("total_mem", "0".into(), "whole number from 1"),
        ("total_mem", "-1".into(), "whole number from 1"),
        ("total_mem", "18446744073709551616".into(), "whole number from 1"),
        ("total_mem", "".into(), "Required"),
        ("total_cpu_cores", "4097".into(), "whole number from 1"),
        ("total_cpu_cores", "eight".into(), "whole number from 1"),
        ("rack_id", "rack<script>".into(), "Rack id"),
        ("rack_id", "r".repeat(65), "Rack id"),
    ];
    for (field, value, message) in &cases {
        let mut form = good();
        form.iter_mut().find(|(k, _)| k == field).unwrap().1 = value.clone();
        let r = add(&s.app, &form).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{field}={value:.40}");
        let (got_field, text) = validation(app_error(r).await);
        assert_eq!(got_field, *field, "{field}={value:.40}: {text}");
        assert!(text.contains(message), "{field}: {text}");
        assert!(text.len() < 300, "hostile input is not echoed at length: {text}");
    }
    // Nothing reached cluster_mgr.
    assert!(s.sim.store().reader().job_log(10, 0).await.unwrap().is_empty());
}

/// cluster_mgr 1.0 accepts `update_machine` and does nothing (`MachineRequest::
/// UpdateMachine` is empty): once a later job has started, the console ends the edit as
/// not applied, and says so, instead of following it for ever.
#[tokio::test]
async fn an_edit_cluster_mgr_1_0_ignores_ends_as_not_applied() {
    let s = ready_as(klustron_sim::Profile::V1_0).await;
    let id: i64 = add(&s.app, &good()).await.json().await.unwrap();
    assert_eq!(wait_job(&s.app, id).await.status, JobStatus::Done);
    let mut form = good();
    form.iter_mut().find(|(k, _)| *k == "total_mem").unwrap().1 = "32768".into();
    let edit: i64 = post(&s.app, "/KunlunXPanel/api/machines/edit", &encoded(&form))
        .await
        .json()
        .await
        .unwrap();
    // While cluster_mgr has no memo of it, the job waits, and says for what.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let j = job(&s.app, edit).await;
    assert_eq!(
        (j.status, j.waiting.map(|w| w.reason)),
        (JobStatus::Running, Some(WaitReason::Queued)),
        "{j:?}"
    );
    // Another job starts after it.
    let mut other = good();
    other[0].1 = "10.0.0.12".into();
    let id: i64 = add(&s.app, &other).await.json().await.unwrap();
    assert_eq!(wait_job(&s.app, id).await.status, JobStatus::Done);
    let j = wait_job(&s.app, edit).await;
    assert_eq!((j.status, j.end_reason), (JobStatus::Failed, Some(EndReason::NotApplied)), "{j:?}");
    assert!(j.error.starts_with("Not applied"), "{j:?}");
    let m = s.sim.store().reader().machines().await.unwrap();
    assert_eq!(
        m.iter().find(|m| m.hostaddr == "10.0.0.11").unwrap().total_mem_mb,
        16384,
        "unchanged"
    );
}

#[tokio::test]
async fn add_edit_delete_through_cluster_mgr_with_its_refusals_and_an_audit_trail() {
    // Profile 1.2: an update_machine that cluster_mgr applies.
    let s = ready_as(klustron_sim::Profile::V1_2).await;
    let r = add(&s.app, &good()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let id: i64 = r.json().await.unwrap();
    assert_eq!(wait_job(&s.app, id).await.status, JobStatus::Done);

    // Duplicate host: cluster_mgr refuses in its own words.
    let id: i64 = add(&s.app, &good()).await.json().await.unwrap();
    let dup = wait_job(&s.app, id).await;
    assert_eq!(dup.status, JobStatus::Failed);
    assert!(dup.error.contains("Create machine job add hostaddr in server_nodes"), "{dup:?}");

    // Edit keeps host, type and rack; changes the rest.
    let mut form = good();
    form.iter_mut().find(|(k, _)| *k == "total_mem").unwrap().1 = "32768".into();
    form.iter_mut().find(|(k, _)| *k == "rack_id").unwrap().1 = "other".into();
    let id: i64 = post(&s.app, "/KunlunXPanel/api/machines/edit", &encoded(&form))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(wait_job(&s.app, id).await.status, JobStatus::Done);
    let m = &s.sim.store().reader().machines().await.unwrap()[0];
    assert_eq!((m.total_mem_mb, m.rack_id.as_str()), (32768, "r1"));

    // Editing a machine that is not there is refused before cluster_mgr.
    let mut form = good();
    form[0].1 = "10.0.0.99".into();
    let r = post(&s.app, "/KunlunXPanel/api/machines/edit", &encoded(&form)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // Delete needs the typed confirmation.
    let del = |confirm: &str| {
        vec![
            ("hostaddr".to_owned(), "10.0.0.11".to_owned()),
            ("machine_type".to_owned(), "storage".to_owned()),
            ("confirm".to_owned(), confirm.to_owned()),
        ]
    };
    let r = post(&s.app, "/KunlunXPanel/api/machines/delete", &del("10.0.0.1")).await;
    assert_eq!(app_error(r).await.field(), Some("confirm"));
    let id: i64 = post(&s.app, "/KunlunXPanel/api/machines/delete", &del("10.0.0.11"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(wait_job(&s.app, id).await.status, JobStatus::Done);
    assert!(s.sim.store().reader().machines().await.unwrap().is_empty());

    // Every change is in the audit log with who, what and how it ended.
    let store = app::backend::store::Store::open_in(&s.app.data_dir).await.unwrap();
    let trail = store.recent_audit(100).await.unwrap();
    let line = |action: &str, outcome: &str| {
        trail
            .iter()
            .any(|a| a.action == action && a.outcome == outcome && a.user_name == "super_dba")
    };
    assert!(line("create_machine", "ok"));
    assert!(line("create_machine:finished", "ok"));
    assert!(line("create_machine:finished", "failed"));
    assert!(line("update_machine:finished", "ok"));
    assert!(line("delete_machine:finished", "ok"));
}

#[tokio::test]
async fn the_list_is_filtered_sorted_and_paged_on_the_server() {
    let s = ready().await;
    klustron_sim::seed::machines(s.sim.store(), 45).await.unwrap();
    let list = |q: &[(&str, &str)]| {
        let form = nested_form("query", q);
        let app = &s.app;
        async move { post(app, "/KunlunXPanel/api/machines/list", &form).await }
    };
    let p: MachinePage = reply(list(&[("page", "3")]).await).await;
    assert_eq!((p.total, p.pages, p.rows.len()), (45, 3, 5));
    assert_eq!(p.online + p.offline, 45);
    let p: MachinePage = reply(list(&[("kind", "computer"), ("page", "1")]).await).await;
    assert_eq!(p.total, 22);
    assert!(p.rows.iter().all(|r| r.kind == Some(MachineType::Computer)), "{:?}", p.rows);
    let p: MachinePage = reply(list(&[("status", "dead"), ("page", "1")]).await).await;
    assert_eq!(p.total, 3);
    let p: MachinePage = reply(list(&[("search", "10.100.0.1"), ("page", "1")]).await).await;
    assert_eq!(p.total, 11, "10.100.0.1 and 10.100.0.10-19");
    // A LIKE wildcard in the search is a literal, and anything but an address is refused.
    let r = list(&[("search", "%"), ("page", "1")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = list(&[("search", "' or 1=1 --"), ("page", "1")]).await;
    assert_eq!(app_error(r).await.field(), Some("search"));
    let r = list(&[("sort", "hostaddr; drop table server_nodes"), ("page", "1")]).await;
    assert_eq!(app_error(r).await.field(), Some("sort"));
}

#[tokio::test]
async fn without_metaseeds_the_pages_say_klustron_is_not_configured() {
    let app = spawn_app().await;
    app.login_with_changed_password().await;
    let r =
        post(&app, "/KunlunXPanel/api/machines/list", &[("query[page]".into(), "1".into())]).await;
    let status = r.status();
    let e = app_error(r).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY, "{e:?}");
    assert_eq!(e, AppError::NotConfigured);
}

#[tokio::test]
async fn cluster_mgr_down_is_reported_and_the_attempt_recorded() {
    let s = ready().await;
    s.sim.refuse_for(3000).await;
    let r = add(&s.app, &good()).await;
    assert_eq!(r.status(), StatusCode::BAD_GATEWAY);
    let e = app_error(r).await;
    let AppError::Klustron(KlustronFailure::Unreachable { addr }) = &e else {
        panic!("not cluster_mgr unreachable: {e:?}")
    };
    assert!(addr.starts_with("127.0.0.1:"), "{e:?}");
    // The console stays up and answers.
    assert_eq!(s.app.current_user().await.status(), StatusCode::OK);
}

/// #17: a machine whose ports instances use is refused by the console, in the reader's
/// language and with the words the page shows before submitting (`domain::machine::
/// check_delete`); cluster_mgr would fail the job (70064). Nothing is submitted.
#[tokio::test]
async fn a_machine_in_use_is_refused_before_cluster_mgr_in_the_readers_language() {
    let s = crate::common::ready(10).await;
    let id: i64 = create(&s.app, &[]).await.json().await.unwrap();
    assert_eq!(crate::common::wait_job(&s.app, id).await.status, JobStatus::Done);
    let machines = s.sim.store().reader().machines().await.unwrap();
    let busy = machines.iter().find(|m| !m.used_ports.is_empty()).expect("a machine in use");
    let kind = busy.machine_type.unwrap().as_str();
    let del = [
        ("hostaddr".to_owned(), busy.hostaddr.clone()),
        ("machine_type".to_owned(), kind.to_owned()),
        ("confirm".to_owned(), busy.hostaddr.clone()),
    ];
    let jobs = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM cluster_general_job_log")
            .fetch_one(s.sim.store().pool())
            .await
            .unwrap()
    };
    let jobs_before = jobs().await;
    for (lang, locale) in [("en", app::i18n::Locale::en), ("zh-CN", app::i18n::Locale::zh_CN)] {
        let r = s
            .app
            .client
            .post(s.app.url("/KunlunXPanel/api/machines/delete"))
            .header(reqwest::header::ACCEPT_LANGUAGE, lang)
            .form(&del)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{lang}");
        let want =
            app::domain::machine::check_delete(locale, &busy.hostaddr, busy.used_ports.len())
                .unwrap_err();
        assert_eq!(app_error(r).await, AppError::invalid("", want.clone()), "{lang}");
        assert!(want.contains(&busy.hostaddr) && want.contains("cluster_mgr"), "{want}");
    }
    assert_eq!(jobs().await, jobs_before);
    assert!(app::domain::machine::check_delete(app::i18n::Locale::en, "10.0.0.1", 0).is_ok());
}
