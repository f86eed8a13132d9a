//! The attack suite (issue #7): each case is one attack or bad input sent to the real
//! console as an attacker would send it, with the exact answer expected: the status and
//! the whole error the browser would decode, never "anything but X". Cases run in order
//! against one console wired to klustron-sim; every failure is reported by name.
//! The cases are in `security_suite/sessions.rs` (no session, forged sessions, the
//! forced password change, cross-site requests, privileges, brute force) and
//! `security_suite/inputs.rs` (injection into every kind of text input, bodies and
//! encodings, paths). More attacks with their own set-up live beside this file:
//! access_gate.rs (the forced password change on every route), access_control.rs (every
//! mutating function for a read-only user and a DBA), passwords_and_sessions.rs
//! (session fixation, rotation), throttling.rs, assets.rs (traversal),
//! security_headers.rs, operations.rs (hostile memo text), and klustron's protocol tests
//! (huge, non-UTF-8 and garbage replies). Also in `security_suite/`: what a black-box
//! probe broke (issue #20), the attacks that need many requests at once
//! (`concurrency.rs`: throttling, the last super_dba, one name created twelve times, on
//! all three stores) and what the edge answers (`edge.rs`: hosts, return addresses,
//! limits, origins, caching, ops token).

mod concurrency;
mod edge;
mod inputs;
mod sessions;

use crate::common::*;
use app::domain::access::Privilege;
use app::error::AppError;
use reqwest::{header, Client, Method, StatusCode};
use std::time::Duration;

const OWN: &str = "Own#2026secret";

/// What the console must answer.
enum Expect {
    /// This error, exactly: its status and its JSON body, as the browser decodes it.
    Error(AppError),
    /// This status and exactly this body (for answers that are not a server function's).
    Exact(StatusCode, &'static str),
    /// This status and a body containing the text (a page or a successful list).
    StatusAnd(StatusCode, &'static str),
    /// A redirect to exactly this location.
    RedirectTo(&'static str),
}

/// The read-only role asking for `p`, refused by the privilege check (not by decoding:
/// every privilege attack sends arguments the function accepts from a DBA).
fn denied(p: Privilege) -> Expect {
    Expect::Error(AppError::Forbidden(format!(
        "the role read-only does not include “{}”",
        p.label(app::i18n::Locale::en)
    )))
}

fn invalid(field: &str, message: &str) -> Expect {
    Expect::Error(AppError::invalid(field, message))
}

fn bad_request(why: &str) -> Expect {
    Expect::Error(AppError::BadRequest(why.to_owned()))
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
    Form(Vec<(String, String)>),
    Raw(&'static str, Vec<u8>),
}

fn attack(name: &'static str, client: Who, path: &str, body: Body, expect: Expect) -> Attack {
    let method = if matches!(body, Body::None) { Method::GET } else { Method::POST };
    Attack { name, client, method, path: path.to_owned(), body, headers: vec![], expect }
}

fn form(p: &[(&str, &str)]) -> Body {
    Body::Form(pairs(p))
}

/// The add-machine form as the page posts it, with overrides.
fn machine_form(overrides: &[(&str, &str)]) -> Body {
    let mut f = vec![
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
    ];
    for (k, v) in overrides {
        f.retain(|(f, _)| f != k);
        f.push((k, v));
    }
    form(&f)
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

async fn post_as(app: &TestApp, c: &Client, f: &str, p: &[(&str, &str)]) -> reqwest::Response {
    c.post(app.url(&api(f))).form(p).send().await.unwrap()
}

#[tokio::test]
async fn forty_attacks_each_get_their_exact_answer() {
    let s = spawn_app_with_sim().await;
    let app = &s.app;
    app.login_with_changed_password().await;
    klustron_sim::seed::demo(&s.sim).await.unwrap();

    // A read-only user, and a user who has not changed the temporary password yet.
    let roles: serde_json::Value =
        post_as(app, &app.client, "system/get", &[]).await.json().await.unwrap();
    let read_only =
        roles["roles"].as_array().unwrap().iter().find(|r| r["name"] == "read-only").unwrap()["id"]
            .to_string();
    for name in ["viewer", "newbie"] {
        let r = post_as(
            app,
            &app.client,
            "system/create_user",
            &[("name", name), ("role_id", &read_only), ("password", "Temp#2026pass")],
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    let viewer = no_redirects();
    post_as(app, &viewer, "login", &[("username", "viewer"), ("password", "Temp#2026pass")]).await;
    let r = post_as(
        app,
        &viewer,
        "change_password",
        &[("current_password", "Temp#2026pass"), ("new_password", OWN), ("confirm_password", OWN)],
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let newbie = no_redirects();
    post_as(app, &newbie, "login", &[("username", "newbie"), ("password", "Temp#2026pass")]).await;
    let anonymous = no_redirects();

    let mut attacks = sessions::attacks();
    attacks.extend(inputs::attacks());
    // Brute force last: it locks the admin's name.
    attacks.extend(sessions::brute_force());

    let distinct: std::collections::HashSet<&str> = attacks.iter().map(|a| a.name).collect();
    assert!(distinct.len() >= 40, "the suite must try at least 40 attacks, has {}", distinct.len());

    let mut failures = vec![];
    for a in &attacks {
        let c = match a.client {
            Who::Anonymous => &anonymous,
            Who::Admin => &app.client,
            Who::ReadOnly => &viewer,
            Who::MustChange => &newbie,
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
            Expect::Error(e) => {
                status.as_u16() == e.status()
                    && serde_json::from_str::<AppError>(&text).ok().as_ref() == Some(e)
            }
            Expect::Exact(want, body) => status == *want && text == *body,
            Expect::StatusAnd(want, snippet) => status == *want && text.contains(snippet),
            Expect::RedirectTo(to) => status.is_redirection() && location.as_deref() == Some(*to),
        };
        if !ok {
            failures.push(format!(
                "{}: got {status} {location:?} {}",
                a.name,
                text.chars().take(400).collect::<String>()
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
        "{} of {} attacks were not answered as expected:\n{}",
        failures.len(),
        attacks.len(),
        failures.join("\n")
    );
}
