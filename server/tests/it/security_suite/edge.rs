//! What the edge answers before any page or server function runs (issue #20): hosts
//! that are not this console's, return addresses, bodies and paths beyond their limits,
//! foreign origins whatever the browser claims, caching, the operations endpoints, and
//! the store's files on disk. Requests a client library would refuse to send (chunked
//! bodies, raw bytes, a foreign `Host`) are written to the socket by hand.

use crate::common::*;
use reqwest::{header, StatusCode};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::task::JoinSet;

/// An HTTP/1.1 answer as read off the socket.
struct Raw {
    status: u16,
    head: String,
    body: String,
}

/// Sends `head` (request line and headers, without the blank line) and then `body`,
/// written while the answer is read, so an early answer is not lost.
async fn raw(app: &TestApp, head: &str, body: Vec<u8>) -> Raw {
    let addr = app.base.trim_start_matches("http://");
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut rd, mut wr) = stream.into_split();
    let head = format!("{head}\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    let writer = tokio::spawn(async move {
        if wr.write_all(head.as_bytes()).await.is_ok() {
            let _ = wr.write_all(&body).await;
        }
        wr
    });
    let mut got = vec![];
    tokio::time::timeout(Duration::from_secs(20), rd.read_to_end(&mut got))
        .await
        .expect("an answer within 20 s")
        .ok();
    drop(writer.await);
    let text = String::from_utf8_lossy(&got).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    Raw { status, head: head.to_owned(), body: body.to_owned() }
}

/// The same request with another `Host`.
async fn raw_with_host(app: &TestApp, request_line: &str, host: &str) -> Raw {
    let addr = app.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!("{request_line}\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    stream.write_all(req.as_bytes()).await.unwrap();
    let mut got = vec![];
    stream.read_to_end(&mut got).await.unwrap();
    let text = String::from_utf8_lossy(&got).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    Raw { status, head: head.to_owned(), body: body.to_owned() }
}

const LOGIN: &str = "/KunlunXPanel/api/login";

#[tokio::test]
async fn a_foreign_host_gets_421_before_anything_runs() {
    let s =
        spawn_app_with_sim_config(Duration::from_millis(10), klustron_sim::Profile::V1_0, |c| {
            c.allowed_hosts = vec!["xpanel.example.com".into()]
        })
        .await;
    let app = &s.app;
    // DNS rebinding: a hostile page's own name, pointed at this console.
    for host in ["evil.example", "evil.example:18080", "127.0.0.1.evil.example"] {
        let r = raw_with_host(app, "GET /KunlunXPanel/login HTTP/1.1", host).await;
        assert_eq!(r.status, 421, "{host}: {}", r.head);
        assert!(r.body.contains("MisdirectedHost"), "{host}: {}", r.body);
        let r = raw_with_host(app, "POST /KunlunXPanel/api/login HTTP/1.1", host).await;
        assert_eq!(r.status, 421, "{host}: a login is not even tried");
    }
    // Its own addresses, loopback and the names it was given answer.
    for host in ["127.0.0.1", "localhost:18080", "XPanel.Example.com:18080", "[::1]:18080"] {
        let r = raw_with_host(app, "GET /KunlunXPanel/login HTTP/1.1", host).await;
        assert_eq!(r.status, 200, "{host}: {}", r.head);
    }
    let store = app::backend::store::Store::open_in(&app.data_dir).await.unwrap();
    let (audit, _) = store.audit_page(&Default::default(), 100, 0).await.unwrap();
    assert!(audit.iter().all(|a| a.action != "login"), "no login ran for a foreign host");
}

#[tokio::test]
async fn a_return_address_must_be_a_console_path() {
    let app = spawn_app().await;
    app.login_with_changed_password().await;
    for next in [
        "/KunlunXPanel/\r\nSet-Cookie: x=1",
        "/KunlunXPanel/clusters\n",
        "https://evil.example/",
        "//evil.example/x",
        "/etc/passwd",
        "/KunlunXPanel/../admin",
    ] {
        let r = new_client()
            .post(app.url(LOGIN))
            .form(&[("username", DEFAULT_USER), ("password", NEW_PASSWORD), ("next", next)])
            .send()
            .await
            .unwrap_or_else(|e| panic!("{next:?}: no answer: {e}"));
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{next:?}");
        assert!(r.headers().get(header::SET_COOKIE).is_none(), "{next:?}: no session opened");
        let body = error_body(r).await;
        assert!(body["BadRequest"].as_str().unwrap().contains("/KunlunXPanel/"), "{body}");
    }
    // The login page itself shows, whatever its query says.
    let r = app.get("/KunlunXPanel/login?next=%0D%0ASet-Cookie:%20x=1").await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = new_client()
        .post(app.url(LOGIN))
        .form(&[
            ("username", DEFAULT_USER),
            ("password", NEW_PASSWORD),
            ("next", "/KunlunXPanel/clusters?page=2"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()[header::LOCATION], "/KunlunXPanel/clusters?page=2");
}

#[tokio::test]
async fn bodies_beyond_the_limit_or_not_utf8_and_long_paths_get_their_own_status() {
    let app = spawn_app().await;
    // 320 KiB in 64 KiB chunks: no Content-Length to refuse early by.
    let mut chunked = vec![];
    for _ in 0..5 {
        chunked.extend_from_slice(format!("{:x}\r\n", 64 * 1024).as_bytes());
        chunked.extend(std::iter::repeat_n(b'a', 64 * 1024));
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let r = raw(
        &app,
        &format!("POST {LOGIN} HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked"),
        chunked,
    )
    .await;
    assert_eq!(r.status, 413, "{}", r.head);
    assert!(r.body.contains(r#"{"PayloadTooLarge":{"limit":262144}}"#), "{}", r.body);

    // Raw bytes that are not UTF-8. (Percent-escapes of such bytes decode to U+FFFD
    // and are judged as text: a name nobody has.)
    for body in [&b"username=\xff\xfe&password=x"[..], b"username=x&password=\xc3"] {
        let r = raw(
            &app,
            &format!(
                "POST {LOGIN} HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}",
                body.len()
            ),
            body.to_vec(),
        )
        .await;
        assert_eq!(r.status, 400, "{}: {}", String::from_utf8_lossy(body), r.head);
        assert!(r.body.contains("BadRequest"), "{}", r.body);
        assert!(!r.body.contains("ServerError"), "no internal message: {}", r.body);
    }

    // A 6 KB asset path: 414, not "File name too long" from the file system.
    let long = format!("/KunlunXPanel/pkg/{}.js", "a".repeat(6000));
    let r = app.get(&long).await;
    assert_eq!(r.status(), StatusCode::URI_TOO_LONG);
    // A file name the file system refuses, within the path limit: not found.
    let r = app.get(&format!("/KunlunXPanel/pkg/{}.js", "a".repeat(1500))).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_foreign_origin_is_refused_whatever_sec_fetch_site_claims() {
    let app = spawn_app().await;
    app.login_with_changed_password().await;
    for (site, origin) in [
        ("none", "http://evil.example"),
        ("same-origin", "http://evil.example"),
        ("same-site", "http://other.localhost"),
    ] {
        let r = app
            .client
            .post(app.url("/KunlunXPanel/api/logout"))
            .header("sec-fetch-site", site)
            .header(header::ORIGIN, origin)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{site} + {origin}");
        assert!(error_body(r).await["Refused"].as_str().unwrap().contains("another site"));
    }
    // Still logged in: none of them ran.
    assert_eq!(app.current_user().await.status(), StatusCode::OK);
}

#[tokio::test]
async fn answers_are_not_cached_and_form_posts_never_redirect_off_the_console() {
    let app = spawn_app().await;
    app.login_with_changed_password().await;
    for path in ["/KunlunXPanel/", "/KunlunXPanel/machines", "/KunlunXPanel/login"] {
        let r = app.get(path).await;
        assert_eq!(r.headers()[header::CACHE_CONTROL], "no-store", "{path}");
    }
    let r = app.post_form("/KunlunXPanel/api/current_user", &[]).await;
    assert_eq!(r.headers()[header::CACHE_CONTROL], "no-store");

    // A browser without JavaScript posts the form itself; leptos_axum answers with a
    // redirect back to the Referer, which must stay on this console.
    let r = app
        .client
        .post(app.url("/KunlunXPanel/api/set_language"))
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, "http://evil.example/phish")
        .form(&[("lang", "en")])
        .send()
        .await
        .unwrap();
    let to = r.headers().get(header::LOCATION).map(|v| v.to_str().unwrap().to_owned());
    assert!(r.status().is_redirection(), "{}", r.status());
    assert_eq!(to.as_deref(), Some(app::paths::HOME));
}

#[tokio::test]
async fn unknown_paths_share_one_metrics_label() {
    let app = spawn_app().await;
    let c = new_client();
    let mut set = JoinSet::new();
    for batch in 0..20 {
        let (c, base) = (c.clone(), app.base.clone());
        set.spawn(async move {
            for i in 0..100 {
                // Under the console (to the login page, 303) and beside it (404).
                let path = if i % 2 == 0 { "/KunlunXPanel/no" } else { "/elsewhere" };
                c.get(format!("{base}{path}-{batch}-{i}")).send().await.unwrap();
            }
        });
    }
    while let Some(r) = set.join_next().await {
        r.unwrap();
    }
    let text = c.get(app.url("/KunlunXPanel/metrics")).send().await.unwrap().text().await.unwrap();
    let unmatched: u64 = text
        .lines()
        .filter(|l| l.starts_with(r#"xpanel_http_requests_total{route="unmatched","#))
        .map(|l| l.rsplit(' ').next().unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(unmatched, 2000, "{text}");
    let series = text.lines().filter(|l| l.starts_with("xpanel_http_requests_total{")).count();
    assert!(series <= 3, "2,000 unknown paths, {series} series:\n{text}");
    assert!(text.len() < 16 * 1024, "{} bytes", text.len());
}

#[tokio::test]
async fn ops_endpoints_ask_for_the_token_when_one_is_set() {
    let s =
        spawn_app_with_sim_config(Duration::from_millis(10), klustron_sim::Profile::V1_0, |c| {
            c.ops_token = Some("probe-7f3a9c2e41".into())
        })
        .await;
    let app = &s.app;
    let c = new_client();
    for path in ["/KunlunXPanel/readyz", "/KunlunXPanel/metrics"] {
        let r = c.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{path} without the token");
        assert_eq!(r.headers()[header::WWW_AUTHENTICATE], "Bearer");
        let r = c.get(app.url(path)).bearer_auth("probe-7f3a9c2e4X").send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{path} with a wrong token");
        let r = c.get(app.url(path)).bearer_auth("probe-7f3a9c2e41").send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path} with the token");
    }
    // Liveness tells nothing and stays open for the container's probe.
    let r = c.get(app.url("/KunlunXPanel/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_store_file_and_the_data_dir_are_the_consoles_alone() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("fresh/data");
    let app = spawn_app_in(dir.clone()).await;
    app.login_with_changed_password().await;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700, "data dir");
    assert_eq!(mode(&dir.join("xpanel.db")), 0o600, "store file");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_file() {
            assert_eq!(mode(&p) & 0o077, 0, "{} is readable by others", p.display());
        }
    }
}
