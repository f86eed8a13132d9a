//! Builds the application from its configuration: store, initial account, routes, layers.

use crate::config::Config;
use anyhow::Context;
use app::{
    app::{shell, App},
    backend::{
        auth::{self, gate::gate, AuthSettings},
        klustron::Klustron,
        store::{now, Store},
        AppState,
    },
    paths,
};
use axum::{
    http::{header, HeaderValue},
    middleware,
    response::Redirect,
    routing::get,
    Router,
};
use leptos::config::LeptosOptions;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::{net::SocketAddr, sync::Arc, time::Duration};
use tokio::net::TcpListener;
use tower_http::{compression::CompressionLayer, set_header::SetResponseHeaderLayer};

/// A bound, ready-to-run console.
pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
}

impl Application {
    /// Opens the store, seeds the initial account if the store is empty, and binds.
    pub async fn build(config: &Config) -> anyhow::Result<Self> {
        let store = Store::open_in(&config.data_dir)
            .await
            .with_context(|| format!("opening the store in {}", config.data_dir.display()))?;
        seed_initial_account(&store).await?;
        let klustron = config.klustron_seeds()?.map(|seeds| {
            tracing::info!(seeds = ?seeds.urls().len(), "Klustron metadata seeds configured");
            Arc::new(Klustron::new(seeds, config.cluster_mgr.clone()))
        });
        if klustron.is_none() {
            tracing::warn!(
                "no METASEEDS: machine and cluster pages will say Klustron is not configured"
            );
        }

        let listener = TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("binding {}", config.listen))?;
        let site_addr = listener.local_addr()?;
        let leptos_options = LeptosOptions::builder()
            .output_name("kunlunxpanel")
            .site_root(config.site_root.as_str())
            .site_pkg_dir("KunlunXPanel/pkg")
            .site_addr(site_addr)
            .build();
        let state = AppState {
            leptos_options,
            store,
            auth: Arc::new(AuthSettings {
                cookie_secure: config.cookie_secure,
                idle_timeout: config.idle_timeout(),
                absolute_timeout: config.absolute_timeout(),
            }),
            klustron,
        };
        Ok(Application { listener, router: router(state.clone()), state })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    /// Serves until SIGINT or SIGTERM, then finishes in-flight requests.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        tokio::spawn(purge_sessions_periodically(self.state.clone()));
        let service = self.router.into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(self.listener, service).with_graceful_shutdown(shutdown_signal()).await?;
        Ok(())
    }
}

/// The routes: the Leptos pages and server functions behind the access gate, redirects to
/// the console from `/`, static files, and security headers on everything.
fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    Router::new()
        .route("/", get(|| async { Redirect::permanent(paths::HOME) }))
        .route("/KunlunXPanel/", get(|| async { Redirect::permanent(paths::HOME) }))
        .leptos_routes(&state, routes, move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(middleware::from_fn_with_state(state.clone(), gate))
        .layer(CompressionLayer::new())
        .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_layer(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header_layer(header::REFERRER_POLICY, "no-referrer"))
        .with_state(state)
}

fn header_layer(
    name: header::HeaderName,
    value: &'static str,
) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
}

/// Seeds `super_dba`/`super_dba` (to be changed at first login) into an empty store.
async fn seed_initial_account(store: &Store) -> anyhow::Result<()> {
    if store.count_users().await? > 0 {
        return Ok(());
    }
    let hash = auth::password::hash(auth::INITIAL_PASSWORD)
        .await
        .map_err(|e| anyhow::anyhow!("hashing the initial password: {e}"))?;
    if store.seed_initial_user(auth::INITIAL_USER, &hash).await? {
        tracing::info!(
            user = auth::INITIAL_USER,
            "seeded the initial account; its password must be changed at first login"
        );
    }
    Ok(())
}

async fn purge_sessions_periodically(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(300));
    loop {
        tick.tick().await;
        let t = now();
        let idle = t - state.auth.idle_timeout.as_secs() as i64;
        let created = t - state.auth.absolute_timeout.as_secs() as i64;
        if let Err(e) = state.store.purge_expired_sessions(idle, created).await {
            tracing::warn!(error = %e, "could not purge expired sessions");
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
