//! A shard's settings through the server functions the cluster page calls: the degrade
//! setting (cluster_mgr 1.1+'s `update_shard_degrade_conf`, answered at once) and the
//! lag threshold (the console's own), each shown on the cluster page, audited with the
//! values before and after, refused with its reason, and only under `configure` on the
//! cluster.

use crate::access_control::{call, create_user, grant, user_client};
use crate::common::*;
use crate::node_control::running_demo;
use app::api::cluster::ClusterDetail;
use app::domain::klustron::KlustronFailure;
use app::domain::shard_settings::Degrade;
use app::error::AppError;
use klustron_sim::Profile;
use reqwest::StatusCode;
use std::time::Duration;

async fn console_on(profile: Profile) -> SimApp {
    let s = spawn_app_with_sim_as(Duration::from_millis(10), profile).await;
    s.app.login_with_changed_password().await;
    s
}

fn degrade_form(c: &ClusterDetail, shard_id: i64, on: bool, secs: &str) -> Vec<(String, String)> {
    pairs(&[
        ("cluster_id", &c.id.to_string()),
        ("shard_id", &shard_id.to_string()),
        ("on", &on.to_string()),
        ("secs", secs),
    ])
}

fn lag_form(c: &ClusterDetail, shard_id: i64, secs: &str) -> Vec<(String, String)> {
    pairs(&[("cluster_id", &c.id.to_string()), ("shard_id", &shard_id.to_string()), ("secs", secs)])
}

async fn set_degrade(app: &TestApp, form: &[(String, String)]) -> reqwest::Response {
    post(app, "/KunlunXPanel/api/shards/degrade", form).await
}

async fn set_max_lag(app: &TestApp, form: &[(String, String)]) -> reqwest::Response {
    post(app, "/KunlunXPanel/api/shards/max_lag", form).await
}

fn invalid(field: &str, message: &str) -> AppError {
    AppError::Validation { field: field.into(), message: message.into() }
}

async fn audit_details(s: &SimApp, action: &str) -> Vec<(String, String)> {
    let store = app::backend::store::Store::open_in(&s.app.data_dir).await.unwrap();
    let (audit, _) = store.audit_page(&Default::default(), 200, 0).await.unwrap();
    audit.into_iter().filter(|a| a.action == action).map(|a| (a.target, a.detail)).collect()
}

#[tokio::test]
async fn degrade_and_lag_threshold_are_shown_on_the_cluster_page_and_audited() {
    let s = console_on(Profile::V1_2).await;
    let c = running_demo(&s).await;
    let shard = c.shards[0].id;
    assert_eq!((c.shards[0].degrade, c.shards[0].max_lag_secs), (Degrade::Off, 100));

    let r = set_degrade(&s.app, &degrade_form(&c, shard, true, "30")).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let r = set_max_lag(&s.app, &lag_form(&c, shard, "5")).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let now = cluster(&s.app, c.id).await;
    assert_eq!((now.shards[0].degrade, now.shards[0].max_lag_secs), (Degrade::On(30), 5));
    // The other shard keeps the defaults.
    assert_eq!((now.shards[1].degrade, now.shards[1].max_lag_secs), (Degrade::Off, 100));

    let r = set_degrade(&s.app, &degrade_form(&c, shard, false, "")).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    assert_eq!(cluster(&s.app, c.id).await.shards[0].degrade, Degrade::Off);

    let target = format!("shard {} ({shard}) of demo (cluster {})", c.shards[0].name, c.id);
    assert_eq!(
        audit_details(&s, "update_shard_degrade_conf").await,
        [
            (target.clone(), "degrade ON 30 s -> OFF".to_owned()),
            (target.clone(), "degrade OFF -> ON 30 s".to_owned()),
        ]
    );
    assert_eq!(
        audit_details(&s, "set_lag_threshold").await,
        [(target, "lag threshold 100 s -> 5 s".to_owned())]
    );
}

#[tokio::test]
async fn bad_values_and_a_shard_of_no_cluster_are_refused_before_anything_is_sent() {
    let s = console_on(Profile::V1_2).await;
    let c = running_demo(&s).await;
    let shard = c.shards[0].id;
    let cases = [
        (degrade_form(&c, shard, true, "4"), invalid("secs", "A whole number from 5 to 500 s")),
        (degrade_form(&c, shard, true, "501"), invalid("secs", "A whole number from 5 to 500 s")),
        (degrade_form(&c, shard, true, ""), invalid("secs", "Required")),
        (degrade_form(&c, 9999, true, "30"), invalid("shard_id", "No such shard in this cluster.")),
    ];
    for (form, want) in cases {
        let r = set_degrade(&s.app, &form).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{form:?}");
        assert_eq!(app_error(r).await, want, "{form:?}");
    }
    let cases = [
        (lag_form(&c, shard, "0"), invalid("max_lag", "A whole number from 1 to 86400 s")),
        (lag_form(&c, shard, "1e3"), invalid("max_lag", "A whole number from 1 to 86400 s")),
        (lag_form(&c, 9999, "30"), invalid("shard_id", "No such shard in this cluster.")),
    ];
    for (form, want) in cases {
        let r = set_max_lag(&s.app, &form).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{form:?}");
        assert_eq!(app_error(r).await, want, "{form:?}");
    }
    let now = cluster(&s.app, c.id).await;
    assert_eq!((now.shards[0].degrade, now.shards[0].max_lag_secs), (Degrade::Off, 100));
    assert!(audit_details(&s, "update_shard_degrade_conf").await.is_empty());
}

#[tokio::test]
async fn cluster_mgr_1_0_answers_that_it_has_no_degrade_job_and_the_refusal_is_audited() {
    let s = console_on(Profile::V1_0).await;
    let c = running_demo(&s).await;
    let r = set_degrade(&s.app, &degrade_form(&c, c.shards[0].id, true, "30")).await;
    assert_eq!(r.status(), StatusCode::BAD_GATEWAY);
    assert_eq!(
        app_error(r).await,
        AppError::Klustron(KlustronFailure::Refused {
            code: 70001,
            info: "Unrecongnized job type".into()
        })
    );
    assert_eq!(cluster(&s.app, c.id).await.shards[0].degrade, Degrade::Off);
    let audit = audit_details(&s, "update_shard_degrade_conf").await;
    assert_eq!(audit.len(), 1);
    assert!(audit[0].1.starts_with("degrade OFF -> ON 30 s: "), "{audit:?}");
    // The threshold is the console's: it works whatever cluster_mgr's release.
    let r = set_max_lag(&s.app, &lag_form(&c, c.shards[0].id, "60")).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
}

#[tokio::test]
async fn only_configure_with_a_grant_on_the_shards_cluster_may() {
    let s = console_on(Profile::V1_2).await;
    let c = running_demo(&s).await;
    let r = create(&s.app, &[("nick_name", "other"), ("shards", "1"), ("comps", "1")]).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let other_id = wait_job(&s.app, r.json().await.unwrap()).await.cluster_id.expect("other's id");
    let other = cluster(&s.app, other_id).await;
    let (cid, sid) = (c.id.to_string(), c.shards[0].id.to_string());
    let mine = [("cluster_id", cid.as_str()), ("shard_id", &sid), ("on", "true"), ("secs", "30")];
    let (ocid, osid) = (other.id.to_string(), other.shards[0].id.to_string());
    let theirs =
        [("cluster_id", ocid.as_str()), ("shard_id", &osid), ("on", "true"), ("secs", "30")];

    create_user(&s.app, "viewer", "read-only").await;
    let viewer = user_client(&s.app, "viewer").await;
    for path in ["shards/degrade", "shards/max_lag"] {
        let r = call(&s.app, &viewer, path, &mine).await;
        assert_eq!(
            app_error(r).await,
            AppError::Forbidden(
                "the role read-only does not include “Change settings (shard degrade and lag threshold, instance variables and CPU limits)”"
                    .into()
            ),
            "{path}"
        );
    }

    // A DBA granted the other cluster only: that cluster's shard, not this one's.
    create_user(&s.app, "dba1", "DBA").await;
    grant(&s.app, "dba1", &ocid).await;
    let dba = user_client(&s.app, "dba1").await;
    for path in ["shards/degrade", "shards/max_lag"] {
        let r = call(&s.app, &dba, path, &mine).await;
        assert_eq!(
            app_error(r).await,
            AppError::Forbidden(format!("no current grant for cluster {cid}")),
            "{path}"
        );
        let r = call(&s.app, &dba, path, &theirs).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}: {}", r.text().await.unwrap());
    }
    // Nor can the other cluster's grant reach this cluster's shard by naming it there.
    let crossed = [("cluster_id", ocid.as_str()), ("shard_id", &sid), ("secs", "30")];
    let r = call(&s.app, &dba, "shards/max_lag", &crossed).await;
    assert_eq!(app_error(r).await, invalid("shard_id", "No such shard in this cluster."));
    let now = cluster(&s.app, c.id).await;
    assert_eq!((now.shards[0].degrade, now.shards[0].max_lag_secs), (Degrade::Off, 100));
    let o = cluster(&s.app, other.id).await;
    assert_eq!((o.shards[0].degrade, o.shards[0].max_lag_secs), (Degrade::On(30), 30));
}
