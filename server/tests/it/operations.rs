//! The operation log: cluster_mgr's jobs without its internal ones, the console's audit
//! trail, and hostile text shown as text.

use crate::common::*;
use reqwest::StatusCode;
use serde_json::Value;

async fn list(app: &TestApp, source: &str, page: &str) -> reqwest::Response {
    app.client
        .post(app.url("/KunlunXPanel/api/operations/list"))
        .form(&[("source", source), ("page", page)])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn both_logs_page_and_show_what_happened() {
    let s = spawn_app_with_sim().await;
    s.app.login_with_changed_password().await;
    let store = s.sim.store();
    for i in 0..25 {
        let user = if i % 5 == 0 { "internal_user" } else { "super_dba" };
        store.new_job("create_machine", user, &serde_json::json!({})).await.unwrap();
    }
    let hostile = serde_json::json!({"error_info": "<script>alert(1)</script>"});
    let id = store.new_job("delete_cluster", "super_dba", &serde_json::json!({})).await.unwrap();
    store.set_job(id, "failed", &hostile).await.unwrap();

    let p: Value = list(&s.app, "cluster_mgr", "1").await.json().await.unwrap();
    assert_eq!(p["total"], 21, "internal jobs hidden");
    assert_eq!(p["pages"], 2);
    let first = &p["rows"][0];
    assert_eq!(
        (first["action"].as_str(), first["name"].as_str()),
        (Some("delete_cluster"), Some("删除集群 · Delete cluster"))
    );
    let p2: Value = list(&s.app, "cluster_mgr", "2").await.json().await.unwrap();
    assert_eq!(p2["rows"].as_array().unwrap().len(), 1);

    let a: Value = list(&s.app, "console", "1").await.json().await.unwrap();
    let actions: Vec<&str> =
        a["rows"].as_array().unwrap().iter().map(|r| r["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"login") && actions.contains(&"change_password"), "{actions:?}");
    assert!(a["rows"][0]["started"].as_str().unwrap().ends_with("UTC"));

    assert_eq!(list(&s.app, "secrets", "1").await.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // cluster_mgr's text reaches the page escaped, never as markup.
    let html = s.app.get("/KunlunXPanel/operation-log").await.text().await.unwrap();
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("<script>alert(1)</script>"));
}
