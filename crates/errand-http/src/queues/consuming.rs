//! External consumers: receive (long polling), ack, nack, and the dead letters.

use std::time::Duration;

use actix_web::{get, post, web};
use tokio::time::Instant;

use super::message_path;
use crate::app::AppState;
use crate::auth::Caller;
use crate::body::JsonBody;
use crate::error::{ApiError, Problem};
use crate::openapi::{BodyErrors, QueryErrors, ServerErrors};
use errand_core::queues::leasing;
use errand_core::queues::model::{
    AckMessage, Message, MessagePage, MessageQuery, MessageStatus, NackMessage, Received,
    RedriveMessages, Redriven,
};

/// How often a waiting `receive` looks again.
const RECEIVE_POLL: Duration = Duration::from_millis(100);

/// Receive messages
///
/// Leases up to `max` due messages (oldest first, keys taking turns, each key within the
/// queue's `concurrency_limit`) for the queue's `visibility_timeout_seconds`. Ack each when
/// done, or nack it to hand it back; a lease that expires hands the message out again, and
/// after `max_deliveries` deliveries it is dead-lettered. With `wait`, an empty queue is
/// watched that long before answering with no messages.
#[utoipa::path(
    operation_id = "receiveQueueMessages",
    tag = "queues",
    params(("name" = String, Path, description = "The queue's name", max_length = 63),
        errand_core::queues::model::ReceiveQuery),
    responses((status = 200, description = "The leased messages (perhaps none)", body = Received),
        (status = 404, description = "No such queue (`queue_not_found`)", body = Problem,
            content_type = "application/problem+json"),
        (status = 429, description = "The key holds `quotas.key_max_streams` streams and \
            waiting requests (`rate_limited`)", body = Problem,
            content_type = "application/problem+json"),
        QueryErrors, ServerErrors)
)]
#[post("/queues/{name}/receive")]
pub async fn receive(
    state: web::Data<AppState>,
    caller: Caller,
    name: web::Path<String>,
    query: web::Query<errand_core::queues::model::ReceiveQuery>,
) -> Result<web::Json<Received>, ApiError> {
    let max = query.max.unwrap_or(1);
    if !(1..=100).contains(&max) {
        return Err(ApiError::bad_request("max must be 1 to 100"));
    }
    let wait = query.wait.unwrap_or(0);
    let max_wait = state.streams.max_wait.as_secs();
    if wait > max_wait {
        return Err(ApiError::bad_request(format!(
            "wait must be at most {max_wait} seconds (server.max_wait_seconds), not {wait}"
        )));
    }
    let pool = &state.core.pool;
    let mut messages = leasing::receive(pool, caller.project, &name, max).await?;
    if messages.is_empty() && wait > 0 {
        let _slot = state.auth.limiter.open_stream(caller.limit_key())?;
        let deadline = Instant::now() + Duration::from_secs(wait);
        while messages.is_empty() && Instant::now() < deadline {
            tokio::time::sleep(RECEIVE_POLL.min(deadline - Instant::now())).await;
            messages = leasing::receive(pool, caller.project, &name, max).await?;
        }
    }
    Ok(web::Json(Received { messages }))
}

/// Ack a message
///
/// The consumer is done with it: the message is `done`. Acking again with the same receipt
/// answers the same.
#[utoipa::path(
    operation_id = "ackQueueMessage",
    tag = "queues",
    params(("name" = String, Path, description = "The queue's name", max_length = 63),
        ("id" = Uuid, Path, description = "The message's id")),
    request_body = AckMessage,
    responses((status = 200, description = "Acked", body = Message),
        (status = 404, description = "No such queue or message (`queue_not_found`, \
            `message_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The receipt's lease is not current (`lease_lost`)",
            body = Problem, content_type = "application/problem+json"),
        BodyErrors, ServerErrors)
)]
#[post("/queues/{name}/messages/{id}/ack")]
pub async fn ack(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    body: JsonBody<AckMessage>,
) -> Result<web::Json<Message>, ApiError> {
    let (name, id) = message_path(path.into_inner())?;
    let pool = &state.core.pool;
    let acked = leasing::ack(pool, caller.project, &name, id, &body.into_inner()).await?;
    Ok(web::Json(acked))
}

/// Nack a message
///
/// Hands the message back: pending again after `delay_seconds` (default: exponential
/// back-off), or dead-lettered once it was delivered `max_deliveries` times.
#[utoipa::path(
    operation_id = "nackQueueMessage",
    tag = "queues",
    params(("name" = String, Path, description = "The queue's name", max_length = 63),
        ("id" = Uuid, Path, description = "The message's id")),
    request_body = NackMessage,
    responses((status = 200, description = "Handed back (or dead-lettered)", body = Message),
        (status = 404, description = "No such queue or message (`queue_not_found`, \
            `message_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The receipt's lease is not current (`lease_lost`)",
            body = Problem, content_type = "application/problem+json"),
        BodyErrors, ServerErrors)
)]
#[post("/queues/{name}/messages/{id}/nack")]
pub async fn nack(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    body: JsonBody<NackMessage>,
) -> Result<web::Json<Message>, ApiError> {
    let (name, id) = message_path(path.into_inner())?;
    let (pool, settings) = (&state.core.pool, &state.core.queues);
    let body = body.into_inner();
    let nacked = leasing::nack(pool, settings, caller.project, &name, id, &body).await?;
    Ok(web::Json(nacked))
}

/// The page query of the dead letters (a status is implied).
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeadLetterQuery {
    /// Page size, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(pattern = r"^[0-9]{1,18}$")]
    pub cursor: Option<String>,
}

/// List dead letters
///
/// The queue's dead-lettered messages, oldest first, each with `last_error`: why it died
/// (its payload broke the runner's input schema, with each violation's pointer; its task
/// did not succeed; or it was delivered `max_deliveries` times).
#[utoipa::path(
    operation_id = "listDeadLetters",
    tag = "queues",
    params(("name" = String, Path, description = "The queue's name", max_length = 63),
        DeadLetterQuery),
    responses((status = 200, description = "A page of dead letters", body = MessagePage),
        (status = 404, description = "No such queue (`queue_not_found`)", body = Problem,
            content_type = "application/problem+json"),
        QueryErrors, ServerErrors)
)]
#[get("/queues/{name}/dead-letters")]
pub async fn list_dead_letters(
    state: web::Data<AppState>,
    caller: Caller,
    name: web::Path<String>,
    query: web::Query<DeadLetterQuery>,
) -> Result<web::Json<MessagePage>, ApiError> {
    let query = MessageQuery {
        status: Some(MessageStatus::Dead),
        limit: query.limit,
        cursor: query.cursor.clone(),
    };
    super::routes::page(&state, &caller, &name, &query)
        .await
        .map(web::Json)
}

/// Redrive dead letters
///
/// Makes dead letters pending again with their deliveries counted from zero: those in
/// `ids` (ids that are not dead letters of the queue are left alone), or all of the
/// queue's.
#[utoipa::path(
    operation_id = "redriveDeadLetters",
    tag = "queues",
    params(("name" = String, Path, description = "The queue's name", max_length = 63)),
    request_body = RedriveMessages,
    responses((status = 200, description = "How many were redriven", body = Redriven),
        (status = 404, description = "No such queue (`queue_not_found`)", body = Problem,
            content_type = "application/problem+json"),
        BodyErrors, ServerErrors)
)]
#[post("/queues/{name}/dead-letters/redrive")]
pub async fn redrive(
    state: web::Data<AppState>,
    caller: Caller,
    name: web::Path<String>,
    body: JsonBody<RedriveMessages>,
) -> Result<web::Json<Redriven>, ApiError> {
    let body = body.into_inner();
    if body.ids.as_ref().is_some_and(|ids| ids.len() > 1000) {
        return Err(
            errand_core::queues::QueueError::Invalid(vec![crate::error::Violation::new(
                "/ids",
                "at most 1000 ids",
            )])
            .into(),
        );
    }
    let pool = &state.core.pool;
    let ids = body.ids.as_deref();
    let redriven = leasing::redrive(pool, caller.project, &name, ids).await?;
    Ok(web::Json(Redriven { redriven }))
}
