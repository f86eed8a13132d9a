//! Pieces every list page uses: the pager and the box that says why data did not load.

use crate::error::AppError;
use leptos::prelude::*;

/// Previous / "Page x of y · N <noun>" / Next. `test_id` marks the page text for tests.
#[component]
pub fn Pager(
    page: RwSignal<u32>,
    pages: u32,
    total: i64,
    noun: &'static str,
    test_id: &'static str,
) -> impl IntoView {
    view! {
        <nav class="mt-2 flex items-center gap-3 text-sm" aria-label="Pages">
            <button
                type="button"
                class="rounded border px-2 py-1 disabled:opacity-40"
                disabled=move || { page.get() <= 1 }
                on:click=move |_| page.update(|n| *n = n.saturating_sub(1).max(1))
            >
                "‹ Previous"
            </button>
            <span data-test=test_id>{move || format!("Page {} of {pages} · {total} {noun}", page.get())}</span>
            <button
                type="button"
                class="rounded border px-2 py-1 disabled:opacity-40"
                disabled=move || { page.get() >= pages }
                on:click=move |_| page.update(|n| *n += 1)
            >
                "Next ›"
            </button>
        </nav>
    }
}

/// A load error, in the words of `AppError` (e.g. "Klustron is not configured").
#[component]
pub fn ErrorBox(error: AppError) -> impl IntoView {
    view! {
        <p class="rounded border border-red-300 bg-red-50 p-3 text-red-800" role="alert" data-test="error">
            {error.to_string()}
        </p>
    }
}
