//! The real `xpanel` binary logs one JSON object per line when told to, text otherwise.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// The first line the binary logs at start-up with this log format.
fn first_log_line(format: &str) -> String {
    started(format, Vec::new()).0
}

/// Starts the binary with this log format and extra environment; its first log line and
/// its environment once it runs (read from /proc, so after any restart of itself).
fn started(format: &str, env: Vec<(&str, &str)>) -> (String, String) {
    let data = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_xpanel"))
        .envs(env)
        .args(["--listen", "127.0.0.1:0", "--log-format", format])
        .arg("--data-dir")
        .arg(data.path())
        .env("RUST_LOG", "info")
        .env_remove("METASEEDS")
        .stdout(Stdio::piped())
        .spawn()
        .expect("xpanel starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let environ = std::fs::read(format!("/proc/{}/environ", child.id())).unwrap_or_default();
    child.kill().unwrap();
    child.wait().unwrap();
    (line, String::from_utf8_lossy(&environ).replace('\0', "\n"))
}

/// Issue #18 P4: on glibc the server runs with a fixed mmap threshold (server/src/malloc.rs),
/// restarted once into it, with the operator's other tunables kept; and a restarted server
/// whose tunables were dropped (a program with file capabilities) does not restart again.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn the_server_runs_with_large_blocks_returned_to_the_system() {
    let (line, env) = started("text", vec![("GLIBC_TUNABLES", "glibc.malloc.arena_max=4")]);
    assert!(line.contains("initial account"), "it serves: {line}");
    // Restarted once. (/proc shows GLIBC_TUNABLES as glibc rewrote it at start, without
    // the tunables it took; the operator's own one is still there.)
    assert!(env.lines().any(|l| l == "XPANEL_MALLOC_RESTARTED=1"), "{env}");
    assert!(env.lines().any(|l| l.starts_with("GLIBC_TUNABLES=glibc.malloc.arena_max=4")), "{env}");

    let (line, env) = started("text", vec![("XPANEL_MALLOC_RESTARTED", "1")]);
    assert!(line.contains("initial account"), "it serves: {line}");
    assert!(!env.contains("GLIBC_TUNABLES"), "not restarted again: {env}");
}

#[test]
fn json_logs_are_one_object_per_line() {
    let line = first_log_line("json");
    let v: serde_json::Value = serde_json::from_str(&line).expect(&line);
    // The first thing a fresh console logs: the initial account, its field at the top level.
    assert_eq!(v["level"], "INFO", "{line}");
    assert!(v["message"].as_str().unwrap().contains("initial account"), "{line}");
    assert_eq!(v["user"], "super_dba", "{line}");
    assert_eq!(v["target"], "server::startup", "{line}");
    assert!(v["timestamp"].is_string(), "{line}");
}

#[test]
fn text_logs_are_for_people() {
    let line = first_log_line("text");
    assert!(serde_json::from_str::<serde_json::Value>(&line).is_err(), "{line}");
    assert!(line.contains("INFO") && line.contains("initial account"), "{line}");
    assert!(!line.contains('\u{1b}'), "no colour codes when not on a terminal: {line}");
}
