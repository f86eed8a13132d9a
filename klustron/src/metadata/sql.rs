//! Small SQL-building helpers shared by the metadata queries.

/// `mysql://user:password@host/db` → `mysql://user:***@host/db`, for logs and errors.
/// Parsed by the `url` crate, so a password with `@` or `:` in it (percent-encoded, as
/// URLs require) is found whole; text that is not a URL is not shown at all, since it
/// may be a password pasted in the wrong place.
pub fn redact_url(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut u) if u.password().is_some() => {
            // Cannot fail: a URL with a password has a host.
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        Ok(_) => raw.to_owned(),
        Err(_) => "(not a URL)".to_owned(),
    }
}

/// Escapes LIKE wildcards so a search for `10.0_1` means those characters.
pub(super) fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '!') {
            out.push('!');
        }
        out.push(c);
    }
    out
}

/// `?, ?, ?` for an IN list of `n` values.
pub(super) fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// `[v6]:port` for IPv6 hosts, `host:port` otherwise.
pub fn host_port(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// `select cast(a as char) as a, … from <rest>`. The aliases shadow the columns in
/// ORDER BY, so `rest` orders by `table.column` (else numbers sort as text).
pub(super) fn select(cols: &[&str], rest: &str) -> String {
    let list: Vec<String> = cols.iter().map(|c| format!("CAST({c} AS CHAR) AS {c}")).collect();
    format!("SELECT {} FROM {rest}", list.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_logs() {
        assert_eq!(
            redact_url("mysql://pgx:pgx_pwd@10.0.0.1:6001/db"),
            "mysql://pgx:***@10.0.0.1:6001/db"
        );
        assert_eq!(redact_url("sqlite:/tmp/x.db"), "sqlite:/tmp/x.db");
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        // A password holding an encoded '@' is replaced whole.
        assert_eq!(redact_url("mysql://u:p%40ss%3Aw@h:3306/db"), "mysql://u:***@h:3306/db");
        // Not a URL: maybe a password in the wrong place, so not shown.
        assert_eq!(redact_url("s3cret@oops"), "(not a URL)");
    }

    #[test]
    fn ipv6_hosts_get_brackets() {
        assert_eq!(host_port("::1", 58000), "[::1]:58000");
        assert_eq!(host_port("10.0.0.1", 58000), "10.0.0.1:58000");
    }

    #[test]
    fn like_wildcards_are_literal() {
        assert_eq!(like_escape("10.0_1%!"), "10.0!_1!%!!");
    }
}
