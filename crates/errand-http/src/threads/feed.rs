//! A thread's conversation and its live log: `GET /v1/threads/{id}/messages` and
//! `GET /v1/threads/{id}/events` (a page, or an SSE stream across all its tasks).

use actix_web::{HttpRequest, HttpResponse, get, web};

use super::routes::by_id;
use crate::app::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::events::http as sse_http;
use crate::events::sse::Tail;
use crate::openapi::{NotFound, QueryErrors, ServerErrors, SseFrame};
use crate::pagination;
use errand_core::events;
use errand_core::events::hub::Log;
use errand_core::threads::messages;
use errand_core::threads::model::{MessagePage, MessageQuery, ThreadEventPage};

/// List a thread's messages
///
/// The conversation in order: each task's user message, the model's replies and tool
/// calls, and the tool results, each with the task and step that wrote it.
#[utoipa::path(
    operation_id = "listThreadMessages",
    tag = "threads",
    params(("id" = Uuid, Path, description = "The thread id"), MessageQuery),
    responses((status = 200, description = "A page of messages", body = MessagePage),
        NotFound, QueryErrors, ServerErrors)
)]
#[get("/threads/{id}/messages")]
pub async fn list_messages(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    query: web::Query<MessageQuery>,
) -> Result<web::Json<MessagePage>, ApiError> {
    let limit = pagination::limit(query.limit, 100, 1000)?;
    let after = query.after.unwrap_or(0);
    if after < 0 {
        return Err(ApiError::bad_request(format!(
            "after must be 0 or more, not {after}"
        )));
    }
    let thread = by_id(&state, &caller, &id).await?;
    let data = messages::list(
        &state.core.pool,
        thread.id,
        after,
        limit,
        state.streams.page_bytes,
    )
    .await?;
    let next_after = data.last().map_or(after, |m| m.seq);
    Ok(web::Json(MessagePage { data, next_after }))
}

/// Query of `GET /v1/threads/{id}/events`.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ThreadEventQuery {
    /// Return events with `thread_seq` greater than this (default 0: from the start). The
    /// `Last-Event-ID` header, when sent, takes precedence.
    #[param(minimum = 0)]
    pub after: Option<i64>,
    /// Page size, 1 to 1000 (default 100); not used by a stream.
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
}

/// List or stream a thread's events
///
/// Every event of every task on the thread, in the order they happened, each with its task
/// id and numbered in the thread (`thread_seq`, from 1). With `Accept: text/event-stream`
/// it is a Server-Sent Events stream: the events after `Last-Event-ID` (or `after`), then
/// live ones, with `id:` the thread seq; it stays open across tasks (a comment line every
/// `events.heartbeat_seconds`) until the client leaves.
#[utoipa::path(
    operation_id = "listThreadEvents",
    tag = "threads",
    params(
        ("id" = Uuid, Path, description = "The thread id"),
        ThreadEventQuery,
        ("Accept" = Option<String>, Header, description = "`text/event-stream` for a stream"),
        ("Last-Event-ID" = Option<String>, Header, nullable = false, pattern = r"^[0-9]{1,18}$",
            description = "Resume after this thread seq; takes precedence over `after`")
    ),
    responses(
        (status = 200, description = "A page of events, or the event stream",
            content((ThreadEventPage = "application/json"), (SseFrame = "text/event-stream"))),
        NotFound, QueryErrors, ServerErrors
    )
)]
#[get("/threads/{id}/events")]
pub async fn list_events(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    query: web::Query<ThreadEventQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    if let Some(after) = query.after.filter(|a| *a < 0) {
        return Err(ApiError::bad_request(format!(
            "after must be 0 or more, not {after}"
        )));
    }
    let after = sse_http::last_event_id(&req)?.or(query.after).unwrap_or(0);
    let thread = by_id(&state, &caller, &id).await?;
    if sse_http::wants_stream(&req) {
        let slot = state.auth.limiter.open_stream(caller.limit_key())?;
        let log = Log::Thread(thread.id);
        let live = state.hub.subscribe(log);
        let tail = Tail::open(
            live,
            state.core.pool.clone(),
            log,
            after,
            false,
            state.streams.heartbeat,
            state.streams.page_bytes,
        )
        .await?;
        let meters = &state.core.meters;
        return Ok(sse_http::respond(tail, HttpResponse::Ok(), slot, meters));
    }
    let limit = pagination::limit(query.limit, 100, 1000)?;
    let data = events::list_thread(
        &state.core.pool,
        thread.id,
        after,
        limit,
        state.streams.page_bytes,
    )
    .await?
    .events;
    let next_after = data.last().map_or(after, |e| e.thread_seq);
    Ok(HttpResponse::Ok().json(ThreadEventPage { data, next_after }))
}
