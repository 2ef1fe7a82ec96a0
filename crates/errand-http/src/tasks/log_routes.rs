//! A task's logs over HTTP: its events (a page, or an SSE stream) and its step journal.

use actix_web::{HttpRequest, HttpResponse, get, web};

use super::live;
use super::routes::existing_task;
use crate::app::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::openapi::{NotFound, QueryErrors, ServerErrors, SseFrame};
use crate::pagination;
use errand_core::events;
use errand_core::tasks::journal;
use errand_core::tasks::model::{EventPage, EventQuery, StepPage, StepQuery};

/// List or stream a task's events
///
/// The task's ordered event log (`seq` from 1, gapless), after `after`. With
/// `Accept: text/event-stream` it is a Server-Sent Events stream instead: every event after
/// `Last-Event-ID` (or `after`), then live ones as they happen, each frame with `id:` (the
/// seq), `event:` (the type) and `data:` (the event as JSON); a comment line every
/// `events.heartbeat_seconds`; closed after the terminal event. A task that has ended with
/// nothing newer answers 204, which stops an `EventSource` from reconnecting.
#[utoipa::path(
    operation_id = "listTaskEvents",
    tag = "tasks",
    params(
        ("id" = Uuid, Path, description = "The task id"),
        EventQuery,
        ("Accept" = Option<String>, Header, description = "`text/event-stream` for a stream"),
        ("Last-Event-ID" = Option<String>, Header, nullable = false, pattern = r"^[0-9]{1,18}$",
            description = "Resume after this seq (sent by a reconnecting EventSource); takes precedence over `after`")
    ),
    responses(
        (status = 200, description = "A page of events, or the event stream",
            content((EventPage = "application/json"), (SseFrame = "text/event-stream"))),
        (status = 204, description = "Stream only: the task ended and no event is newer"),
        NotFound, QueryErrors, ServerErrors
    )
)]
#[get("/tasks/{id}/events")]
pub async fn list_events(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    query: web::Query<EventQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    // Checked in both modes: a header the document types as an integer is never ignored.
    let after = live::last_event_id(&req)?.or(query.after).unwrap_or(0);
    if live::wants_stream(&req) {
        let task = existing_task(&state, &caller, &id).await?;
        let slot = state.auth.limiter.open_stream(caller.limit_key())?;
        return live::stream(&state, &task, after, HttpResponse::Ok(), slot).await;
    }
    let limit = pagination::limit(query.limit, 100, 1000)?;
    let uuid = existing_task(&state, &caller, &id).await?.id;
    let page_bytes = state.streams.page_bytes;
    let data = events::list(&state.core.pool, uuid, after, limit, page_bytes)
        .await?
        .events;
    let next_after = data.last().map_or(after, |e| e.seq);
    Ok(HttpResponse::Ok().json(EventPage { data, next_after }))
}

/// List a task's steps
///
/// The step journal: every model call and tool result, in run order, with usage and
/// timings. A retried task replays the steps earlier attempts committed.
#[utoipa::path(
    operation_id = "listTaskSteps",
    tag = "tasks",
    params(("id" = Uuid, Path, description = "The task id"), StepQuery),
    responses((status = 200, description = "A page of steps", body = StepPage), NotFound, QueryErrors, ServerErrors)
)]
#[get("/tasks/{id}/steps")]
pub async fn list_steps(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    query: web::Query<StepQuery>,
) -> Result<web::Json<StepPage>, ApiError> {
    let limit = pagination::limit(query.limit, 100, 1000)?;
    let uuid = existing_task(&state, &caller, &id).await?.id;
    let after = query.after.unwrap_or(-1);
    let page_bytes = state.streams.page_bytes;
    let data = journal::list(&state.core.pool, uuid, after, limit, page_bytes).await?;
    let next_after = data.last().map_or(after, |s| s.index);
    Ok(web::Json(StepPage { data, next_after }))
}
