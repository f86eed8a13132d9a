//! The attack suite (issue #7): each case is one attack or bad input sent to the real
//! console as an attacker would send it, with the safe answer expected. Cases run in
//! order against one console wired to klustron-sim; every failure is reported by name.
//! More attacks with their own set-up live beside this file: access_gate.rs (the forced
//! password change on every route), access_control.rs (every mutating function for a
//! read-only user and a DBA), passwords_and_sessions.rs (session fixation, rotation),
//! throttling.rs, assets.rs (traversal), security_headers.rs, operations.rs (hostile
//! memo text), and klustron's protocol tests (huge, non-UTF-8 and garbage replies).
//! Beside it, in `security_suite/`: what a black-box probe broke (issue #20), the
//! attacks that need many requests at once (`concurrency.rs`: throttling, the last
//! super_dba, one name created twelve times, on all three stores) and what the edge
//! answers (`edge.rs`: hosts, return addresses, limits, origins, caching, ops token).

mod concurrency;
mod edge;

use crate::common::*;
use reqwest::{header, Client, Method, StatusCode};
use std::time::Duration;

const OWN: &str = "Own#2026secret";

/// What the console must answer.
enum Expect {
    Status(StatusCode),
    /// This status and a body containing the text.
    StatusAnd(StatusCode, &'static str),
    /// A redirect to exactly this location.
    RedirectTo(&'static str),
    /// The body must not contain the text (whatever the status).
    BodyLacks(&'static str),
}

struct Attack {
    name: &'static str,
    client: Who,
    method: Method,
    path: String,
    body: Body,
    headers: Vec<(&'static str, String)>,
    expect: Expect,
}

#[derive(Clone, Copy)]
enum Who {
    Anonymous,
    Admin,
    ReadOnly,
    MustChange,
}

enum Body {
    None,
    Form(Vec<(&'static str, String)>),
    Raw(&'static str, Vec<u8>),
}

fn attack(name: &'static str, client: Who, path: &str, body: Body, expect: Expect) -> Attack {
    let method = if matches!(body, Body::None) { Method::GET } else { Method::POST };
    Attack { name, client, method, path: path.to_owned(), body, headers: vec![], expect }
}

fn form(p: &[(&'static str, &str)]) -> Body {
    Body::Form(p.iter().map(|(k, v)| (*k, (*v).to_owned())).collect())
}

fn api(f: &str) -> String {
    format!("/KunlunXPanel/api/{f}")
}

fn no_redirects() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .no_gzip()
        .no_brotli()
        .build()
        .unwrap()
}

async fn post(app: &TestApp, c: &Client, f: &str, p: &[(&str, &str)]) -> reqwest::Response {
    c.post(app.url(&api(f))).form(p).send().await.unwrap()
}

#[tokio::test]
async fn forty_attacks_each_get_a_safe_answer() {
    let s = spawn_app_with_sim().await;
    let app = &s.app;
    app.login_with_changed_password().await;
    klustron_sim::seed::demo(&s.sim).await.unwrap();

    // A read-only user, and a user who has not changed the temporary password yet.
    let roles: serde_json::Value =
        post(app, &app.client, "system/get", &[]).await.json().await.unwrap();
    let read_only =
        roles["roles"].as_array().unwrap().iter().find(|r| r["name"] == "read-only").unwrap()["id"]
            .to_string();
    for name in ["viewer", "newbie"] {
        let r = post(
            app,
            &app.client,
            "system/create_user",
            &[("name", name), ("role_id", &read_only), ("password", "Temp#2026pass")],
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    let viewer = no_redirects();
    post(app, &viewer, "login", &[("username", "viewer"), ("password", "Temp#2026pass")]).await;
    let r = post(
        app,
        &viewer,
        "change_password",
        &[("current_password", "Temp#2026pass"), ("new_password", OWN), ("confirm_password", OWN)],
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let newbie = no_redirects();
    post(app, &newbie, "login", &[("username", "newbie"), ("password", "Temp#2026pass")]).await;
    let anonymous = no_redirects();

    use Expect::*;
    use Who::*;
    let big = vec![b'a'; 1024 * 1024];
    let deep = format!("{}=1", "draft".to_owned() + &"[a]".repeat(2000));
    let mut attacks = vec![
        // --- no session, forged or foreign sessions -----------------------------------
        attack(
            "server function without a session",
            Anonymous,
            &api("machines/list"),
            form(&[("query[page]", "1")]),
            Status(StatusCode::UNAUTHORIZED),
        ),
        attack(
            "page without a session goes to login",
            Anonymous,
            "/KunlunXPanel/clusters",
            Body::None,
            RedirectTo("/KunlunXPanel/login?next=/KunlunXPanel/clusters"),
        ),
        Attack {
            headers: vec![("cookie", "xpanel_session=forged-token-0000000000000000".into())],
            ..attack(
                "forged session cookie",
                Anonymous,
                &api("current_user"),
                form(&[]),
                Status(StatusCode::UNAUTHORIZED),
            )
        },
        Attack {
            headers: vec![("cookie", format!("xpanel_session={}", "A".repeat(5000)))],
            ..attack(
                "oversized session cookie",
                Anonymous,
                &api("current_user"),
                form(&[]),
                Status(StatusCode::UNAUTHORIZED),
            )
        },
        attack(
            "job event stream without a session",
            Anonymous,
            &api("jobs/1/events"),
            Body::None,
            Status(StatusCode::UNAUTHORIZED),
        ),
        // --- forced password change ---------------------------------------------------
        attack(
            "temporary password: server function refused",
            MustChange,
            &api("clusters/list"),
            form(&[("query[page]", "1")]),
            StatusAnd(StatusCode::FORBIDDEN, "PasswordChangeRequired"),
        ),
        attack(
            "temporary password: page goes to change page",
            MustChange,
            "/KunlunXPanel/machines",
            Body::None,
            RedirectTo("/KunlunXPanel/change-password"),
        ),
        attack(
            "temporary password: event stream refused",
            MustChange,
            &api("jobs/1/events"),
            Body::None,
            Status(StatusCode::FORBIDDEN),
        ),
        attack(
            "temporary password: user admin refused",
            MustChange,
            &api("system/get"),
            form(&[]),
            Status(StatusCode::FORBIDDEN),
        ),
        // --- cross-site requests ------------------------------------------------------
        Attack {
            headers: vec![("origin", "http://evil.example".into())],
            ..attack(
                "CSRF: write from a foreign Origin",
                Admin,
                &api("logout"),
                form(&[]),
                StatusAnd(StatusCode::FORBIDDEN, "another site"),
            )
        },
        Attack {
            headers: vec![("sec-fetch-site", "cross-site".into())],
            ..attack(
                "CSRF: write marked cross-site",
                Admin,
                &api("machines/delete"),
                form(&[
                    ("hostaddr", "10.0.0.11"),
                    ("machine_type", "storage"),
                    ("confirm", "10.0.0.11"),
                ]),
                Status(StatusCode::FORBIDDEN),
            )
        },
        Attack {
            method: Method::GET,
            ..attack(
                "GET to a POST server function",
                Admin,
                &api("logout"),
                Body::None,
                Status(StatusCode::METHOD_NOT_ALLOWED),
            )
        },
        // --- privilege escalation -----------------------------------------------------
        attack(
            "read-only creates a cluster",
            ReadOnly,
            &api("clusters/create"),
            form(&[("draft[nick_name]", "x")]),
            Status(StatusCode::FORBIDDEN),
        ),
        attack(
            "read-only adds a machine",
            ReadOnly,
            &api("machines/add"),
            form(&[
                ("form[hostaddr]", "10.1.1.1"),
                ("form[datadir]", "/d"),
                ("form[machine_type]", "storage"),
                ("form[port_start]", "57000"),
                ("form[port_end]", "58000"),
                ("form[logdir]", "/l"),
                ("form[wal_log_dir]", "/w"),
                ("form[comp_datadir]", ""),
                ("form[total_mem]", "1024"),
                ("form[total_cpu_cores]", "8"),
                ("form[rack_id]", ""),
            ]),
            Status(StatusCode::FORBIDDEN),
        ),
        attack(
            "read-only lists users",
            ReadOnly,
            &api("system/get"),
            form(&[]),
            Status(StatusCode::FORBIDDEN),
        ),
        attack(
            "read-only makes itself super_dba",
            ReadOnly,
            &api("system/update_user"),
            form(&[("id", "2"), ("role_id", "1"), ("disabled", "false")]),
            Status(StatusCode::FORBIDDEN),
        ),
        attack(
            "read-only grants itself every cluster",
            ReadOnly,
            &api("system/add_grant"),
            form(&[
                ("user_id", "2"),
                ("cluster_id", "0"),
                ("valid_from", "0"),
                ("valid_until", "0"),
            ]),
            Status(StatusCode::FORBIDDEN),
        ),
        attack(
            "read-only deletes a cluster",
            ReadOnly,
            &api("clusters/delete"),
            form(&[("cluster_id", "1"), ("confirm", "demo")]),
            Status(StatusCode::FORBIDDEN),
        ),
        attack(
            "admin deletes own account",
            Admin,
            &api("system/delete_user"),
            form(&[("id", "1"), ("confirm", "super_dba")]),
            Status(StatusCode::UNPROCESSABLE_ENTITY),
        ),
        // --- injection into every kind of text input ----------------------------------
        attack(
            "SQL injection in the login name",
            Anonymous,
            &api("login"),
            form(&[("username", "' OR '1'='1' --"), ("password", "x")]),
            StatusAnd(StatusCode::UNAUTHORIZED, "BadCredentials"),
        ),
        attack(
            "SQL injection in the machine search",
            Admin,
            &api("machines/list"),
            form(&[("query[search]", "' OR '1'='1"), ("query[page]", "1")]),
            StatusAnd(StatusCode::UNPROCESSABLE_ENTITY, "search"),
        ),
        attack(
            "SQL injection in the machine sort column",
            Admin,
            &api("machines/list"),
            form(&[("query[sort]", "hostaddr; DROP TABLE server_nodes"), ("query[page]", "1")]),
            StatusAnd(StatusCode::UNPROCESSABLE_ENTITY, "\"field\":\"sort\""),
        ),
        attack(
            "SQL injection in the cluster search",
            Admin,
            &api("clusters/list"),
            form(&[("query[search]", "x' UNION SELECT 1--"), ("query[page]", "1")]),
            StatusAnd(StatusCode::OK, "\"total\":0"),
        ),
        attack(
            "LIKE wildcard in the cluster search",
            Admin,
            &api("clusters/list"),
            form(&[("query[search]", "%_%"), ("query[page]", "1")]),
            StatusAnd(StatusCode::OK, "\"total\":0"),
        ),
        attack(
            "script in a cluster business name",
            Admin,
            &api("clusters/create"),
            form(&[("draft[nick_name]", "<script>alert(1)</script>")]),
            StatusAnd(StatusCode::UNPROCESSABLE_ENTITY, "nick_name"),
        ),
        attack(
            "script in a machine address",
            Admin,
            &api("machines/add"),
            form(&[
                ("form[hostaddr]", "<img src=x onerror=alert(1)>"),
                ("form[datadir]", "/d"),
                ("form[machine_type]", "storage"),
                ("form[port_start]", "57000"),
                ("form[port_end]", "58000"),
                ("form[logdir]", "/l"),
                ("form[wal_log_dir]", "/w"),
                ("form[comp_datadir]", ""),
                ("form[total_mem]", "1024"),
                ("form[total_cpu_cores]", "8"),
                ("form[rack_id]", ""),
            ]),
            StatusAnd(StatusCode::UNPROCESSABLE_ENTITY, "hostaddr"),
        ),
        attack(
            "shell command in a machine directory",
            Admin,
            &api("machines/add"),
            form(&[
                ("form[hostaddr]", "10.2.2.2"),
                ("form[datadir]", "/data;rm -rf /"),
                ("form[machine_type]", "storage"),
                ("form[port_start]", "57000"),
                ("form[port_end]", "58000"),
                ("form[logdir]", "/l"),
                ("form[wal_log_dir]", "/w"),
                ("form[comp_datadir]", ""),
                ("form[total_mem]", "1024"),
                ("form[total_cpu_cores]", "8"),
                ("form[rack_id]", ""),
            ]),
            StatusAnd(StatusCode::UNPROCESSABLE_ENTITY, "datadir"),
        ),
        attack(
            "script in a new user name",
            Admin,
            &api("system/create_user"),
            form(&[("name", "<b>x</b>"), ("role_id", "3"), ("password", "Temp#2026pass")]),
            StatusAnd(StatusCode::UNPROCESSABLE_ENTITY, "name"),
        ),
        attack(
            "SQL in a role name",
            Admin,
            &api("system/save_role"),
            form(&[("id", "0"), ("name", "x'; DROP TABLE users;--")]),
            StatusAnd(StatusCode::UNPROCESSABLE_ENTITY, "name"),
        ),
        attack(
            "unknown privilege smuggled into a role",
            Admin,
            &api("system/save_role"),
            form(&[("id", "0"), ("name", "sneaky"), ("privileges[0]", "root")]),
            StatusAnd(StatusCode::UNPROCESSABLE_ENTITY, "privileges"),
        ),
        attack(
            "quote in the compute-node password",
            Admin,
            &api("clusters/create"),
            form(&[
                ("draft[nick_name]", "ok"),
                ("draft[computer_user]", "kunlun"),
                ("draft[computer_password]", "abc'; DROP--x"),
            ]),
            StatusAnd(StatusCode::UNPROCESSABLE_ENTITY, "computer_password"),
        ),
        attack(
            "open redirect after login (absolute)",
            ReadOnly,
            &api("login"),
            form(&[("username", "viewer"), ("password", OWN), ("next", "https://evil.example/")]),
            StatusAnd(StatusCode::BAD_REQUEST, "return address"),
        ),
        attack(
            "open redirect after login (scheme-relative)",
            ReadOnly,
            &api("login"),
            form(&[("username", "viewer"), ("password", OWN), ("next", "//evil.example/x")]),
            StatusAnd(StatusCode::BAD_REQUEST, "return address"),
        ),
        // --- bodies and encodings ------------------------------------------------------
        attack(
            "1 MiB body",
            Anonymous,
            &api("login"),
            Body::Raw("application/x-www-form-urlencoded", big),
            Status(StatusCode::PAYLOAD_TOO_LARGE),
        ),
        attack(
            "malformed percent-encoding",
            Admin,
            &api("jobs/get"),
            Body::Raw("application/x-www-form-urlencoded", b"id=%ZZ%".to_vec()),
            Status(StatusCode::BAD_REQUEST),
        ),
        attack(
            "wrong type for an id",
            Admin,
            &api("jobs/get"),
            form(&[("id", "abc")]),
            Status(StatusCode::BAD_REQUEST),
        ),
        attack(
            "missing argument",
            Admin,
            &api("clusters/delete"),
            form(&[("confirm", "demo")]),
            Status(StatusCode::BAD_REQUEST),
        ),
        attack(
            "JSON sent to a form endpoint",
            Admin,
            &api("jobs/get"),
            Body::Raw("application/json", br#"{"id": 1}"#.to_vec()),
            Status(StatusCode::BAD_REQUEST),
        ),
        attack(
            "bytes that are not UTF-8",
            Admin,
            &api("clusters/list"),
            Body::Raw(
                "application/x-www-form-urlencoded",
                b"query[search]=%ff%fe%00&query[page]=1".to_vec(),
            ),
            StatusAnd(StatusCode::UNPROCESSABLE_ENTITY, "control characters"),
        ),
        attack(
            "2,000-deep nested field names",
            Admin,
            &api("clusters/plan"),
            Body::Raw("application/x-www-form-urlencoded", deep.into_bytes()),
            StatusAnd(StatusCode::UNPROCESSABLE_ENTITY, "\"field\":\"nick_name\""),
        ),
        attack(
            "negative page number",
            Admin,
            &api("machines/list"),
            form(&[("query[page]", "-1")]),
            Status(StatusCode::BAD_REQUEST),
        ),
        attack(
            "job id beyond i64",
            Admin,
            &api("jobs/get"),
            form(&[("id", "99999999999999999999")]),
            Status(StatusCode::BAD_REQUEST),
        ),
        attack(
            "job event stream for a bad id",
            Admin,
            &api("jobs/1;DROP/events"),
            Body::None,
            Status(StatusCode::UNPROCESSABLE_ENTITY),
        ),
        // --- paths -----------------------------------------------------------------
        attack(
            "dot-dot out of the asset folder",
            Anonymous,
            "/KunlunXPanel/pkg/../../../Cargo.toml",
            Body::None,
            BodyLacks("[workspace]"),
        ),
        attack(
            "encoded dot-dot out of the asset folder",
            Anonymous,
            "/KunlunXPanel/pkg/%2e%2e/%2e%2e/%2e%2e/Cargo.toml",
            Body::None,
            BodyLacks("[workspace]"),
        ),
        attack(
            "encoded slash traversal",
            Anonymous,
            "/KunlunXPanel/pkg/..%2f..%2f..%2fCargo.toml",
            Body::None,
            BodyLacks("[workspace]"),
        ),
        attack(
            "NUL byte in an asset path",
            Anonymous,
            "/KunlunXPanel/pkg/a%00.js",
            Body::None,
            Status(StatusCode::NOT_FOUND),
        ),
        attack(
            "the store file through the site",
            Anonymous,
            "/KunlunXPanel/xpanel.db",
            Body::None,
            BodyLacks("SQLite format"),
        ),
    ];
    // Brute force last: it locks the admin's name.
    for _ in 0..5 {
        attacks.push(attack(
            "wrong password (counted)",
            Anonymous,
            &api("login"),
            form(&[("username", "super_dba"), ("password", "guess")]),
            Status(StatusCode::UNAUTHORIZED),
        ));
    }
    attacks.push(attack(
        "brute force: 6th try with the right password is refused",
        Anonymous,
        &api("login"),
        form(&[("username", "super_dba"), ("password", NEW_PASSWORD)]),
        Status(StatusCode::TOO_MANY_REQUESTS),
    ));

    let distinct: std::collections::HashSet<&str> = attacks.iter().map(|a| a.name).collect();
    assert!(distinct.len() >= 40, "the suite must try at least 40 attacks, has {}", distinct.len());

    let mut failures = vec![];
    for a in &attacks {
        let c = match a.client {
            Anonymous => &anonymous,
            Admin => &app.client,
            ReadOnly => &viewer,
            MustChange => &newbie,
        };
        let mut req = c.request(a.method.clone(), app.url(&a.path));
        for (k, v) in &a.headers {
            req = req.header(*k, v);
        }
        req = match &a.body {
            Body::None => req,
            Body::Form(f) => req.form(f),
            Body::Raw(ct, bytes) => req.header(header::CONTENT_TYPE, *ct).body(bytes.clone()),
        };
        let r = match tokio::time::timeout(Duration::from_secs(10), req.send()).await {
            Ok(Ok(r)) => r,
            other => {
                failures.push(format!("{}: no answer ({other:?})", a.name));
                continue;
            }
        };
        let status = r.status();
        let location =
            r.headers().get(header::LOCATION).map(|v| v.to_str().unwrap_or("").to_owned());
        let text = String::from_utf8_lossy(&r.bytes().await.unwrap_or_default()).into_owned();
        let ok = match &a.expect {
            Status(want) => status == *want,
            StatusAnd(want, snippet) => status == *want && text.contains(snippet),
            RedirectTo(to) => status.is_redirection() && location.as_deref() == Some(*to),
            BodyLacks(snippet) => !text.contains(snippet),
        };
        if !ok {
            failures.push(format!(
                "{}: got {status} {location:?} {}",
                a.name,
                text.chars().take(160).collect::<String>()
            ));
        }
    }
    // The console is still up and serving after all of it.
    assert_eq!(
        anonymous.get(app.url("/KunlunXPanel/login")).send().await.unwrap().status(),
        StatusCode::OK
    );
    assert!(
        failures.is_empty(),
        "{} of {} attacks were not answered safely:\n{}",
        failures.len(),
        attacks.len(),
        failures.join("\n")
    );
}
