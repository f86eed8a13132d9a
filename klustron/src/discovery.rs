//! Finding the metadata primary and the cluster_mgr leader, the way cluster_mgr itself
//! finds its metadata (`sys.cc` `System::setup_metadata_shard`): try each metadata seed,
//! read the metadata's replication mode (`global_configuration.meta_ha_mode`), ask who
//! the primary is (`performance_schema.replication_group_members` for `mgr`,
//! `meta_db_nodes.member_state='source'` for `rbr`, the seed itself for `no_rep`), and
//! read the cluster_mgr leader from `cluster_mgr_nodes` there. Done again whenever
//! cluster_mgr stops answering, so a failover needs no restart.

use std::time::Duration;

use tokio::sync::RwLock;

use crate::error::ClientError;
use crate::metadata::model::{HaMode, MemberState};
use crate::metadata::{host_port, MetaDb};

/// Where the metadata lives: `METASEEDS` (`ip:port,ip:port`) with the metadata account,
/// or explicit database URLs (`mysql://…`, `sqlite:…`; the simulator uses the latter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetaSeeds {
    urls: Vec<String>,
}

/// The metadata database as Klustron names it.
pub const METADATA_DB: &str = "kunlun_metadata_db";

impl MetaSeeds {
    /// Parses `METASEEDS`. Each item is `host:port`, `[v6]:port`, or a full URL.
    pub fn parse(seeds: &str, user: &str, password: &str) -> Result<Self, String> {
        let mut urls = Vec::new();
        for item in seeds.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            if item.starts_with("mysql://") || item.starts_with("sqlite:") {
                urls.push(item.to_owned());
                continue;
            }
            let (host, port) = split_host_port(item)
                .ok_or_else(|| format!("metadata seed {item:?} is not host:port"))?;
            urls.push(format!(
                "mysql://{}:{}@{}/{METADATA_DB}",
                encode(user),
                encode(password),
                host_port(host, port)
            ));
        }
        if urls.is_empty() {
            return Err("no metadata seeds given".into());
        }
        Ok(Self { urls })
    }

    pub fn urls(&self) -> &[String] {
        &self.urls
    }
}

/// `10.0.0.1:6001` or `[fe80::1]:6001`. The host must be an IP address or a plain
/// host name, the port 1-65535.
pub fn split_host_port(s: &str) -> Option<(&str, u16)> {
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let (h, p) = rest.split_once("]:")?;
        h.parse::<std::net::Ipv6Addr>().ok()?;
        (h, p)
    } else {
        let (h, p) = s.rsplit_once(':')?;
        let plain =
            !h.is_empty() && h.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
        if !plain {
            return None;
        }
        (h, p)
    };
    let port: u16 = port.parse().ok().filter(|p| *p > 0)?;
    Some((host, port))
}

/// Percent-encodes what may not appear in a URL's userinfo.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The metadata primary, found on demand and found again after a failure.
#[derive(Debug)]
pub struct Metadata {
    seeds: MetaSeeds,
    timeout: Duration,
    current: RwLock<Option<MetaDb>>,
}

impl Metadata {
    pub fn new(seeds: MetaSeeds, timeout: Duration) -> Self {
        Self { seeds, timeout, current: RwLock::new(None) }
    }

    /// A pool on the metadata primary; connects on first use.
    pub async fn db(&self) -> Result<MetaDb, ClientError> {
        if let Some(db) = self.current.read().await.clone() {
            return Ok(db);
        }
        self.rediscover().await
    }

    /// Forgets the current primary and looks for it again through the seeds.
    pub async fn rediscover(&self) -> Result<MetaDb, ClientError> {
        let mut slot = self.current.write().await;
        let mut errors = Vec::new();
        for url in self.seeds.urls() {
            match self.primary_via(url).await {
                Ok(db) => {
                    tracing::info!(metadata = db.url(), "metadata primary found");
                    *slot = Some(db.clone());
                    return Ok(db);
                }
                Err(e) => errors.push(e.to_string()),
            }
        }
        *slot = None;
        Err(ClientError::Metadata(format!("no metadata seed answered: {}", errors.join("; "))))
    }

    async fn primary_via(&self, seed_url: &str) -> Result<MetaDb, ClientError> {
        let seed = MetaDb::connect(seed_url, self.timeout).await?;
        if !seed_url.starts_with("mysql://") {
            return Ok(seed);
        }
        let Some((host, port)) = primary_of(&seed).await? else {
            // A seed without replication info is its own primary (single-node metadata).
            return Ok(seed);
        };
        let primary_addr = host_port(&host, port);
        if seed_url.contains(&format!("@{primary_addr}/")) {
            return Ok(seed);
        }
        let (userinfo, rest) = seed_url["mysql://".len()..].split_once('@').unwrap_or(("", ""));
        let db = rest.split_once('/').map(|(_, d)| d).unwrap_or(METADATA_DB);
        let url = format!("mysql://{userinfo}@{primary_addr}/{db}");
        MetaDb::connect(&url, self.timeout).await
    }

    /// `host:port` of the cluster_mgr leader.
    pub async fn cluster_mgr_leader(&self) -> Result<String, ClientError> {
        let db = self.db().await?;
        let found = match db.cluster_mgr_leader().await {
            Ok(found) => found,
            // The primary may have moved: find it again, once.
            Err(_) => self.rediscover().await?.cluster_mgr_leader().await?,
        };
        found.ok_or_else(|| {
            ClientError::NoLeader("cluster_mgr_nodes has no node with member_state='source'".into())
        })
    }
}

/// The metadata primary as `seed` names it, by the metadata's replication mode. In
/// `mgr` mode the group's view is asked first, as cluster_mgr does; if that view is
/// missing (not a group-replication server, no privilege) `meta_db_nodes` answers.
async fn primary_of(seed: &MetaDb) -> Result<Option<(String, u16)>, ClientError> {
    match seed.meta_ha_mode().await {
        Some(HaMode::NoRep) => return Ok(None),
        Some(HaMode::Mgr) => match seed.group_primary().await {
            Ok(Some(p)) => return Ok(Some(p)),
            Ok(None) => tracing::warn!("mgr metadata: no ONLINE PRIMARY in the group"),
            Err(e) => tracing::warn!(error = %e, "mgr metadata: group view not readable"),
        },
        Some(HaMode::Rbr) | None => {}
    }
    let nodes = seed.meta_db_nodes().await?;
    Ok(nodes
        .into_iter()
        .find(|n| n.member_state == MemberState::Source)
        .map(|n| (n.hostaddr, n.port)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_become_metadata_urls() {
        let s = MetaSeeds::parse("10.0.0.1:6001, [fe80::1]:6002", "pgx", "p@ss:w").unwrap();
        assert_eq!(
            s.urls(),
            [
                "mysql://pgx:p%40ss%3Aw@10.0.0.1:6001/kunlun_metadata_db",
                "mysql://pgx:p%40ss%3Aw@[fe80::1]:6002/kunlun_metadata_db",
            ]
        );
        let s = MetaSeeds::parse("sqlite:/tmp/meta.db", "", "").unwrap();
        assert_eq!(s.urls(), ["sqlite:/tmp/meta.db"]);
    }

    #[test]
    fn bad_seeds_are_refused_with_the_item() {
        for bad in ["", "10.0.0.1", "10.0.0.1:0", "10.0.0.1:99999", "a b:1", "x;rm:1", "[zz]:1"] {
            assert!(MetaSeeds::parse(bad, "u", "p").is_err(), "{bad}");
        }
        assert!(MetaSeeds::parse("meta-1.example:6001", "u", "p").is_ok());
    }
}
