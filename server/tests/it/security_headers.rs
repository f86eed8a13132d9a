//! Security headers on every kind of answer: pages carry a Content-Security-Policy that
//! allows only this console's scripts (and its inline hydration script by this response's
//! nonce) and wasm; API answers and assets may load nothing; nothing may be framed. HSTS
//! only when the console is served over HTTPS.

use crate::common::*;
use reqwest::header;

fn csp(r: &reqwest::Response) -> String {
    r.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn pages_allow_only_own_scripts_by_nonce_and_nothing_is_framed() {
    let app = spawn_app().await;
    let r = app.get("/KunlunXPanel/login").await;
    let policy = csp(&r);
    assert_eq!(r.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(r.headers()[header::X_FRAME_OPTIONS], "DENY");
    assert_eq!(r.headers()[header::REFERRER_POLICY], "same-origin", "addresses stay on this site");
    assert!(r.headers().get(header::STRICT_TRANSPORT_SECURITY).is_none(), "plain HTTP: no HSTS");
    let html = r.text().await.unwrap();
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a script nonce in the policy");
    assert!(nonce.len() >= 16);
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "inline scripts carry the nonce");
    for directive in [
        "default-src 'self'",
        "'wasm-unsafe-eval'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ] {
        assert!(policy.contains(directive), "{directive} missing from {policy}");
    }
    assert!(!policy.contains("'unsafe-eval'") && !policy.contains("script-src *"), "{policy}");
    // A new nonce per response.
    let again = csp(&app.get("/KunlunXPanel/login").await);
    assert_ne!(policy, again);

    // API answers: the strict default.
    let r = app.current_user().await;
    assert_eq!(csp(&r), "default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
}

#[tokio::test]
async fn hsts_when_served_over_https() {
    let tmp = tempfile::tempdir().unwrap();
    let app = spawn_https_like(tmp.path().to_path_buf()).await;
    let r = app.get("/KunlunXPanel/login").await;
    assert_eq!(
        r.headers()[header::STRICT_TRANSPORT_SECURITY],
        "max-age=31536000; includeSubDomains"
    );
}
