//! Dropping root after binding (`--run-as`, issue #16). Klustron's installer runs the
//! image with `-p 18080:80`, so the console must listen on port 80 inside the container;
//! on the old engines of the offline path (CentOS 7's Docker 1.13) only root may bind
//! below 1024. So the image starts as root, binds, and becomes the service user before
//! it opens the store or reads a single request. Why not a file capability: it lives in
//! an extended attribute that old engines and `docker save`/`load` do not all keep, and
//! it fails under `no-new-privileges`; a root start works on every engine.

use anyhow::{bail, Context};
use nix::unistd::{getegid, geteuid, setgid, setgroups, setuid, Gid, Uid};

/// `uid:gid`, numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunAs {
    pub uid: u32,
    pub gid: u32,
}

impl RunAs {
    pub fn parse(spec: &str) -> anyhow::Result<Self> {
        let (u, g) = spec.trim().split_once(':').context("--run-as: expected uid:gid")?;
        let uid = u.parse().with_context(|| format!("--run-as: {u:?} is not a user id"))?;
        let gid = g.parse().with_context(|| format!("--run-as: {g:?} is not a group id"))?;
        if uid == 0 {
            bail!("--run-as: uid 0 is root, which is what it drops");
        }
        Ok(Self { uid, gid })
    }
}

/// Becomes `to` if running as root (its only group `to.gid`); does nothing otherwise and
/// says so. Checks that root cannot be regained. Call after binding, before any file is
/// opened. (glibc and musl apply set*id to every thread of the process.)
pub fn drop_root(to: RunAs) -> anyhow::Result<bool> {
    if !geteuid().is_root() {
        return Ok(false);
    }
    let (uid, gid) = (Uid::from_raw(to.uid), Gid::from_raw(to.gid));
    setgroups(&[gid]).context("setgroups")?;
    setgid(gid).with_context(|| format!("setgid({gid})"))?;
    setuid(uid).with_context(|| format!("setuid({uid})"))?;
    if setuid(Uid::from_raw(0)).is_ok() || geteuid().is_root() || getegid() != gid {
        bail!("root could be regained after dropping it");
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_as_is_two_numbers_and_never_root() {
        assert_eq!(RunAs::parse("10001:10001").unwrap(), RunAs { uid: 10001, gid: 10001 });
        for bad in ["", "10001", "xpanel:xpanel", "0:0", "1:-1"] {
            assert!(RunAs::parse(bad).is_err(), "{bad}");
        }
    }
}
