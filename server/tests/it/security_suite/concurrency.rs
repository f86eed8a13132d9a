//! Attacks that need many requests at once (issue #20): parallel password guesses, two
//! administrators racing over the last super_dba, and twelve creations of one name.
//! What the store decides runs on SQLite, MySQL and PostgreSQL.

use crate::common::*;
use app::backend::store::scratch::{drop_database, env_url, scratch_database};
use app::backend::store::Store;
use reqwest::{Client, StatusCode};
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use tokio::task::JoinSet;

/// A browser-like client whose connections come from `127.0.0.last` (all of 127/8 is
/// this machine, so each is a different client address to the console).
fn client_from(last: u8) -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, last)))
        .build()
        .unwrap()
}

async fn login_as(app: &TestApp, c: &Client, user: &str, password: &str) -> StatusCode {
    c.post(app.url("/KunlunXPanel/api/login"))
        .form(&[("username", user), ("password", password)])
        .send()
        .await
        .unwrap()
        .status()
}

/// A call by someone: their client, the server function, its form.
type Call = (Client, &'static str, Vec<(String, String)>);

/// Sends every call at once; the statuses, counted.
async fn all_at_once(app: &TestApp, calls: Vec<Call>) -> BTreeMap<u16, usize> {
    let mut set = JoinSet::new();
    for (c, f, form) in calls {
        let url = app.url(&format!("/KunlunXPanel/api/{f}"));
        set.spawn(async move { c.post(url).form(&form).send().await.unwrap().status() });
    }
    let mut counts = BTreeMap::new();
    while let Some(s) = set.join_next().await {
        *counts.entry(s.unwrap().as_u16()).or_default() += 1;
    }
    counts
}

fn counts(pairs: &[(u16, usize)]) -> BTreeMap<u16, usize> {
    pairs.iter().copied().filter(|(_, n)| *n > 0).collect()
}

async fn audit_details(app: &TestApp, detail: &str) -> usize {
    let store = Store::open_in(&app.data_dir).await.unwrap();
    let (rows, _) = store.audit_page(&Default::default(), 10_000, 0).await.unwrap();
    rows.iter().filter(|a| a.detail == detail).count()
}

#[tokio::test]
async fn two_hundred_parallel_guesses_reach_the_password_check_five_times() {
    let app = spawn_app().await;
    let c = client_from(1);
    let calls = (0..200)
        .map(|i| {
            (
                c.clone(),
                "login",
                pairs(&[("username", "super_dba"), ("password", &format!("Guess#{i}"))]),
            )
        })
        .collect();
    let got = all_at_once(&app, calls).await;
    assert_eq!(got, counts(&[(401, 5), (429, 195)]), "200 guesses at once");
    // Five guesses were checked; the 195 refusals are one audit record, not 195.
    assert_eq!(audit_details(&app, "bad credentials").await, 5);
    assert_eq!(audit_details(&app, "throttled").await, 1);
}

#[tokio::test]
async fn sixty_names_from_one_address_reach_the_password_check_twenty_times() {
    let app = spawn_app().await;
    let c = client_from(1);
    let calls = (0..60)
        .map(|i| {
            (
                c.clone(),
                "login",
                pairs(&[("username", &format!("user{i}")), ("password", "Guess#2026x")]),
            )
        })
        .collect();
    let got = all_at_once(&app, calls).await;
    assert_eq!(got, counts(&[(401, 20), (429, 40)]), "60 names from one address");
}

#[tokio::test]
async fn a_stranger_cannot_lock_the_owner_out() {
    let app = spawn_app().await;
    let owner = client_from(1);
    assert_eq!(login_as(&app, &owner, DEFAULT_USER, DEFAULT_PASSWORD).await, StatusCode::OK);

    // Five wrong guesses from another address lock that address, not the account.
    let stranger = client_from(2);
    for _ in 0..5 {
        assert_eq!(
            login_as(&app, &stranger, DEFAULT_USER, "Wrong#2026x").await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        login_as(&app, &stranger, DEFAULT_USER, DEFAULT_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        login_as(&app, &client_from(1), DEFAULT_USER, DEFAULT_PASSWORD).await,
        StatusCode::OK
    );

    // Spread over addresses, 20 guesses lock the name for every address it never
    // logged in from; the owner's own address still gets in.
    for last in 3..=5 {
        let c = client_from(last);
        for _ in 0..5 {
            assert_eq!(
                login_as(&app, &c, DEFAULT_USER, "Wrong#2026x").await,
                StatusCode::UNAUTHORIZED
            );
        }
    }
    assert_eq!(
        login_as(&app, &client_from(9), DEFAULT_USER, DEFAULT_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
        "a new address is refused while the name is locked"
    );
    assert_eq!(
        login_as(&app, &client_from(1), DEFAULT_USER, DEFAULT_PASSWORD).await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_stolen_session_cannot_guess_the_current_password() {
    let app = spawn_app().await;
    assert_eq!(app.login(DEFAULT_USER, DEFAULT_PASSWORD).await.status(), StatusCode::OK);
    for _ in 0..5 {
        let r = app.change_password("Wrong#2026x", NEW_PASSWORD, NEW_PASSWORD).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(error_body(r).await["Validation"]["field"], "current_password");
    }
    let r = app.change_password(DEFAULT_PASSWORD, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "the sixth try is not checked");
    assert!(r.headers().contains_key("retry-after"));
    assert!(error_body(r).await["TooManyAttempts"]["retry_after_secs"].as_u64().unwrap() >= 1);
}

#[tokio::test]
async fn accounts_hold_under_concurrency_on_sqlite() {
    accounts_hold_under_concurrency(&spawn_app().await).await;
}

#[tokio::test]
async fn accounts_hold_under_concurrency_on_mysql() {
    if let Some(base) = env_url("XPANEL_TEST_MYSQL_URL") {
        let (url, name) = scratch_database(&base).await;
        accounts_hold_under_concurrency(&spawn_with_store(&url).await).await;
        drop_database(&base, &name).await;
    }
}

#[tokio::test]
async fn accounts_hold_under_concurrency_on_postgres() {
    if let Some(base) = env_url("XPANEL_TEST_PG_URL") {
        let (url, name) = scratch_database(&base).await;
        accounts_hold_under_concurrency(&spawn_with_store(&url).await).await;
        drop_database(&base, &name).await;
    }
}

/// Someone's session: a client with its cookie, and the console it talks to.
struct Caller<'a> {
    app: &'a TestApp,
    c: Client,
}

impl Caller<'_> {
    async fn call(&self, f: &str, form: &[(String, String)]) -> reqwest::Response {
        self.c
            .post(self.app.url(&format!("/KunlunXPanel/api/{f}")))
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// Logs in with a temporary password and sets `own`.
    async fn log_in_changing<'a>(app: &'a TestApp, name: &str, own: &str) -> Caller<'a> {
        let me = Caller { app, c: new_client() };
        assert_eq!(login_as(app, &me.c, name, "Temp#2026pass").await, StatusCode::OK);
        let r = me
            .call(
                "change_password",
                &pairs(&[
                    ("current_password", "Temp#2026pass"),
                    ("new_password", own),
                    ("confirm_password", own),
                ]),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{name} sets a password");
        me
    }

    async fn system(&self) -> serde_json::Value {
        self.call("system/get", &[]).await.json().await.unwrap()
    }

    async fn id_of(&self, name: &str) -> Option<String> {
        let v = self.system().await;
        v["users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["name"] == name)
            .map(|u| u["id"].to_string())
    }

    async fn enabled_super_dbas(&self) -> usize {
        let v = self.system().await;
        v["users"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|u| u["role"] == "super_dba" && u["disabled"] == false)
            .count()
    }
}

/// Twelve creations of one name, names differing in case only, and races over the last
/// two super_dba accounts: demoted, disabled or deleted at once, by a user administrator
/// who is not one of them, and by the two demoting each other.
async fn accounts_hold_under_concurrency(app: &TestApp) {
    app.login_with_changed_password().await;
    let admin = Caller { app, c: app.client.clone() };
    let system = admin.system().await;
    let role = |name: &str| {
        system["roles"].as_array().unwrap().iter().find(|r| r["name"] == name).unwrap()["id"]
            .to_string()
    };
    let (super_dba, read_only) = (role("super_dba"), role("read-only"));
    let create = |name: &str, role: &str| {
        pairs(&[("name", name), ("role_id", role), ("password", "Temp#2026pass")])
    };

    // One name, twelve times at once: one account, eleven "taken", no 500.
    let calls = (0..12)
        .map(|_| (admin.c.clone(), "system/create_user", create("twin", &read_only)))
        .collect();
    assert_eq!(all_at_once(app, calls).await, counts(&[(200, 1), (422, 11)]), "12 × create twin");
    let r = admin.call("system/create_user", &create("TWIN", &read_only)).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "names differ in case only");
    assert_eq!(error_body(r).await["Validation"]["field"], "name");

    // A user administrator who is not super_dba, and a second super_dba.
    let r = admin
        .call(
            "system/save_role",
            &pairs(&[("id", "0"), ("name", "user_admin"), ("privileges[0]", "users_roles")]),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let user_admin = r.json::<i64>().await.unwrap().to_string();
    for (name, role) in [("keeper", &super_dba), ("racer", &user_admin)] {
        assert_eq!(
            admin.call("system/create_user", &create(name, role)).await.status(),
            StatusCode::OK
        );
    }
    let racer = Caller::log_in_changing(app, "racer", "Own#2026secret").await;
    let (first, keeper) =
        (racer.id_of(DEFAULT_USER).await.unwrap(), racer.id_of("keeper").await.unwrap());

    let set = |id: &str, role: &str, disabled: &str| {
        pairs(&[("id", id), ("role_id", role), ("disabled", disabled)])
    };
    let demote = |id: &str| set(id, &read_only, "false");
    let disable = |id: &str| set(id, &super_dba, "true");
    let del = |id: &str| pairs(&[("id", id), ("confirm", "keeper")]);
    for (what, calls) in [
        (
            "demote both",
            [("system/update_user", demote(&first)), ("system/update_user", demote(&keeper))],
        ),
        (
            "disable both",
            [("system/update_user", disable(&first)), ("system/update_user", disable(&keeper))],
        ),
        (
            "demote one, disable the other",
            [("system/update_user", demote(&first)), ("system/update_user", disable(&keeper))],
        ),
        (
            "delete one, demote the other",
            [("system/delete_user", del(&keeper)), ("system/update_user", demote(&first))],
        ),
    ] {
        let calls = calls.into_iter().map(|(f, form)| (racer.c.clone(), f, form)).collect();
        assert_eq!(all_at_once(app, calls).await, counts(&[(200, 1), (422, 1)]), "{what}");
        assert_eq!(racer.enabled_super_dbas().await, 1, "{what}: one super_dba is left");
        // Both back for the next race.
        for name in [DEFAULT_USER, "keeper"] {
            let r = match racer.id_of(name).await {
                Some(id) => racer.call("system/update_user", &set(&id, &super_dba, "false")).await,
                None => racer.call("system/create_user", &create(name, &super_dba)).await,
            };
            assert_eq!(r.status(), StatusCode::OK, "{what}: {name} restored");
        }
    }

    // The two super_dba accounts demote each other at once. The loser is refused as the
    // last one (422) or, if the winner was quicker, finds its session ended (401) or its
    // role gone between the two checks of its request (403).
    assert_eq!(login_as(app, &admin.c, DEFAULT_USER, NEW_PASSWORD).await, StatusCode::OK);
    let keeper_id = racer.id_of("keeper").await.unwrap();
    // (keeper was created or restored and never logged in: its password is temporary)
    let kept = Caller::log_in_changing(app, "keeper", "Mine#2026secret").await;
    let first = racer.id_of(DEFAULT_USER).await.unwrap();
    let got = all_at_once(
        app,
        vec![
            (admin.c.clone(), "system/update_user", demote(&keeper_id)),
            (kept.c.clone(), "system/update_user", demote(&first)),
        ],
    )
    .await;
    assert_eq!(got.get(&200), Some(&1), "one demotion wins: {got:?}");
    assert_eq!(got.values().sum::<usize>(), 2);
    assert!(got.keys().all(|s| [200, 401, 403, 422].contains(s)), "{got:?}");
    assert_eq!(racer.enabled_super_dbas().await, 1, "one super_dba is left");
}
