//! Operations endpoints: `/KunlunXPanel/healthz` (the process answers),
//! `/KunlunXPanel/readyz` (store, metadata and cluster_mgr reachable, each reported) and
//! `/KunlunXPanel/metrics` (Prometheus text: requests by route and status, latency
//! histograms, jobs by state, Klustron call errors). Written by hand: the format is
//! a few lines of text and needs no extra crate. Requests are labelled by the route
//! that answered them, one label for every path no route knows, so no client can grow
//! the number of series. `/readyz` and `/metrics` ask for `--ops-token` when it is set.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use app::backend::AppState;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// Latency buckets, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

#[derive(Default)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

/// Request counts and latencies by (route, status).
#[derive(Default)]
pub struct Metrics {
    series: Mutex<BTreeMap<(String, u16), Series>>,
    /// The routes there are, as segments (`None`: a parameter).
    routes: Vec<Vec<Option<String>>>,
}

/// The label of requests no route answers.
pub const UNMATCHED: &str = "unmatched";

impl Metrics {
    /// Counters labelled by the console's routes: the pages, the server functions, and
    /// the fixed ones (assets, operations, job events).
    pub fn new(pages: &[leptos_axum::AxumRouteListing]) -> Self {
        let mut paths: Vec<String> = pages.iter().map(|r| r.path().to_owned()).collect();
        paths.extend(server_fn::axum::server_fn_paths().map(|(p, _)| p.to_owned()));
        paths.extend(
            [
                "/",
                "/KunlunXPanel/",
                app::paths::HEALTHZ,
                app::paths::READYZ,
                app::paths::METRICS,
                app::backend::jobs::events::ROUTE,
            ]
            .map(str::to_owned),
        );
        Self::with_routes(paths.iter().map(String::as_str))
    }

    /// Counters for these route patterns (`:id`, `{id}` and `*rest` are parameters).
    fn with_routes<'a>(paths: impl Iterator<Item = &'a str>) -> Self {
        let param =
            |seg: &str| seg.starts_with(':') || seg.starts_with('{') || seg.starts_with('*');
        let routes = paths
            .map(|p| p.split('/').map(|seg| (!param(seg)).then(|| seg.to_owned())).collect())
            .collect();
        Self { series: Mutex::default(), routes }
    }

    /// The route `path` belongs to, its parameters shown as `{id}`, or [`UNMATCHED`].
    pub fn route_of(&self, path: &str) -> String {
        if path.starts_with(&format!("{}/", app::paths::PKG)) {
            return format!("{}/*", app::paths::PKG);
        }
        let segs: Vec<&str> = path.split('/').collect();
        for r in &self.routes {
            if r.len() == segs.len()
                && r.iter().zip(&segs).all(|(p, s)| p.as_deref().map_or(!s.is_empty(), |p| p == *s))
            {
                return r
                    .iter()
                    .map(|p| p.as_deref().unwrap_or("{id}"))
                    .collect::<Vec<_>>()
                    .join("/");
            }
        }
        UNMATCHED.to_owned()
    }

    fn observe(&self, route: String, status: u16, took: Duration) {
        let secs = took.as_secs_f64();
        if let Ok(mut m) = self.series.lock() {
            let s = m.entry((route, status)).or_default();
            s.count += 1;
            s.sum += secs;
            for (i, b) in BUCKETS.iter().enumerate() {
                if secs <= *b {
                    s.buckets[i] += 1;
                }
            }
        }
    }
}

/// The middleware that counts every request.
pub async fn track(State(state): State<OpsState>, req: Request, next: Next) -> Response {
    let route = state.metrics.route_of(req.uri().path());
    let started = Instant::now();
    let resp = next.run(req).await;
    state.metrics.observe(route, resp.status().as_u16(), started.elapsed());
    resp
}

#[derive(Clone)]
pub struct OpsState {
    pub app: AppState,
    pub metrics: std::sync::Arc<Metrics>,
    /// `--ops-token`: what `/readyz` and `/metrics` require, if set.
    pub token: Option<std::sync::Arc<str>>,
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
                // Through AppError, so the failure is counted in /metrics like any other.
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
    let mut out = String::new();
    out.push_str("# HELP xpanel_http_requests_total Requests answered, by route and status.\n");
    out.push_str("# TYPE xpanel_http_requests_total counter\n");
    let mut hist = String::new();
    hist.push_str("# HELP xpanel_http_request_duration_seconds Time to answer, by route.\n");
    hist.push_str("# TYPE xpanel_http_request_duration_seconds histogram\n");
    if let Ok(m) = state.metrics.series.lock() {
        for ((route, status), s) in m.iter() {
            let _ = writeln!(
                out,
                "xpanel_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {}",
                s.count
            );
            for (i, b) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    hist,
                    "xpanel_http_request_duration_seconds_bucket{{route=\"{route}\",status=\"{status}\",le=\"{b}\"}} {}",
                    s.buckets[i]
                );
            }
            let _ = writeln!(hist, "xpanel_http_request_duration_seconds_bucket{{route=\"{route}\",status=\"{status}\",le=\"+Inf\"}} {}", s.count);
            let _ = writeln!(hist, "xpanel_http_request_duration_seconds_sum{{route=\"{route}\",status=\"{status}\"}} {}", s.sum);
            let _ = writeln!(hist, "xpanel_http_request_duration_seconds_count{{route=\"{route}\",status=\"{status}\"}} {}", s.count);
        }
    }
    out.push_str(&hist);
    out.push_str(
        "# HELP xpanel_jobs Jobs the console submitted, by state.\n# TYPE xpanel_jobs gauge\n",
    );
    for (status, n) in state.app.store.job_counts().await.unwrap_or_default() {
        let _ = writeln!(out, "xpanel_jobs{{state=\"{status}\"}} {n}");
    }
    let _ = writeln!(
        out,
        "# HELP xpanel_jobs_followed Running jobs with a follower.\n# TYPE xpanel_jobs_followed gauge\nxpanel_jobs_followed {}",
        state.app.jobs.followed()
    );
    out.push_str("# HELP xpanel_klustron_errors_total Failed calls to cluster_mgr or the metadata, by kind.\n");
    out.push_str("# TYPE xpanel_klustron_errors_total counter\n");
    for (kind, n) in app::backend::klustron::error_counts() {
        let _ = writeln!(out, "xpanel_klustron_errors_total{{kind=\"{kind}\"}} {n}");
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], out).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_labelled_by_route_and_the_unknown_by_one_label() {
        let m = Metrics::with_routes(
            [
                "/KunlunXPanel/jobs/:id",
                "/KunlunXPanel/api/jobs/{id}/events",
                "/KunlunXPanel/machines",
            ]
            .into_iter(),
        );
        assert_eq!(m.route_of("/KunlunXPanel/jobs/42"), "/KunlunXPanel/jobs/{id}");
        assert_eq!(
            m.route_of("/KunlunXPanel/api/jobs/7/events"),
            "/KunlunXPanel/api/jobs/{id}/events"
        );
        assert_eq!(m.route_of("/KunlunXPanel/pkg/kunlunxpanel.abc.wasm"), "/KunlunXPanel/pkg/*");
        for unknown in
            ["/etc/passwd", "/KunlunXPanel/\"}evil", "/KunlunXPanel/nope-1", "/KunlunXPanel/jobs/"]
        {
            assert_eq!(m.route_of(unknown), UNMATCHED, "{unknown}");
        }
    }
}
