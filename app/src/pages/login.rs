//! 登录 Login.

use crate::i18n::*;
use crate::{api::auth::Login, components::form::Field, error::AppError};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let login = ServerAction::<Login>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let error = Signal::derive(move || {
        login.value().get()?.err().map(|e| shown(&e, i18n.get_locale_untracked()))
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

/// What the page says about a refused login. Without wasm the error comes back in the
/// page's address, which anyone can write into a link: only the refusals `login` makes
/// are told in their words (none carries text of the sender's), anything else generically,
/// so a crafted link cannot make this page say what its author likes.
fn shown(e: &AppError, l: Locale) -> String {
    match e {
        AppError::BadCredentials | AppError::TooManyAttempts { .. } => e.message(l),
        _ => AppError::Internal.message(l),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crafted_error_shows_no_text_of_its_author() {
        let l = Locale::en;
        assert_eq!(shown(&AppError::BadCredentials, l), AppError::BadCredentials.message(l));
        let wait = AppError::TooManyAttempts { retry_after_secs: 30 };
        assert_eq!(shown(&wait, l), wait.message(l));
        for crafted in [
            AppError::BadRequest("Call +1-555-0100 to unlock".into()),
            AppError::invalid("username", "Call +1-555-0100 to unlock"),
            AppError::Forbidden("Call +1-555-0100 to unlock".into()),
        ] {
            assert!(!shown(&crafted, l).contains("555"), "{crafted:?}");
        }
    }
}
