//! Pieces every list page uses: the pager and the box that says why data did not load.

use crate::error::AppError;
use crate::i18n::*;
use crate::lang::fill;
use leptos::prelude::*;

/// Previous / "Page x of y · N <noun>" / Next. `test_id` marks the page text for tests.
#[component]
pub fn Pager(page: RwSignal<u32>, pages: u32, total: i64, test_id: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="mt-2 flex items-center gap-3 text-sm" aria-label=tu_string!(i18n, list.pages)>
            <button
                type="button"
                class="rounded border px-2 py-1 disabled:opacity-40"
                disabled=move || { page.get() <= 1 }
                on:click=move |_| page.update(|n| *n = n.saturating_sub(1).max(1))
            >
                {tu_string!(i18n, list.previous)}
            </button>
            <span data-test=test_id>{move || fill!(tu_string!(i18n, list.page_of), page = page.get(), pages = pages, total = total)}</span>
            <button
                type="button"
                class="rounded border px-2 py-1 disabled:opacity-40"
                disabled=move || { page.get() >= pages }
                on:click=move |_| page.update(|n| *n += 1)
            >
                {tu_string!(i18n, list.next)}
            </button>
        </nav>
    }
}

/// A load error, in the words of `AppError` (e.g. "Klustron is not configured").
#[component]
pub fn ErrorBox(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="rounded border border-red-300 bg-red-50 p-3 text-red-800" role="alert" data-test="error">
            {error.message(i18n.get_locale_untracked())}
        </p>
    }
}
