//! Task handlers: submit (`/v1/runners/{name}/tasks`), list, get, cancel, answer a
//! question. The logs (events, steps) are in `log_routes.rs`.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::Datelike;
use uuid::Uuid;

use super::batches;
use super::live;
use crate::app::AppState;
use crate::auth::Caller;
use crate::body::JsonBody;
use crate::error::{ApiError, ErrorCode, Problem};
use crate::openapi::{BodyErrors, NotFound, QueryErrors, ServerErrors, SseFrame};
use crate::pagination;
use errand_core::runners::model::valid_name;
use errand_core::tasks::cancel as cancelling;
use errand_core::tasks::cancel::Cancelled;
use errand_core::tasks::idempotency;
use errand_core::tasks::input;
use errand_core::tasks::model::{
    CreateTask, SubmitQuery, Task, TaskFilter, TaskInput, TaskPage, TaskQuery,
};
use errand_core::tasks::store;
use errand_core::tasks::submit::{JobStart, Submitted};

fn task_not_found(id: &str) -> ApiError {
    ApiError::new(ErrorCode::TaskNotFound, format!("no task with id {id:?}"))
}

fn parse_id(id: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(id).map_err(|_| task_not_found(id))
}

/// The caller's task, or 404 (another project's task is not found either).
pub(crate) async fn existing_task(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> Result<Task, ApiError> {
    let uuid = parse_id(id)?;
    store::get_in(&state.core.pool, caller.project, uuid)
        .await?
        .ok_or_else(|| task_not_found(id))
}

/// Submit a task
///
/// Validates the arguments against the runner's input schema and queues the task; the
/// task row and its job are committed together. With `Idempotency-Key`, repeating the same
/// request returns the same task (200) instead of creating another.
///
/// With `?wait=N` or `Prefer: wait=N` the answer waits up to N seconds for the task to
/// end: 200 with the final task if it does, else 202. With `?stream=true` the answer is
/// the new task's event stream (see `GET /v1/tasks/{id}/events`).
#[utoipa::path(
    operation_id = "createTask",
    tag = "tasks",
    params(
        ("name" = String, Path, description = "The runner's name",
            pattern = r"^[a-z0-9][a-z0-9_-]{0,62}$"),
        SubmitQuery,
        ("Idempotency-Key" = Option<String>, Header,
            description = "Makes retries safe: the same key and body return the same task \
                (1 to 255 visible ASCII characters)",
            min_length = 1, max_length = 255, pattern = r"^[!-~]{1,255}$"),
        ("Prefer" = Option<String>, Header,
            description = "`wait=N`: like `?wait=N`; more than the maximum waits the maximum")
    ),
    request_body = CreateTask,
    responses(
        (status = 202, description = "Queued (or, when waiting, not final yet: still running, \
            or asking a question in `input_required`, where a wait ends too); with `models`, \
            the batch (202 until every task is final)", body = TaskOrBatch,
            headers(("Location" = String, description = "URL of the task (or batch)"))),
        (status = 200, description = "The task ended (a final status) while the request \
            waited, or a replay of \
            an earlier request with the same Idempotency-Key; with `stream=true`, the event \
            stream; with `models`, the batch",
            content((TaskOrBatch = "application/json"), (SseFrame = "text/event-stream")),
            headers(("Location" = String, description = "URL of the task"),
                ("Preference-Applied" = String, description = "`wait=N` when `Prefer: wait` was honoured"))),
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
    caller: Caller,
    name: web::Path<String>,
    query: web::Query<SubmitQuery>,
    req: HttpRequest,
    body: JsonBody<CreateTask>,
) -> Result<HttpResponse, ApiError> {
    let key = crate::headers::idempotency_key(&req)?;
    let max = state.streams.max_wait;
    let stream = query.stream.unwrap_or(false);
    let preferred = live::prefer_wait(&req, max);
    // A stream already answers as the task runs: it wins over a wait.
    let wait = live::query_wait(query.wait, max)?
        .or(preferred)
        .filter(|_| !stream);
    let submitter = state.submitter(caller.project);
    let body = body.into_inner();
    if stream && body.models.is_some() {
        return Err(ApiError::invalid(
            ErrorCode::InvalidRequest,
            "a batch has no single event stream: follow each task's own",
            vec![crate::error::Violation::new(
                "/models",
                "cannot be combined with ?stream=true",
            )],
        ));
    }
    let (task, replayed) = match submitter
        .submit(&name, body, key.as_deref(), JobStart::Now)
        .await?
    {
        Submitted::Created(task) => (*task, false),
        Submitted::Batch(tasks) => {
            let id = tasks[0].batch_id.unwrap_or_default();
            let batch = batches::Batch::of(id, tasks);
            return batches::respond(&state, batch, wait, false).await;
        }
        Submitted::Taken { hash } => {
            let key = key.as_deref().unwrap_or_default();
            let task =
                idempotency::replayed_task(&state.core.pool, caller.project, key, hash.as_deref())
                    .await?;
            if let Some(id) = task.batch_id
                && let Some(batch) = batches::load(&state.core.pool, caller.project, id).await?
            {
                return batches::respond(&state, batch, None, true).await;
            }
            (task, true)
        }
    };
    let answer = Answer {
        replayed,
        stream,
        wait,
        preference_applied: preferred.filter(|_| query.wait.is_none()),
    };
    answer.respond(&state, &caller, task).await
}

/// How a submission of one task is answered.
struct Answer {
    /// The idempotency key's task, not a new one.
    replayed: bool,
    /// `?stream=true`: the task's event stream.
    stream: bool,
    /// `?wait=` or `Prefer: wait=` (not with a stream).
    wait: Option<std::time::Duration>,
    /// A `Prefer: wait=` honoured (`Preference-Applied`).
    preference_applied: Option<std::time::Duration>,
}

impl Answer {
    /// `Location` and the task, its stream, or the task as it is after the wait; 200 for
    /// a final status (or a replay without a wait), else 202.
    async fn respond(
        self,
        state: &AppState,
        caller: &Caller,
        task: Task,
    ) -> Result<HttpResponse, ApiError> {
        let mut response = HttpResponse::Ok();
        response.insert_header((header::LOCATION, format!("/v1/tasks/{}", task.id)));
        if self.replayed {
            response.insert_header(("Idempotent-Replayed", "true"));
        }
        if self.stream {
            let slot = state.auth.limiter.open_stream(caller.limit_key())?;
            return live::stream(state, &task, 0, response, slot).await;
        }
        let task = match self.wait {
            Some(wait) => {
                let _slot = state.auth.limiter.open_stream(caller.limit_key())?;
                errand_core::tasks::wait::until_ended(&state.hub, &state.core.pool, task.id, wait)
                    .await?
                    .unwrap_or(task)
            }
            None => task,
        };
        if let Some(applied) = self.preference_applied {
            response.insert_header(("Preference-Applied", format!("wait={}", applied.as_secs())));
        }
        // A question is a state the caller must act on: a wait ends there too, but 200 is
        // kept for a final status: 202 says "not finished yet", a question included.
        let finished_or_replayed = match self.wait {
            Some(_) => task.status.is_final(),
            None => self.replayed,
        };
        if !finished_or_replayed {
            response.status(StatusCode::ACCEPTED);
        }
        Ok(response.json(task))
    }
}

/// The answer to a submission: a task, or with `models` a batch.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(untagged)]
#[allow(dead_code, clippy::large_enum_variant)] // a schema only
pub enum TaskOrBatch {
    Task(Task),
    Batch(batches::Batch),
}

/// List tasks
#[utoipa::path(
    operation_id = "listTasks",
    tag = "tasks",
    params(TaskFilter),
    responses((status = 200, description = "A page of tasks, newest first", body = TaskPage), QueryErrors, ServerErrors)
)]
#[get("/tasks")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    filter: web::Query<TaskFilter>,
) -> Result<web::Json<TaskPage>, ApiError> {
    let limit = pagination::limit(filter.limit, 20, 100)?;
    check_filter(&filter)?;
    let mut data = store::list(
        &state.core.pool,
        caller.project,
        &filter,
        filter.cursor,
        limit + 1,
    )
    .await?;
    let next_cursor = pagination::next(&mut data, limit, |t| t.id.to_string());
    Ok(web::Json(TaskPage { data, next_cursor }))
}

/// Rejects filters no task can match in a way the database would choke on: a runner name
/// that is not a slug, a date outside years 0000 to 9999.
fn check_filter(filter: &TaskFilter) -> Result<(), ApiError> {
    if let Some(runner) = &filter.runner
        && !valid_name(runner)
    {
        return Err(ApiError::bad_request(format!(
            "runner must be a runner name (a-z, 0-9, '_' and '-', at most 63 characters), not {runner:?}"
        )));
    }
    for (name, at) in [
        ("created_after", filter.created_after),
        ("created_before", filter.created_before),
    ] {
        if let Some(at) = at
            && !(0..=9999).contains(&at.year())
        {
            return Err(ApiError::bad_request(format!(
                "{name} must be a time in the years 0000 to 9999, not {at}"
            )));
        }
    }
    Ok(())
}

/// Get a task
///
/// With `?wait=N`, long-polls: answers as soon as the task ends, or after N seconds with
/// the task as it is then.
#[utoipa::path(
    operation_id = "getTask",
    tag = "tasks",
    params(("id" = Uuid, Path, description = "The task id"), TaskQuery),
    responses((status = 200, description = "The task", body = Task), NotFound, QueryErrors, ServerErrors)
)]
#[get("/tasks/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    query: web::Query<TaskQuery>,
) -> Result<web::Json<Task>, ApiError> {
    let uuid = parse_id(&id)?;
    let task = match live::query_wait(query.wait, state.streams.max_wait)? {
        Some(wait) => {
            existing_task(&state, &caller, &id).await?;
            let _slot = state.auth.limiter.open_stream(caller.limit_key())?;
            errand_core::tasks::wait::until_ended(&state.hub, &state.core.pool, uuid, wait).await?
        }
        None => store::get_in(&state.core.pool, caller.project, uuid).await?,
    };
    task.map(web::Json).ok_or_else(|| task_not_found(&id))
}

/// Cancel a task
///
/// A queued task is cancelled at once and never runs (200), and so is a task waiting for
/// input. A running task is asked to stop (202): it reads `cancelled` once its worker has
/// stopped.
#[utoipa::path(
    operation_id = "cancelTask",
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
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let uuid = parse_id(&id)?;
    let mut tx = state.core.pool.begin().await?;
    let answer = match cancelling::cancel(&mut tx, caller.project, uuid, false).await? {
        Cancelled::Now(task) => HttpResponse::Ok().json(task),
        Cancelled::Requested(task) => HttpResponse::Accepted().json(task),
        Cancelled::Finished(task) => {
            return Err(ApiError::new(
                ErrorCode::TaskFinished,
                format!("task {} already ended as {}", task.id, task.status.as_str()),
            ));
        }
        Cancelled::Missing => return Err(task_not_found(&id)),
    };
    tx.commit().await?;
    Ok(answer)
}

/// Answer a task's question
///
/// A task in `input_required` waits for the answer to its `input_request` (a question the
/// model asked with `ask_human`). The answer must satisfy the question's schema; it becomes
/// the result of the model's call, and the task is queued to go on from there. Sending the
/// same answer again returns the task (200); a different one is 409 `answer_conflict`.
#[utoipa::path(
    operation_id = "answerTaskInput",
    tag = "tasks",
    params(("id" = Uuid, Path, description = "The task id")),
    request_body = TaskInput,
    responses(
        (status = 200, description = "Answer taken (or taken before): the task", body = Task),
        (status = 409, description = "The task does not wait for this request \
            (`task_not_waiting`), it was answered differently (`answer_conflict`), or the \
            question's `expires_at` has passed (`input_expired`)",
            body = Problem, content_type = "application/problem+json"),
        NotFound, BodyErrors, ServerErrors
    )
)]
#[post("/tasks/{id}/input")]
pub async fn answer_input(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: JsonBody<TaskInput>,
) -> Result<web::Json<Task>, ApiError> {
    let uuid = parse_id(&id)?;
    let max = state.core.schemas.max_violations();
    input::answer(
        &state.core.pool,
        caller.project,
        uuid,
        body.into_inner(),
        max,
    )
    .await
    .map(web::Json)
    .map_err(ApiError::from)
}
