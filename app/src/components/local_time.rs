//! A moment shown in the reader's language and time zone.
//!
//! The server renders UTC (`2026-11-24 09:31:47 UTC`), the same for every reader, so the
//! hydrated page matches it; once the page is live the browser rewrites the text with
//! `Intl.DateTimeFormat` in the page's language and the machine's time zone, and the
//! exact UTC moment stays in `<time datetime>` and the tooltip.

use crate::i18n::*;
use crate::time::utc;
use leptos::prelude::*;

#[component]
pub fn LocalTime(unix_secs: i64) -> impl IntoView {
    let i18n = use_i18n();
    let text = RwSignal::new(utc(unix_secs));
    let iso = iso_utc(unix_secs);
    Effect::new(move |_| {
        if let Some(local) = browser_format(unix_secs, i18n.get_locale_untracked().as_str()) {
            text.set(local);
        }
    });
    view! { <time datetime=iso title=utc(unix_secs)>{move || text.get()}</time> }
}

/// `YYYY-MM-DDTHH:MM:SSZ`, the `datetime` attribute's form.
fn iso_utc(unix_secs: i64) -> String {
    let t = utc(unix_secs);
    format!("{}T{}Z", &t[..10], &t[11..19])
}

#[cfg(feature = "hydrate")]
fn browser_format(unix_secs: i64, locale: &str) -> Option<String> {
    use wasm_bindgen::JsValue;
    let date = js_sys::Date::new(&JsValue::from_f64(unix_secs as f64 * 1000.0));
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into()).ok()?;
    js_sys::Reflect::set(&options, &"timeStyle".into(), &"medium".into()).ok()?;
    Some(date.to_locale_string(locale, &options).into())
}

#[cfg(not(feature = "hydrate"))]
fn browser_format(_unix_secs: i64, _locale: &str) -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn datetime_attribute_is_iso_utc() {
        assert_eq!(super::iso_utc(1_795_512_707), "2026-11-24T09:31:47Z");
    }
}
