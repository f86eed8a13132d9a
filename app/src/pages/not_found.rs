//! 404.

use crate::paths;
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
        opts.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <main class="p-8">
            <h1 class="mb-2 text-xl font-semibold">"Page not found · 页面不存在"</h1>
            <a class="text-sky-700 underline" href=paths::HOME>"Back to the console"</a>
        </main>
    }
}
