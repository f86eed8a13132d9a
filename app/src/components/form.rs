//! Form primitives: a labelled input whose error text is tied to it (aria-describedby).

use leptos::prelude::*;

/// A labelled `<input>`. `error` is shown under the field and announced with it.
#[component]
pub fn Field(
    /// The form name (and id) of the input; it must equal the server function argument.
    name: &'static str,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional)] maxlength: Option<u32>,
    #[prop(into, optional)] error: Signal<Option<String>>,
    #[prop(optional)] on_input: Option<Callback<String>>,
) -> impl IntoView {
    let error_id = format!("{name}-error");
    let described = error_id.clone();
    view! {
        <div class="flex flex-col gap-1">
            <label for=name class="text-sm font-medium text-slate-700">{label}</label>
            <input
                id=name
                name=name
                type=kind
                autocomplete=autocomplete
                maxlength=maxlength
                required
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=described
                class="rounded border border-slate-300 px-3 py-2 focus:outline-none focus:ring-2 focus:ring-sky-500 aria-[invalid=true]:border-red-500"
                on:input=move |ev| {
                    if let Some(cb) = on_input {
                        cb.run(event_target_value(&ev));
                    }
                }
            />
            <p id=error_id class="min-h-5 text-sm text-red-700" role="alert" data-test=format!("{name}-error")>
                {move || error.get()}
            </p>
        </div>
    }
}
