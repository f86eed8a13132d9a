//! The frame around every page after login: header (user, logout) and side navigation in
//! XPanel's order.

use crate::i18n::*;
use crate::{
    api::auth::{current_user, Logout},
    error::AppError,
    paths,
};
use leptos::prelude::*;
use leptos_router::{components::Outlet, hooks::use_location};

/// The menu, in the order the original XPanel shows it.
fn nav(l: Locale) -> [(&'static str, &'static str); 6] {
    [
        (paths::HOME, td_string!(l, common.overview)),
        (paths::MACHINES, td_string!(l, common.machines)),
        (paths::CLUSTERS, td_string!(l, common.clusters_2)),
        (paths::JOBS, td_string!(l, common.jobs)),
        (paths::OPERATION_LOG, td_string!(l, common.operation_log)),
        (paths::SYSTEM, td_string!(l, common.system)),
    ]
}

#[component]
pub fn Frame() -> impl IntoView {
    let i18n = use_i18n();
    let me = Resource::new(|| (), |_| current_user());
    let logout = ServerAction::<Logout>::new();
    let location = use_location();
    view! {
        <div class="flex min-h-screen flex-col">
            // Literal colours: the header stays dark in both themes (the palette flips).
            <header class="flex items-center justify-between bg-[#0f172a] px-6 py-3 text-[#fff]">
                <a href=paths::HOME class="text-lg font-semibold">"KunlunXPanel"</a>
                <div class="flex items-center gap-4 text-sm">
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            match me.await {
                                Ok(u) => view! { <span data-test="current-user">{tu_string!(i18n, frame.user)} " " {u.name}</span> }.into_any(),
                                Err(e) => view! { <SessionLost error=e/> }.into_any(),
                            }
                        })}
                    </Transition>
                    <crate::theme::ThemeToggle/>
                    <crate::components::language::LanguageSwitch dark=true/>
                    <ActionForm action=logout>
                        <button type="submit" class="rounded border border-[#fff]/40 px-3 py-1 hover:bg-[#fff]/10" data-test="logout">
                            {tu_string!(i18n, common.log_out)}
                        </button>
                    </ActionForm>
                </div>
            </header>
            <div class="flex flex-1">
                <nav class="w-56 bg-white p-3 shadow-sm" aria-label=tu_string!(i18n, frame.main_menu)>
                    <ul class="flex flex-col gap-1">
                        {nav(i18n.get_locale_untracked()).into_iter().map(|(href, label)| {
                            // Every path starts with HOME: the overview is current only on itself.
                            let current = move || {
                                let path = location.pathname.get();
                                if href == paths::HOME {
                                    path.trim_end_matches('/') == paths::HOME
                                } else {
                                    path.starts_with(href)
                                }
                            };
                            view! {
                                <li>
                                    <a
                                        href=href
                                        aria-current=move || current().then_some("page")
                                        class="block rounded px-3 py-2 hover:bg-slate-100 aria-[current=page]:bg-sky-50 aria-[current=page]:font-semibold aria-[current=page]:text-sky-800"
                                    >
                                        {label}
                                    </a>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </nav>
                <main class="flex-1 p-6">
                    <Outlet/>
                </main>
            </div>
        </div>
    }
}

/// Shown when the session ended while the page was open; sends the user where the server
/// would have.
#[component]
fn SessionLost(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    let target = match error {
        AppError::PasswordChangeRequired => Some(paths::CHANGE_PASSWORD),
        AppError::Unauthorized => Some(paths::LOGIN),
        _ => None,
    };
    if let Some(t) = target {
        Effect::new(move |_| {
            let _ = window().location().set_href(t);
        });
    }
    view! { <span class="text-red-300">{error.message(i18n.get_locale_untracked())}</span> }
}
