//! The compiled site's files: sent precompressed when a `.br`/`.gz` sibling exists (as
//! release builds make them), cacheable for a year only under content-hashed names, and
//! nothing outside the site.

use crate::common::*;
use reqwest::{header, StatusCode};

#[tokio::test]
async fn hashed_assets_are_precompressed_and_immutable() {
    let tmp = tempfile::tempdir().unwrap();
    let pkg = tmp.path().join("site/KunlunXPanel/pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("kunlunxpanel.Ab3_x9YyZ0.wasm"), b"\0asm plain body").unwrap();
    std::fs::write(pkg.join("kunlunxpanel.Ab3_x9YyZ0.wasm.br"), b"brotli bytes").unwrap();
    std::fs::write(pkg.join("kunlunxpanel.Ab3_x9YyZ0.wasm.gz"), b"gzip bytes").unwrap();
    std::fs::write(pkg.join("unhashed.js"), b"console.log(1)").unwrap();
    std::fs::write(tmp.path().join("secret.txt"), b"outside the site").unwrap();
    let app = spawn_with_site(tmp.path().join("data"), &tmp.path().join("site")).await;
    let client = reqwest::Client::builder()
        .no_gzip()
        .no_brotli()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let get = |path: &str, enc: &str| {
        client.get(app.url(path)).header(header::ACCEPT_ENCODING, enc).send()
    };

    let r = get("/KunlunXPanel/pkg/kunlunxpanel.Ab3_x9YyZ0.wasm", "gzip, br").await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()[header::CONTENT_ENCODING], "br");
    assert_eq!(r.headers()[header::CONTENT_TYPE], "application/wasm");
    assert_eq!(r.headers()[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"brotli bytes");

    let r = get("/KunlunXPanel/pkg/kunlunxpanel.Ab3_x9YyZ0.wasm", "gzip").await.unwrap();
    assert_eq!(r.headers()[header::CONTENT_ENCODING], "gzip");
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"gzip bytes");

    let r = get("/KunlunXPanel/pkg/kunlunxpanel.Ab3_x9YyZ0.wasm", "identity").await.unwrap();
    assert!(r.headers().get(header::CONTENT_ENCODING).is_none());
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"\0asm plain body");

    let r = get("/KunlunXPanel/pkg/unhashed.js", "identity").await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()[header::CACHE_CONTROL], "no-cache");

    for path in [
        "/KunlunXPanel/pkg/../../secret.txt",
        "/KunlunXPanel/pkg/..%2f..%2fsecret.txt",
        "/KunlunXPanel/pkg/%2e%2e/%2e%2e/secret.txt",
    ] {
        let r = get(path, "identity").await.unwrap();
        assert_ne!(r.status(), StatusCode::OK, "{path}");
        assert!(!r.text().await.unwrap().contains("outside the site"), "{path}");
    }
    assert_eq!(
        get("/KunlunXPanel/pkg/missing.js", "br").await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}
