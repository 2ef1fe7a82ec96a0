//! Task handlers: submit (`/v1/runners/{name}/tasks`), list, get, cancel, events.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde_json::json;
use uuid::Uuid;

use super::idempotency;
use super::journal;
use super::model::{
    CreateTask, EventPage, EventQuery, StepPage, StepQuery, Task, TaskFilter, TaskPage,
};
use super::store::{self, Cancelled};
use super::submit::{JobStart, Submitted, Submitter};
use crate::app::AppState;
use crate::error::{ApiError, Problem};
use crate::events::{self, kind};
use crate::openapi::{BodyErrors, NotFound, QueryErrors, ServerErrors};
use crate::pagination;

fn task_not_found(id: &str) -> ApiError {
    ApiError::not_found("task_not_found", format!("task {id:?}"))
}

fn parse_id(id: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(id).map_err(|_| task_not_found(id))
}

/// The id of a task that exists, or 404.
async fn existing_task(state: &AppState, id: &str) -> Result<Uuid, ApiError> {
    let uuid = parse_id(id)?;
    match store::get(&state.pool, uuid).await? {
        Some(_) => Ok(uuid),
        None => Err(task_not_found(id)),
    }
}

fn accepted(task: &Task) -> HttpResponse {
    HttpResponse::Accepted()
        .insert_header((header::LOCATION, format!("/v1/tasks/{}", task.id)))
        .json(task)
}

/// Submit a task
///
/// Validates the arguments against the runner's input schema and queues the task; the
/// task row and its job are committed together. With `Idempotency-Key`, repeating the same
/// request returns the same task (200) instead of creating another.
#[utoipa::path(
    tag = "tasks",
    params(
        ("name" = String, Path, description = "The runner's name"),
        ("Idempotency-Key" = Option<String>, Header,
            description = "Makes retries safe: the same key and body return the same task")
    ),
    request_body = CreateTask,
    responses(
        (status = 202, description = "Queued", body = Task,
            headers(("Location" = String, description = "URL of the task"))),
        (status = 200, description = "Replay of an earlier request with the same Idempotency-Key",
            body = Task),
        (status = 404, description = "No such runner (`runner_not_found`)",
            body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Idempotency-Key used with a different request \
            (`idempotency_key_reused`)", body = Problem, content_type = "application/problem+json"),
        BodyErrors, ServerErrors
    )
)]
#[post("/runners/{name}/tasks")]
pub async fn create(
    state: web::Data<AppState>,
    name: web::Path<String>,
    req: HttpRequest,
    body: web::Json<CreateTask>,
) -> Result<HttpResponse, ApiError> {
    let key = idempotency::key_from(&req)?;
    let submitter = Submitter {
        pool: &state.pool,
        schemas: &state.schemas,
        models: &state.models,
        queue: &state.queue,
    };
    match submitter
        .submit(&name, body.into_inner(), key.as_deref(), JobStart::Now)
        .await?
    {
        Submitted::Created(task) => Ok(accepted(&task)),
        Submitted::Taken { hash } => {
            replay(&state, key.as_deref().unwrap_or_default(), hash.as_deref()).await
        }
    }
}

/// The answer to a request whose idempotency key is already taken.
async fn replay(state: &AppState, key: &str, hash: Option<&str>) -> Result<HttpResponse, ApiError> {
    let (task, stored) = store::by_idempotency_key(&state.pool, key)
        .await?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("idempotency key vanished")))?;
    if stored.as_deref() != hash {
        return Err(ApiError::conflict(
            "idempotency_key_reused",
            format!(
                "Idempotency-Key {key:?} was used for a different request (task {})",
                task.id
            ),
        ));
    }
    Ok(HttpResponse::Ok()
        .insert_header(("Idempotent-Replayed", "true"))
        .insert_header((header::LOCATION, format!("/v1/tasks/{}", task.id)))
        .json(task))
}

/// List tasks
#[utoipa::path(
    tag = "tasks",
    params(TaskFilter),
    responses((status = 200, description = "A page of tasks, newest first", body = TaskPage), QueryErrors, ServerErrors)
)]
#[get("/tasks")]
pub async fn list(
    state: web::Data<AppState>,
    filter: web::Query<TaskFilter>,
) -> Result<web::Json<TaskPage>, ApiError> {
    let limit = pagination::limit(filter.limit, 20, 100)?;
    let before = match filter.cursor.as_deref() {
        Some(c) => Some(
            Uuid::parse_str(&pagination::decode(c)?)
                .map_err(|_| ApiError::InvalidRequest("invalid cursor".into()))?,
        ),
        None => None,
    };
    let mut data = store::list(&state.pool, &filter, before, limit + 1).await?;
    let next_cursor = pagination::next(&mut data, limit, |t| t.id.to_string());
    Ok(web::Json(TaskPage { data, next_cursor }))
}

/// Get a task
#[utoipa::path(
    tag = "tasks",
    params(("id" = Uuid, Path, description = "The task id")),
    responses((status = 200, description = "The task", body = Task), NotFound, ServerErrors)
)]
#[get("/tasks/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<web::Json<Task>, ApiError> {
    let uuid = parse_id(&id)?;
    store::get(&state.pool, uuid)
        .await?
        .map(web::Json)
        .ok_or_else(|| task_not_found(&id))
}

/// Cancel a task
///
/// A queued task is cancelled at once and never runs (200). A running task is asked to stop
/// (202): it reads `cancelled` once its worker has stopped.
#[utoipa::path(
    tag = "tasks",
    params(("id" = Uuid, Path, description = "The task id")),
    responses(
        (status = 200, description = "Cancelled", body = Task),
        (status = 202, description = "Cancellation requested; the worker is stopping", body = Task),
        (status = 409, description = "The task already finished (`task_finished`)",
            body = Problem, content_type = "application/problem+json"),
        NotFound, ServerErrors
    )
)]
#[post("/tasks/{id}/cancel")]
pub async fn cancel(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let uuid = parse_id(&id)?;
    let mut tx = state.pool.begin().await?;
    let answer = match store::cancel(&mut tx, uuid).await? {
        Cancelled::Now(task) => {
            events::append(&mut tx, task.id, kind::CANCELLED, &json!({"task": task})).await?;
            HttpResponse::Ok().json(task)
        }
        Cancelled::Requested(task) => HttpResponse::Accepted().json(task),
        Cancelled::Finished(task) => {
            return Err(ApiError::conflict(
                "task_finished",
                format!("task {} already ended as {}", task.id, task.status.as_str()),
            ));
        }
        Cancelled::Missing => return Err(task_not_found(&id)),
    };
    tx.commit().await?;
    Ok(answer)
}

/// List a task's events
///
/// The task's ordered event log (`seq` from 1), after `after`.
#[utoipa::path(
    tag = "tasks",
    params(("id" = Uuid, Path, description = "The task id"), EventQuery),
    responses((status = 200, description = "A page of events", body = EventPage), NotFound, QueryErrors, ServerErrors)
)]
#[get("/tasks/{id}/events")]
pub async fn list_events(
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<EventQuery>,
) -> Result<web::Json<EventPage>, ApiError> {
    let limit = pagination::limit(query.limit, 100, 1000)?;
    let uuid = existing_task(&state, &id).await?;
    let after = query.after.unwrap_or(0);
    let data = events::list(&state.pool, uuid, after, limit).await?;
    let next_after = data.last().map_or(after, |e| e.seq);
    Ok(web::Json(EventPage { data, next_after }))
}

/// List a task's steps
///
/// The step journal: every model call and tool result, in run order, with usage and
/// timings. A retried task replays the steps earlier attempts committed.
#[utoipa::path(
    tag = "tasks",
    params(("id" = Uuid, Path, description = "The task id"), StepQuery),
    responses((status = 200, description = "A page of steps", body = StepPage), NotFound, QueryErrors, ServerErrors)
)]
#[get("/tasks/{id}/steps")]
pub async fn list_steps(
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<StepQuery>,
) -> Result<web::Json<StepPage>, ApiError> {
    let limit = pagination::limit(query.limit, 100, 1000)?;
    let uuid = existing_task(&state, &id).await?;
    let after = query.after.unwrap_or(-1);
    let data = journal::list(&state.pool, uuid, after, limit).await?;
    let next_after = data.last().map_or(after, |s| s.index);
    Ok(web::Json(StepPage { data, next_after }))
}
