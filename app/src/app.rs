//! The HTML document and the route table.

use crate::pages::{
    change_password::ChangePasswordPage,
    cluster::ClusterPage,
    cluster_wizard::ClusterWizardPage,
    clusters::ClustersPage,
    frame::Frame,
    home::HomePage,
    jobs::{JobPage, JobsPage},
    login::LoginPage,
    machines::MachinesPage,
    not_found::NotFound,
    operations::OperationsPage,
    system::SystemPage,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, MetaTags, Title};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    ParamSegment, StaticSegment,
};

/// The document the server renders around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <crate::theme::ThemeScript/>
                <link rel="stylesheet" href=crate::assets::css_href()/>
                {loads_wasm().then(|| view! {
                    <AutoReload options=options.clone()/>
                    <HydrationScripts options/>
                })}
                <MetaTags/>
            </head>
            <body class="bg-slate-50 text-slate-900 antialiased">
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    mark_hydrated();
    view! {
        <Link rel="icon" type_="image/svg+xml" href="/KunlunXPanel/favicon.svg"/>
        <Title text="KunlunXPanel"/>
        <crate::components::language::LanguageProvider>
        <Router>
            <Routes fallback=|| view! { <NotFound/> }>
                <Route path=(StaticSegment("KunlunXPanel"), StaticSegment("login")) view=LoginPage/>
                <Route
                    path=(StaticSegment("KunlunXPanel"), StaticSegment("change-password"))
                    view=ChangePasswordPage
                />
                <ParentRoute path=StaticSegment("KunlunXPanel") view=Frame>
                    <Route path=StaticSegment("") view=HomePage/>
                    <Route path=StaticSegment("machines") view=MachinesPage/>
                    <Route path=StaticSegment("clusters") view=ClustersPage/>
                    <Route
                        path=(StaticSegment("clusters"), StaticSegment("new"))
                        view=ClusterWizardPage
                    />
                    <Route path=(StaticSegment("clusters"), ParamSegment("id")) view=ClusterPage/>
                    <Route path=StaticSegment("jobs") view=JobsPage/>
                    <Route path=(StaticSegment("jobs"), ParamSegment("id")) view=JobPage/>
                    <Route path=StaticSegment("operation-log") view=OperationsPage/>
                    <Route path=StaticSegment("system") view=SystemPage/>
                </ParentRoute>
            </Routes>
        </Router>
        </crate::components::language::LanguageProvider>
    }
}

/// Whether the page the server renders loads the wasm. The login page does not: its two
/// forms (log in, language) post to their server functions and come back as pages, so a
/// first visit transfers a few KiB instead of the whole app (issue #18 P1). Inside the
/// app (after a logout, say) the router still draws the same page from the wasm.
fn loads_wasm() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .is_none_or(|req| req.uri.path().trim_end_matches('/') != crate::paths::LOGIN)
    }
    #[cfg(not(feature = "ssr"))]
    true
}

/// Sets `data-hydrated` on `<body>` once the wasm has taken over, so browser tests (and
/// people debugging) can tell a live page from server-rendered HTML.
fn mark_hydrated() {
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

/// The page's Content-Security-Policy: scripts only from this console and the inline
/// hydration scripts carrying this response's nonce, wasm compiled only from our own
/// files, no framing, no plugins, forms and fetches to this origin only. (API answers
/// and assets get a stricter default from the server's header layer.)
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    let (Some(nonce), Some(opts)) =
        (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        &*nonce
    );
    if let Ok(v) = http::HeaderValue::from_str(&policy) {
        opts.insert_header(http::header::CONTENT_SECURITY_POLICY, v);
    }
}
