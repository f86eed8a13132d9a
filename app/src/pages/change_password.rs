//! 修改密码 Change password. The only page a user with a pending change can reach.

use crate::i18n::*;
use crate::lang::fill;
use crate::{
    api::auth::{ChangePassword, Logout},
    components::form::Field,
    domain::password::{check_shape, MAX_LEN, MIN_LEN},
};
use leptos::prelude::*;

#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let change = ServerAction::<ChangePassword>::new();
    let logout = ServerAction::<Logout>::new();
    // Instant feedback from the same rule the server applies; the server decides.
    let typed = RwSignal::new(String::new());
    let live_rule = move || {
        let p = typed.get();
        (!p.is_empty())
            .then(|| check_shape(&p).err().map(|e| e.message(i18n.get_locale_untracked())))
            .flatten()
    };
    let server_error_for = move |field: &'static str| {
        move || match change.value().get() {
            Some(Err(e)) if e.field() == Some(field) => {
                Some(e.message(i18n.get_locale_untracked()))
            }
            _ => None,
        }
    };
    let new_error = Signal::derive(move || server_error_for("new_password")().or_else(live_rule));
    let general_error = move || match change.value().get() {
        Some(Err(e)) if e.field().is_none() => Some(e.message(i18n.get_locale_untracked())),
        _ => None,
    };
    view! {
        <header class="absolute right-4 top-4 text-sm">
            <crate::components::language::LanguageSwitch/>
        </header>
        <main class="flex min-h-screen items-center justify-center p-4">
            <section class="w-full max-w-md rounded-lg bg-white p-8 shadow" aria-labelledby="change-title">
                <h1 id="change-title" class="mb-1 text-2xl font-semibold">{tu_string!(i18n, change_password.change_password)}</h1>
                <p class="mb-4 text-sm text-slate-600" data-test="change-required">
                    {tu_string!(i18n, change_password.must_change)}
                </p>
                <ul class="mb-4 list-disc pl-5 text-sm text-slate-600">
                    <li>{fill!(tu_string!(i18n, password_rule.rule_length), min = MIN_LEN, max = MAX_LEN)}</li>
                    <li>{tu_string!(i18n, password_rule.rule_classes)}</li>
                    <li>{tu_string!(i18n, password_rule.rule_different)}</li>
                </ul>
                <ActionForm action=change attr:class="flex flex-col gap-3" attr:data-test="change-form">
                    <Field
                        name="current_password"
                        label=tu_string!(i18n, change_password.current_password)
                        kind="password"
                        autocomplete="current-password"
                        maxlength=128
                        error=Signal::derive(server_error_for("current_password"))
                    />
                    <Field
                        name="new_password"
                        label=tu_string!(i18n, change_password.new_password)
                        kind="password"
                        autocomplete="new-password"
                        maxlength=128
                        error=new_error
                        on_input=Callback::new(move |v| typed.set(v))
                    />
                    <Field
                        name="confirm_password"
                        label=tu_string!(i18n, change_password.repeat_new_password)
                        kind="password"
                        autocomplete="new-password"
                        maxlength=128
                        error=Signal::derive(server_error_for("confirm_password"))
                    />
                    <p class="min-h-5 text-sm text-red-700" role="alert" data-test="change-error">
                        {general_error}
                    </p>
                    <button
                        type="submit"
                        class="rounded bg-sky-700 px-4 py-2 font-medium text-white hover:bg-sky-800 disabled:opacity-50"
                        disabled=move || change.pending().get()
                    >
                        {tu_string!(i18n, change_password.change_password_2)}
                    </button>
                </ActionForm>
                <ActionForm action=logout attr:class="mt-4">
                    <button type="submit" class="text-sm text-slate-500 underline">{tu_string!(i18n, common.log_out)}</button>
                </ActionForm>
            </section>
        </main>
    }
}
