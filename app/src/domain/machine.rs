//! A machine as the add/edit form describes it, and the rules that make it valid.
//!
//! Shared by both builds: the browser shows the same messages the server decides with.
//! Every field is checked, and every problem is reported against its field, in English
//! and Chinese.

pub use super::field::FieldError;
use super::field::{clip, digits};
use crate::i18n::*;
use crate::lang::fill;
use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;

pub use klustron_vocab::MachineType;

/// The name XPanel gives a machine type.
pub fn machine_type_label(l: Locale, t: MachineType) -> &'static str {
    match t {
        MachineType::Storage => td_string!(l, common.storage),
        MachineType::Computer => td_string!(l, common.compute),
    }
}

/// A machine's address as the browser sends it (the form, the delete and node-view
/// calls). IPv4 only: cluster_mgr's address checks are AF_INET only (`ValidNetWorkAddr`)
/// and it writes `host:port` without brackets.
pub fn parse_host(l: Locale, raw: &str) -> Result<Ipv4Addr, String> {
    let host = raw.trim();
    match host.parse::<Ipv4Addr>() {
        Ok(ip) => Ok(ip),
        Err(_) if host.is_empty() => Err(td_string!(l, machine.ip_required).into()),
        Err(_) => Err(fill!(td_string!(l, machine.ip_invalid), value = clip(host))),
    }
}

/// A machine type as the browser sends it.
pub fn parse_kind(l: Locale, raw: &str) -> Result<MachineType, String> {
    MachineType::parse(raw.trim()).ok_or_else(|| td_string!(l, machine.type_required).into())
}

/// cluster_mgr deletes a machine only when none of its ports is in use (`used_port`
/// empty; `MachineRequest::DeleteMachine` fails the job with 70064 otherwise). The page
/// says so before anything is sent, the server function refuses with the same words.
pub fn check_delete(l: Locale, host: &str, ports_in_use: usize) -> Result<(), String> {
    if ports_in_use == 0 {
        Ok(())
    } else {
        Err(fill!(td_string!(l, machine.in_use), host = host, count = ports_in_use))
    }
}

/// The form as the browser sends it: every value a string, nothing trusted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MachineForm {
    pub hostaddr: String,
    pub machine_type: String,
    pub port_start: String,
    pub port_end: String,
    pub datadir: String,
    pub logdir: String,
    pub wal_log_dir: String,
    pub comp_datadir: String,
    pub total_mem: String,
    pub total_cpu_cores: String,
    pub rack_id: String,
}

/// A machine that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidMachine {
    /// Canonical text of the address (`::1`, not `0:0::1`).
    pub hostaddr: String,
    pub kind: MachineType,
    pub ports: (u16, u16),
    pub datadir: String,
    pub logdir: String,
    pub wal_log_dir: String,
    pub comp_datadir: String,
    pub total_mem_mb: u32,
    pub total_cpu_cores: u32,
    pub rack_id: String,
}

pub const MIN_PORT: u16 = 1024;
pub const MAX_MEM_MB: u32 = 64 * 1024 * 1024; // 64 TiB
pub const MAX_CORES: u32 = 4096;
const MAX_PATH_LIST: usize = 4096;
const MAX_PATH: usize = 1024;
const MAX_RACK: usize = 64;

impl MachineForm {
    /// Checks every field; returns all problems, not just the first.
    pub fn validate(&self, l: Locale) -> Result<ValidMachine, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut bad =
            |field: &'static str, message: String| errors.push(FieldError { field, message });

        let hostaddr = match parse_host(l, &self.hostaddr) {
            Ok(ip) => Some(ip.to_string()),
            Err(m) => {
                bad("hostaddr", m);
                None
            }
        };
        let kind = match parse_kind(l, &self.machine_type) {
            Ok(k) => Some(k),
            Err(m) => {
                bad("machine_type", m);
                None
            }
        };
        let start = port(l, "port_start", &self.port_start, &mut bad);
        let end = port(l, "port_end", &self.port_end, &mut bad);
        if let (Some(s), Some(e)) = (start, end) {
            if s >= e {
                bad("port_end", fill!(td_string!(l, machine.port_order), start = s));
            }
        }
        let (mut datadir, mut logdir, mut wal, mut comp) = (None, None, None, None);
        match kind {
            Some(MachineType::Storage) => {
                datadir = dirs(l, "datadir", &self.datadir, &mut bad);
                logdir = dirs(l, "logdir", &self.logdir, &mut bad);
                wal = dirs(l, "wal_log_dir", &self.wal_log_dir, &mut bad);
            }
            Some(MachineType::Computer) => {
                comp = dirs(l, "comp_datadir", &self.comp_datadir, &mut bad)
            }
            None => {}
        }
        let mem = positive(l, "total_mem", &self.total_mem, MAX_MEM_MB, "MB", &mut bad);
        let cores = positive(l, "total_cpu_cores", &self.total_cpu_cores, MAX_CORES, "", &mut bad);
        let rack = self.rack_id.trim();
        let rack_id = if rack.is_empty() {
            Some("0".to_owned())
        } else if rack.len() > MAX_RACK
            || !rack.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            bad("rack_id", fill!(td_string!(l, machine.rack_invalid), max = MAX_RACK));
            None
        } else {
            Some(rack.to_owned())
        };

        match (hostaddr, kind, start, end, mem, cores, rack_id) {
            (
                Some(hostaddr),
                Some(kind),
                Some(s),
                Some(e),
                Some(mem),
                Some(cores),
                Some(rack_id),
            ) if errors.is_empty() => Ok(ValidMachine {
                hostaddr,
                kind,
                ports: (s, e),
                datadir: datadir.unwrap_or_default(),
                logdir: logdir.unwrap_or_default(),
                wal_log_dir: wal.unwrap_or_default(),
                comp_datadir: comp.unwrap_or_default(),
                total_mem_mb: mem,
                total_cpu_cores: cores,
                rack_id,
            }),
            _ => Err(errors),
        }
    }
}

fn port(
    l: Locale,
    field: &'static str,
    raw: &str,
    bad: &mut impl FnMut(&'static str, String),
) -> Option<u16> {
    let raw = raw.trim();
    match digits(raw).and_then(|v| u16::try_from(v).ok()) {
        Some(p) if p >= MIN_PORT => Some(p),
        _ if raw.is_empty() => {
            bad(field, td_string!(l, machine.port_required).into());
            None
        }
        _ => {
            bad(field, fill!(td_string!(l, machine.port_range), min = MIN_PORT));
            None
        }
    }
}

fn positive(
    l: Locale,
    field: &'static str,
    raw: &str,
    max: u32,
    unit: &str,
    bad: &mut impl FnMut(&'static str, String),
) -> Option<u32> {
    let raw = raw.trim();
    match digits(raw) {
        Some(v) if v >= 1 && v <= u64::from(max) => Some(v as u32),
        _ if raw.is_empty() => {
            bad(field, td_string!(l, field.required).into());
            None
        }
        _ => {
            bad(field, super::field::range_message(l, 1, max, unit));
            None
        }
    }
}

/// A `;`-separated list of absolute paths. Paths reach shell scripts on the machines, so
/// only a safe character set is allowed and `..` never.
fn dirs(
    l: Locale,
    field: &'static str,
    raw: &str,
    bad: &mut impl FnMut(&'static str, String),
) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() {
        bad(field, td_string!(l, machine.dirs_required).into());
        return None;
    }
    if raw.len() > MAX_PATH_LIST {
        bad(field, fill!(td_string!(l, machine.dirs_too_long), max = MAX_PATH_LIST));
        return None;
    }
    let mut out = Vec::new();
    for path in raw.split(';').map(str::trim) {
        let problem = if path.is_empty() {
            Some(td_string!(l, machine.dir_empty_entry).to_owned())
        } else if !path.starts_with('/') {
            Some(fill!(td_string!(l, machine.dir_not_absolute), path = clip(path)))
        } else if path.len() > MAX_PATH {
            Some(fill!(td_string!(l, machine.dir_too_long), max = MAX_PATH))
        } else if path.split('/').any(|c| c == "..") {
            Some(td_string!(l, machine.dir_dotdot).to_owned())
        } else {
            path.chars()
                .find(|c| !(c.is_ascii_alphanumeric() || "/._-+@".contains(*c)))
                .map(|c| fill!(td_string!(l, machine.dir_bad_char), c = format!("{c:?}")))
        };
        if let Some(p) = problem {
            bad(field, p);
            return None;
        }
        let trimmed = path.trim_end_matches('/');
        out.push(if trimmed.is_empty() { "/".to_owned() } else { trimmed.to_owned() });
    }
    Some(out.join(";"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn storage() -> MachineForm {
        MachineForm {
            hostaddr: "10.0.0.11".into(),
            machine_type: "storage".into(),
            port_start: "57000".into(),
            port_end: "58000".into(),
            datadir: "/data1;/data2".into(),
            logdir: "/log".into(),
            wal_log_dir: "/wal".into(),
            comp_datadir: String::new(),
            total_mem: "65536".into(),
            total_cpu_cores: "16".into(),
            rack_id: String::new(),
        }
    }

    fn field_errors(f: &MachineForm) -> Vec<&'static str> {
        f.validate(Locale::en).err().unwrap_or_default().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_good_storage_machine_passes_and_is_normalised() {
        let v = storage().validate(Locale::en).unwrap();
        assert_eq!(v.kind, MachineType::Storage);
        assert_eq!(v.ports, (57000, 58000));
        assert_eq!(v.datadir, "/data1;/data2");
        assert_eq!(v.rack_id, "0");
        let mut f = storage();
        f.hostaddr = " 010.0.0.1 ".into();
        assert!(f.validate(Locale::en).is_err(), "no octal-looking forms");
        f.hostaddr = " 10.0.0.1 ".into();
        assert_eq!(f.validate(Locale::en).unwrap().hostaddr, "10.0.0.1");
        f.hostaddr = "fe80::1".into();
        assert!(f.validate(Locale::en).is_err(), "cluster_mgr takes IPv4 only");
    }

    #[test]
    fn every_field_has_its_own_message() {
        type Change = fn(&mut MachineForm);
        let cases: &[(&str, Change)] = &[
            ("hostaddr", |f| f.hostaddr = "10.0.0.256".into()),
            ("hostaddr", |f| f.hostaddr = "host.example".into()),
            ("hostaddr", |f| f.hostaddr = "".into()),
            ("hostaddr", |f| f.hostaddr = "<script>alert(1)</script>".into()),
            ("machine_type", |f| f.machine_type = "both".into()),
            ("port_start", |f| f.port_start = "80".into()),
            ("port_start", |f| f.port_start = "-1".into()),
            ("port_start", |f| f.port_start = "1e4".into()),
            ("port_end", |f| f.port_end = "70000".into()),
            ("port_end", |f| f.port_end = "56999".into()),
            ("port_end", |f| f.port_end = "57000".into()),
            ("datadir", |f| f.datadir = "data".into()),
            ("datadir", |f| f.datadir = "/data/../etc".into()),
            ("datadir", |f| f.datadir = "/data;rm -rf /".into()),
            ("datadir", |f| f.datadir = "/data/$(reboot)".into()),
            ("datadir", |f| f.datadir = "/a;;/b".into()),
            ("datadir", |f| f.datadir = format!("/{}", "a".repeat(5000))),
            ("logdir", |f| f.logdir = "".into()),
            ("wal_log_dir", |f| f.wal_log_dir = "/wal`id`".into()),
            ("total_mem", |f| f.total_mem = "0".into()),
            ("total_mem", |f| f.total_mem = "-5".into()),
            ("total_mem", |f| f.total_mem = "99999999999".into()),
            ("total_mem", |f| f.total_mem = "1.5".into()),
            ("total_cpu_cores", |f| f.total_cpu_cores = "".into()),
            ("total_cpu_cores", |f| f.total_cpu_cores = "5000".into()),
            ("rack_id", |f| f.rack_id = "r 1".into()),
            ("rack_id", |f| f.rack_id = "x".repeat(65)),
        ];
        for (field, change) in cases {
            let mut f = storage();
            change(&mut f);
            assert_eq!(field_errors(&f), vec![*field], "{f:?}");
        }
    }

    #[test]
    fn compute_machines_need_only_the_compute_directory() {
        let mut f = storage();
        f.machine_type = "computer".into();
        assert_eq!(field_errors(&f), vec!["comp_datadir"]);
        f.comp_datadir = "/kunlun/server".into();
        f.datadir = "relative-but-ignored".into();
        let v = f.validate(Locale::en).unwrap();
        assert_eq!((v.comp_datadir.as_str(), v.datadir.as_str()), ("/kunlun/server", ""));
    }

    #[test]
    fn all_problems_are_reported_at_once() {
        let f = MachineForm::default();
        let fields = field_errors(&f);
        for want in
            ["hostaddr", "machine_type", "port_start", "port_end", "total_mem", "total_cpu_cores"]
        {
            assert!(fields.contains(&want), "{want} missing from {fields:?}");
        }
    }
}
