//! 404.

use crate::i18n::*;
use crate::paths;
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
        opts.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <main class="p-8">
            <h1 class="mb-2 text-xl font-semibold">{tu_string!(i18n, not_found.page_not_found)}</h1>
            <a class="text-sky-700 underline" href=paths::HOME>{tu_string!(i18n, not_found.back)}</a>
        </main>
    }
}
