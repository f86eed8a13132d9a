//! The language context and the language switch (the texts themselves: `crate::lang`).

use crate::i18n::*;
use leptos::prelude::*;

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
    use crate::lang::{cookie_values, parse_locale, COOKIE};
    use wasm_bindgen::JsCast;
    let cookies = document().dyn_into::<web_sys::HtmlDocument>().ok()?.cookie().ok()?;
    let mut values = cookie_values(&cookies, COOKIE);
    match (values.next(), values.next()) {
        (Some(one), None) => parse_locale(&one),
        _ => None,
    }
}

#[cfg(not(feature = "hydrate"))]
fn cookie_locale() -> Option<Locale> {
    None
}
