//! Languages: Chinese (zh-CN) and English. Every text is a key in `locales/*.json`, read
//! through the `i18n` module that `leptos_i18n` generates.
//!
//! Which language a page speaks, in order: the `i18n_pref_locale` cookie (set by the
//! switch, and at login from the user's stored choice, so the choice follows the user to
//! any browser), else the browser's `Accept-Language`, else English. Changing language
//! reloads the page, so texts computed once (labels, attributes, server messages) are
//! never left in the old language. For the same reason pages read texts untracked
//! (`tu_string!`, a `&'static str`) rather than with the reactive `t!`: a reactive node
//! per text made the wasm 59 KiB (brotli) bigger for nothing (measured, docs/BENCHMARKS.md).

use crate::i18n::*;
use leptos::prelude::*;

/// The cookie that carries the chosen language (the name `leptos_i18n` reads).
pub const COOKIE: &str = "i18n_pref_locale";

/// The `Set-Cookie` value that makes `locale` this browser's language for a year. Not
/// HttpOnly: the page's own code reads it too; the value is one of two fixed words.
pub fn set_cookie_value(locale: Locale) -> String {
    format!("{COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", locale.as_str())
}

/// A locale from its tag as the store, the cookie and the switch write it (`en`, `zh-CN`).
pub fn parse_locale(tag: &str) -> Option<Locale> {
    Locale::get_all().iter().copied().find(|l| l.as_str() == tag)
}

/// `fill!(template, name = value, ...)`: the translated `template` with each `{name}`
/// replaced by its value. Texts with numbers or names in them keep named placeholders in
/// both languages, since word order differs between them.
macro_rules! fill {
    ($template:expr $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::lang::fill_in($template, &[$((stringify!($name), &$value as &dyn ::std::fmt::Display)),*])
    };
}
pub(crate) use fill;

/// What [`fill!`] does.
pub fn fill_in(template: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), &value.to_string());
    }
    out
}

/// The language of the request being served, for texts the server writes (validation
/// messages, errors): the cookie, else `Accept-Language` (in the order of its q-values),
/// else English.
#[cfg(feature = "ssr")]
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
#[cfg(feature = "ssr")]
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

/// Set by the switch when nobody is logged in: the language was picked on the login
/// page, so the login that follows keeps it (and stores it as the user's) instead of
/// bringing back the user's stored one.
pub const CHOSEN_BEFORE_LOGIN: &str = "xpanel_lang_chosen";

/// The `Set-Cookie` value for [`CHOSEN_BEFORE_LOGIN`] (`set`) or for removing it.
pub fn chosen_before_login_cookie(set: bool) -> String {
    let age = if set { 3600 } else { 0 };
    format!(
        "{CHOSEN_BEFORE_LOGIN}=1; Path={}; Max-Age={age}; HttpOnly; SameSite=Lax",
        crate::paths::BASE
    )
}

/// The locale a browser picked with the switch on the login page, if it did.
#[cfg(feature = "ssr")]
pub fn chosen_before_login() -> Option<Locale> {
    request_cookie(CHOSEN_BEFORE_LOGIN)?;
    request_cookie(COOKIE).and_then(|v| parse_locale(&v))
}

/// A cookie of the request being served.
#[cfg(feature = "ssr")]
fn request_cookie(name: &str) -> Option<String> {
    let parts = use_context::<http::request::Parts>()?;
    let header = parts.headers.get(http::header::COOKIE)?.to_str().ok()?;
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.to_owned())
}

/// The tags of an `Accept-Language` header, most wanted first.
#[cfg(feature = "ssr")]
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

/// The name of a cluster_mgr job type, as XPanel's operation log names it
/// (`config/myconfig.php`); the type itself if it has no name.
pub fn job_name(l: Locale, job_type: &str) -> String {
    let name = match job_type {
        "create_machine" => td_string!(l, common.add_machine),
        "update_machine" => td_string!(l, job_type.update_machine),
        "delete_machine" => td_string!(l, job_type.delete_machine),
        "create_cluster" => td_string!(l, common.create_cluster),
        "delete_cluster" => td_string!(l, common.delete_cluster),
        "add_shards" => td_string!(l, job_type.add_shards),
        "add_comps" => td_string!(l, job_type.add_comps),
        "add_nodes" => td_string!(l, job_type.add_nodes),
        "delete_shard" => td_string!(l, job_type.delete_shard),
        "delete_comp" => td_string!(l, job_type.delete_comp),
        "delete_node" => td_string!(l, job_type.delete_node),
        "get_status" => td_string!(l, job_type.get_status),
        other => other,
    };
    name.to_owned()
}

/// Provides the i18n context to the whole app, with the cookie visible on every path.
#[component]
pub fn LanguageProvider(children: Children) -> impl IntoView {
    let options = leptos_i18n::context::CookieOptions::<Locale>::default()
        .path("/")
        .max_age(31_536_000_000i64)
        .same_site(leptos_use::SameSite::Lax);
    view! {
        <I18nContextProvider cookie_options=options>
            {children()}
        </I18nContextProvider>
    }
}

/// The switch: a form posting to `set_language`, so it works before the page is
/// interactive; once it is, the answer reloads the page in the new language.
#[component]
pub fn LanguageSwitch(#[prop(optional)] dark: bool) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<crate::api::preferences::SetLanguage>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            let _ = window().location().reload();
        }
    });
    // A login navigates inside the app, with no page load, and may have brought the
    // user's stored language in a cookie: then load the page again in that language.
    Effect::new(move |_| {
        if cookie_locale().is_some_and(|l| l != i18n.get_locale_untracked()) {
            let _ = window().location().reload();
        }
    });
    let current = i18n.get_locale_untracked();
    let class = if dark {
        "rounded border border-[#fff]/40 px-2 py-1 hover:bg-[#fff]/10 aria-[pressed=true]:bg-[#fff]/20"
    } else {
        "rounded border border-slate-300 px-2 py-1 hover:bg-slate-100 aria-[pressed=true]:bg-slate-200"
    };
    view! {
        <ActionForm action=action attr:class="flex gap-1" attr:data-test="language-switch">
            <span class="sr-only">{tu_string!(i18n, lang.language)}</span>
            {Locale::get_all().iter().map(|&l| {
                view! {
                    <button
                        type="submit"
                        name="lang"
                        value=l.as_str()
                        lang=l.as_str()
                        class=class
                        aria-pressed=(l == current).to_string()
                        data-test=format!("lang-{}", l.as_str())
                    >
                        {td_string!(l, lang.name)}
                    </button>
                }
            }).collect_view()}
        </ActionForm>
    }
}

/// The language in this browser's cookie, if there is exactly one.
#[cfg(feature = "hydrate")]
fn cookie_locale() -> Option<Locale> {
    use wasm_bindgen::JsCast;
    let cookies = document().dyn_into::<web_sys::HtmlDocument>().ok()?.cookie().ok()?;
    let prefix = format!("{COOKIE}=");
    let mut values = cookies.split(';').filter_map(|p| p.trim().strip_prefix(prefix.as_str()));
    match (values.next(), values.next()) {
        (Some(one), None) => parse_locale(one),
        _ => None,
    }
}

#[cfg(not(feature = "hydrate"))]
fn cookie_locale() -> Option<Locale> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_parse_to_locales_and_back() {
        for l in Locale::get_all() {
            assert_eq!(parse_locale(l.as_str()), Some(*l));
        }
        assert_eq!(parse_locale("zh-CN"), Some(Locale::zh_CN));
        assert_eq!(parse_locale("fr"), None);
        assert_eq!(parse_locale("zh-CN; Path=/"), None);
    }

    #[test]
    fn placeholders_are_filled_by_name() {
        let t = fill!("需要{count}个{kind}实例", count = 3, kind = "存储");
        assert_eq!(t, "需要3个存储实例");
        assert_eq!(fill!("{a} {a} {b}", a = 1), "1 1 {b}");
    }

    #[cfg(feature = "ssr")]
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

    #[test]
    fn job_types_have_names_in_both_languages() {
        assert_eq!(job_name(Locale::zh_CN, "create_cluster"), "新增集群");
        assert_eq!(job_name(Locale::en, "create_cluster"), "Create cluster");
        assert_eq!(job_name(Locale::en, "rebuild_node"), "rebuild_node");
    }

    #[test]
    fn the_cookie_is_site_wide_and_lasts_a_year() {
        let c = set_cookie_value(Locale::zh_CN);
        assert!(c.starts_with("i18n_pref_locale=zh-CN;") && c.contains("Path=/;"), "{c}");
        assert!(c.contains("Max-Age=31536000"));
    }
}
