//! `GET /KunlunXPanel/api/jobs/{id}/events`: a job's changes as server-sent events.
//!
//! Each event is the whole [`JobView`] as JSON. The stream starts with the current view,
//! sends each change the job's follower publishes, and ends after the job ends. The
//! access gate has already required a session with a changed password; the handler
//! checks again, as every server function does.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use futures::stream::{self, Stream, StreamExt};
use tokio_stream::wrappers::WatchStream;

use crate::backend::auth::CurrentSession;
use crate::backend::AppState;
use crate::domain::job::{JobStatus, JobView};
use crate::error::AppError;

/// The route, relative to nothing (the full path).
pub const ROUTE: &str = "/KunlunXPanel/api/jobs/{id}/events";

pub async fn job_events(
    State(state): State<AppState>,
    session: Option<Extension<CurrentSession>>,
    Path(id): Path<String>,
) -> Response {
    match events(&state, session.map(|s| s.0), &id).await {
        Ok(sse) => sse.into_response(),
        Err(e) => {
            let status = axum::http::StatusCode::from_u16(e.status())
                .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
            (status, axum::Json(e)).into_response()
        }
    }
}

async fn events(
    state: &AppState,
    session: Option<CurrentSession>,
    id: &str,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    match session {
        None => return Err(AppError::Unauthorized),
        Some(s) if s.must_change_password => return Err(AppError::PasswordChangeRequired),
        Some(_) => {}
    }
    let id: i64 = id
        .parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| AppError::invalid("id", "A job id is a positive whole number"))?;
    // Starts a follower if the job runs and nobody follows it yet.
    let first = super::view_of(state, id).await?;
    let changes: std::pin::Pin<Box<dyn Stream<Item = JobView> + Send>> =
        match (first.status, state.jobs.watch(id)) {
            (JobStatus::Running, Some(rx)) => Box::pin(WatchStream::new(rx)),
            _ => Box::pin(stream::iter([first])),
        };
    // Up to and including the first view that is not running, then the stream ends.
    let events = changes
        .scan(false, |ended, v| {
            let out = (!*ended).then(|| {
                *ended = v.status != JobStatus::Running;
                v
            });
            std::future::ready(out)
        })
        .map(|v| Ok(Event::default().json_data(&v).unwrap_or_else(|_| Event::default())));
    // `retry`: how soon a browser reconnects if the console restarts mid-job.
    let hello =
        stream::iter([Ok(Event::default().retry(Duration::from_millis(1000)).comment("job"))]);
    Ok(Sse::new(hello.chain(events)).keep_alive(KeepAlive::default()))
}
