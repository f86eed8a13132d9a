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
pub fn token_from_cookie_header(header: &str) -> Option<String> {
    crate::lang::cookie_values(header, COOKIE_NAME)
        .find(|v| v.len() == TOKEN_LEN && v.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The session cookie: HttpOnly, SameSite=Strict, scoped to the console's path.
fn session_cookie(value: &str, settings: &AuthSettings) -> cookie::CookieBuilder<'static> {
    cookie::Cookie::build((COOKIE_NAME, value.to_owned()))
        .path(BASE)
        .http_only(true)
        .same_site(cookie::SameSite::Strict)
        .secure(settings.cookie_secure)
}

/// `Set-Cookie` value that installs a session token.
pub fn set_cookie(token: &str, settings: &AuthSettings) -> String {
    session_cookie(token, settings).build().to_string()
}

/// `Set-Cookie` value that removes the session cookie from the browser.
pub fn clear_cookie(settings: &AuthSettings) -> String {
    session_cookie("", settings).max_age(cookie::time::Duration::ZERO).build().to_string()
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
        assert_eq!(token_from_cookie_header(&header), Some(t));
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
        assert!(set_cookie("abc", &secure).contains("; Secure"));
        let cleared = clear_cookie(&s);
        assert!(cleared.starts_with("xpanel_session=;") && cleared.contains("Max-Age=0"));
    }
}
