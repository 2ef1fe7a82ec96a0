//! Serving an event log over HTTP: whether the client asked for a stream, where it resumes
//! (`Last-Event-ID`), and the SSE response itself. Shared by task and thread streams.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use errand_core::metrics::Meters;

use super::sse::Tail;
use crate::error::ApiError;

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

/// The SSE response for `tail`, built on `response` (status and extra headers set by the
/// caller); `guard` (a stream slot) and the meters' count of open streams are held for as
/// long as the stream is open. A log with
/// nothing left to send gets `204 No Content`, which tells an `EventSource` to stop
/// reconnecting.
pub fn respond(
    tail: Tail,
    mut response: HttpResponseBuilder,
    guard: impl Send + 'static,
    meters: &Meters,
) -> HttpResponse {
    if tail.is_exhausted() {
        return HttpResponse::NoContent().finish();
    }
    let open = meters.stream_opened();
    response
        .insert_header((header::CONTENT_TYPE, HeaderValue::from_static(EVENT_STREAM)))
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-cache")))
        // Tells nginx (and proxies that follow it) not to buffer the stream.
        .insert_header(("X-Accel-Buffering", HeaderValue::from_static("no")))
        .streaming(futures::StreamExt::inspect(tail.into_stream(), move |_| {
            let _ = (&guard, &open);
        }))
}
