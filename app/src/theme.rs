//! Light and dark themes. The choice (system, light or dark) is the browser's, kept in
//! localStorage; `<html data-theme>` is set by a small script in the page head before the
//! first paint, so a dark page never flashes white, and it follows the system setting
//! live while the choice is "system". The colours themselves are in style/tailwind.css.
//! The switch is plain HTML handled by the same script: no wasm is needed for it.

use crate::i18n::*;
use leptos::prelude::*;

/// Runs in the head (with the page's CSP nonce). Any element with `data-theme-toggle`
/// cycles system → light → dark → system.
pub const HEAD_SCRIPT: &str = r#"(function(){var d=document.documentElement,k="xpanel-theme",m=matchMedia("(prefers-color-scheme: dark)");
function get(){try{return localStorage.getItem(k)||"system"}catch(e){return "system"}}
function apply(){var c=get();d.dataset.themeChoice=c;d.dataset.theme=(c==="dark"||(c==="system"&&m.matches))?"dark":"light"}
apply();m.addEventListener("change",apply);
document.addEventListener("click",function(e){var b=e.target.closest&&e.target.closest("[data-theme-toggle]");if(!b)return;
var c=get(),n=c==="system"?"light":c==="light"?"dark":"system";try{localStorage.setItem(k,n)}catch(e){}apply()})})();"#;

/// The script element for the page head.
#[component]
pub fn ThemeScript() -> impl IntoView {
    let nonce = leptos::nonce::use_nonce();
    view! { <script nonce=nonce>{HEAD_SCRIPT}</script> }
}

/// The switch in the page header; its label (the current choice) comes from CSS, which
/// reads `data-theme-choice`, so the server-rendered page needs no knowledge of it.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button
            type="button"
            data-theme-toggle=""
            data-test="theme-toggle"
            class="theme-toggle rounded border border-[#fff]/40 px-3 py-1 hover:bg-[#fff]/10"
            title=tu_string!(i18n, theme.system_light_or_dark)
        >
            {tu_string!(i18n, theme.theme)}
        </button>
    }
}
