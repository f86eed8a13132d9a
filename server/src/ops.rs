//! Operations endpoints: `/KunlunXPanel/healthz` (the process answers),
//! `/KunlunXPanel/readyz` (store, metadata and cluster_mgr reachable, each reported) and
//! `/KunlunXPanel/metrics` (Prometheus text, kept in [`crate::metrics`]). `/readyz` and
//! `/metrics` ask for `--ops-token` when it is set.

use std::sync::Arc;
use std::time::Duration;

use app::backend::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::metrics::Metrics;

#[derive(Clone)]
pub struct OpsState {
    pub app: AppState,
    /// This console's metrics (never a process-wide registry: see [`crate::metrics`]).
    pub metrics: Arc<Metrics>,
    /// `--ops-token`: what `/readyz` and `/metrics` require, if set.
    pub token: Option<Arc<str>>,
}

impl OpsState {
    /// 401 unless the request carries the token (when one is set).
    fn refuse(&self, headers: &axum::http::HeaderMap) -> Option<Response> {
        let want = self.token.as_deref()?;
        let got = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        let ok = got.and_then(|g| g.strip_prefix("Bearer ")).is_some_and(|g| {
            // Same time whatever the first wrong byte.
            g.len() == want.len()
                && g.bytes().zip(want.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
        });
        (!ok).then(|| {
            (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer")],
                "ops token required\n",
            )
                .into_response()
        })
    }
}

pub async fn healthz() -> Json<serde_json::Value> {
    Json(json!({"status": "ok"}))
}

/// 200 when the store, the metadata and cluster_mgr all answer; 503 naming what does not.
pub async fn readyz(State(state): State<OpsState>, headers: axum::http::HeaderMap) -> Response {
    if let Some(refused) = state.refuse(&headers) {
        return refused;
    }
    let store = match state.app.store.ping().await {
        Ok(()) => "ok".to_owned(),
        Err(e) => format!("error: {e}"),
    };
    let (metadata, cluster_mgr) = match &state.app.klustron {
        None => ("not configured (no METASEEDS)".to_owned(), "not configured".to_owned()),
        Some(k) => {
            let metadata = match k.meta().await {
                Ok(_) => "ok".to_owned(),
                Err(e) => format!("error: {e}"),
            };
            let cm = match tokio::time::timeout(Duration::from_secs(5), k.cluster_mgr.ping()).await
            {
                Ok(Ok(leader)) => format!("ok (leader {leader})"),
                // In the words the console uses for it (AppError's English text). Not
                // counted in /metrics: the 503 of this route is, and the body says why.
                Ok(Err(e)) => format!("error: {}", app::error::AppError::from(e)),
                Err(_) => "error: no answer within 5 s".to_owned(),
            };
            (metadata, cm)
        }
    };
    let ready = store == "ok" && metadata == "ok" && cluster_mgr.starts_with("ok");
    let status = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(json!({"ready": ready, "store": store, "metadata": metadata, "cluster_mgr": cluster_mgr})))
        .into_response()
}

pub async fn metrics(State(state): State<OpsState>, headers: axum::http::HeaderMap) -> Response {
    if let Some(refused) = state.refuse(&headers) {
        return refused;
    }
    let jobs = match state.app.store.job_counts().await {
        Ok(jobs) => jobs,
        Err(e) => {
            // The request counts still go out; the job gauges say nothing this time.
            tracing::warn!(error = %e, "could not count jobs for /metrics");
            vec![]
        }
    };
    let text =
        state.metrics.render(&jobs, state.app.jobs.followed(), &state.app.jobs.poll_failures());
    ([(header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE)], text).into_response()
}
