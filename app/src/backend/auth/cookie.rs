//! The session cookie: a random token in the browser, its SHA-256 in the store.

use super::AuthSettings;
use crate::paths::BASE;
use rand::{distr::Alphanumeric, Rng};
use sha2::{Digest, Sha256};

pub const COOKIE_NAME: &str = "xpanel_session";
const TOKEN_LEN: usize = 48; // ~285 bits of entropy

/// A fresh random token for a new session.
pub fn new_token() -> String {
    rand::rng().sample_iter(&Alphanumeric).take(TOKEN_LEN).map(char::from).collect()
}

/// What the store keeps for a token.
pub fn token_hash(token: &str) -> String {
    format!("{:x}", Sha256::digest(token.as_bytes()))
}

/// The session token from a `Cookie` header, if it is present and well-formed.
pub fn token_from_cookie_header(header: &str) -> Option<&str> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value)
        .filter(|v| v.len() == TOKEN_LEN && v.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// `Set-Cookie` value that installs a session token.
pub fn set_cookie(token: &str, settings: &AuthSettings) -> String {
    let secure = if settings.cookie_secure { "; Secure" } else { "" };
    format!("{COOKIE_NAME}={token}; Path={BASE}; HttpOnly; SameSite=Strict{secure}")
}

/// `Set-Cookie` value that removes the session cookie from the browser.
pub fn clear_cookie(settings: &AuthSettings) -> String {
    let secure = if settings.cookie_secure { "; Secure" } else { "" };
    format!("{COOKIE_NAME}=; Path={BASE}; HttpOnly; SameSite=Strict; Max-Age=0{secure}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_found_in_a_cookie_header() {
        let t = new_token();
        assert_eq!(t.len(), TOKEN_LEN);
        assert_ne!(t, new_token());
        let header = format!("other=1; {COOKIE_NAME}={t}; x=y");
        assert_eq!(token_from_cookie_header(&header), Some(t.as_str()));
    }

    #[test]
    fn malformed_tokens_are_ignored() {
        assert_eq!(token_from_cookie_header(&format!("{COOKIE_NAME}=short")), None);
        let odd = format!("{COOKIE_NAME}={}", "%".repeat(TOKEN_LEN));
        assert_eq!(token_from_cookie_header(&odd), None);
    }

    #[test]
    fn the_cookie_is_http_only_strict_and_scoped_to_the_console() {
        let s = AuthSettings::default();
        let c = set_cookie("abc", &s);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict"));
        assert!(c.contains("Path=/KunlunXPanel") && !c.contains("Secure"));
        let secure = AuthSettings { cookie_secure: true, ..s };
        assert!(set_cookie("abc", &secure).ends_with("; Secure"));
    }
}
