//! Operations endpoints: healthz (the process), readyz (store, metadata, cluster_mgr,
//! each reported; 503 when one is missing) and Prometheus metrics, all without a session.

use crate::common::*;
use app::api::jobs::JobStatus;
use klustron_sim::faults::Faults;
use reqwest::StatusCode;
use serde_json::Value;

async fn metrics(app: &TestApp) -> String {
    let r = new_client().get(app.url("/KunlunXPanel/metrics")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "text/plain; version=0.0.4; charset=utf-8");
    r.text().await.unwrap()
}

/// The value of the sample line `series` (name and labels), if the text has one.
fn sample(text: &str, series: &str) -> Option<u64> {
    text.lines().find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[tokio::test]
async fn ready_only_when_every_backend_answers() {
    // Without METASEEDS: alive, not ready, and says why.
    let bare = spawn_app().await;
    let anon = new_client();
    let r = anon.get(bare.url("/KunlunXPanel/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = anon.get(bare.url("/KunlunXPanel/readyz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["store"], "ok");
    assert!(v["metadata"].as_str().unwrap().contains("not configured"), "{v}");

    // With the simulator: ready, naming the leader.
    let s = spawn_app_with_sim().await;
    let r = anon.get(s.app.url("/KunlunXPanel/readyz")).send().await.unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["ready"], true, "{v}");
    assert!(v["cluster_mgr"].as_str().unwrap().starts_with("ok (leader 127.0.0.1:"), "{v}");

    // cluster_mgr down: not ready, with the reason.
    s.sim.refuse_for(3000).await;
    let r = anon.get(s.app.url("/KunlunXPanel/readyz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let v: Value = r.json().await.unwrap();
    assert!(v["cluster_mgr"].as_str().unwrap().starts_with("error"), "{v}");
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status_with_their_latency() {
    let s = spawn_app_with_sim().await;
    let anon = new_client();
    assert_eq!(anon.get(s.app.url("/KunlunXPanel/readyz")).send().await.unwrap().status(), 200);
    s.sim.refuse_for(3000).await;
    assert_eq!(anon.get(s.app.url("/KunlunXPanel/readyz")).send().await.unwrap().status(), 503);
    s.app.get("/KunlunXPanel/jobs/12345").await;
    s.app.get("/KunlunXPanel/jobs/678").await;

    let text = metrics(&s.app).await;
    assert!(text.contains("# TYPE xpanel_http_requests_total counter"), "{text}");
    let readyz = r#"{route="/KunlunXPanel/readyz",status="503"}"#;
    assert_eq!(sample(&text, &format!("xpanel_http_requests_total{readyz}")), Some(1), "{text}");
    // Ids are folded into the route's pattern: one series for both jobs (whatever the
    // gate answers a visitor without a session).
    let jobs = r#"xpanel_http_requests_total{route="/KunlunXPanel/jobs/{id}","#;
    let series: Vec<&str> = text.lines().filter(|l| l.starts_with(jobs)).collect();
    assert!(series.len() == 1 && series[0].ends_with(" 2"), "{text}");
    assert!(!text.contains("12345"), "{text}");
    let bucket = r#"xpanel_http_request_duration_seconds_bucket{route="/KunlunXPanel/readyz",status="200",le="+Inf"}"#;
    assert_eq!(sample(&text, bucket), Some(1), "{text}");
    let count =
        r#"xpanel_http_request_duration_seconds_count{route="/KunlunXPanel/readyz",status="503"}"#;
    assert_eq!(sample(&text, count), Some(1), "{text}");
    assert_eq!(sample(&text, "xpanel_jobs_followed"), Some(0), "{text}");
    // readyz reports its failure in its body and its 503, not as a Klustron error.
    assert!(!text.contains("xpanel_klustron_errors_total{"), "{text}");
}

#[tokio::test]
async fn metrics_count_a_klustron_failure_by_kind_where_the_answer_leaves() {
    let s = ready(10).await;
    s.sim.refuse_for(3000).await;
    let form = machine_form("10.0.9.1");
    let r = post(&s.app, "/KunlunXPanel/api/machines/add", &form).await;
    assert_eq!(r.status(), StatusCode::BAD_GATEWAY);

    let text = metrics(&s.app).await;
    let route =
        r#"xpanel_http_requests_total{route="/KunlunXPanel/api/machines/add",status="502"}"#;
    assert_eq!(sample(&text, route), Some(1), "{text}");
    let unreachable = r#"xpanel_klustron_errors_total{kind="unreachable"}"#;
    assert_eq!(sample(&text, unreachable), Some(1), "counted once, not per `?`: {text}");
}

#[tokio::test]
async fn two_consoles_in_one_process_keep_their_own_counts() {
    let (a, b) = (spawn_app().await, spawn_app().await);
    for _ in 0..3 {
        assert_eq!(a.get("/KunlunXPanel/healthz").await.status(), StatusCode::OK);
    }
    let healthz = r#"xpanel_http_requests_total{route="/KunlunXPanel/healthz",status="200"}"#;
    assert_eq!(sample(&metrics(&a).await, healthz), Some(3));
    let text = metrics(&b).await;
    assert_eq!(sample(&text, healthz), None, "{text}");
    // b has answered one request: its own first /metrics (counted once it is answered).
    let text = metrics(&b).await;
    let own = r#"xpanel_http_requests_total{route="/KunlunXPanel/metrics",status="200"}"#;
    assert_eq!(sample(&text, own), Some(1), "{text}");
    assert_eq!(sample(&text, healthz), None, "{text}");
}

/// A job's status polls that cluster_mgr does not answer are counted where the follower
/// meets them, so /metrics shows cluster_mgr down while nobody has a page open; they are
/// not failures answered to a server function.
#[tokio::test]
async fn status_polls_cluster_mgr_does_not_answer_are_counted() {
    let s = ready(10).await;
    // The job waits in cluster_mgr's queue, then every request gets a 503 for a while.
    s.sim.set_faults(Faults { hold_setup_ms: 3000, ..Faults::default() });
    let id: i64 =
        reply(post(&s.app, "/KunlunXPanel/api/machines/add", &machine_form("10.0.9.2")).await)
            .await;
    s.sim.set_faults(Faults {
        hold_setup_ms: 3000,
        http_error_count: 1000,
        http_status: 503,
        ..Faults::default()
    });
    let polls = r#"xpanel_job_poll_failures_total{kind="http_status"}"#;
    let mut counted = None;
    for _ in 0..100 {
        counted = sample(&metrics(&s.app).await, polls);
        if counted.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(counted >= Some(1), "no failed poll counted");
    s.sim.set_faults(Faults::default());
    assert_eq!(wait_job(&s.app, id).await.status, JobStatus::Done);
    let text = metrics(&s.app).await;
    assert!(!text.contains("xpanel_klustron_errors_total{"), "{text}");
}
