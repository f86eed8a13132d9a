//! The password rule, session rotation, logout and restarts, through HTTP as a browser
//! would do them.

use crate::common::*;
use app::error::AppError;
use reqwest::StatusCode;

#[tokio::test]
async fn a_weak_new_password_is_refused_with_the_rule_it_breaks() {
    let app = spawn_app().await;
    app.login(DEFAULT_USER, DEFAULT_PASSWORD).await;
    let cases = [
        ("Short1!", "new_password", "at least 8 characters"),
        ("alllowercase1!", "new_password", "upper-case"),
        ("NoDigitsHere!", "new_password", "digit"),
        ("NoSpecial123", "new_password", "special character"),
        ("With space1!A", "new_password", "whitespace"),
    ];
    for (new, field, words) in cases {
        let r = app.change_password(DEFAULT_PASSWORD, new, new).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{new}");
        let (got_field, msg) = validation(app_error(r).await);
        assert_eq!(got_field, field, "{new}");
        assert!(msg.contains(words), "{new}: {msg}");
    }
    let mismatch = app.change_password(DEFAULT_PASSWORD, NEW_PASSWORD, "Other#2026x").await;
    assert_eq!(app_error(mismatch).await.field(), Some("confirm_password"));
    let wrong_current = app.change_password("nope", NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(app_error(wrong_current).await.field(), Some("current_password"));
    // Nothing changed: still forced to change, old password still the one that works.
    assert_eq!(app.current_user().await.status(), StatusCode::FORBIDDEN);
    assert_eq!(new_client_login(&app, DEFAULT_PASSWORD).await, StatusCode::OK);
}

#[tokio::test]
async fn changing_the_password_rotates_the_session_and_ends_all_others() {
    let app = spawn_app().await;
    let first = app.login(DEFAULT_USER, DEFAULT_PASSWORD).await;
    let before = session_cookie(&first).expect("login sets a session cookie");
    let other_browser = new_client();
    other_browser
        .post(app.url("/KunlunXPanel/api/login"))
        .form(&[("username", DEFAULT_USER), ("password", DEFAULT_PASSWORD)])
        .send()
        .await
        .unwrap();

    let changed = app.change_password(DEFAULT_PASSWORD, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(changed.status(), StatusCode::OK);
    let after = session_cookie(&changed).expect("the change sets a new session cookie");
    assert_ne!(before, after);

    assert_eq!(
        post_with_token(&app, "/KunlunXPanel/api/logout", &before).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let other = other_browser
        .post(app.url("/KunlunXPanel/api/logout"))
        .form(&[("x", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::UNAUTHORIZED, "the other browser's session ended");
    assert_eq!(
        post_with_token(&app, "/KunlunXPanel/api/current_user", &after).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn login_replaces_a_planted_session_id() {
    let app = spawn_app().await;
    let planted = "A".repeat(48);
    let r = app
        .client
        .post(app.url("/KunlunXPanel/api/login"))
        .header("cookie", format!("xpanel_session={planted}"))
        .form(&[("username", DEFAULT_USER), ("password", DEFAULT_PASSWORD)])
        .send()
        .await
        .unwrap();
    let issued = session_cookie(&r).unwrap();
    assert_ne!(issued, planted);
    assert_eq!(
        post_with_token(&app, "/KunlunXPanel/api/logout", &planted).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn logout_ends_the_session_on_the_server() {
    let app = spawn_app().await;
    app.login(DEFAULT_USER, DEFAULT_PASSWORD).await;
    let r = app.change_password(DEFAULT_PASSWORD, NEW_PASSWORD, NEW_PASSWORD).await;
    let token = session_cookie(&r).unwrap();
    let out = app.logout().await;
    assert_eq!(out.status(), StatusCode::OK);
    let cleared = out.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    // A copy of the old cookie no longer works anywhere.
    assert_eq!(
        post_with_token(&app, "/KunlunXPanel/api/current_user", &token).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn after_the_change_only_the_new_password_logs_in() {
    let app = spawn_app().await;
    app.login_with_changed_password().await;
    assert_eq!(new_client_login(&app, DEFAULT_PASSWORD).await, StatusCode::UNAUTHORIZED);
    assert_eq!(new_client_login(&app, NEW_PASSWORD).await, StatusCode::OK);
}

#[tokio::test]
async fn unknown_users_and_wrong_passwords_get_the_same_answer() {
    let app = spawn_app().await;
    let unknown = app_error(app.login("nobody", "Whatever#1").await).await;
    let wrong = app_error(app.login(DEFAULT_USER, "Whatever#1").await).await;
    let hostile = app_error(app.login("x' OR '1'='1", "Whatever#1").await).await;
    assert_eq!(unknown, AppError::BadCredentials);
    assert_eq!(wrong, unknown);
    assert_eq!(hostile, unknown);
}

#[tokio::test]
async fn a_restart_keeps_the_changed_password_and_never_reseeds_the_default() {
    let dir = tempfile::tempdir().unwrap();
    let first = spawn_app_in(dir.path().to_path_buf()).await;
    first.login_with_changed_password().await;
    drop(first);

    let second = spawn_app_in(dir.path().to_path_buf()).await;
    assert_eq!(new_client_login(&second, DEFAULT_PASSWORD).await, StatusCode::UNAUTHORIZED);
    assert_eq!(new_client_login(&second, NEW_PASSWORD).await, StatusCode::OK);
    second.login(DEFAULT_USER, NEW_PASSWORD).await;
    assert_eq!(second.current_user().await.status(), StatusCode::OK, "no forced change again");
}

#[tokio::test]
async fn logins_and_password_changes_are_audited() {
    let app = spawn_app().await;
    app.login("super_dba", "wrong").await;
    app.login_with_changed_password().await;
    app.logout().await;
    let store = app::backend::store::Store::open_in(&app.data_dir).await.unwrap();
    let log: Vec<(String, String)> = store
        .recent_audit(10)
        .await
        .unwrap()
        .into_iter()
        .rev()
        .map(|r| (r.action, r.outcome))
        .collect();
    let expected =
        [("login", "failed"), ("login", "ok"), ("change_password", "ok"), ("logout", "ok")];
    let expected: Vec<(String, String)> =
        expected.iter().map(|(a, o)| (a.to_string(), o.to_string())).collect();
    assert_eq!(log, expected);
}

async fn new_client_login(app: &TestApp, password: &str) -> StatusCode {
    new_client()
        .post(app.url("/KunlunXPanel/api/login"))
        .form(&[("username", DEFAULT_USER), ("password", password)])
        .send()
        .await
        .unwrap()
        .status()
}

/// The login page loads no wasm (issue #18 P1): it is two plain forms, and a browser's
/// post comes back as a redirect - to the login page carrying the error (and the page the
/// user asked for) when refused, to that page when accepted. Pages after it load the app.
#[tokio::test]
async fn the_login_page_works_as_a_plain_form_without_the_app() {
    let app = spawn_app().await;
    let asked = "/KunlunXPanel/login?next=/KunlunXPanel/machines";
    let html = app.get(asked).await.text().await.unwrap();
    assert!(!html.contains("hydrate") && !html.contains(".wasm"), "no app code: {html}");
    assert!(html.contains(r#"name="next" value="/KunlunXPanel/machines""#), "{html}");

    let browser_post = |password: &'static str| {
        app.client
            .post(app.url("/KunlunXPanel/api/login"))
            .header(reqwest::header::ACCEPT, "text/html,application/xhtml+xml")
            .header(reqwest::header::ORIGIN, app.url(""))
            .header(reqwest::header::REFERER, app.url(asked))
            .form(&[
                ("username", DEFAULT_USER),
                ("password", password),
                ("next", "/KunlunXPanel/machines"),
            ])
            .send()
    };
    let refused = browser_post("Whatever#1").await.unwrap();
    assert_eq!(refused.status(), StatusCode::FOUND);
    let back = refused.headers()[reqwest::header::LOCATION].to_str().unwrap().to_owned();
    assert!(back.starts_with("/KunlunXPanel/login?"), "a path on this console: {back}");
    assert!(back.contains("next=/KunlunXPanel/machines") && back.contains("__err"), "{back}");
    let page = app.get(&back).await.text().await.unwrap();
    assert!(page.contains("Wrong user name or password"), "{page}");

    let accepted = browser_post(DEFAULT_PASSWORD).await.unwrap();
    assert_eq!(accepted.status(), StatusCode::FOUND);
    let next = accepted.headers()[reqwest::header::LOCATION].to_str().unwrap().to_owned();
    assert_eq!(next, "/KunlunXPanel/change-password", "the password must be changed first");
    let page = app.get(&next).await.text().await.unwrap();
    assert!(page.contains("hydrate") && page.contains(".wasm"), "the app loads: {page}");
}

/// A browser (or a proxy) that sends no Referer still gets the refusal shown: the form is
/// taken as posted from the login page.
#[tokio::test]
async fn a_refused_form_login_without_a_referer_comes_back_to_the_login_page() {
    let app = spawn_app().await;
    let r = app
        .client
        .post(app.url("/KunlunXPanel/api/login"))
        .header(reqwest::header::ACCEPT, "text/html")
        .form(&[("username", DEFAULT_USER), ("password", "Whatever#1")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FOUND);
    let back = r.headers()[reqwest::header::LOCATION].to_str().unwrap().to_owned();
    assert!(back.starts_with("/KunlunXPanel/login?") && back.contains("__err"), "{back}");
    let page = app.get(&back).await.text().await.unwrap();
    assert!(page.contains("Wrong user name or password"), "{page}");
}
