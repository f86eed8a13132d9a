//! Contract tests: the simulator answers as cluster_mgr does (each test names the fact
//! of ../shared/klustron/cluster_mgr-wire.md it pins, and the source it comes from),
//! and the console's client and metadata reader read those answers right. Every fact
//! runs on both profiles, on SQLite and on MariaDB ([`on_every_sim`]). The facts are
//! grouped: `wire.rs` (replies and what kills cluster_mgr), `metadata.rs` (the tables and
//! memos it writes), `lifecycle.rs` (every job from machines to delete, and refusals),
//! `failures.rs` (HTTP errors, leader changes, discovery, the fault API).

#[path = "../common/mod.rs"]
mod common;

mod cgroup;
mod control;
mod failures;
mod lifecycle;
mod metadata;
mod rebuild;
mod shard_conf;
mod switchover;
mod variables;
mod wire;

use std::time::Duration;

use common::*;
use klustron::jobs::*;
use klustron::metadata::model::{InstanceStatus, MemberState, NodeStats};
use klustron::{ClientError, JobReport, JobState};
use klustron_sim::faults::{Faults, InstallKind};
use klustron_sim::Profile;
use serde_json::{json, Value};

fn failed_with(t: &TestSim, state: &JobState, code: i64) -> String {
    match state {
        JobState::Failed { code: c, info } if *c == code => info.clone(),
        other => panic!("{}: expected failure {code}, got {other:?}", t.label),
    }
}

/// A failed phase's words (`shard_error_info`, `comp_error_info`). cluster_mgr writes
/// them only in the memo of that phase's failure (`UpdateMetaAndOperationStat`,
/// `cluster_mission/create_cluster.cc`); when the other phase ends after it, that write
/// rebuilds the memo without them. Which phase ends last is a race in cluster_mgr too,
/// so the words are either there or the other phase has ended.
fn phase_words(t: &TestSim, r: &JobReport, key: &str, other_phase: &str, words: &str) {
    match r.attachment.get(key) {
        Some(v) => assert_eq!(v, words, "{}", t.label),
        None => assert!(
            matches!(
                r.attachment.get(other_phase).and_then(Value::as_str),
                Some("done" | "failed")
            ),
            "{}: no {key} while {other_phase} is {:?}",
            t.label,
            r.attachment.get(other_phase)
        ),
    }
}

/// Creates a cluster and waits until cluster_mgr's monitor has seen its storage nodes
/// running (`status` active): a cluster a DBA acts on, not one still
/// being installed (the monitor would write `active` over a stop).
async fn running_cluster(t: &TestSim, nick: &str, shards: u16, nodes: u16) -> i64 {
    let (_, cid) = t.create(&cluster(nick, shards, nodes, 1)).await;
    for table in ["shard_nodes", "comp_nodes"] {
        let sql = format!(
            "SELECT CAST(COUNT(*) AS CHAR) AS v FROM {table} \
             WHERE db_cluster_id = ? AND status <> 'active'"
        );
        t.eventually("instances active", || async { t.scalar(&sql, cid).await == "0" }).await;
    }
    cid
}

/// Runs `fact` on the 1.2 simulator (the jobs 1.0.2 does not know), on SQLite and on
/// MariaDB.
async fn on_1_2<F, Fut>(fact: F)
where
    F: Fn(TestSim) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    fact(sqlite_sim_as(Profile::V1_2).await).await;
    if let Some(t) = mysql_sim_as(Profile::V1_2).await {
        fact(t).await;
    }
}

fn raw_json(body: &str) -> Value {
    serde_json::from_str(body.trim_end()).unwrap()
}

async fn free_port() -> u16 {
    tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap().port()
}
