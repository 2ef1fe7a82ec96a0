//! Watching a task as it runs: its event stream (SSE), and waiting for its end
//! (`?wait=`, `Prefer: wait=`). Both ride on the process's event hub, so a waiting request
//! costs no polling.

use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

use super::model::Task;
use super::store;
use crate::app::AppState;
use crate::auth::limiter::StreamSlot;
use crate::error::ApiError;
use crate::events::hub::Log;
use crate::events::sse::Tail;

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

/// Waits until the task ends (or it, or a task below it, asks a question) or `wait` passes, and
/// returns it as it then is; `None` when there is no such task. Ends early when the process
/// shuts down.
pub async fn until_ended(
    state: &AppState,
    id: Uuid,
    wait: Duration,
) -> Result<Option<Task>, ApiError> {
    // Watch before reading, so an end between the two is not missed.
    let mut end = state.hub.watch_end(id);
    let deadline = tokio::time::sleep(wait);
    tokio::pin!(deadline);
    loop {
        let task = store::get(&state.pool, id).await?;
        if task.as_ref().is_none_or(Task::awaits_caller) {
            return Ok(task);
        }
        tokio::select! {
            () = &mut deadline => return Ok(store::get(&state.pool, id).await?),
            signal = end.recv() => match signal {
                // Ended, or the hub's listener reconnected: read the task again, watching
                // anew first (a signal is sent once: its channel closes after it).
                Ok(()) | Err(RecvError::Lagged(_)) => end = state.hub.watch_end(id),
                // The hub stopped: this process is shutting down.
                Err(RecvError::Closed) => return Ok(store::get(&state.pool, id).await?),
            },
        }
    }
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
        state.pool.clone(),
        Log::Task(task.id),
        after,
        ended,
        state.streams.heartbeat,
        state.streams.page_bytes,
    )
    .await?;
    Ok(crate::events::http::respond(tail, response, slot))
}
