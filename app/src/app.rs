//! The HTML document and the route table.

use crate::pages::{
    change_password::ChangePasswordPage, clusters::ClustersPage, frame::Frame, home::HomePage,
    login::LoginPage, machines::MachinesPage, not_built::NotBuiltPage, not_found::NotFound,
    operations::OperationsPage,
};
use crate::paths;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    StaticSegment,
};

/// The document the server renders around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
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
        <Stylesheet id="leptos" href=format!("{}/kunlunxpanel.css", paths::PKG)/>
        <Link rel="icon" type_="image/svg+xml" href="/KunlunXPanel/favicon.svg"/>
        <Title text="KunlunXPanel"/>
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
                    <Route path=StaticSegment("operation-log") view=OperationsPage/>
                    <Route
                        path=StaticSegment("system")
                        view=|| view! { <NotBuiltPage title="System" title_zh="系统管理" issue=7/> }
                    />
                </ParentRoute>
            </Routes>
        </Router>
    }
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
