//! Two consoles behind one load balancer share a MySQL or PostgreSQL store (issue #7):
//! an account changed on one is changed on both, and a session opened on one is good on
//! the other. Run when `XPANEL_TEST_MYSQL_URL` / `XPANEL_TEST_PG_URL` are given.

use crate::common::*;
use app::backend::store::scratch::{drop_database, env_url, scratch_database};
use reqwest::StatusCode;

#[tokio::test]
async fn two_consoles_share_a_mysql_store() {
    if let Some(base) = env_url("XPANEL_TEST_MYSQL_URL") {
        two_consoles_share(&base).await;
    }
}

#[tokio::test]
async fn two_consoles_share_a_postgres_store() {
    if let Some(base) = env_url("XPANEL_TEST_PG_URL") {
        two_consoles_share(&base).await;
    }
}

async fn two_consoles_share(base: &str) {
    let (url, name) = scratch_database(base).await;
    let a = spawn_with_store(&url).await;
    let b = spawn_with_store(&url).await;

    // The initial account is seeded once, whichever console starts first.
    a.login_with_changed_password().await;
    assert_eq!(b.login(DEFAULT_USER, DEFAULT_PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
    let r = b.login(DEFAULT_USER, NEW_PASSWORD).await;
    assert_eq!(r.status(), StatusCode::OK);
    let token_b = session_cookie(&r).expect("a session cookie");

    // A session opened on B is good on A, and ends on both when B logs out.
    let on_a = post_with_token(&a, "/KunlunXPanel/api/current_user", &token_b).await;
    assert_eq!(on_a.status(), StatusCode::OK);
    assert_eq!(b.logout().await.status(), StatusCode::OK);
    let on_a = post_with_token(&a, "/KunlunXPanel/api/current_user", &token_b).await;
    assert_ne!(on_a.status(), StatusCode::OK);

    drop_database(base, &name).await;
}
