//! The language of the request being served, for the texts the server writes
//! (validation messages, errors): the language cookie, else `Accept-Language`, else
//! English. The rest of the language machinery, shared with the browser, is `crate::lang`.

use crate::i18n::Locale;
use crate::lang::{cookie_values, parse_locale, CHOSEN_BEFORE_LOGIN, COOKIE};
use cookie::{time::Duration, Cookie, SameSite};
use leptos::prelude::use_context;
use leptos_i18n::Locale as _;

/// The `Set-Cookie` value that makes `locale` this browser's language for a year. Not
/// HttpOnly: the page's own code reads it too; the value is one of two fixed words.
pub fn language_cookie(locale: Locale) -> String {
    Cookie::build((COOKIE, locale.as_str()))
        .path("/")
        .max_age(Duration::days(365))
        .same_site(SameSite::Lax)
        .build()
        .to_string()
}

/// The `Set-Cookie` value for [`CHOSEN_BEFORE_LOGIN`] (`set`) or for removing it.
pub fn chosen_before_login_cookie(set: bool) -> String {
    Cookie::build((CHOSEN_BEFORE_LOGIN, "1"))
        .path(crate::paths::BASE)
        .max_age(Duration::seconds(if set { 3600 } else { 0 }))
        .http_only(true)
        .same_site(SameSite::Lax)
        .build()
        .to_string()
}

/// The language of the request being served, for texts the server writes (validation
/// messages, errors): the cookie, else `Accept-Language` (in the order of its q-values),
/// else English.
pub fn request_locale() -> Locale {
    let Some(parts) = use_context::<http::request::Parts>() else {
        return Locale::default();
    };
    let header = |name| parts.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("");
    request_cookie(COOKIE)
        .and_then(|v| parse_locale(&v))
        .unwrap_or_else(|| best_locale(&accepted_languages(header(http::header::ACCEPT_LANGUAGE))))
}

/// The first wanted language the console has, by its primary subtag: any Chinese
/// (zh-TW, zh-HK, zh) reads zh-CN better than English; any English is `en`.
fn best_locale(wanted: &[String]) -> Locale {
    wanted
        .iter()
        .find_map(|tag| {
            let primary = tag.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
            match primary.as_str() {
                "zh" => Some(Locale::zh_CN),
                "en" => Some(Locale::en),
                _ => None,
            }
        })
        .unwrap_or_default()
}

/// The locale a browser picked with the switch on the login page, if it did.
pub fn chosen_before_login() -> Option<Locale> {
    request_cookie(CHOSEN_BEFORE_LOGIN)?;
    request_cookie(COOKIE).and_then(|v| parse_locale(&v))
}

/// A cookie of the request being served.
fn request_cookie(name: &str) -> Option<String> {
    let parts = use_context::<http::request::Parts>()?;
    parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .find_map(|h| cookie_values(h, name).next())
}

/// The tags of an `Accept-Language` header, most wanted first.
fn accepted_languages(header: &str) -> Vec<String> {
    let mut tags: Vec<(String, f32)> = header
        .split(',')
        .filter_map(|item| {
            let mut parts = item.trim().split(';');
            let tag = parts.next()?.trim();
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.parse::<f32>().ok())?;
            (!tag.is_empty() && tag != "*" && q > 0.0).then(|| (tag.to_owned(), q))
        })
        .collect();
    tags.sort_by(|a, b| b.1.total_cmp(&a.1));
    tags.into_iter().map(|(t, _)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_is_read_in_q_order() {
        assert_eq!(accepted_languages("en;q=0.5, zh-CN, fr;q=0"), ["zh-CN", "en"]);
        let best = |h: &str| best_locale(&accepted_languages(h));
        assert_eq!(best("zh-CN,zh;q=0.9,en;q=0.8"), Locale::zh_CN);
        assert_eq!(best("zh-TW,zh;q=0.9"), Locale::zh_CN);
        assert_eq!(best("de-DE,en-GB;q=0.7,zh;q=0.5"), Locale::en);
        assert_eq!(best("de-DE"), Locale::en);
        assert_eq!(best(""), Locale::en);
    }
}
