//! The state every request handler and server function shares.

use super::{
    auth::{throttle::Throttle, AuthSettings},
    jobs::JobHub,
    klustron::Klustron,
    store::Store,
};
use crate::error::AppError;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

#[derive(Clone, FromRef)]
pub struct AppState {
    /// Where the compiled site lives and what it is called; used for rendering and assets.
    pub leptos_options: LeptosOptions,
    /// The console's own store: users, sessions, audit log.
    pub store: Store,
    /// Cookie and session-lifetime settings.
    pub auth: Arc<AuthSettings>,
    /// Klustron's metadata and cluster_mgr; `None` when started without METASEEDS.
    pub klustron: Option<Arc<Klustron>>,
    /// The jobs being followed now, one task each.
    pub jobs: Arc<JobHub>,
    /// Failed logins per account name and per client address.
    pub throttle: Arc<Throttle>,
}

/// The state, as provided by `leptos_routes_with_context` to every server function.
pub fn app_state() -> Result<AppState, AppError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the server-function context");
        AppError::Internal
    })
}
