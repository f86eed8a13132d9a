//! Passwords that cluster_mgr writes in clear, and their removal.
//!
//! cluster_mgr keeps the compute nodes' password in the memos it writes: `computer_pwd`
//! in the memos of create_cluster, add_comps, add_nodes and delete_node
//! (`CreateClusterMission::UpdateMetaAndOperationStat`,
//! `AddComputerMission::UpdateMetaAndOperationStat`, `AddNodeMission` and
//! `DeleteNodeMission::UpdateOperationRecord`), `computer_passwd` in `db_clusters.memo`
//! (`CreateClusterMission::PostCreateCluster`), and the request's `computer_password` in
//! `cluster_general_job_log.job_info` (`HttpServiceImpl::GenerateRequestUniqueId` stores
//! the whole request). Everything the console reads from there passes through here
//! before it is shown, stored or logged.

use serde_json::Value;

/// What replaces a secret.
pub const REDACTED: &str = "***";

/// Whether a JSON key names a secret: any key with `pwd`, `passwd` or `password` in it,
/// whatever the case (cluster_mgr uses all three spellings).
pub fn is_secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.contains("pwd") || k.contains("passwd") || k.contains("password")
}

/// Replaces the value of every secret key, at any depth, with [`REDACTED`].
pub fn scrub(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, val) in m.iter_mut() {
                if is_secret_key(k) {
                    *val = Value::String(REDACTED.into());
                } else {
                    scrub(val);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(scrub),
        _ => {}
    }
}

/// [`scrub`] for text that should hold JSON (a memo, a `job_info`). Text that does not
/// parse is scrubbed by shape: the value after any `"…pwd…":`, `"…passwd…":` or
/// `"…password…":` is replaced, so a truncated or broken memo leaks nothing either.
pub fn scrub_text(text: &str) -> String {
    if let Ok(mut v) = serde_json::from_str::<Value>(text) {
        scrub(&mut v);
        return v.to_string();
    }
    scrub_broken_json(text)
}

fn scrub_broken_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('"') {
        out.push_str(&rest[..=start]);
        rest = &rest[start + 1..];
        let Some(end) = rest.find('"') else { break };
        let key = &rest[..end];
        out.push_str(&rest[..=end]);
        rest = &rest[end + 1..];
        let after = rest.trim_start();
        if is_secret_key(key) && after.starts_with(':') {
            out.push_str(&rest[..rest.len() - after.len()]);
            out.push(':');
            let value = after[1..].trim_start();
            out.push_str(&format!("\"{REDACTED}\""));
            rest = skip_json_value(value);
        }
    }
    out.push_str(rest);
    out
}

/// What follows one JSON scalar at the start of `s` (a string, possibly unterminated,
/// or a bare word up to `,` or `}`).
fn skip_json_value(s: &str) -> &str {
    if let Some(body) = s.strip_prefix('"') {
        let mut escaped = false;
        for (i, c) in body.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => return &body[i + 1..],
                _ => escaped = false,
            }
        }
        ""
    } else {
        let end = s.find([',', '}', ']']).unwrap_or(s.len());
        &s[end..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_spelling_cluster_mgr_uses_is_removed_at_any_depth() {
        let mut v = json!({"computer_user": "abc", "computer_pwd": "Secr3t!x",
            "paras": {"computer_password": "Secr3t!x"},
            "computer_step": [{"computer_pwd": "Secr3t!x", "computer_hosts": "h_1;"}],
            "computer_passwd": "Secr3t!x"});
        scrub(&mut v);
        let text = v.to_string();
        assert!(!text.contains("Secr3t"), "{text}");
        assert_eq!(v["computer_user"], "abc");
        assert_eq!(v["computer_step"][0]["computer_hosts"], "h_1;");
    }

    #[test]
    fn text_that_is_not_json_is_scrubbed_by_shape() {
        let cut = r#"{"computer_user":"abc","computer_pwd":"Secr3t!x","cluster_id":"4","computer_passwd":"Sec\"r3t"#;
        let s = scrub_text(cut);
        assert!(!s.contains("Secr3t") && !s.contains("r3t"), "{s}");
        assert!(s.contains(r#""cluster_id":"4""#), "{s}");
        assert_eq!(scrub_text(r#"{"a":"1"}"#), r#"{"a":"1"}"#);
        assert_eq!(scrub_text("plain words"), "plain words");
    }
}
