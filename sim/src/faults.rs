//! Faults a test can switch on: what cluster_mgr and its network do on a bad day.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    /// Wait this long before answering each request.
    pub delay_ms: u64,
    /// Answer the next N requests with HTTP `http_status` (e.g. 500, 502).
    pub http_error_count: u32,
    pub http_status: u16,
    /// Answer the next N requests with bytes that are not JSON.
    pub garbage_count: u32,
    /// Keep each job in the queue this long before its setup: the time its memo stays
    /// NULL (a queue behind slow setups, such as a create_machine pinging a dead
    /// node_mgr for 10 s).
    pub hold_setup_ms: u64,
    /// The next install of this kind fails, as a node_mgr reports a failed install.
    pub fail_install: Option<InstallKind>,
    /// node_mgr fails the next `control_instance` (start, stop or restart).
    pub fail_control: bool,
    /// node_mgr fails the next node of a `rebuild_node` while copying it
    /// (`xtracback_data`, 60006).
    pub fail_rebuild: bool,
}

/// What an install puts on a machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InstallKind {
    /// A shard's storage nodes (create_cluster, add_shards, add_nodes).
    Storage,
    /// Compute nodes (create_cluster, add_comps).
    Compute,
}

/// What to do with one request, decided (and counted down) before it is handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Injected {
    None,
    HttpStatus(u16),
    Garbage,
}

impl Faults {
    pub fn take_for_request(&mut self) -> Injected {
        if self.http_error_count > 0 {
            self.http_error_count -= 1;
            return Injected::HttpStatus(if self.http_status >= 400 {
                self.http_status
            } else {
                500
            });
        }
        if self.garbage_count > 0 {
            self.garbage_count -= 1;
            return Injected::Garbage;
        }
        Injected::None
    }

    /// True once, for the first rebuilt node after the fault was set.
    pub fn take_rebuild_failure(&mut self) -> bool {
        std::mem::take(&mut self.fail_rebuild)
    }

    /// True once, for the first `control_instance` after the fault was set.
    pub fn take_control_failure(&mut self) -> bool {
        std::mem::take(&mut self.fail_control)
    }

    /// True once, for the first install of `kind` after the fault was set.
    pub fn take_install_failure(&mut self, kind: InstallKind) -> bool {
        if self.fail_install == Some(kind) {
            self.fail_install = None;
            true
        } else {
            false
        }
    }
}
