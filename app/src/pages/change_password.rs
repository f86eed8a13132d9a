//! 修改密码 Change password. The only page a user with a pending change can reach.

use crate::{
    api::auth::{ChangePassword, Logout},
    components::form::Field,
    domain::password::{check_shape, MAX_LEN, MIN_LEN},
};
use leptos::prelude::*;

#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let logout = ServerAction::<Logout>::new();
    // Instant feedback from the same rule the server applies; the server decides.
    let typed = RwSignal::new(String::new());
    let live_rule = move || {
        let p = typed.get();
        (!p.is_empty()).then(|| check_shape(&p).err().map(|e| e.to_string())).flatten()
    };
    let server_error_for = move |field: &'static str| {
        move || match change.value().get() {
            Some(Err(e)) if e.field() == Some(field) => Some(e.to_string()),
            _ => None,
        }
    };
    let new_error = Signal::derive(move || server_error_for("new_password")().or_else(live_rule));
    let general_error = move || match change.value().get() {
        Some(Err(e)) if e.field().is_none() => Some(e.to_string()),
        _ => None,
    };
    view! {
        <main class="flex min-h-screen items-center justify-center p-4">
            <section class="w-full max-w-md rounded-lg bg-white p-8 shadow" aria-labelledby="change-title">
                <h1 id="change-title" class="mb-1 text-2xl font-semibold">"Change password · 修改密码"</h1>
                <p class="mb-4 text-sm text-slate-600" data-test="change-required">
                    "You must change your password before you can use the console. "
                    "首次登录或密码被重置后，必须先修改密码。"
                </p>
                <ul class="mb-4 list-disc pl-5 text-sm text-slate-600">
                    <li>{format!("{MIN_LEN} to {MAX_LEN} characters, no spaces")}</li>
                    <li>"upper- and lower-case letters, a digit and a special character"</li>
                    <li>"different from the current password and not containing the user name"</li>
                </ul>
                <ActionForm action=change attr:class="flex flex-col gap-3" attr:data-test="change-form">
                    <Field
                        name="current_password"
                        label="Current password · 当前密码"
                        kind="password"
                        autocomplete="current-password"
                        maxlength=128
                        error=Signal::derive(server_error_for("current_password"))
                    />
                    <Field
                        name="new_password"
                        label="New password · 新密码"
                        kind="password"
                        autocomplete="new-password"
                        maxlength=128
                        error=new_error
                        on_input=Callback::new(move |v| typed.set(v))
                    />
                    <Field
                        name="confirm_password"
                        label="Repeat new password · 重复新密码"
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
                        "Change password · 确认修改"
                    </button>
                </ActionForm>
                <ActionForm action=logout attr:class="mt-4">
                    <button type="submit" class="text-sm text-slate-500 underline">"Log out · 退出登录"</button>
                </ActionForm>
            </section>
        </main>
    }
}
