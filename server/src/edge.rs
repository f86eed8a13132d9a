//! What every request meets first and every answer passes last: one place per concern.
//!
//! - `Host` must be this console's ([`HostPolicy`]): an IP address, `localhost`, the
//!   machine's name, or a name given with `--allowed-hosts`. A page of another site that
//!   rebinds its name to this console's address (DNS rebinding) sends its own name and
//!   gets 421, before anything else runs.
//! - A path longer than [`MAX_PATH_BYTES`] gets 414; an asset name no file can have,
//!   404 (the file system would answer "File name too long", a 500).
//! - A server-function call's body is read here, at most [`MAX_BODY_BYTES`] (413 beyond,
//!   chunked or not), and a form body must be UTF-8 (400 otherwise), so decoding
//!   failures never reach server_fn as a 500.
//! - A server function's error answer gets the HTTP status of its `AppError` (and
//!   `Retry-After` when it says how long to wait): server_fn answers every error 500,
//!   this is where the status becomes right. A plain form post's answer stays a redirect
//!   (302) back to its page, which shows the error. It is also the one place a Klustron
//!   failure is logged, and the decoded `AppError` is left in the answer's extensions
//!   for the metrics layer outside to count (`crate::metrics`).
//! - Answers other than compiled assets are not cached (`no-store`): they may hold what
//!   only a logged-in user should see.
//! - A redirect goes nowhere but to this console (no-JS form posts are redirected to
//!   their `Referer` by leptos_axum, which the browser controls). A form post that came
//!   without a `Referer` (stripped by an extension or a proxy) is treated as coming from
//!   the login page, the one page that posts forms without wasm, so its error still shows.

use std::collections::HashSet;
use std::sync::Arc;

use app::backend::auth::gate::api_error;
use app::error::AppError;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The largest request body accepted.
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// The longest path answered; a longer one is refused with 414.
pub const MAX_PATH_BYTES: usize = 2048;
/// The longest file name an asset can have (the file system's limit): longer is 404.
pub const MAX_NAME_BYTES: usize = 255;

/// Which `Host` values this console answers for.
#[derive(Debug, Clone)]
pub struct HostPolicy {
    /// Lower-case names, without port.
    names: HashSet<String>,
    /// `--allowed-hosts '*'`: any host (behind a proxy that checks it).
    any: bool,
}

impl HostPolicy {
    /// `localhost`, this machine's host name, and `extra` (`*` allows any host).
    pub fn new(extra: &[String]) -> Self {
        let mut names: HashSet<String> = ["localhost".to_owned()].into();
        if let Ok(h) = std::fs::read_to_string("/proc/sys/kernel/hostname") {
            let h = h.trim().to_ascii_lowercase();
            if !h.is_empty() {
                names.insert(h);
            }
        }
        let any = extra.iter().any(|e| e.trim() == "*");
        names.extend(extra.iter().map(|e| e.trim().to_ascii_lowercase()).filter(|e| !e.is_empty()));
        Self { names, any }
    }

    /// Whether a `Host` header value names this console.
    pub fn allows(&self, host: &str) -> bool {
        if self.any {
            return true;
        }
        let h = host.trim();
        // `[v6]:port`, `[v6]`, `v4:port`, `name:port`, `name`.
        let bare = if let Some(rest) = h.strip_prefix('[') {
            return rest
                .split_once(']')
                .is_some_and(|(ip, _)| ip.parse::<std::net::Ipv6Addr>().is_ok());
        } else {
            h.rsplit_once(':').map_or(h, |(name, port)| {
                if port.bytes().all(|b| b.is_ascii_digit()) {
                    name
                } else {
                    h
                }
            })
        };
        bare.parse::<std::net::Ipv4Addr>().is_ok()
            || self.names.contains(&bare.to_ascii_lowercase())
    }
}

/// The edge, as one middleware.
pub async fn edge(State(hosts): State<Arc<HostPolicy>>, req: Request, next: Next) -> Response {
    let host = req.headers().get(header::HOST).and_then(|v| v.to_str().ok()).map(str::to_owned);
    if let Some(host) = host.as_deref() {
        if !hosts.allows(host) {
            let shown: String = host.chars().take(100).collect();
            return api_error(AppError::MisdirectedHost(shown));
        }
    }
    let path = req.uri().path();
    if path.len() > MAX_PATH_BYTES {
        return api_error(AppError::UriTooLong);
    }
    let is_api = path.starts_with(&format!("{}/", app::paths::API));
    let is_asset = path.starts_with(app::paths::PKG);
    if is_asset && path.split('/').any(|seg| seg.len() > MAX_NAME_BYTES) {
        return api_error(AppError::NotFound("no such file".into()));
    }
    let req = if is_api {
        match read_body(req).await {
            Ok(r) => with_referer(r, host.as_deref()),
            Err(e) => return api_error(e),
        }
    } else {
        req
    };
    let mut resp = next.run(req).await;
    if is_api && resp.headers().contains_key(server_fn::error::SERVER_FN_ERROR_HEADER) {
        resp = with_error_status(resp).await;
    }
    let headers = resp.headers_mut();
    if !is_asset {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if let Some(location) = headers.get(header::LOCATION) {
        // Not visible ASCII: not a place on this console either.
        let to = location.to_str().unwrap_or_default();
        let local = local_location(to, host.as_deref());
        if local.as_deref() != Some(to) {
            let to = local
                .and_then(|l| HeaderValue::from_str(&l).ok())
                .unwrap_or(HeaderValue::from_static(app::paths::HOME));
            headers.insert(header::LOCATION, to);
        }
    }
    resp
}

/// A redirect's target as a path on this console, or `None` if it leads anywhere else
/// (then the home page is used). A form post's answer goes back to its `Referer`, an
/// absolute URL: kept, as its path, when it names this very host.
fn local_location(to: &str, host: Option<&str>) -> Option<String> {
    let path = if to.starts_with('/') {
        to
    } else {
        let (scheme, rest) = to.split_once("://")?;
        let web = scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
        let (authority, path) = rest.split_at(rest.find('/')?);
        (web && host.is_some_and(|h| h.eq_ignore_ascii_case(authority))).then_some(path)?
    };
    (path.starts_with('/') && !path.starts_with("//") && !path.contains('\\'))
        .then(|| path.to_owned())
}

/// A browser's form post (it asks for HTML) without a `Referer` gets the login page's, so
/// that leptos_axum's answer leads back to a page that shows the error (else it goes to
/// `/`, and a refused login would look like nothing happened).
fn with_referer(mut req: Request, host: Option<&str>) -> Request {
    let headers = req.headers();
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    if wants_html && !headers.contains_key(header::REFERER) {
        let login = host
            .and_then(|h| HeaderValue::from_str(&format!("http://{h}{}", app::paths::LOGIN)).ok());
        if let Some(login) = login {
            req.headers_mut().insert(header::REFERER, login);
        }
    }
    req
}

/// The body, read whole within the limit; a form must be UTF-8.
async fn read_body(req: Request) -> Result<Request, AppError> {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| AppError::PayloadTooLarge { limit: MAX_BODY_BYTES })?;
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    if is_form && std::str::from_utf8(&bytes).is_err() {
        return Err(AppError::BadRequest("the form is not UTF-8".into()));
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// A server function's error answer with its `AppError`'s status, and the error itself
/// in the answer's extensions. A redirect stays one: it answers a plain form post (the
/// login page has no wasm), and the page it leads back to shows the error.
async fn with_error_status(resp: Response) -> Response {
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 256 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(e) = serde_json::from_slice::<AppError>(&bytes) {
        if !parts.status.is_redirection() {
            parts.status =
                StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        }
        match &e {
            AppError::TooManyAttempts { retry_after_secs } => {
                parts.headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
            }
            AppError::Klustron(f) => {
                tracing::warn!(kind = f.kind(), error = %f, "Klustron backend error");
            }
            _ => {}
        }
        parts.extensions.insert(e);
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_stay_on_this_console() {
        let host = Some("10.0.0.5:18080");
        let same = "http://10.0.0.5:18080/KunlunXPanel/login?next=/KunlunXPanel/machines&__err=x";
        assert_eq!(
            local_location(same, host).as_deref(),
            Some("/KunlunXPanel/login?next=/KunlunXPanel/machines&__err=x")
        );
        assert_eq!(local_location("/KunlunXPanel", host).as_deref(), Some("/KunlunXPanel"));
        // A path whose query holds "://" is still a path (the gate's login?next=...).
        let odd = "/KunlunXPanel/login?next=/KunlunXPanel/a://b";
        assert_eq!(local_location(odd, host).as_deref(), Some(odd));
        // Schemes and host names compare without case, as browsers do.
        assert_eq!(
            local_location("HTTP://Panel.Example:18080/KunlunXPanel", Some("panel.example:18080"))
                .as_deref(),
            Some("/KunlunXPanel")
        );
        assert_eq!(
            local_location("http://[::1]:18080/KunlunXPanel/login", Some("[::1]:18080")).as_deref(),
            Some("/KunlunXPanel/login")
        );
        for elsewhere in [
            "http://evil.example/KunlunXPanel",
            "https://10.0.0.5:18080.evil.example/x",
            "http://10.0.0.5:18080",
            "http://user@10.0.0.5:18080/x",
            "http://10.0.0.5:18080?x=/y",
            "//evil.example/x",
            "/\\evil.example",
            "javascript://10.0.0.5:18080/x",
            "evil",
            "",
        ] {
            assert_eq!(local_location(elsewhere, host), None, "{elsewhere}");
        }
        assert_eq!(local_location(same, None), None, "no Host: nothing to compare with");
    }

    #[test]
    fn only_addresses_and_known_names_are_this_consoles_hosts() {
        let p = HostPolicy::new(&["xpanel.example.com".into()]);
        for ok in [
            "10.0.0.5:18080",
            "10.0.0.5",
            "[::1]:18080",
            "localhost:18080",
            "XPanel.Example.com",
            "xpanel.example.com:443",
        ] {
            assert!(p.allows(ok), "{ok}");
        }
        for bad in ["evil.example:18080", "evil.example", "10.0.0.5.evil.example", "[nope]:1", ""] {
            assert!(!p.allows(bad), "{bad}");
        }
        assert!(HostPolicy::new(&["*".into()]).allows("anything.example"));
    }
}
