//! Attacks on who the caller is: no session, forged or foreign sessions, the forced
//! password change, cross-site requests, privilege escalation by a read-only user (each
//! with arguments a DBA would be allowed to send, so only the privilege check can refuse
//! them), and brute force on the login.

use super::{api, attack, denied, form, invalid, machine_form, Attack, Body, Expect, Who};
use crate::common::{draft, NEW_PASSWORD};
use app::domain::access::Privilege;
use app::error::AppError;
use reqwest::Method;

pub(super) fn attacks() -> Vec<Attack> {
    use Expect::*;
    use Who::*;
    vec![
        // --- no session, forged or foreign sessions -----------------------------------
        attack(
            "server function without a session",
            Anonymous,
            &api("machines/list"),
            form(&[("query[page]", "1")]),
            Error(AppError::Unauthorized),
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
                Error(AppError::Unauthorized),
            )
        },
        Attack {
            headers: vec![("cookie", format!("xpanel_session={}", "A".repeat(5000)))],
            ..attack(
                "oversized session cookie",
                Anonymous,
                &api("current_user"),
                form(&[]),
                Error(AppError::Unauthorized),
            )
        },
        attack(
            "job event stream without a session",
            Anonymous,
            &api("jobs/1/events"),
            Body::None,
            Error(AppError::Unauthorized),
        ),
        // --- forced password change ---------------------------------------------------
        attack(
            "temporary password: server function refused",
            MustChange,
            &api("clusters/list"),
            form(&[("query[page]", "1")]),
            Error(AppError::PasswordChangeRequired),
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
            Error(AppError::PasswordChangeRequired),
        ),
        attack(
            "temporary password: user admin refused",
            MustChange,
            &api("system/get"),
            form(&[]),
            Error(AppError::PasswordChangeRequired),
        ),
        // --- cross-site requests ------------------------------------------------------
        Attack {
            headers: vec![("origin", "http://evil.example".into())],
            ..attack(
                "CSRF: write from a foreign Origin",
                Admin,
                &api("logout"),
                form(&[]),
                Error(AppError::Refused("it came from another site".into())),
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
                Error(AppError::Refused("it came from another site".into())),
            )
        },
        Attack {
            method: Method::GET,
            ..attack(
                "GET to a POST server function",
                Admin,
                &api("logout"),
                Body::None,
                Exact(reqwest::StatusCode::METHOD_NOT_ALLOWED, ""),
            )
        },
        // --- privilege escalation -----------------------------------------------------
        attack(
            "read-only creates a cluster",
            ReadOnly,
            &api("clusters/create"),
            Body::Form(draft(&[])),
            denied(Privilege::ClusterCreate),
        ),
        attack(
            "read-only adds a machine",
            ReadOnly,
            &api("machines/add"),
            machine_form(&[]),
            denied(Privilege::MachineAdd),
        ),
        attack(
            "read-only lists users",
            ReadOnly,
            &api("system/get"),
            form(&[]),
            denied(Privilege::UsersRoles),
        ),
        attack(
            "read-only makes itself super_dba",
            ReadOnly,
            &api("system/update_user"),
            form(&[("id", "2"), ("role_id", "1"), ("disabled", "false")]),
            denied(Privilege::UsersRoles),
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
            denied(Privilege::UsersRoles),
        ),
        attack(
            "read-only deletes a cluster",
            ReadOnly,
            &api("clusters/delete"),
            form(&[("cluster_id", "1"), ("confirm", "demo")]),
            denied(Privilege::ClusterDelete),
        ),
        attack(
            "admin deletes own account",
            Admin,
            &api("system/delete_user"),
            form(&[("id", "1"), ("confirm", "super_dba")]),
            invalid("", "You cannot delete your own account"),
        ),
    ]
}

/// Five wrong passwords, then the right one: refused, since the name is locked.
pub(super) fn brute_force() -> Vec<Attack> {
    let mut attacks: Vec<Attack> = (0..5)
        .map(|_| {
            attack(
                "wrong password (counted)",
                Who::Anonymous,
                &api("login"),
                form(&[("username", "super_dba"), ("password", "guess")]),
                Expect::Error(AppError::BadCredentials),
            )
        })
        .collect();
    attacks.push(attack(
        "brute force: 6th try with the right password is refused",
        Who::Anonymous,
        &api("login"),
        form(&[("username", "super_dba"), ("password", NEW_PASSWORD)]),
        Expect::Error(AppError::TooManyAttempts { retry_after_secs: 30 }),
    ));
    attacks
}
