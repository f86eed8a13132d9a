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
    /// The next job that reaches this step (1 = its first) fails there.
    pub fail_job_at_step: Option<u32>,
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

    /// True once, when `step` is the step a job must fail at.
    pub fn take_failure(&mut self, step: u32) -> bool {
        if self.fail_job_at_step == Some(step) {
            self.fail_job_at_step = None;
            true
        } else {
            false
        }
    }
}
