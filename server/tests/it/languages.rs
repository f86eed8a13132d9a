//! The console's language: from the browser's Accept-Language, or the user's choice (a
//! cookie set by the switch), remembered per user and brought back at login in any
//! browser; texts the server writes (validation messages, job names) follow it.

use crate::common::*;
use reqwest::{header, StatusCode};

const ZH: &str = "zh-CN,zh;q=0.9,en;q=0.5";

async fn page(app: &TestApp, path: &str, accept_language: Option<&str>) -> String {
    let mut req = app.client.get(app.url(path));
    if let Some(l) = accept_language {
        req = req.header(header::ACCEPT_LANGUAGE, l);
    }
    let r = req.send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.text().await.unwrap()
}

/// The `i18n_pref_locale` value a response sets, if it sets one.
fn language_cookie(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("i18n_pref_locale="))
        .map(|rest| rest.split(';').next().unwrap_or_default().to_owned())
}

async fn set_language(app: &TestApp, lang: &str) -> reqwest::Response {
    app.post_form("/KunlunXPanel/api/set_language", &[("lang", lang)]).await
}

#[tokio::test]
async fn the_browser_language_picks_the_page_language() {
    let app = spawn_app().await;
    let zh = page(&app, "/KunlunXPanel/login", Some(ZH)).await;
    assert!(zh.contains(r#"lang="zh-CN""#), "html lang: {}", &zh[..200.min(zh.len())]);
    assert!(zh.contains("用户名") && zh.contains("密码"), "Chinese labels");
    assert!(!zh.contains("User name"));

    let en = page(&app, "/KunlunXPanel/login", Some("en-GB,en;q=0.8")).await;
    assert!(en.contains(r#"lang="en""#) && en.contains("User name") && !en.contains("用户名"));
    // No header, or a language the console does not have: English.
    let none = page(&app, "/KunlunXPanel/login", None).await;
    assert!(none.contains("User name"));
    let de = page(&app, "/KunlunXPanel/login", Some("de-DE")).await;
    assert!(de.contains("User name"));
}

#[tokio::test]
async fn the_switch_sets_the_language_for_this_browser_and_rejects_others() {
    let app = spawn_app().await;
    let r = set_language(&app, "zh-CN").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(language_cookie(&r).as_deref(), Some("zh-CN"));
    // The cookie wins over Accept-Language.
    let html = page(&app, "/KunlunXPanel/login", Some("en")).await;
    assert!(html.contains("用户名"), "the chosen language, not the header's");

    let bad = set_language(&app, "fr; Path=/evil").await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(language_cookie(&bad).is_none(), "nothing set for a bad value");
    let (_, message) = validation(app_error(bad).await);
    // The message itself is in the current (chosen) language.
    assert!(message.contains("请选择"), "{message}");
}

#[tokio::test]
async fn a_users_choice_follows_them_to_another_browser_and_is_audited() {
    let app = spawn_app().await;
    app.login_with_changed_password().await;
    assert_eq!(set_language(&app, "zh-CN").await.status(), StatusCode::OK);
    app.logout().await;

    // Another browser, which asks for English: the login brings the user's language.
    let other = new_client();
    let post = |path: &str, form: &[(&str, &str)]| {
        other.post(app.url(path)).header(header::ACCEPT_LANGUAGE, "en").form(form).send()
    };
    let r =
        post("/KunlunXPanel/api/login", &[("username", DEFAULT_USER), ("password", NEW_PASSWORD)])
            .await
            .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(language_cookie(&r).as_deref(), Some("zh-CN"));
    let html = other
        .get(app.url("/KunlunXPanel/system"))
        .header(header::ACCEPT_LANGUAGE, "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("系统管理") && html.contains(r#"lang="zh-CN""#));

    // Texts the server writes are in it too.
    let wrong = post(
        "/KunlunXPanel/api/change_password",
        &[
            ("current_password", "not-the-password"),
            ("new_password", NEW_PASSWORD),
            ("confirm_password", NEW_PASSWORD),
        ],
    )
    .await
    .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (_, message) = validation(app_error(wrong).await);
    assert!(message.contains("当前密码错误"), "{message}");

    let store = app::backend::store::Store::open_in(&app.data_dir).await.unwrap();
    let trail = store.recent_audit(50).await.unwrap();
    assert!(trail
        .iter()
        .any(|a| a.action == "set_language" && a.user_name == DEFAULT_USER && a.detail == "zh-CN"));
}

#[tokio::test]
async fn a_language_picked_on_the_login_page_is_kept_and_becomes_the_users() {
    let app = spawn_app().await;
    app.login_with_changed_password().await;
    assert_eq!(set_language(&app, "en").await.status(), StatusCode::OK);
    app.logout().await;

    // Logged out, the browser picks Chinese; the login keeps it rather than the stored
    // English, and stores it.
    assert_eq!(set_language(&app, "zh-CN").await.status(), StatusCode::OK);
    let r = app.login(DEFAULT_USER, NEW_PASSWORD).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(language_cookie(&r), None, "the picked language is not replaced");
    let html = page(&app, "/KunlunXPanel", Some("en")).await;
    assert!(html.contains(r#"lang="zh-CN""#));
    let store = app::backend::store::Store::open_in(&app.data_dir).await.unwrap();
    let me = store.user_by_name(DEFAULT_USER).await.unwrap().unwrap();
    assert_eq!(me.language.as_deref(), Some("zh-CN"));

    // Once used, the pick is spent: the next login brings the stored language again.
    app.logout().await;
    let again = app.login(DEFAULT_USER, NEW_PASSWORD).await;
    assert_eq!(language_cookie(&again).as_deref(), Some("zh-CN"));
}
