//! Operations endpoints: healthz (the process), readyz (store, metadata, cluster_mgr,
//! each reported; 503 when one is missing) and Prometheus metrics, all without a session.

use crate::common::*;
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn ready_only_when_every_backend_answers_and_metrics_count_requests() {
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

    // Metrics: requests by route and status, latency buckets, jobs, Klustron errors.
    s.app.get("/KunlunXPanel/jobs/12345").await;
    let text =
        anon.get(s.app.url("/KunlunXPanel/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(
        text.contains(r#"xpanel_http_requests_total{route="/KunlunXPanel/readyz",status="503"} 1"#),
        "{text}"
    );
    assert!(text.contains(r#"route="/KunlunXPanel/jobs/{id}""#), "ids are folded: {text}");
    assert!(text.contains(r#"xpanel_http_request_duration_seconds_bucket{route="/KunlunXPanel/readyz",status="200",le="+Inf"} 1"#));
    assert!(text.contains("xpanel_jobs_followed 0"));
    assert!(text.contains(r#"xpanel_klustron_errors_total{kind="unreachable"}"#), "{text}");
}
