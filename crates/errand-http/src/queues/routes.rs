//! Queues and their messages: list, set up and delete queues; post, read, list and delete
//! messages.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};

use super::message_path;
use crate::app::AppState;
use crate::auth::Caller;
use crate::body::JsonBody;
use crate::error::{ApiError, Problem};
use crate::openapi::{BodyErrors, QueryErrors, ServerErrors};
use crate::pagination;
use errand_core::queues::model::{
    Message, MessagePage, MessageQuery, PostMessage, Queue, QueuePage, QueueSettingsInput,
};
use errand_core::queues::{messages, store};

/// The page query of `GET /v1/queues`.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct QueueQuery {
    /// Page size, 1 to 100 (default 100).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(min_length = 1, max_length = 63)]
    pub cursor: Option<String>,
}

/// List queues
///
/// The project's queues by name, each with its depth by status, the age of its oldest due
/// message and its consumers (bound runners, and when an external consumer last received).
#[utoipa::path(
    operation_id = "listQueues",
    tag = "queues",
    params(QueueQuery),
    responses((status = 200, description = "A page of queues", body = QueuePage),
        QueryErrors, ServerErrors)
)]
#[get("/queues")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<QueueQuery>,
) -> Result<web::Json<QueuePage>, ApiError> {
    let limit = pagination::limit(query.limit, 100, 100)?;
    let after = pagination::text_cursor(query.cursor.as_deref(), 63)?;
    let pool = &state.core.pool;
    let mut data = store::list(pool, caller.project, after, limit + 1).await?;
    let next_cursor = pagination::next(&mut data, limit, |q| q.name.clone());
    Ok(web::Json(QueuePage { data, next_cursor }))
}

/// Get a queue
#[utoipa::path(
    operation_id = "getQueue",
    tag = "queues",
    params(("name" = String, Path, description = "The queue's name", max_length = 63)),
    responses((status = 200, description = "The queue", body = Queue),
        (status = 404, description = "No such queue (`queue_not_found`)", body = Problem,
            content_type = "application/problem+json"),
        ServerErrors)
)]
#[get("/queues/{name}")]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    name: web::Path<String>,
) -> Result<web::Json<Queue>, ApiError> {
    let pool = &state.core.pool;
    let row = store::find(pool, caller.project, &name).await?;
    Ok(web::Json(store::view(pool, row).await?))
}

/// Set up a queue
///
/// Creates the queue or changes its settings; what the body omits keeps its value (a new
/// queue's defaults: `concurrency_limit` 1, `visibility_timeout_seconds` 30,
/// `max_deliveries` 5). Queues are also made by posting a message or binding a runner.
#[utoipa::path(
    operation_id = "configureQueue",
    tag = "queues",
    params(("name" = String, Path, description = "The queue's name (a slug)",
        pattern = r"^[a-z0-9][a-z0-9_-]{0,62}$")),
    request_body = QueueSettingsInput,
    responses(
        BodyErrors,
        (status = 200, description = "Changed", body = Queue),
        (status = 201, description = "Created", body = Queue,
            headers(("Location" = String, description = "URL of the queue"))),
        (status = 400, description = "Malformed JSON (`malformed_json`), or a name that is no \
            slug (`invalid_request`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "The project has `queues.project_max_queues` queues \
            (`quota_exceeded`)", body = Problem, content_type = "application/problem+json"),
        ServerErrors
    )
)]
#[put("/queues/{name}")]
pub async fn configure(
    state: web::Data<AppState>,
    caller: Caller,
    name: web::Path<String>,
    body: JsonBody<QueueSettingsInput>,
) -> Result<HttpResponse, ApiError> {
    let pool = &state.core.pool;
    let mut tx = pool.begin().await?;
    let input = body.into_inner();
    let settings = &state.core.queues;
    let (row, created) = store::configure(&mut tx, caller.project, &name, &input, settings).await?;
    tx.commit().await?;
    let queue = store::view(pool, row).await?;
    Ok(match created {
        true => HttpResponse::Created()
            .insert_header((header::LOCATION, format!("/v1/queues/{}", queue.name)))
            .json(queue),
        false => HttpResponse::Ok().json(queue),
    })
}

/// Delete a queue
///
/// Deletes the queue with its messages (pending ones too). Refused while runners consume
/// it or messages of it are leased or running.
#[utoipa::path(
    operation_id = "deleteQueue",
    tag = "queues",
    params(("name" = String, Path, description = "The queue's name", max_length = 63)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such queue (`queue_not_found`)", body = Problem,
            content_type = "application/problem+json"),
        (status = 409, description = "Runners consume it, or messages are leased or running \
            (`queue_busy`)", body = Problem, content_type = "application/problem+json"),
        ServerErrors
    )
)]
#[delete("/queues/{name}")]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let mut tx = state.core.pool.begin().await?;
    store::delete(&mut tx, caller.project, &name).await?;
    tx.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Post a message
///
/// Adds a message to the queue (made if new): a runner bound to the queue turns it into a
/// task with the payload as its arguments, or an external consumer receives it. With an
/// `Idempotency-Key`, the same request again answers the message it made (and a different
/// one with that key is a 409).
#[utoipa::path(
    operation_id = "postQueueMessage",
    tag = "queues",
    params(("name" = String, Path, description = "The queue's name (a slug)",
            pattern = r"^[a-z0-9][a-z0-9_-]{0,62}$"),
        ("Idempotency-Key" = Option<String>, Header,
            description = "Makes a retried post safe: 1 to 255 visible ASCII characters",
            min_length = 1, max_length = 255, pattern = r"^[!-~]{1,255}$")),
    request_body = PostMessage,
    responses(
        BodyErrors,
        (status = 202, description = "Queued (or, with a replayed `Idempotency-Key`, the \
            message made before)", body = Message,
            headers(("Location" = String, description = "URL of the message"))),
        (status = 400, description = "Malformed JSON (`malformed_json`), or a malformed \
            `Idempotency-Key` or a name that is no slug (`invalid_request`)", body = Problem,
            content_type = "application/problem+json"),
        (status = 409, description = "Idempotency-Key used with a different request \
            (`idempotency_key_reused`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "The queue holds `queues.max_pending` waiting messages, or \
            the project has `queues.project_max_queues` queues (`quota_exceeded`)",
            body = Problem, content_type = "application/problem+json"),
        ServerErrors
    )
)]
#[post("/queues/{name}/messages")]
pub async fn post_message(
    state: web::Data<AppState>,
    caller: Caller,
    name: web::Path<String>,
    req: HttpRequest,
    body: JsonBody<PostMessage>,
) -> Result<HttpResponse, ApiError> {
    let key = crate::headers::idempotency_key(&req)?;
    let (message, replayed) = messages::post(
        &state.core,
        caller.project,
        &name,
        &body.into_inner(),
        key.as_deref(),
    )
    .await?;
    let mut answer = HttpResponse::Accepted();
    answer.insert_header((
        header::LOCATION,
        format!("/v1/queues/{}/messages/{}", message.queue, message.id),
    ));
    if replayed {
        answer.insert_header(("Idempotent-Replayed", "true"));
    }
    Ok(answer.json(message))
}

/// List a queue's messages
///
/// Oldest first; `status` keeps those in one status (`dead` for the dead letters).
#[utoipa::path(
    operation_id = "listQueueMessages",
    tag = "queues",
    params(("name" = String, Path, description = "The queue's name", max_length = 63),
        MessageQuery),
    responses((status = 200, description = "A page of messages", body = MessagePage),
        (status = 404, description = "No such queue (`queue_not_found`)", body = Problem,
            content_type = "application/problem+json"),
        QueryErrors, ServerErrors)
)]
#[get("/queues/{name}/messages")]
pub async fn list_messages(
    state: web::Data<AppState>,
    caller: Caller,
    name: web::Path<String>,
    query: web::Query<MessageQuery>,
) -> Result<web::Json<MessagePage>, ApiError> {
    page(&state, &caller, &name, &query).await.map(web::Json)
}

/// One page of queue `name`'s messages as `query` asks.
pub async fn page(
    state: &AppState,
    caller: &Caller,
    name: &str,
    query: &MessageQuery,
) -> Result<MessagePage, ApiError> {
    let limit = pagination::limit(query.limit, 100, 1000)?;
    let after = match &query.cursor {
        None => None,
        Some(c) if (1..=18).contains(&c.len()) => {
            Some(c.parse::<i64>().map_err(|_| pagination::invalid_cursor())?)
        }
        Some(_) => return Err(pagination::invalid_cursor()),
    };
    let pool = &state.core.pool;
    let found = messages::list(pool, caller.project, name, query.status, after, limit + 1).await?;
    let mut rows: Vec<(i64, Message)> = found;
    let next_cursor = pagination::next(&mut rows, limit, |(seq, _)| seq.to_string());
    let data = rows.into_iter().map(|(_, m)| m).collect();
    Ok(MessagePage { data, next_cursor })
}

/// Get a message
#[utoipa::path(
    operation_id = "getQueueMessage",
    tag = "queues",
    params(("name" = String, Path, description = "The queue's name", max_length = 63),
        ("id" = Uuid, Path, description = "The message's id")),
    responses((status = 200, description = "The message", body = Message),
        (status = 404, description = "No such queue or message (`queue_not_found`, \
            `message_not_found`)", body = Problem, content_type = "application/problem+json"),
        ServerErrors)
)]
#[get("/queues/{name}/messages/{id}")]
pub async fn get_message(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<web::Json<Message>, ApiError> {
    let (name, id) = message_path(path.into_inner())?;
    let found = messages::get(&state.core.pool, caller.project, &name, id).await?;
    Ok(web::Json(found))
}

/// Delete a message
///
/// Only a pending or dead message: one leased or running is being worked on.
#[utoipa::path(
    operation_id = "deleteQueueMessage",
    tag = "queues",
    params(("name" = String, Path, description = "The queue's name", max_length = 63),
        ("id" = Uuid, Path, description = "The message's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such queue or message (`queue_not_found`, \
            `message_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The message is leased, running or done \
            (`message_status_conflict`)", body = Problem,
            content_type = "application/problem+json"),
        ServerErrors
    )
)]
#[delete("/queues/{name}/messages/{id}")]
pub async fn delete_message(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (name, id) = message_path(path.into_inner())?;
    messages::delete(&state.core.pool, caller.project, &name, id).await?;
    Ok(HttpResponse::NoContent().finish())
}
