//! The simulator's control API (its own address, so it works while the job API is
//! refusing): switch faults on, move the leader, seed a demo topology.
//!
//! - `POST /sim/faults` with a [`Faults`] JSON body replaces the active faults;
//! - `POST /sim/leader` `{"index": 1}` moves the cluster_mgr leader;
//! - `POST /sim/refuse` `{"ms": 2000}` makes the leader refuse connections for a while;
//! - `POST /sim/seed` `{"demo": true, "machines": 0}` seeds the demo topology and/or
//!   that many extra machines;
//! - `GET /sim/state` tells the leader and the active faults;
//! - `GET /sim/comp_nodes` lists every compute node row as the metadata holds it (its
//!   `mysql_port` is `null` where the profile's schema has no such column), to check
//!   pages against it;
//! - `GET /sim/steps` lists when each create_cluster step became visible (ms since epoch);
//! - `GET /sim/jobs` lists the job log's rows (id, type, user, status), newest first;
//! - `POST /sim/lag` `{"hostaddr": "…", "port": 57003, "secs": 120}` sets a storage
//!   instance's `shard_nodes.replica_delay`: what its replication reports (cluster_mgr
//!   only reads the column: `cluster_auto/refresh_shard.cc`, `rebuild_node.cc`), so a
//!   test can make a replica fall behind.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::faults::Faults;
use crate::{seed, Simulator};

pub fn router(sim: Arc<Simulator>) -> Router {
    Router::new()
        .route("/sim/faults", post(set_faults))
        .route("/sim/leader", post(set_leader))
        .route("/sim/refuse", post(refuse))
        .route("/sim/seed", post(seed_topology))
        .route("/sim/state", get(state))
        .route("/sim/steps", get(steps))
        .route("/sim/comp_nodes", get(comp_nodes))
        .route("/sim/jobs", get(jobs))
        .route("/sim/lag", post(set_lag))
        .with_state(sim)
}

type Answer = Result<Json<Value>, (StatusCode, String)>;

fn bad(e: impl std::fmt::Display) -> (StatusCode, String) {
    (StatusCode::BAD_REQUEST, e.to_string())
}

async fn set_faults(State(sim): State<Arc<Simulator>>, Json(f): Json<Faults>) -> Answer {
    sim.set_faults(f.clone());
    Ok(Json(json!({"faults": f})))
}

#[derive(Deserialize)]
struct LeaderBody {
    index: usize,
}

async fn set_leader(State(sim): State<Arc<Simulator>>, Json(b): Json<LeaderBody>) -> Answer {
    sim.set_leader(b.index).await.map_err(bad)?;
    Ok(Json(json!({"leader": sim.leader().await.to_string()})))
}

#[derive(Deserialize)]
struct RefuseBody {
    ms: u64,
}

async fn refuse(State(sim): State<Arc<Simulator>>, Json(b): Json<RefuseBody>) -> Answer {
    sim.refuse_for(b.ms.min(600_000)).await;
    Ok(Json(json!({"refusing_ms": b.ms})))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SeedBody {
    demo: bool,
    machines: u32,
}

async fn seed_topology(State(sim): State<Arc<Simulator>>, Json(b): Json<SeedBody>) -> Answer {
    if b.demo {
        seed::demo(&sim).await.map_err(bad)?;
    }
    if b.machines > 0 {
        seed::machines(sim.store(), b.machines.min(100_000)).await.map_err(bad)?;
    }
    Ok(Json(json!({"seeded": true})))
}

async fn state(State(sim): State<Arc<Simulator>>) -> Json<Value> {
    let faults = sim.engine.faults.lock().map(|f| f.clone()).unwrap_or_default();
    Json(json!({
        "leader": sim.leader().await.to_string(),
        "nodes": sim.nodes().iter().map(ToString::to_string).collect::<Vec<_>>(),
        "faults": faults,
        "profile": sim.profile(),
    }))
}

async fn steps(State(sim): State<Arc<Simulator>>) -> Json<Value> {
    Json(json!({ "steps": sim.engine.step_marks() }))
}

async fn comp_nodes(State(sim): State<Arc<Simulator>>) -> Answer {
    let mysql = if sim.profile().comp_nodes_have_mysql_port() {
        "CAST(mysql_port AS CHAR)"
    } else {
        "NULL"
    };
    let sql = format!(
        "SELECT CAST(id AS CHAR) AS id, CAST(db_cluster_id AS CHAR) AS c, CAST(hostaddr AS CHAR) AS h, \
         CAST(port AS CHAR) AS p, {mysql} AS m, CAST(name AS CHAR) AS n FROM comp_nodes ORDER BY db_cluster_id, id"
    );
    let rows = sqlx::query(&sql).fetch_all(sim.store().pool()).await.map_err(bad)?;
    let num = |r: &sqlx::any::AnyRow, c: &str| crate::store::text(r, c).parse::<i64>().ok();
    let nodes: Vec<Value> = rows
        .iter()
        .map(|r| json!({"id": num(r, "id"), "db_cluster_id": num(r, "c"), "hostaddr": crate::store::text(r, "h"),
                        "port": num(r, "p"), "mysql_port": num(r, "m"), "name": crate::store::text(r, "n")}))
        .collect();
    Ok(Json(json!({ "comp_nodes": nodes })))
}

async fn jobs(State(sim): State<Arc<Simulator>>) -> Answer {
    let rows = sqlx::query(
        "SELECT CAST(id AS CHAR) AS id, CAST(job_type AS CHAR) AS t, CAST(user_name AS CHAR) AS u, \
         CAST(status AS CHAR) AS s FROM cluster_general_job_log ORDER BY id DESC LIMIT 1000",
    )
    .fetch_all(sim.store().pool())
    .await
    .map_err(bad)?;
    let text = crate::store::text;
    let jobs: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({"id": text(r, "id").parse::<i64>().ok(), "job_type": text(r, "t"),
                        "user_name": text(r, "u"), "status": text(r, "s")})
        })
        .collect();
    Ok(Json(json!({ "jobs": jobs })))
}

#[derive(Deserialize)]
struct LagBody {
    hostaddr: String,
    port: u16,
    secs: u32,
}

async fn set_lag(State(sim): State<Arc<Simulator>>, Json(b): Json<LagBody>) -> Answer {
    let r = sqlx::query("UPDATE shard_nodes SET replica_delay = ? WHERE hostaddr = ? AND port = ?")
        .bind(i64::from(b.secs))
        .bind(b.hostaddr)
        .bind(i64::from(b.port))
        .execute(sim.store().pool())
        .await
        .map_err(bad)?;
    if r.rows_affected() == 0 {
        return Err((StatusCode::NOT_FOUND, "no such storage instance".into()));
    }
    Ok(Json(json!({"updated": r.rows_affected()})))
}
