//! The wire format of cluster_mgr's job API: `POST /HttpService/Emit`.
//!
//! Every request carries the same envelope (cluster_mgr `http_server.cc`
//! `ParseBodyToJsonDoc`, XPanel `utils/request.js`). Replies come in three shapes
//! (`http_server.cc`): an accepted submit (`MakeAcceptInstantResponseBody`: `status`
//! `accept` and the new `job_id`), a refusal before any job exists
//! (`MakeErrorInstantResponseBody`: `failed`, no `job_id` key), and a `get_status` answer
//! (`MakeSyncOkResponseBody`), whose attachment is the job's memo and whose `job_id` and
//! `job_type` are always `""` (`sync_mission.cc` `SyncMission::GetStatus` replaces the
//! attachment it had filled with the parsed memo). cluster_mgr is written in C++ with
//! jsoncpp and is loose about types (`error_code` is a string in the envelope and a
//! number inside job memos), so replies are parsed leniently but into typed values.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::ClientError;

/// The path cluster_mgr's brpc HTTP service answers on.
pub const EMIT_PATH: &str = "/HttpService/Emit";
/// The only envelope version cluster_mgr knows (`KUNLUN_JSON_BODY_VERSION`).
pub const VERSION: &str = "1.0";
/// Replies bigger than this are refused unread: a job reply is a few KiB at most.
pub const MAX_REPLY_BYTES: usize = 1 << 20;
/// The largest request body the console sends. cluster_mgr `sprintf`s the whole request
/// into a 4096-byte SQL buffer (`http_server.cc` `GenerateRequestUniqueId`, the
/// `update … set related_id=…, job_info='<body>'` statement); a longer body overflows
/// it. 3.5 KiB leaves room for the statement around the body.
pub const MAX_REQUEST_BYTES: usize = 3584;
/// cluster_mgr's generic failure (`EFAIL`, `error_code.h`): also what `get_status`
/// answers when the job has no memo yet, or does not exist.
pub const EFAIL: i64 = 70001;

/// One request to `/HttpService/Emit`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Envelope {
    pub version: String,
    pub job_id: String,
    pub job_type: String,
    /// Milliseconds since the epoch, as a string (XPanel sends `Date.parse(new Date())`).
    pub timestamp: String,
    pub user_name: String,
    pub paras: Value,
}

/// A job id cluster_mgr handed out: the row id in `cluster_general_job_log`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct JobId(String);

impl JobId {
    /// Job ids are decimal row ids; anything else in a reply is malformed.
    pub fn parse(s: &str) -> Result<Self, ClientError> {
        if !s.is_empty() && s.len() <= 20 && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(s.to_owned()))
        } else {
            Err(ClientError::Malformed(format!("job_id {s:?} is not a number")))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for JobId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// `status` of a reply: `accept` answers a submit; `get_status` answers with the job
/// row's status (`cluster_general_job_log.status`: `not_started`, `ongoing`, `done`,
/// `failed`, meta_inuse.sql).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Queued: poll `get_status` with the returned job id.
    Accept,
    NotStarted,
    Ongoing,
    Done,
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Accept => "accept",
            Status::NotStarted => "not_started",
            Status::Ongoing => "ongoing",
            Status::Done => "done",
            Status::Failed => "failed",
        }
    }
}

/// A reply, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub status: Status,
    pub job_id: String,
    pub job_type: String,
    pub error_code: i64,
    pub error_info: String,
    /// Always an object (cluster_mgr sends `null` for "nothing").
    pub attachment: serde_json::Map<String, Value>,
    /// The attachment was `null` (or absent), not an object.
    pub attachment_null: bool,
}

impl Reply {
    /// Parses a reply body. cluster_mgr ends bodies with a newline and may send
    /// `error_code` as `"0"` or `0`; anything that is not a JSON object with a known
    /// `status` is `Malformed`.
    pub fn parse(body: &[u8]) -> Result<Self, ClientError> {
        if body.len() > MAX_REPLY_BYTES {
            return Err(ClientError::Malformed(format!(
                "reply of {} bytes is too big",
                body.len()
            )));
        }
        let text = std::str::from_utf8(body)
            .map_err(|_| ClientError::Malformed("reply is not UTF-8".into()))?;
        let v: Value = serde_json::from_str(text.trim())
            .map_err(|e| ClientError::Malformed(format!("reply is not JSON: {e}")))?;
        let Value::Object(mut o) = v else {
            return Err(ClientError::Malformed("reply is not a JSON object".into()));
        };
        let status = match o.get("status").and_then(Value::as_str) {
            Some("accept") => Status::Accept,
            Some("not_started") => Status::NotStarted,
            Some("ongoing") => Status::Ongoing,
            Some("done") => Status::Done,
            Some("failed") => Status::Failed,
            other => {
                return Err(ClientError::Malformed(format!("unknown status {other:?}")));
            }
        };
        let (attachment, attachment_null) = match o.remove("attachment") {
            Some(Value::Object(m)) => (m, false),
            None | Some(Value::Null) => (serde_json::Map::new(), true),
            Some(_) => return Err(ClientError::Malformed("attachment is not an object".into())),
        };
        Ok(Reply {
            status,
            job_id: loose_string(o.get("job_id")),
            job_type: loose_string(o.get("job_type")),
            error_code: loose_int(o.get("error_code")).unwrap_or(0),
            error_info: loose_string(o.get("error_info")),
            attachment,
            attachment_null,
        })
    }

    /// The `get_status` answer for a job cluster_mgr has no memo of: a job still waiting
    /// in its queue (the memo is NULL until the job's setup writes it), a job it never
    /// ran, or an unknown id. cluster_mgr answers all three with the same bytes
    /// (`SyncMission::GetStatus` builds an error attachment but never stores it, so
    /// `MakeSyncOkResponseBody` sends `failed`, `EFAIL`, no text, attachment `null`).
    pub fn is_memo_less(&self) -> bool {
        self.status == Status::Failed
            && self.error_code == EFAIL
            && self.error_info.is_empty()
            && self.attachment_null
    }
}

/// A JSON value cluster_mgr meant as a string: strings as they are, numbers printed.
pub fn loose_string(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

/// A JSON value cluster_mgr meant as an integer: `7` or `"7"`.
pub fn loose_int(v: Option<&Value>) -> Option<i64> {
    match v {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_reply_as_cluster_mgr_writes_it() {
        // MakeAcceptInstantResponseBody: error_code "0", attachment null, trailing newline.
        let r = Reply::parse(
            b"{\"attachment\":null,\"error_code\":\"0\",\"error_info\":\"\",\"job_id\":\"17\",\"status\":\"accept\",\"version\":\"1.0\"}\n",
        )
        .unwrap();
        assert_eq!(r.status, Status::Accept);
        assert_eq!(r.job_id, "17");
        assert_eq!(r.error_code, 0);
        assert!(r.attachment.is_empty());
    }

    #[test]
    fn a_job_without_a_memo_is_told_apart_from_a_failed_job() {
        // SyncMission::GetStatus with a NULL memo (or no row): jsoncpp's sorted keys,
        // two newlines (FastWriter's and the handler's).
        let none = Reply::parse(b"{\"attachment\":null,\"error_code\":\"70001\",\"error_info\":\"\",\"job_id\":\"\",\"job_type\":\"\",\"status\":\"failed\",\"version\":\"1.0\"}\n\n").unwrap();
        assert!(none.is_memo_less());
        // A real failure: the memo's code and words, job_id still "".
        let failed = Reply::parse(b"{\"attachment\":{\"rollback_flag\":\"0\"},\"error_code\":\"70062\",\"error_info\":\"Create machine job add hostaddr in server_nodes\",\"job_id\":\"\",\"job_type\":\"\",\"status\":\"failed\",\"version\":\"1.0\"}\n\n").unwrap();
        assert!(!failed.is_memo_less());
        assert_eq!((failed.status, failed.error_code), (Status::Failed, 70062));
        let queued = Reply::parse(
            br#"{"attachment":{},"error_code":"70001","error_info":"","status":"not_started"}"#,
        )
        .unwrap();
        assert_eq!(queued.status, Status::NotStarted);
    }

    #[test]
    fn numeric_error_codes_and_strings_are_both_read() {
        let r =
            Reply::parse(br#"{"status":"failed","error_code":70001,"error_info":"x"}"#).unwrap();
        assert_eq!(r.error_code, 70001);
        let r = Reply::parse(br#"{"status":"failed","error_code":"70001"}"#).unwrap();
        assert_eq!(r.error_code, 70001);
    }

    #[test]
    fn garbage_is_malformed_not_a_panic() {
        for body in [
            &b"<html>502 Bad Gateway</html>"[..],
            b"",
            b"[1,2]",
            b"{\"status\":\"weird\"}",
            b"{\"status\":\"done\",\"attachment\":[1]}",
            b"\xff\xfe",
        ] {
            assert!(matches!(Reply::parse(body), Err(ClientError::Malformed(_))), "{body:?}");
        }
        let huge = vec![b' '; MAX_REPLY_BYTES + 1];
        assert!(matches!(Reply::parse(&huge), Err(ClientError::Malformed(_))));
    }

    #[test]
    fn job_ids_are_row_ids() {
        assert!(JobId::parse("42").is_ok());
        for bad in ["", "4 2", "1;drop", "-1", "123456789012345678901"] {
            assert!(JobId::parse(bad).is_err(), "{bad}");
        }
    }
}
