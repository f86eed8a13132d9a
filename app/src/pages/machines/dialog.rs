//! The machine page's side panel and its text input.

use super::Panel;
use crate::domain::machine::FieldError;
use crate::i18n::*;
use leptos::prelude::*;

/// A dialog-like panel with a title and a close button; focus moves into it.
#[component]
pub(super) fn Dialog(title: String, panel: RwSignal<Panel>, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let heading = NodeRef::<leptos::html::H2>::new();
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            let _ = h.focus();
        }
    });
    view! {
        <section
            role="dialog"
            aria-modal="false"
            aria-labelledby="panel-title"
            class="mt-4 rounded-lg border border-slate-300 bg-white p-5 shadow"
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    panel.set(Panel::None);
                }
            }
        >
            <div class="mb-3 flex items-center justify-between">
                <h2 id="panel-title" tabindex="-1" node_ref=heading class="text-lg font-semibold">{title}</h2>
                <button type="button" class="text-slate-500" aria-label=tu_string!(i18n, machines.close) on:click=move |_| panel.set(Panel::None)>
                    "✕"
                </button>
            </div>
            {children()}
        </section>
    }
}

/// A controlled text input with its error tied to it.
#[component]
pub(super) fn Input(
    name: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    errors: RwSignal<Vec<FieldError>>,
    #[prop(optional)] disabled: bool,
    #[prop(optional)] placeholder: &'static str,
) -> impl IntoView {
    let error = move || errors.get().into_iter().find(|e| e.field == name).map(|e| e.message);
    view! {
        <div class="flex flex-col gap-1">
            <label for=name class="text-sm font-medium text-slate-700">{label}</label>
            <input
                id=name
                name=name
                class="rounded border border-slate-300 px-3 py-1.5 disabled:bg-slate-100 aria-[invalid=true]:border-red-500"
                disabled=disabled
                placeholder=placeholder
                aria-invalid=move || error().is_some().to_string()
                aria-describedby=format!("{name}-error")
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            <p id=format!("{name}-error") class="min-h-4 text-xs text-red-700" data-test=format!("{name}-error")>
                {error}
            </p>
        </div>
    }
}
