//! Watching a task as it runs: its event stream (SSE), and waiting for its end
//! (`?wait=`, `Prefer: wait=`). Both ride on the process's event hub, so a waiting request
//! costs no polling.

use std::time::Duration;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

use super::model::Task;
use super::store;
use crate::app::AppState;
use crate::auth::limiter::StreamSlot;
use crate::error::ApiError;
use crate::events::sse::Tail;

pub const EVENT_STREAM: &str = "text/event-stream";

/// Whether the client asked for `text/event-stream`.
pub fn wants_stream(req: &HttpRequest) -> bool {
    req.headers()
        .get_all(header::ACCEPT)
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').any(|t| t.trim().starts_with(EVENT_STREAM)))
}

/// The `Last-Event-ID` a reconnecting `EventSource` sends.
pub fn last_event_id(req: &HttpRequest) -> Result<Option<i64>, ApiError> {
    let Some(value) = req.headers().get("last-event-id") else {
        return Ok(None);
    };
    // Exactly the document's pattern: 1 to 18 digits (a seq is never negative, and 18
    // digits always fit an i64).
    let text = String::from_utf8_lossy(value.as_bytes());
    let digits = text.trim();
    match digits.parse::<i64>() {
        Ok(seq)
            if (1..=18).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) =>
        {
            Ok(Some(seq))
        }
        _ => Err(ApiError::bad_request(format!(
            "Last-Event-ID must be an event seq (1 to 18 digits), not {digits:?}"
        ))),
    }
}

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

/// Waits until the task ends or `wait` passes, and returns it as it then is; `None` when
/// there is no such task. Ends early when the process shuts down.
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
        if task
            .as_ref()
            .is_none_or(|t| t.status.terminal_event().is_some())
        {
            return Ok(task);
        }
        tokio::select! {
            () = &mut deadline => return Ok(store::get(&state.pool, id).await?),
            signal = end.recv() => match signal {
                // Ended, or the hub's listener reconnected: read the task again.
                Ok(()) | Err(RecvError::Lagged(_)) => {}
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
    mut response: HttpResponseBuilder,
    slot: StreamSlot,
) -> Result<HttpResponse, ApiError> {
    let live = state.hub.subscribe(task.id);
    let ended = task.status.terminal_event().is_some();
    let tail = Tail::open(
        live,
        state.pool.clone(),
        task.id,
        after,
        ended,
        state.streams.heartbeat,
        state.streams.page_bytes,
    )
    .await?;
    if tail.is_exhausted() {
        return Ok(HttpResponse::NoContent().finish());
    }
    Ok(response
        .insert_header((header::CONTENT_TYPE, HeaderValue::from_static(EVENT_STREAM)))
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-cache")))
        // Tells nginx (and proxies that follow it) not to buffer the stream.
        .insert_header(("X-Accel-Buffering", HeaderValue::from_static("no")))
        // The key's stream slot is held for as long as the stream is open.
        .streaming(futures::StreamExt::inspect(tail.into_stream(), move |_| {
            let _ = &slot;
        })))
}
