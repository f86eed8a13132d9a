//! Login throttling through the login server function: after 5 failures a name is locked
//! (even the right password is refused unchecked), unknown names lock exactly the same
//! way, and the answer says how long to wait (429 with Retry-After).

use crate::common::*;
use app::error::AppError;
use reqwest::StatusCode;

/// A login from a new browser: the status, the Retry-After header, and the error.
async fn attempt(
    app: &TestApp,
    user: &str,
    password: &str,
) -> (StatusCode, Option<String>, AppError) {
    let r = new_client()
        .post(app.url("/KunlunXPanel/api/login"))
        .form(&[("username", user), ("password", password)])
        .send()
        .await
        .unwrap();
    let retry = r.headers().get("retry-after").map(|v| v.to_str().unwrap().to_owned());
    (r.status(), retry, app_error(r).await)
}

#[tokio::test]
async fn five_failures_lock_the_name_known_or_not_with_the_same_answer() {
    let app = spawn_app().await;
    for user in ["super_dba", "ghost_user"] {
        for _ in 0..5 {
            let (status, _, body) = attempt(&app, user, "Wrong#2026x").await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
            assert_eq!(body, AppError::BadCredentials);
        }
    }
    // Locked: even the right password is not checked.
    let (status, retry, known) = attempt(&app, "super_dba", DEFAULT_PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let secs: u64 = retry.unwrap().parse().unwrap();
    assert!((1..=30).contains(&secs), "{secs}");
    assert_eq!(known, AppError::TooManyAttempts { retry_after_secs: secs });
    let (status2, retry2, unknown) = attempt(&app, "GHOST_USER", "anything").await;
    assert_eq!(status2, StatusCode::TOO_MANY_REQUESTS);
    assert!((1..=30).contains(&retry2.unwrap().parse::<u64>().unwrap()));
    assert!(
        matches!(unknown, AppError::TooManyAttempts { .. }),
        "a locked unknown name looks like a locked real one: {unknown:?}"
    );

    // Another name from the same address still works (the address limit is 20).
    let (status, _, _) = attempt(&app, "someone_else", "x").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // The refusals are audited as throttled.
    let store = app::backend::store::Store::open_in(&app.data_dir).await.unwrap();
    let (audit, _) = store.audit_page(&Default::default(), 100, 0).await.unwrap();
    assert_eq!(audit.iter().filter(|a| a.detail == "throttled").count(), 2);
}
