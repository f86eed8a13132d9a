//! The creation wizard's review, as the server computes it (`backend::cluster_plan`) and
//! the wizard shows it: the machines it may offer, where each instance lands, the
//! pre-checks.

use serde::{Deserialize, Serialize};

/// A machine the wizard offers: running, of the right type, with room left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferedMachine {
    pub hostaddr: String,
    /// `storage` or `computer`.
    pub machine_type: String,
    /// Instances that still fit in its port range.
    pub free_slots: u32,
    pub cpu_cores: i64,
    pub mem_mb: i64,
}

/// Where one instance will land.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placed {
    pub hostaddr: String,
    /// The first port of the instance (mysqld for storage, PostgreSQL for compute).
    pub port: u16,
    /// Compute nodes only: the MySQL-protocol port (PostgreSQL port + 1).
    pub mysql_port: Option<u16>,
}

/// One pre-check and whether it passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreCheck {
    pub ok: bool,
    pub text: String,
}

/// The review step: which shard replica and compute node lands where, the pre-checks,
/// and warnings that do not block.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterPlan {
    /// One list per shard; the first of each is its primary.
    pub shards: Vec<Vec<Placed>>,
    pub comps: Vec<Placed>,
    pub checks: Vec<PreCheck>,
    pub warnings: Vec<String>,
}

impl ClusterPlan {
    pub fn ready(&self) -> bool {
        self.checks.iter().all(|c| c.ok)
    }
}
