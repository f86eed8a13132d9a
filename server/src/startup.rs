//! Builds the application from its configuration: store, initial account, routes, layers.

use crate::{config::Config, metrics::Metrics, ops};
use anyhow::Context;
use app::{
    app::{shell, App},
    backend::{
        auth::{self, gate::gate, AuthSettings},
        jobs,
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
    serve::ListenerExt,
    Router,
};
use leptos::config::LeptosOptions;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::{net::SocketAddr, sync::Arc, time::Duration};
use tokio::net::TcpListener;
use tower_http::{
    compression::CompressionLayer, limit::RequestBodyLimitLayer, services::ServeDir,
    set_header::SetResponseHeaderLayer,
};

/// A bound, ready-to-run console.
pub struct Application {
    listeners: Vec<TcpListener>,
    router: Router,
    state: AppState,
}

impl Application {
    /// Binds every listen address, drops root (`--run-as`), opens the store, seeds the
    /// initial account if the store is empty, and imports XPanel's accounts if nothing
    /// has happened in the store yet.
    pub async fn build(config: &Config) -> anyhow::Result<Self> {
        let mut listeners = vec![];
        for addr in &config.listen {
            listeners
                .push(TcpListener::bind(addr).await.with_context(|| format!("binding {addr}"))?);
        }
        anyhow::ensure!(!listeners.is_empty(), "--listen names no address");
        // Before any file is opened: the store is the service user's, never root's.
        if let Some(spec) = &config.run_as {
            let to = crate::privileges::RunAs::parse(spec)?;
            if crate::privileges::drop_root(to)? {
                tracing::info!(uid = to.uid, gid = to.gid, "listening; root dropped");
            }
        }
        let store = Store::open_configured(config.store_url.as_deref(), &config.data_dir)
            .await
            .with_context(|| match &config.store_url {
                // The URL may hold a password: name only the database kind.
                Some(url) => {
                    format!("opening the store at {}", klustron::metadata::redact_url(url))
                }
                None => format!("opening the store in {}", config.data_dir.display()),
            })?;
        seed_initial_account(&store).await?;
        let klustron: Option<Arc<Klustron>> = config.klustron()?;
        match &klustron {
            Some(k) => {
                tracing::info!("Klustron metadata seeds configured");
                crate::xpanel_accounts::import_at_first_start(&store, k, &config.xpanel_db).await;
            }
            None => tracing::warn!(
                "no METASEEDS: machine and cluster pages will say Klustron is not configured"
            ),
        }
        let site_addr = listeners[0].local_addr()?;
        let hash_file = app::assets::locate(std::path::Path::new(&config.site_root));
        app::assets::init(hash_file.as_deref());
        let leptos_options = LeptosOptions::builder()
            .output_name("kunlunxpanel")
            .site_root(config.site_root.as_str())
            .site_pkg_dir("KunlunXPanel/pkg")
            .hash_files(hash_file.is_some())
            .hash_file(std::sync::Arc::<str>::from(
                hash_file.map_or_else(|| "hash.txt".to_owned(), |p| p.display().to_string()),
            ))
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
            jobs: Arc::new(app::backend::jobs::JobHub::new(config.job_policy())),
            throttle: Default::default(),
        };
        let edge = Edge {
            hosts: Arc::new(crate::edge::HostPolicy::new(&config.allowed_hosts)),
            ops_token: config.ops_token.clone().filter(|t| !t.is_empty()).map(Arc::from),
        };
        Ok(Application { listeners, router: router(state.clone(), edge), state })
    }

    /// The first listen address.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addrs()[0]
    }

    pub fn local_addrs(&self) -> Vec<SocketAddr> {
        self.listeners.iter().filter_map(|l| l.local_addr().ok()).collect()
    }

    /// Serves until SIGINT or SIGTERM, then finishes in-flight requests.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        tokio::spawn(purge_sessions_periodically(self.state.clone()));
        match jobs::follower::resume(&self.state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(jobs = n, "following unfinished jobs again"),
            Err(e) => tracing::error!(error = %e, "could not resume unfinished jobs"),
        }
        // One signal stops every listener; each finishes its requests in flight.
        let (stop, stopped) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            shutdown_signal().await;
            let _ = stop.send(true);
        });
        let mut servers = tokio::task::JoinSet::new();
        for listener in self.listeners {
            let service = self.router.clone().into_make_service_with_connect_info::<SocketAddr>();
            // Without TCP_NODELAY a body sent in several writes (a streamed page, a file)
            // waits ~40 ms for the client's delayed ACK (Nagle): measured in bench/load.sh.
            let listener = listener.tap_io(|tcp| {
                if let Err(e) = tcp.set_nodelay(true) {
                    tracing::debug!(error = %e, "could not set TCP_NODELAY");
                }
            });
            let mut stopped = stopped.clone();
            servers.spawn(async move {
                axum::serve(listener, service)
                    .with_graceful_shutdown(async move {
                        let _ = stopped.wait_for(|s| *s).await;
                    })
                    .await
            });
        }
        while let Some(done) = servers.join_next().await {
            done??;
        }
        Ok(())
    }
}

/// Settings of the edge layers.
struct Edge {
    hosts: Arc<crate::edge::HostPolicy>,
    ops_token: Option<Arc<str>>,
}

/// The routes: the Leptos pages and server functions behind the access gate, redirects to
/// the console from `/`, static files, and security headers on everything.
fn router(state: AppState, edge: Edge) -> Router {
    // HSTS only when the console is served over HTTPS (the same setting that marks the
    // session cookie Secure); over plain HTTP the header would be ignored or harmful.
    let hsts = state
        .auth
        .cookie_secure
        .then(|| HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    // This console's own metrics: the tests run many consoles in one process.
    let metrics = Arc::new(Metrics::new());
    let ops_state =
        ops::OpsState { app: state.clone(), metrics: metrics.clone(), token: edge.ops_token };
    let ops_routes = Router::new()
        .route(paths::HEALTHZ, get(ops::healthz))
        .route(paths::READYZ, get(ops::readyz))
        .route(paths::METRICS, get(ops::metrics))
        .with_state(ops_state);
    let pkg_dir = std::path::Path::new(options.site_root.as_ref()).join("KunlunXPanel/pkg");
    // The compiled JS, wasm and CSS: `.br`/`.gz` files made at release build time are sent
    // as they are (no compression work per request), with a year of caching for names
    // that carry a content hash.
    let pkg = Router::new()
        .fallback_service(ServeDir::new(pkg_dir).precompressed_br().precompressed_gzip())
        .layer(middleware::from_fn(cache_control));
    Router::new()
        .nest("/KunlunXPanel/pkg", pkg)
        .route("/", get(|| async { Redirect::permanent(paths::HOME) }))
        .route("/KunlunXPanel/", get(|| async { Redirect::permanent(paths::HOME) }))
        .route(jobs::events::ROUTE, get(jobs::events::job_events))
        .merge(ops_routes)
        .leptos_routes(&state, routes, move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(middleware::from_fn_with_state(state.clone(), gate))
        // Bodies are refused past this size (server-function calls by `edge` already).
        .layer(RequestBodyLimitLayer::new(crate::edge::MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(edge.hosts, crate::edge::edge))
        // Outside the edge, so it counts the status the edge gave (and the Klustron
        // failure it decoded); a `Router::layer`, so it runs after routing and labels by
        // the matched route.
        .layer(middleware::from_fn_with_state(metrics, crate::metrics::track))
        // A bug that panics a handler answers 500 instead of dropping the connection.
        .layer(tower_http::catch_panic::CatchPanicLayer::new())
        .layer(CompressionLayer::new())
        .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_layer(header::X_FRAME_OPTIONS, "DENY"))
        // A page's address never leaves for another site; to this console it goes, since
        // a plain form post (the login page has no wasm) is answered by a redirect back
        // to the page that sent it, named by its Referer. (Under no-referrer a browser also
        // sends `Origin: null` on a form post, which the gate refuses as another origin.)
        .layer(header_layer(header::REFERRER_POLICY, "same-origin"))
        // Pages set their own policy (with the response's script nonce, app.rs); anything
        // else (API answers, assets, redirects) may load nothing and be framed nowhere.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'; base-uri 'none'"),
        ))
        .layer(SetResponseHeaderLayer::overriding(header::STRICT_TRANSPORT_SECURITY, hsts))
        .with_state(state)
}

/// `Cache-Control` for a compiled asset: immutable for a year when its name carries a
/// content hash, else revalidated on every use.
async fn cache_control(
    req: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    let hashed = req.uri().path().rsplit('/').next().is_some_and(app::assets::is_hashed_name);
    let mut resp = next.run(req).await;
    if resp.status().is_success() {
        let value = if hashed { "public, max-age=31536000, immutable" } else { "no-cache" };
        resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    resp
}

fn header_layer(
    name: header::HeaderName,
    value: &'static str,
) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
}

/// Seeds `super_dba`/`super_dba` (to be changed at first login) into an empty store.
pub(crate) async fn seed_initial_account(store: &Store) -> anyhow::Result<()> {
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
        state.throttle.purge(std::time::Instant::now());
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
