//! The operation log: cluster_mgr's jobs without its internal ones, the console's audit
//! trail, and hostile text shown as text.

use crate::common::*;
use app::api::operations::OperationPage;
use reqwest::StatusCode;

async fn list(app: &TestApp, source: &str, page: &str) -> reqwest::Response {
    list_filtered(app, source, page, &[]).await
}

/// The operation log with audit filters, sent as the page's form sends them.
async fn list_filtered(
    app: &TestApp,
    source: &str,
    page: &str,
    filter: &[(&str, &str)],
) -> reqwest::Response {
    let mut form = vec![("source".to_string(), source.to_string()), ("page".into(), page.into())];
    form.extend(filter.iter().map(|(k, v)| (format!("filter[{k}]"), v.to_string())));
    app.client.post(app.url("/KunlunXPanel/api/operations/list")).form(&form).send().await.unwrap()
}

#[tokio::test]
async fn both_logs_page_and_show_what_happened() {
    let s = spawn_app_with_sim().await;
    s.app.login_with_changed_password().await;
    let store = s.sim.store();
    for i in 0..25 {
        let user = if i % 5 == 0 { "internal_user" } else { "super_dba" };
        store.insert_job("create_machine", user, "{}").await.unwrap();
    }
    // cluster_mgr writes the compute password in clear into memos (computer_pwd).
    let hostile = serde_json::json!({"error_info": "<script>alert(1)</script>", "computer_pwd": "Secr3t!pw",
                                     "computer_user": "abc"});
    let id = store.insert_job("delete_cluster", "super_dba", "{}").await.unwrap();
    store.write_job(id, "failed", &hostile).await.unwrap();

    let raw = list(&s.app, "cluster_mgr", "1").await.text().await.unwrap();
    assert!(
        !raw.contains("Secr3t!pw") && raw.contains("computer_user"),
        "memos are shown without passwords: {raw}"
    );
    let p: OperationPage = serde_json::from_str(&raw).unwrap();
    assert_eq!(p.total, 21, "internal jobs hidden");
    assert_eq!(p.pages, 2);
    let first = &p.rows[0];
    assert_eq!((first.action.as_str(), first.name.as_str()), ("delete_cluster", "Delete cluster"));
    let p2: OperationPage = reply(list(&s.app, "cluster_mgr", "2").await).await;
    assert_eq!(p2.rows.len(), 1);

    let a: OperationPage = reply(list(&s.app, "console", "1").await).await;
    let actions: Vec<&str> = a.rows.iter().map(|r| r.action.as_str()).collect();
    assert!(actions.contains(&"login") && actions.contains(&"change_password"), "{actions:?}");
    // Audit entries carry the moment itself; the page shows it in the reader's zone.
    assert!(a.rows[0].at.expect("an audit entry's moment") > 1_700_000_000);

    assert_eq!(list(&s.app, "secrets", "1").await.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // cluster_mgr's text reaches the page escaped, never as markup.
    let html = s.app.get("/KunlunXPanel/operation-log").await.text().await.unwrap();
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(!html.contains("Secr3t!pw"));
}

#[tokio::test]
async fn the_audit_log_filters_on_the_server() {
    let app = spawn_app().await;
    // Two failed logins with hostile names, then the real one.
    for name in ["mallory%", "<img src=x onerror=alert(1)>"] {
        assert_eq!(app.login(name, "nope").await.status(), StatusCode::UNAUTHORIZED);
    }
    app.login_with_changed_password().await;
    let get = |f: &'static [(&'static str, &'static str)]| {
        let app = &app;
        async move { list_filtered(app, "console", "1", f).await }
    };
    let page = |f: &'static [(&'static str, &'static str)]| async move {
        reply::<OperationPage>(get(f).await).await
    };
    let all = page(&[]).await.total;
    assert!(all >= 4, "{all}");
    let failed = page(&[("outcome", "failed")]).await;
    assert_eq!(failed.total, 2);
    assert!(failed.rows.iter().all(|r| r.status == "failed"), "{:?}", failed.rows);
    let by_user = page(&[("user", "mallory%")]).await;
    assert_eq!(by_user.total, 1, "the name matched exactly, % included");
    let by_action = page(&[("action", "change_password")]).await;
    assert_eq!(by_action.total, 1);
    let old = page(&[("from", "2001-01-01"), ("to", "2001-12-31")]).await;
    assert_eq!(old.total, 0);

    // Bad filters are answered with the field at fault, and nothing is listed.
    for (field, value) in [("outcome", "ok' OR '1'='1"), ("from", "1 OR 1"), ("action", "a;b")] {
        let r = get(Box::leak(Box::new([(field, value)]))).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert_eq!(app_error(r).await.field(), Some(field), "{field}");
    }
}
