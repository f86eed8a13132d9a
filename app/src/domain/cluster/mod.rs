//! A new cluster as the creation wizard describes it, and the rules that make it valid.
//!
//! The wizard checks each step with [`ClusterDraft::problems`] as the user goes; the
//! server runs [`ClusterDraft::validate`] again at submit, and only its answer counts.
//! Field names, defaults and bounds follow XPanel's create-cluster dialog and what
//! cluster_mgr's `create_cluster.cc` accepts (../shared/klustron/xpanel-features.md §2),
//! with XPanel's quirks fixed: replicas may be 1 or 2 (with a warning), every collected
//! field is sent, and the compute-node password is required rather than defaulted.

use super::field::{clip, number_in, FieldError};
use crate::i18n::*;
use crate::lang::fill;
use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;

/// The wizard's four steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum WizardStep {
    Basics,
    Topology,
    Resources,
    Review,
}

impl WizardStep {
    pub const ALL: [WizardStep; 4] =
        [WizardStep::Basics, WizardStep::Topology, WizardStep::Resources, WizardStep::Review];

    pub fn number(self) -> usize {
        self as usize + 1
    }
    pub fn label(self, l: Locale) -> &'static str {
        match self {
            WizardStep::Basics => td_string!(l, wizard_step.basics),
            WizardStep::Topology => td_string!(l, common.topology),
            WizardStep::Resources => td_string!(l, wizard_step.resources),
            WizardStep::Review => td_string!(l, wizard_step.review),
        }
    }
    /// The step a field is entered on, to send the user back to it.
    pub fn of_field(field: &str) -> WizardStep {
        match field {
            "nick_name" | "ha_mode" | "install_proxysql" => WizardStep::Basics,
            "shards" | "replicas" | "comps" | "storage_hosts" | "compute_hosts" => {
                WizardStep::Topology
            }
            "" => WizardStep::Review,
            _ => WizardStep::Resources,
        }
    }
}

/// The draft as the browser keeps it (and stores across reloads): every value as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClusterDraft {
    pub nick_name: String,
    pub ha_mode: String,
    pub install_proxysql: bool,
    pub shards: String,
    pub replicas: String,
    pub comps: String,
    /// Chosen storage machines (host addresses); empty lets cluster_mgr choose.
    pub storage_hosts: Vec<String>,
    pub compute_hosts: Vec<String>,
    pub innodb_mb: String,
    pub fullsync_level: String,
    pub degrade: bool,
    pub degrade_secs: String,
    pub data_storage_mb: String,
    pub log_storage_mb: String,
    pub max_storage_gb: String,
    pub max_connections: String,
    pub cpu_cores: String,
    pub cpu_limit_mode: String,
    pub computer_user: String,
    pub computer_password: String,
}

impl Default for ClusterDraft {
    /// XPanel's defaults, except `max_connections` (XPanel's 6 is a typo for a real
    /// value) and the password, which the user must choose.
    fn default() -> Self {
        Self {
            nick_name: String::new(),
            ha_mode: "rbr".into(),
            install_proxysql: false,
            shards: "1".into(),
            replicas: "3".into(),
            comps: "1".into(),
            storage_hosts: vec![],
            compute_hosts: vec![],
            innodb_mb: "1024".into(),
            fullsync_level: "1".into(),
            degrade: false,
            degrade_secs: "25".into(),
            data_storage_mb: "1024".into(),
            log_storage_mb: "1024".into(),
            max_storage_gb: "20".into(),
            max_connections: "1000".into(),
            cpu_cores: "8".into(),
            cpu_limit_mode: "quota".into(),
            computer_user: "kunlun".into(),
            computer_password: String::new(),
        }
    }
}

pub use klustron_vocab::HaMode;

/// What an HA mode means, for the form.
pub fn ha_mode_label(l: Locale, mode: HaMode) -> &'static str {
    match mode {
        HaMode::Rbr => td_string!(l, ha_mode.rbr),
        HaMode::Mgr => td_string!(l, ha_mode.mgr),
        HaMode::NoRep => td_string!(l, ha_mode.no_rep),
    }
}

pub const MAX_COUNT: u32 = 256;
pub const MAX_NICK: usize = 64;
pub const MAX_INNODB_MB: u32 = 16 * 1024 * 1024;
pub const MAX_STORAGE_MB: u32 = 64 * 1024 * 1024;
pub const MAX_STORAGE_GB: u32 = 64 * 1024;
pub const MAX_CONNECTIONS: u32 = 100_000;
pub const MAX_CPU_CORES: u32 = 1024;
/// Hosts a request may name in all. cluster_mgr copies a request into a 4096-byte
/// buffer (`GenerateRequestUniqueId`); 150 IPv4 addresses keep a create_cluster body
/// under 3.5 KiB (`klustron::protocol::MAX_REQUEST_BYTES`).
pub const MAX_HOSTS: usize = 150;
/// cluster_mgr stores the compute password in `comp_nodes.passwd varchar(16)`.
pub const MAX_COMP_PASSWORD: usize = 16;

/// A cluster that passed every rule: typed values, ready to become `create_cluster`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidCluster {
    pub nick_name: String,
    pub ha_mode: HaMode,
    pub install_proxysql: bool,
    pub shards: u16,
    pub replicas: u16,
    pub comps: u16,
    pub storage_hosts: Vec<String>,
    pub compute_hosts: Vec<String>,
    pub innodb_mb: u32,
    pub fullsync_level: u16,
    pub degrade: bool,
    pub degrade_secs: u32,
    pub data_storage_mb: u32,
    pub log_storage_mb: u32,
    pub max_storage_gb: u32,
    pub max_connections: u32,
    pub cpu_cores: u32,
    pub cpu_limit_mode: String,
    pub computer_user: String,
    pub computer_password: String,
}

impl ValidCluster {
    /// What a DBA may mean but should see before submitting.
    pub fn warnings(&self, l: Locale) -> Vec<String> {
        replica_warning(l, u32::from(self.replicas), self.ha_mode).into_iter().collect()
    }
}

/// Fewer than 3 replicas: allowed, but a shard cannot fail over safely.
fn replica_warning(l: Locale, replicas: u32, ha_mode: HaMode) -> Option<String> {
    (replicas < 3 && ha_mode.replicates())
        .then(|| fill!(td_string!(l, cluster_rules.few_replicas), n = replicas))
}

impl ClusterDraft {
    /// Every problem on the given step (or on all steps up to it).
    pub fn problems_up_to(&self, l: Locale, step: WizardStep) -> Vec<FieldError> {
        match self.validate(l) {
            Ok(_) => vec![],
            Err(errors) => {
                errors.into_iter().filter(|e| WizardStep::of_field(e.field) <= step).collect()
            }
        }
    }

    /// Warnings that do not block, as soon as the fields they depend on are valid.
    pub fn warnings(&self, l: Locale) -> Vec<String> {
        number_in(l, &self.replicas, 1, MAX_COUNT, "")
            .ok()
            .and_then(|r| replica_warning(l, r, HaMode::parse(&self.ha_mode)?))
            .into_iter()
            .collect()
    }

    /// Checks every field; returns all problems, not just the first.
    pub fn validate(&self, l: Locale) -> Result<ValidCluster, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut check = |field: &'static str, r: Result<u32, String>| match r {
            Ok(v) => Some(v),
            Err(message) => {
                errors.push(FieldError { field, message });
                None
            }
        };
        let shards = check("shards", number_in(l, &self.shards, 1, MAX_COUNT, ""));
        let replicas = check("replicas", number_in(l, &self.replicas, 1, MAX_COUNT, ""));
        let comps = check("comps", number_in(l, &self.comps, 1, MAX_COUNT, ""));
        let innodb = check("innodb_mb", number_in(l, &self.innodb_mb, 1, MAX_INNODB_MB, "MB"));
        let fullsync =
            check("fullsync_level", number_in(l, &self.fullsync_level, 0, MAX_COUNT - 1, ""));
        let degrade_secs = if self.degrade {
            check("degrade_secs", number_in(l, &self.degrade_secs, 5, 500, "s"))
        } else {
            // Not used while degrade is off; XPanel's default is sent.
            Some(number_in(l, &self.degrade_secs, 5, 500, "s").unwrap_or(25))
        };
        let data_mb =
            check("data_storage_mb", number_in(l, &self.data_storage_mb, 1, MAX_STORAGE_MB, "MB"));
        let log_mb =
            check("log_storage_mb", number_in(l, &self.log_storage_mb, 1, MAX_STORAGE_MB, "MB"));
        let max_gb =
            check("max_storage_gb", number_in(l, &self.max_storage_gb, 1, MAX_STORAGE_GB, "GB"));
        let max_conns =
            check("max_connections", number_in(l, &self.max_connections, 1, MAX_CONNECTIONS, ""));
        let cores = check("cpu_cores", number_in(l, &self.cpu_cores, 1, MAX_CPU_CORES, ""));

        let mut bad = |field: &'static str, message: String| {
            errors.push(FieldError { field, message });
        };
        let nick = self.nick_name.trim();
        if nick.is_empty() {
            bad("nick_name", td_string!(l, cluster_rules.nick_required).into());
        } else if nick.chars().count() > MAX_NICK || nick.chars().any(char::is_control) {
            bad("nick_name", fill!(td_string!(l, cluster_rules.nick_too_long), max = MAX_NICK));
        } else if nick.contains(['\'', '"', '\\', '`', '<', '>']) {
            bad("nick_name", td_string!(l, cluster_rules.nick_chars).into());
        }
        let ha = HaMode::parse(&self.ha_mode);
        if ha.is_none() {
            bad("ha_mode", td_string!(l, cluster_rules.ha_required).into());
        }
        if let Some(s) = shards {
            if self.install_proxysql && s != 1 {
                bad("shards", fill!(td_string!(l, cluster_rules.proxysql_one_shard), n = s));
            }
        }
        if let Some(r) = replicas {
            if ha == Some(HaMode::NoRep) && r != 1 {
                bad("replicas", fill!(td_string!(l, cluster_rules.no_rep_one_node), n = r));
            }
            if let Some(f) = fullsync {
                if f >= r {
                    bad(
                        "fullsync_level",
                        fill!(td_string!(l, cluster_rules.fullsync_below_replicas), f = f, r = r),
                    );
                }
            }
        }
        let storage_hosts = hosts(l, "storage_hosts", &self.storage_hosts, &mut bad);
        let compute_hosts = hosts(l, "compute_hosts", &self.compute_hosts, &mut bad);
        if storage_hosts.len() + compute_hosts.len() > MAX_HOSTS {
            bad(
                "storage_hosts",
                fill!(td_string!(l, cluster_rules.too_many_hosts), max = MAX_HOSTS),
            );
        }
        if !["quota", "share"].contains(&self.cpu_limit_mode.as_str()) {
            bad("cpu_limit_mode", td_string!(l, cluster_rules.cpu_mode_required).into());
        }
        let user = self.computer_user.trim();
        let user_ok = user.len() <= 32
            && user.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && user.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !user_ok {
            bad("computer_user", td_string!(l, cluster_rules.user_shape).into());
        }
        let pw = &self.computer_password;
        if pw.chars().count() < 8 || pw.chars().count() > MAX_COMP_PASSWORD {
            bad("computer_password", td_string!(l, cluster_rules.password_length).into());
        } else if !pw.chars().all(|c| c.is_ascii_graphic() && !"'\"\\`".contains(c)) {
            bad("computer_password", td_string!(l, cluster_rules.password_chars).into());
        }

        match (
            ha,
            shards,
            replicas,
            comps,
            innodb,
            fullsync,
            degrade_secs,
            data_mb,
            log_mb,
            max_gb,
            max_conns,
            cores,
        ) {
            (
                Some(ha_mode),
                Some(shards),
                Some(replicas),
                Some(comps),
                Some(innodb_mb),
                Some(fullsync),
                Some(degrade_secs),
                Some(data_storage_mb),
                Some(log_storage_mb),
                Some(max_storage_gb),
                Some(max_connections),
                Some(cpu_cores),
            ) if errors.is_empty() => Ok(ValidCluster {
                nick_name: nick.to_owned(),
                ha_mode,
                install_proxysql: self.install_proxysql,
                shards: shards as u16,
                replicas: replicas as u16,
                comps: comps as u16,
                storage_hosts,
                compute_hosts,
                innodb_mb,
                fullsync_level: fullsync as u16,
                degrade: self.degrade,
                degrade_secs,
                data_storage_mb,
                log_storage_mb,
                max_storage_gb,
                max_connections,
                cpu_cores,
                cpu_limit_mode: self.cpu_limit_mode.clone(),
                computer_user: user.to_owned(),
                computer_password: pw.clone(),
            }),
            _ => Err(errors),
        }
    }
}

/// Host addresses, canonical and without repeats, or what is wrong with them.
pub fn host_list(l: Locale, raw: &[String]) -> Result<Vec<String>, String> {
    if raw.len() > MAX_HOSTS {
        return Err(fill!(td_string!(l, cluster_rules.too_many_hosts), max = MAX_HOSTS));
    }
    let mut out: Vec<String> = Vec::with_capacity(raw.len());
    for h in raw {
        match h.trim().parse::<Ipv4Addr>() {
            Ok(ip) if !out.contains(&ip.to_string()) => out.push(ip.to_string()),
            Ok(_) => {}
            Err(_) => return Err(fill!(td_string!(l, cluster_rules.not_ip), value = clip(h))),
        }
    }
    Ok(out)
}

fn hosts(
    l: Locale,
    field: &'static str,
    raw: &[String],
    bad: &mut impl FnMut(&'static str, String),
) -> Vec<String> {
    host_list(l, raw).unwrap_or_else(|m| {
        bad(field, m);
        vec![]
    })
}

#[cfg(test)]
mod tests;
