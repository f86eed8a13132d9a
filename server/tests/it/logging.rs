//! The real `xpanel` binary logs one JSON object per line when told to, text otherwise.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// The first line the binary logs at start-up with this log format.
fn first_log_line(format: &str) -> String {
    let data = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_xpanel"))
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
    child.kill().unwrap();
    child.wait().unwrap();
    line
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
