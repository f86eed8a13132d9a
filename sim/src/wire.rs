//! The bytes cluster_mgr answers with (`http_server/http_server.cc`).
//!
//! Replies are written by jsoncpp's `FastWriter`: compact, object keys in sorted order
//! (a `Json::Value` object is a `std::map`), and a newline; the handler appends a second
//! one (`info_buffer << Make…Body(…) << '\n'`). Memos are written by the same writer
//! with `omitEndingLineFeed`.

use serde_json::{json, Map, Value};

/// `value` as jsoncpp's `FastWriter` writes it (no trailing newline).
pub fn to_jsoncpp(value: &Value) -> String {
    let mut out = String::new();
    write(value, &mut out);
    out
}

fn write(v: &Value, out: &mut String) {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write(&m[k], out);
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(x, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// A reply body: the object, FastWriter's newline and the handler's.
pub fn body(v: &Value) -> String {
    format!("{}\n\n", to_jsoncpp(v))
}

/// `MakeAcceptInstantResponseBody`: the job is queued.
pub fn accept(job_id: i64) -> String {
    body(&json!({"attachment": null, "error_code": "0", "error_info": "", "status": "accept",
                 "job_id": job_id.to_string(), "version": "1.0"}))
}

/// `MakeErrorInstantResponseBody`: refused before any job existed (no `job_id` key).
pub fn refusal(code: i64, text: &str) -> String {
    body(&json!({"attachment": null, "error_code": code.to_string(), "error_info": text,
                 "status": "failed", "version": "1.0"}))
}

/// `MakeSyncOkResponseBody` over the attachment `SyncMission::GetStatus` stored, or
/// `None` when it stored none (no such job, or its memo is NULL or not JSON).
pub fn sync_ok(attachment: Option<Map<String, Value>>) -> String {
    let had_attachment = attachment.is_some();
    let mut att = attachment.unwrap_or_default();
    let mut take = |k: &str, default: &str| match att.remove(k) {
        Some(v) => as_string(&v),
        None => default.to_owned(),
    };
    let error_code = take("error_code", "70001");
    let error_info = take("error_info", "");
    let status = take("status", "failed");
    let job_id = take("job_id", "");
    let job_type = take("job_type", "");
    let attachment = if had_attachment { Value::Object(att) } else { Value::Null };
    body(&json!({"attachment": attachment, "error_code": error_code, "error_info": error_info,
                 "job_id": job_id, "job_type": job_type, "status": status, "version": "1.0"}))
}

/// jsoncpp's `asString()`: strings as they are, numbers and booleans printed.
pub fn as_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_are_cluster_mgrs_bytes() {
        assert_eq!(
            accept(17),
            "{\"attachment\":null,\"error_code\":\"0\",\"error_info\":\"\",\"job_id\":\"17\",\"status\":\"accept\",\"version\":\"1.0\"}\n\n"
        );
        assert_eq!(
            sync_ok(None),
            "{\"attachment\":null,\"error_code\":\"70001\",\"error_info\":\"\",\"job_id\":\"\",\"job_type\":\"\",\"status\":\"failed\",\"version\":\"1.0\"}\n\n"
        );
        let memo = json!({"error_code": 0, "error_info": "OK", "status": "done"});
        assert_eq!(
            sync_ok(memo.as_object().cloned()),
            "{\"attachment\":{},\"error_code\":\"0\",\"error_info\":\"OK\",\"job_id\":\"\",\"job_type\":\"\",\"status\":\"done\",\"version\":\"1.0\"}\n\n"
        );
        assert!(!refusal(70001, "Unrecongnized job type").contains("job_id"));
    }
}
