//! What the audit log can be filtered by, checked: the browser sends text, the store gets
//! typed values (a fixed outcome, a day range in Unix seconds, bounded text).

use super::field::{clip, FieldError};
use crate::i18n::*;
use crate::lang::fill;
use crate::time::parse_utc_date;

/// A checked filter for the console's audit log; empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Exactly this account (or, for failed logins, this typed name).
    pub user: Option<String>,
    /// Exactly this action key, e.g. `login`, `create_cluster`.
    pub action: Option<String>,
    /// Only successes (`Some(true)`) or only failures (`Some(false)`).
    pub ok: Option<bool>,
    /// From 00:00 UTC of this day (Unix seconds), inclusive.
    pub since: Option<i64>,
    /// Until 00:00 UTC of the day after (Unix seconds), exclusive.
    pub until: Option<i64>,
    /// A piece of text in the target or the detail, matched literally (no wildcards).
    pub text: Option<String>,
}

const MAX_TEXT: usize = 100;

impl AuditFilter {
    /// Checks the raw fields of the filter form; the first bad field is named.
    pub fn parse(
        l: Locale,
        user: &str,
        action: &str,
        outcome: &str,
        from: &str,
        to: &str,
        text: &str,
    ) -> Result<Self, FieldError> {
        let err = |field, message: String| FieldError { field, message };
        let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let user = some(user);
        if user.as_ref().is_some_and(|u| u.chars().count() > 64 || u.chars().any(char::is_control))
        {
            return Err(err("user", fill!(td_string!(l, audit_filter.too_long), max = 64)));
        }
        let action = some(action);
        if let Some(a) = &action {
            // `create_cluster`, and a job's outcome `create_cluster:finished`.
            let key =
                |k: &str| !k.is_empty() && k.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
            let shaped = match a.split_once(':') {
                Some((job, "finished")) => key(job),
                Some(_) => false,
                None => key(a),
            };
            if a.len() > 40 || !shaped {
                return Err(err(
                    "action",
                    fill!(td_string!(l, audit_filter.action), value = clip(a)),
                ));
            }
        }
        let ok = match outcome.trim() {
            "" => None,
            "ok" => Some(true),
            "failed" => Some(false),
            other => {
                return Err(err(
                    "outcome",
                    fill!(td_string!(l, audit_filter.outcome), value = clip(other)),
                ))
            }
        };
        let day = |field, raw: &str| match raw.trim() {
            "" => Ok(None),
            s => parse_utc_date(s).map(Some).ok_or_else(|| {
                err(field, fill!(td_string!(l, audit_filter.date), value = clip(s)))
            }),
        };
        let since = day("from", from)?;
        let until = day("to", to)?.map(|t| t + 86_400);
        if let (Some(s), Some(u)) = (since, until) {
            if u <= s {
                return Err(err("to", td_string!(l, audit_filter.end_before_start).into()));
            }
        }
        let text = some(text);
        if text
            .as_ref()
            .is_some_and(|t| t.chars().count() > MAX_TEXT || t.chars().any(char::is_control))
        {
            return Err(err("text", fill!(td_string!(l, audit_filter.too_long), max = MAX_TEXT)));
        }
        Ok(AuditFilter { user, action, ok, since, until, text })
    }
}

/// `s` for a `LIKE … ESCAPE '!'` pattern that matches it literally anywhere.
pub fn like_contains(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('%');
    for c in s.chars() {
        if matches!(c, '!' | '%' | '_') {
            out.push('!');
        }
        out.push(c);
    }
    out.push('%');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_fields_do_not_filter() {
        assert_eq!(
            AuditFilter::parse(Locale::en, "", " ", "", "", "", "").unwrap(),
            AuditFilter::default()
        );
    }

    #[test]
    fn fields_become_typed_values() {
        let f = AuditFilter::parse(
            Locale::en,
            " alice ",
            "login",
            "failed",
            "2026-11-01",
            "2026-11-02",
            "10.0",
        )
        .unwrap();
        assert_eq!(f.user.as_deref(), Some("alice"));
        assert_eq!(f.ok, Some(false));
        assert_eq!(f.since, Some(1_793_491_200));
        assert_eq!(f.until, Some(1_793_491_200 + 2 * 86_400));
        assert_eq!(f.text.as_deref(), Some("10.0"));
    }

    #[test]
    fn job_outcomes_can_be_filtered_by_their_key() {
        let f =
            AuditFilter::parse(Locale::en, "", "create_cluster:finished", "", "", "", "").unwrap();
        assert_eq!(f.action.as_deref(), Some("create_cluster:finished"));
        assert!(AuditFilter::parse(Locale::en, "", "create_cluster:x", "", "", "", "").is_err());
        assert!(AuditFilter::parse(Locale::en, "", ":finished", "", "", "", "").is_err());
    }

    #[test]
    fn bad_fields_are_named() {
        let field = |r: Result<AuditFilter, FieldError>| r.unwrap_err().field;
        assert_eq!(
            field(AuditFilter::parse(Locale::en, "", "login' OR 1=1", "", "", "", "")),
            "action"
        );
        assert_eq!(field(AuditFilter::parse(Locale::en, "", "", "maybe", "", "", "")), "outcome");
        assert_eq!(field(AuditFilter::parse(Locale::en, "", "", "", "yesterday", "", "")), "from");
        assert_eq!(
            field(AuditFilter::parse(Locale::en, "", "", "", "2026-11-02", "2026-11-01", "")),
            "to"
        );
        assert_eq!(
            field(AuditFilter::parse(Locale::en, &"x".repeat(65), "", "", "", "", "")),
            "user"
        );
        assert_eq!(
            field(AuditFilter::parse(Locale::en, "", "", "", "", "", &"y".repeat(101))),
            "text"
        );
    }

    #[test]
    fn wildcards_are_matched_literally() {
        assert_eq!(like_contains("50%_off!"), "%50!%!_off!!%");
    }
}
