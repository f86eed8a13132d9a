//! Large freed blocks go back to the system (issue #18 P4).
//!
//! glibc's allocator raises its mmap threshold to the size of each large block freed, up
//! to 32 MiB, and keeps blocks under the threshold in its heaps after they are freed. The
//! first argon2id hash (12 MiB, the timing equaliser at start) raised it past 12 MiB, so
//! every later hash stayed resident in the heap of the thread that ran it: 60 MiB idle
//! after a login and a password change, 23 MiB with a fixed threshold (measured with
//! `bench/load.sh`, docs/BENCHMARKS.md). glibc takes a fixed threshold only from the
//! `GLIBC_TUNABLES` environment variable, read as the process starts, so the server starts
//! itself once more with it set. musl (the image's binary) maps large blocks by itself.

/// Blocks of this size or more get their own mapping, returned to the system when freed.
const THRESHOLD: &str = "glibc.malloc.mmap_threshold=1048576";
/// Set on the restarted process, which never restarts again: glibc drops `GLIBC_TUNABLES`
/// for a program with file capabilities (`setcap cap_net_bind_service`, docs/DEPLOY.md),
/// and without this mark such a server would restart itself for ever.
const RESTARTED: &str = "XPANEL_MALLOC_RESTARTED";

/// The `GLIBC_TUNABLES` value to restart with, or `None` when the threshold is already
/// set (by this restart, or by whoever started the console).
pub fn tunables(current: Option<&str>) -> Option<String> {
    match current {
        Some(c) if c.contains("glibc.malloc.mmap_threshold") => None,
        Some(c) if !c.is_empty() => Some(format!("{c}:{THRESHOLD}")),
        _ => Some(THRESHOLD.to_owned()),
    }
}

/// Replaces this process with itself (same arguments, same pid) with the threshold set;
/// returns only if that is not needed, or not possible (then large blocks may stay).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn restart_with_fixed_threshold() {
    use std::os::unix::process::CommandExt;
    if std::env::var_os(RESTARTED).is_some() {
        return;
    }
    let current = std::env::var("GLIBC_TUNABLES").ok();
    let (Some(value), Ok(exe)) = (tunables(current.as_deref()), std::env::current_exe()) else {
        return;
    };
    let mut args = std::env::args_os();
    let mut cmd = std::process::Command::new(exe);
    if let Some(arg0) = args.next() {
        cmd.arg0(arg0);
    }
    let err = cmd.args(args).env("GLIBC_TUNABLES", value).env(RESTARTED, "1").exec();
    eprintln!("xpanel: could not restart with a fixed malloc threshold ({err}); going on without");
}

/// Nothing to do where the C library is not glibc.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn restart_with_fixed_threshold() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_threshold_is_added_once_and_other_tunables_are_kept() {
        assert_eq!(tunables(None).as_deref(), Some(THRESHOLD));
        assert_eq!(tunables(Some("")).as_deref(), Some(THRESHOLD));
        let other = "glibc.malloc.arena_max=2";
        assert_eq!(tunables(Some(other)), Some(format!("{other}:{THRESHOLD}")));
        assert_eq!(tunables(Some(THRESHOLD)), None, "the restarted process goes on");
        assert_eq!(tunables(Some("glibc.malloc.mmap_threshold=65536")), None, "the operator's own");
    }
}
