//! Watching a task as it runs over HTTP: its event stream (SSE), and how long a request
//! asks to wait for its end (`?wait=`, `Prefer: wait=`; the waiting is `tasks::wait`).

use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};

use crate::app::AppState;
use crate::auth::limiter::StreamSlot;
use crate::error::ApiError;
use crate::events::sse::Tail;
use errand_core::events::hub::Log;
use errand_core::tasks::model::Task;

pub use crate::events::http::{last_event_id, wants_stream};

/// A `wait` query value as a duration; more than the maximum is refused.
pub fn query_wait(seconds: Option<u64>, max: Duration) -> Result<Option<Duration>, ApiError> {
    match seconds {
        None | Some(0) => Ok(None),
        Some(s) if s > max.as_secs() => Err(ApiError::bad_request(format!(
            "wait must be at most {} seconds, not {s}",
            max.as_secs()
        ))),
        Some(s) => Ok(Some(Duration::from_secs(s))),
    }
}

/// `Prefer: wait=N` (RFC 7240). A preference, so a longer wait is cut to the maximum
/// rather than refused.
pub fn prefer_wait(req: &HttpRequest, max: Duration) -> Option<Duration> {
    req.headers()
        .get_all("prefer")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split([',', ';']))
        .filter_map(|p| p.trim().strip_prefix("wait="))
        .filter_map(|n| n.trim().trim_matches('"').parse::<u64>().ok())
        .next()
        .filter(|s| *s > 0)
        .map(|s| Duration::from_secs(s).min(max))
}

/// The task's events after `after` as an SSE response built on `response` (status and
/// extra headers set by the caller): the backlog, then live events, closed after the
/// terminal event. A task that ended with nothing after `after` gets `204 No Content`,
/// which tells an `EventSource` to stop reconnecting.
pub async fn stream(
    state: &AppState,
    task: &Task,
    after: i64,
    response: HttpResponseBuilder,
    slot: StreamSlot,
) -> Result<HttpResponse, ApiError> {
    let live = state.hub.subscribe(Log::Task(task.id));
    let ended = task.status.terminal_event().is_some();
    let tail = Tail::open(
        live,
        state.core.pool.clone(),
        Log::Task(task.id),
        after,
        ended,
        state.streams.heartbeat,
        state.streams.page_bytes,
    )
    .await?;
    let meters = &state.core.meters;
    Ok(crate::events::http::respond(tail, response, slot, meters))
}
