//! An instance's CPU limit (cluster_mgr 1.1+'s `update_instance_cgroup`): a number of
//! cores, as a hard quota or as a share (a weight when the machine is busy), the two
//! modes cluster_mgr and XPanel know.

use crate::domain::field::number_in;
use crate::i18n::*;
use serde::{Deserialize, Serialize};

/// cluster_mgr takes 1-256 of anything it counts.
pub const MAX_CORES: u32 = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CpuMode {
    Quota,
    Share,
}

impl CpuMode {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "quota" => Some(CpuMode::Quota),
            "share" => Some(CpuMode::Share),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            CpuMode::Quota => "quota",
            CpuMode::Share => "share",
        }
    }
}

/// The form's cores and mode, checked.
pub fn parse(l: Locale, cores: &str, mode: &str) -> Result<(u32, CpuMode), (&'static str, String)> {
    let cores = number_in(l, cores, 1, MAX_CORES, "").map_err(|m| ("cores", m))?;
    let mode =
        CpuMode::parse(mode).ok_or(("mode", td_string!(l, cpu_limit.bad_mode).to_owned()))?;
    Ok((cores, mode))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cores_and_mode_are_cluster_mgrs() {
        let l = Locale::en;
        assert_eq!(parse(l, " 4 ", "quota"), Ok((4, CpuMode::Quota)));
        assert_eq!(parse(l, "256", "share"), Ok((256, CpuMode::Share)));
        assert_eq!(parse(l, "0", "quota").unwrap_err().0, "cores");
        assert_eq!(parse(l, "257", "quota").unwrap_err().0, "cores");
        assert_eq!(parse(l, "2", "Quota").unwrap_err().0, "mode");
    }
}
