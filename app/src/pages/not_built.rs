//! The honest page for a menu entry whose feature has not been built yet.

use leptos::prelude::*;

#[component]
pub fn NotBuiltPage(title: &'static str, title_zh: &'static str, issue: u32) -> impl IntoView {
    view! {
        <h1 class="mb-4 text-xl font-semibold">{title} " · " {title_zh}</h1>
        <p class="rounded border border-amber-300 bg-amber-50 p-4" data-test="not-built">
            {format!("Not built yet: this page arrives with issue #{issue}. ")}
            "此功能尚未实现。"
        </p>
    }
}
