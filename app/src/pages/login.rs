//! 登录 Login.

use crate::i18n::*;
use crate::{api::auth::Login, components::form::Field};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let login = ServerAction::<Login>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let error = Signal::derive(move || match login.value().get() {
        Some(Err(e)) => Some(e.message(i18n.get_locale_untracked())),
        _ => None,
    });
    view! {
        <header class="absolute right-4 top-4 text-sm">
            <crate::components::language::LanguageSwitch/>
        </header>
        <main class="flex min-h-screen items-center justify-center p-4">
            <section class="w-full max-w-sm rounded-lg bg-white p-8 shadow" aria-labelledby="login-title">
                <h1 id="login-title" class="mb-1 text-2xl font-semibold">"KunlunXPanel"</h1>
                <p class="mb-6 text-sm text-slate-500">{tu_string!(i18n, login.klustron_admin_console)}</p>
                <ActionForm action=login attr:class="flex flex-col gap-3" attr:data-test="login-form">
                    <Field name="username" label=tu_string!(i18n, common.user_name) autocomplete="username" maxlength=32/>
                    <Field name="password" label=tu_string!(i18n, login.password) kind="password" autocomplete="current-password" maxlength=128/>
                    <input type="hidden" name="next" value=next/>
                    <p class="min-h-5 text-sm text-red-700" role="alert" data-test="login-error">
                        {move || error.get()}
                    </p>
                    <button
                        type="submit"
                        class="rounded bg-sky-700 px-4 py-2 font-medium text-white hover:bg-sky-800 disabled:opacity-50"
                        disabled=move || login.pending().get()
                    >
                        {move || if login.pending().get() { tu_string!(i18n, login.logging_in) } else { tu_string!(i18n, login.log_in) }}
                    </button>
                </ActionForm>
            </section>
        </main>
    }
}
