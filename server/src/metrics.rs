//! What `/KunlunXPanel/metrics` shows, kept with the `prometheus-client` crate: requests
//! by route and status, their latency, Klustron failures by kind, jobs by state and the
//! jobs followed now.
//!
//! Each console owns its [`Metrics`] (built in `startup.rs`), never a process-wide
//! registry: the tests start many consoles in one process, and each must count only its
//! own requests.
//!
//! Requests are labelled by the route that answered them (axum's [`MatchedPath`], so
//! `/KunlunXPanel/jobs/{id}` for every job), the compiled assets by one label, and every
//! path no route knows by [`UNMATCHED`]: no client can grow the number of series.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use app::error::AppError;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::{
    counter::Counter, family::Family, gauge::Gauge, histogram::Histogram,
};
use prometheus_client::registry::Registry;

/// The label of requests no route answers.
pub const UNMATCHED: &str = "unmatched";

/// Latency buckets, in seconds: a page or a server function takes milliseconds; a
/// cluster_mgr call that waits for its timeout lands past the last one.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabel {
    kind: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabel {
    state: String,
}

/// One console's metrics and the registry that writes them out.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RequestLabels, Histogram, fn() -> Histogram>,
    klustron_errors: Family<KindLabel, Counter>,
    jobs: Family<StateLabel, Gauge>,
    jobs_followed: Gauge,
    job_poll_failures: Family<KindLabel, Counter>,
    /// Held from refreshing the job gauges to writing the text, so that two scrapes at
    /// once never write out each other's half-refreshed gauges.
    scrape: Mutex<()>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let requests = Family::<RequestLabels, Counter>::default();
        let latency: Family<RequestLabels, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(|| Histogram::new(BUCKETS));
        let klustron_errors = Family::<KindLabel, Counter>::default();
        let jobs = Family::<StateLabel, Gauge>::default();
        let jobs_followed = Gauge::default();
        let job_poll_failures = Family::<KindLabel, Counter>::default();
        let mut registry = Registry::default();
        // Counters are written with `_total` after these names (Prometheus' convention).
        registry.register(
            "xpanel_http_requests",
            "Requests answered, by route and status",
            requests.clone(),
        );
        registry.register(
            "xpanel_http_request_duration_seconds",
            "Time to answer, by route and status",
            latency.clone(),
        );
        registry.register("xpanel_jobs", "Jobs the console submitted, by state", jobs.clone());
        registry.register(
            "xpanel_jobs_followed",
            "Running jobs with a follower",
            jobs_followed.clone(),
        );
        registry.register(
            "xpanel_klustron_errors",
            "Failed calls to cluster_mgr or the metadata answered to a server function, by kind",
            klustron_errors.clone(),
        );
        registry.register(
            "xpanel_job_poll_failures",
            "Job status polls cluster_mgr did not answer, by kind",
            job_poll_failures.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            klustron_errors,
            jobs,
            jobs_followed,
            job_poll_failures,
            scrape: Mutex::new(()),
        }
    }

    /// Counts one answered request, and the Klustron failure it carried, if any.
    fn observe(&self, route: String, resp: &Response, started: Instant) {
        let labels = RequestLabels { route, status: resp.status().as_u16() };
        self.requests.get_or_create(&labels).inc();
        self.latency.get_or_create(&labels).observe(started.elapsed().as_secs_f64());
        // The edge leaves a server function's decoded error on its answer (edge.rs).
        if let Some(AppError::Klustron(f)) = resp.extensions().get::<AppError>() {
            self.klustron_errors.get_or_create(&KindLabel { kind: f.kind() }).inc();
        }
    }

    /// The Prometheus text (format 0.0.4), with the job gauges set to `jobs` (state,
    /// count) and `followed`. Job counts live in the store, so they are read at each
    /// scrape rather than kept up to date by every change.
    /// `poll_failures` are the follower's counts since start (`JobHub::poll_failures`),
    /// which only grow; the counters are brought up to them.
    pub fn render(
        &self,
        jobs: &[(String, i64)],
        followed: usize,
        poll_failures: &[(&'static str, u64)],
    ) -> String {
        let _one_at_a_time = self.scrape.lock().unwrap_or_else(|e| e.into_inner());
        // A state no job is in any more disappears rather than keeping its last count.
        self.jobs.clear();
        for (state, n) in jobs {
            self.jobs.get_or_create(&StateLabel { state: state.clone() }).set(*n);
        }
        self.jobs_followed.set(i64::try_from(followed).unwrap_or(i64::MAX));
        for (kind, n) in poll_failures {
            let c = self.job_poll_failures.get_or_create(&KindLabel { kind });
            c.inc_by(n.saturating_sub(c.get()));
        }
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::prometheus_text::encode(&mut out, &self.registry);
        out
    }
}

/// The `Content-Type` of [`Metrics::render`]'s text.
pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

/// The route label of a request: the pattern of the route that took it, one label for
/// the compiled assets (served by a fallback, which has no pattern), else [`UNMATCHED`].
fn route_of(req: &Request) -> String {
    if let Some(m) = req.extensions().get::<MatchedPath>() {
        return m.as_str().to_owned();
    }
    let pkg = app::paths::PKG;
    let path = req.uri().path();
    if path.strip_prefix(pkg).is_some_and(|rest| rest.starts_with('/')) {
        return format!("{pkg}/*");
    }
    UNMATCHED.to_owned()
}

/// The middleware that counts every request. Added with `Router::layer`, so it runs after
/// routing and sees the [`MatchedPath`].
pub async fn track(State(metrics): State<Arc<Metrics>>, req: Request, next: Next) -> Response {
    let route = route_of(&req);
    let started = Instant::now();
    let resp = next.run(req).await;
    metrics.observe(route, &resp, started);
    resp
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::routing::get;
    use axum::Router;
    use tower::ServiceExt;

    /// The route label of each path, through a router shaped like the console's.
    async fn label(path: &str) -> String {
        let router = Router::new()
            .route("/KunlunXPanel/jobs/{id}", get(|| async { "job" }))
            .nest("/KunlunXPanel/pkg", Router::new().fallback(|| async { "asset" }))
            .fallback(|| async { "nothing here" })
            .layer(axum::middleware::from_fn(|req: Request, next: Next| async move {
                let route = route_of(&req);
                let mut resp = next.run(req).await;
                resp.extensions_mut().insert(route);
                resp
            }));
        let req = Request::builder().uri(path).body(Body::empty()).unwrap();
        let resp = router.oneshot(req).await.unwrap();
        resp.extensions().get::<String>().cloned().unwrap()
    }

    #[tokio::test]
    async fn requests_are_labelled_by_route_and_the_unknown_by_one_label() {
        assert_eq!(label("/KunlunXPanel/jobs/42").await, "/KunlunXPanel/jobs/{id}");
        assert_eq!(label("/KunlunXPanel/pkg/kunlunxpanel.abc.wasm").await, "/KunlunXPanel/pkg/*");
        for unknown in ["/etc/passwd", "/KunlunXPanel/\"}evil", "/KunlunXPanel/pkgx", "/"] {
            assert_eq!(label(unknown).await, UNMATCHED, "{unknown}");
        }
    }

    #[test]
    fn the_text_keeps_the_names_the_docs_and_probes_use() {
        let m = Metrics::new();
        let labels = RequestLabels { route: "/KunlunXPanel/readyz".into(), status: 503 };
        m.requests.get_or_create(&labels).inc();
        m.latency.get_or_create(&labels).observe(0.002);
        m.klustron_errors.get_or_create(&KindLabel { kind: "unreachable" }).inc();
        let text = m.render(&[("done".into(), 3)], 0, &[("timeout", 2)]);
        for line in [
            "# TYPE xpanel_http_requests_total counter",
            r#"xpanel_http_requests_total{route="/KunlunXPanel/readyz",status="503"} 1"#,
            r#"xpanel_http_request_duration_seconds_bucket{route="/KunlunXPanel/readyz",status="503",le="0.001"} 0"#,
            r#"xpanel_http_request_duration_seconds_bucket{route="/KunlunXPanel/readyz",status="503",le="0.0025"} 1"#,
            r#"xpanel_http_request_duration_seconds_bucket{route="/KunlunXPanel/readyz",status="503",le="+Inf"} 1"#,
            r#"xpanel_http_request_duration_seconds_count{route="/KunlunXPanel/readyz",status="503"} 1"#,
            r#"xpanel_jobs{state="done"} 3"#,
            "xpanel_jobs_followed 0",
            r#"xpanel_job_poll_failures_total{kind="timeout"} 2"#,
            r#"xpanel_klustron_errors_total{kind="unreachable"} 1"#,
        ] {
            assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
        }
        // A state no job is in any more is gone, not stuck at its last count.
        assert!(!m.render(&[], 1, &[]).contains(r#"state="done""#));
    }
}
