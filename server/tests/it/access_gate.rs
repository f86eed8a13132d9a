//! Until the default password is changed, nothing but the change is allowed; without a
//! session, nothing but the login. Server functions are enumerated from the registry, so a
//! new one is covered without being listed here.

use crate::common::*;
use app::error::AppError;
use reqwest::StatusCode;
use serde_json::json;

/// Every registered server function, except those any session (or no session) may call.
fn protected_server_functions() -> Vec<&'static str> {
    let open: Vec<&str> =
        app::paths::PUBLIC_FNS.iter().chain(app::paths::PASSWORD_CHANGE_FNS).copied().collect();
    let mut paths: Vec<&'static str> = server_fn::axum::server_fn_paths()
        .map(|(path, _)| path)
        .filter(|p| !open.contains(p))
        .collect();
    paths.sort();
    assert!(
        paths.contains(&"/KunlunXPanel/api/current_user"),
        "the registry must list the console's server functions: {paths:?}"
    );
    paths
}

#[tokio::test]
async fn without_a_session_every_server_function_but_login_is_unauthorized() {
    let app = spawn_app().await;
    let mut all: Vec<&str> = protected_server_functions();
    all.extend(app::paths::PASSWORD_CHANGE_FNS);
    for path in all {
        let r = app.post_form(path, &[]).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(app_error(r).await, AppError::Unauthorized, "{path}");
    }
}

#[tokio::test]
async fn with_the_default_password_every_server_function_requires_a_change() {
    let app = spawn_app().await;
    assert_eq!(app.login(DEFAULT_USER, DEFAULT_PASSWORD).await.status(), StatusCode::OK);
    for path in protected_server_functions() {
        let r = app.post_form(path, &[]).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
        assert_eq!(app_error(r).await, AppError::PasswordChangeRequired, "{path}");
    }
}

#[tokio::test]
async fn with_the_default_password_every_page_sends_the_user_to_the_change_page() {
    let app = spawn_app().await;
    app.login(DEFAULT_USER, DEFAULT_PASSWORD).await;
    for page in [
        "/KunlunXPanel",
        "/KunlunXPanel/machines",
        "/KunlunXPanel/clusters",
        "/KunlunXPanel/operation-log",
        "/KunlunXPanel/system",
        "/KunlunXPanel/no-such-page",
    ] {
        let r = app.get(page).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{page}");
        assert_eq!(r.headers()["location"], "/KunlunXPanel/change-password", "{page}");
    }
    let r = app.get("/KunlunXPanel/change-password").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("Change password"));
}

#[tokio::test]
async fn without_a_session_pages_send_the_user_to_login_and_back() {
    let app = spawn_app().await;
    let r = app.get("/KunlunXPanel/machines").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/KunlunXPanel/login?next=/KunlunXPanel/machines");
    let r = app.get("/KunlunXPanel/change-password").await;
    assert_eq!(r.headers()["location"], "/KunlunXPanel/login");
    let login = app.get("/KunlunXPanel/login").await;
    assert_eq!(login.status(), StatusCode::OK);
    assert!(login.text().await.unwrap().contains("KunlunXPanel"));
}

#[tokio::test]
async fn the_root_redirects_to_the_console() {
    let app = spawn_app().await;
    let r = app.get("/").await;
    assert!(r.status().is_redirection());
    assert_eq!(r.headers()["location"], "/KunlunXPanel");
}

#[tokio::test]
async fn after_the_change_pages_and_server_functions_open() {
    let app = spawn_app().await;
    app.login_with_changed_password().await;
    let me = app.current_user().await;
    assert_eq!(me.status(), StatusCode::OK);
    assert_eq!(me.json::<serde_json::Value>().await.unwrap(), json!({"name": "super_dba"}));
    let page = app.get("/KunlunXPanel/system").await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("Users"));
    // A page whose data cannot load (no METASEEDS here) is still a page that says why.
    let page = app.get("/KunlunXPanel/machines").await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("Klustron is not configured"));
}

#[tokio::test]
async fn a_write_from_another_origin_is_refused_even_with_a_valid_session() {
    let app = spawn_app().await;
    app.login_with_changed_password().await;
    let r = app
        .client
        .post(app.url("/KunlunXPanel/api/logout"))
        .header("origin", "http://evil.example")
        .form(&[("x", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.current_user().await.status(), StatusCode::OK, "the session survived");
}

#[tokio::test]
async fn the_healthcheck_sees_a_running_console_and_not_a_missing_one() {
    let app = spawn_app().await;
    let addr: std::net::SocketAddr = app.base.trim_start_matches("http://").parse().unwrap();
    assert!(tokio::task::spawn_blocking(move || server::healthcheck::check(addr)).await.unwrap());
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    assert!(!tokio::task::spawn_blocking(move || server::healthcheck::check(free)).await.unwrap());
}
