//! The cluster list: every non-deleted cluster (also one without a business name, which
//! XPanel hides), with its compute nodes' PostgreSQL and MySQL ports, searched and paged
//! on the server.

use crate::common::*;
use reqwest::StatusCode;

async fn list(app: &TestApp, q: &[(&str, &str)]) -> reqwest::Response {
    post(app, "/KunlunXPanel/api/clusters/list", &nested_form("query", q)).await
}

#[tokio::test]
async fn clusters_show_with_their_compute_ports_including_unnamed_ones() {
    let s = spawn_app_with_sim().await;
    s.app.login_with_changed_password().await;
    klustron_sim::seed::demo(&s.sim).await.unwrap();
    // Wait for the demo cluster's create job to finish.
    let meta = s.sim.store().reader().clone();
    for _ in 0..300 {
        if meta.clusters().await.unwrap().iter().any(|c| c.memo.is_some()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    // A cluster installed by a script: no nick name.
    sqlx::query(
        "INSERT INTO db_clusters(name, nick_name, owner, ddl_log_tblname, business, ha_mode, status) \
         VALUES ('cluster_script_1', '', 'abc', 'x', 'kunlun', 'rbr', 'inuse')",
    )
    .execute(s.sim.store().pool())
    .await
    .unwrap();

    let p = cluster_page(&s.app, &[("page", "1")]).await;
    assert_eq!(p.total, 2);
    let script = p.rows.iter().find(|c| c.name == "cluster_script_1").unwrap();
    assert_eq!(
        (script.nick_name.as_str(), script.managed, script.comp_user.as_str()),
        ("", false, "abc")
    );
    let demo = p.rows.iter().find(|c| c.nick_name == "demo").unwrap();
    assert_eq!((demo.shards, demo.managed), (2, true));
    let comps = &demo.comps;
    assert_eq!(comps.len(), 2);
    for c in comps {
        // cluster_mgr 1.0's comp_nodes has no mysql_port: derived, and marked so.
        assert_eq!(c.mysql_port, c.pg_port + 1);
        assert!(c.mysql_port_derived, "{c:?}");
    }

    let p = cluster_page(&s.app, &[("search", "dem"), ("page", "1")]).await;
    assert_eq!(p.total, 1);
    let p = cluster_page(&s.app, &[("search", "%"), ("page", "1")]).await;
    assert_eq!(p.total, 0, "LIKE wildcards are literals");
    let r = list(&s.app, &[("search", &"x".repeat(65))]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // The page itself renders the ports server-side.
    let html = s.app.get("/KunlunXPanel/clusters").await.text().await.unwrap();
    assert!(html.contains("cluster_script_1"));
    assert!(html.contains(&format!("psql -h {} -p {}", comps[0].hostaddr, comps[0].pg_port)));
}
