//! The frame around every page after login: header (user, logout) and side navigation in
//! XPanel's order.

use crate::{
    api::auth::{current_user, Logout},
    error::AppError,
    paths,
};
use leptos::prelude::*;
use leptos_router::{components::Outlet, hooks::use_location};

/// The menu, in the order the original XPanel shows it.
const NAV: &[(&str, &str, &str)] = &[
    (paths::HOME, "Overview", "概览"),
    (paths::MACHINES, "Machines", "计算机管理"),
    (paths::CLUSTERS, "Clusters", "集群管理"),
    (paths::JOBS, "Jobs", "任务"),
    (paths::OPERATION_LOG, "Operation log", "操作记录"),
    (paths::SYSTEM, "System", "系统管理"),
];

#[component]
pub fn Frame() -> impl IntoView {
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
                                Ok(u) => view! { <span data-test="current-user">"当前账户 · User: " {u.name}</span> }.into_any(),
                                Err(e) => view! { <SessionLost error=e/> }.into_any(),
                            }
                        })}
                    </Transition>
                    <crate::theme::ThemeToggle/>
                    <ActionForm action=logout>
                        <button type="submit" class="rounded border border-[#fff]/40 px-3 py-1 hover:bg-[#fff]/10" data-test="logout">
                            "Log out · 退出登录"
                        </button>
                    </ActionForm>
                </div>
            </header>
            <div class="flex flex-1">
                <nav class="w-56 bg-white p-3 shadow-sm" aria-label="Main">
                    <ul class="flex flex-col gap-1">
                        {NAV.iter().map(|(href, en, zh)| {
                            // Every path starts with HOME: the overview is current only on itself.
                            let current = move || {
                                let path = location.pathname.get();
                                if *href == paths::HOME {
                                    path.trim_end_matches('/') == paths::HOME
                                } else {
                                    path.starts_with(href)
                                }
                            };
                            view! {
                                <li>
                                    <a
                                        href=*href
                                        aria-current=move || current().then_some("page")
                                        class="block rounded px-3 py-2 hover:bg-slate-100 aria-[current=page]:bg-sky-50 aria-[current=page]:font-semibold aria-[current=page]:text-sky-800"
                                    >
                                        {*en} <span class="ml-1 text-xs text-slate-600">{*zh}</span>
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
    view! { <span class="text-red-300">{error.to_string()}</span> }
}
