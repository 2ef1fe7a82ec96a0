//! Thread handlers: `/v1/threads` (create, list), one thread by id or by key (get, update,
//! delete). Its messages and events are in `feed.rs`.

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::Caller;
use crate::body::JsonBody;
use crate::error::{ApiError, ErrorCode, Problem, Violation};
use crate::openapi::{BodyErrors, NotFound, QueryErrors, ServerErrors};
use crate::pagination;
use errand_core::threads::model::{
    CreateThread, KeyQuery, Thread, ThreadFilter, ThreadPage, UpdateThread, key_violation,
    metadata_violation, valid_key,
};
use errand_core::threads::store::{self, Deleted, ThreadRef};

fn key_taken(key: &str) -> ApiError {
    ApiError::new(
        ErrorCode::ThreadKeyTaken,
        format!("another thread of the project has the key {key:?}"),
    )
}

/// The caller's thread named by an id in the path, or 404.
pub(super) async fn by_id(state: &AppState, caller: &Caller, id: &str) -> Result<Thread, ApiError> {
    let uuid = Uuid::parse_str(id).map_err(|_| thread_not_found(id))?;
    store::get(&state.core.pool, caller.project, ThreadRef::Id(uuid))
        .await?
        .ok_or_else(|| thread_not_found(id))
}

/// The caller's thread named by `?key=`, or 404.
async fn by_key(state: &AppState, caller: &Caller, key: &str) -> Result<Thread, ApiError> {
    if !valid_key(key) {
        return Err(ApiError::bad_request(format!(
            "key must be a thread key (letters, digits and . _ : @ / + = -, at most 255), not {key:?}"
        )));
    }
    store::get(&state.core.pool, caller.project, ThreadRef::Key(key))
        .await?
        .ok_or_else(|| thread_not_found(key))
}

/// Create a thread
///
/// A conversation that tasks continue: submit a task with `thread` (the id, or the key)
/// and it starts from the thread's messages.
#[utoipa::path(
    operation_id = "createThread",
    tag = "threads",
    request_body = CreateThread,
    responses(
        (status = 201, description = "Created", body = Thread,
            headers(("Location" = String, description = "URL of the thread"))),
        (status = 409, description = "The key is taken (`thread_key_taken`)",
            body = Problem, content_type = "application/problem+json"),
        BodyErrors, ServerErrors
    )
)]
#[post("/threads")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<CreateThread>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let errors: Vec<Violation> = body
        .key
        .as_deref()
        .and_then(|k| key_violation("/key", k))
        .into_iter()
        .chain(metadata_violation("/metadata", &body.metadata))
        .collect();
    if !errors.is_empty() {
        return Err(ApiError::invalid(
            ErrorCode::InvalidBody,
            "the thread has problems",
            errors,
        ));
    }
    let thread = store::insert(
        &state.core.pool,
        caller.project,
        body.key.as_deref(),
        &body.metadata,
    )
    .await?
    .ok_or_else(|| key_taken(body.key.as_deref().unwrap_or_default()))?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/v1/threads/{}", thread.id)))
        .json(thread))
}

/// List threads
#[utoipa::path(
    operation_id = "listThreads",
    tag = "threads",
    params(ThreadFilter),
    responses((status = 200, description = "A page of threads, newest first", body = ThreadPage),
        QueryErrors, ServerErrors)
)]
#[get("/threads")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    filter: web::Query<ThreadFilter>,
) -> Result<web::Json<ThreadPage>, ApiError> {
    let limit = pagination::limit(filter.limit, 20, 100)?;
    let metadata = match &filter.metadata {
        None => None,
        Some(text) => match serde_json::from_str::<serde_json::Value>(text) {
            Ok(v @ serde_json::Value::Object(_))
                if errand_core::json::nul_violations(&v, "", 1).is_empty() =>
            {
                Some(v)
            }
            _ => {
                return Err(ApiError::bad_request(
                    "metadata must be a JSON object, such as {\"customer\":\"acme\"}",
                ));
            }
        },
    };
    let mut data = store::list(
        &state.core.pool,
        caller.project,
        &filter,
        metadata.as_ref(),
        limit + 1,
    )
    .await?;
    let next_cursor = pagination::next(&mut data, limit, |t| t.id.to_string());
    Ok(web::Json(ThreadPage { data, next_cursor }))
}

/// Get a thread
#[utoipa::path(
    operation_id = "getThread",
    tag = "threads",
    params(("id" = Uuid, Path, description = "The thread id")),
    responses((status = 200, description = "The thread", body = Thread), NotFound, ServerErrors)
)]
#[get("/threads/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<Thread>, ApiError> {
    by_id(&state, &caller, &id).await.map(web::Json)
}

/// Get a thread by its key
#[utoipa::path(
    operation_id = "getThreadByKey",
    tag = "threads",
    params(KeyQuery),
    responses((status = 200, description = "The thread", body = Thread), NotFound, QueryErrors,
        ServerErrors)
)]
#[get("/threads/by-key")]
pub async fn get_by_key(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<KeyQuery>,
) -> Result<web::Json<Thread>, ApiError> {
    by_key(&state, &caller, &query.key).await.map(web::Json)
}

/// Update a thread
///
/// Changes the key and merges the metadata (a `null` value removes its key).
#[utoipa::path(
    operation_id = "updateThread",
    tag = "threads",
    params(("id" = Uuid, Path, description = "The thread id")),
    request_body = UpdateThread,
    responses(
        (status = 200, description = "The updated thread", body = Thread),
        (status = 409, description = "The key is taken (`thread_key_taken`)",
            body = Problem, content_type = "application/problem+json"),
        NotFound, BodyErrors, ServerErrors
    )
)]
#[patch("/threads/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: JsonBody<UpdateThread>,
) -> Result<web::Json<Thread>, ApiError> {
    let thread = by_id(&state, &caller, &id).await?;
    apply_update(&state, &caller, thread, body.into_inner()).await
}

/// Update a thread by its key
#[utoipa::path(
    operation_id = "updateThreadByKey",
    tag = "threads",
    params(KeyQuery),
    request_body = UpdateThread,
    responses(
        (status = 200, description = "The updated thread", body = Thread),
        (status = 409, description = "The new key is taken (`thread_key_taken`)",
            body = Problem, content_type = "application/problem+json"),
        NotFound, BodyErrors, QueryErrors, ServerErrors
    )
)]
#[patch("/threads/by-key")]
pub async fn update_by_key(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<KeyQuery>,
    body: JsonBody<UpdateThread>,
) -> Result<web::Json<Thread>, ApiError> {
    let thread = by_key(&state, &caller, &query.key).await?;
    apply_update(&state, &caller, thread, body.into_inner()).await
}

async fn apply_update(
    state: &AppState,
    caller: &Caller,
    thread: Thread,
    body: UpdateThread,
) -> Result<web::Json<Thread>, ApiError> {
    let errors: Vec<Violation> = body
        .key
        .as_ref()
        .and_then(|k| k.as_deref())
        .and_then(|k| key_violation("/key", k))
        .into_iter()
        .chain(
            body.metadata
                .as_ref()
                .and_then(|m| metadata_violation("/metadata", m)),
        )
        .collect();
    if !errors.is_empty() {
        return Err(ApiError::invalid(
            ErrorCode::InvalidBody,
            "the change has problems",
            errors,
        ));
    }
    let key = body.key.as_ref().map(|k| k.as_deref());
    match store::update(
        &state.core.pool,
        caller.project,
        thread.id,
        key,
        body.metadata.as_ref(),
    )
    .await
    {
        Ok(Some(thread)) => Ok(web::Json(thread)),
        Ok(None) => Err(thread_not_found(&thread.id.to_string())),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            Err(key_taken(key.flatten().unwrap_or_default()))
        }
        Err(e) => Err(e.into()),
    }
}

/// Delete a thread
///
/// Removes the thread and its messages; its tasks keep their own rows. A thread with a task
/// queued, running or waiting for input is not deleted (409 `thread_busy`): cancel the task
/// first.
#[utoipa::path(
    operation_id = "deleteThread",
    tag = "threads",
    params(("id" = Uuid, Path, description = "The thread id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, description = "A task of the thread is active (`thread_busy`)",
            body = Problem, content_type = "application/problem+json"),
        NotFound, ServerErrors
    )
)]
#[delete("/threads/{id}")]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let thread = by_id(&state, &caller, &id).await?;
    remove(&state, &caller, thread).await
}

/// Delete a thread by its key
#[utoipa::path(
    operation_id = "deleteThreadByKey",
    tag = "threads",
    params(KeyQuery),
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, description = "A task of the thread is active (`thread_busy`)",
            body = Problem, content_type = "application/problem+json"),
        NotFound, QueryErrors, ServerErrors
    )
)]
#[delete("/threads/by-key")]
pub async fn delete_by_key(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<KeyQuery>,
) -> Result<HttpResponse, ApiError> {
    let thread = by_key(&state, &caller, &query.key).await?;
    remove(&state, &caller, thread).await
}

async fn remove(
    state: &AppState,
    caller: &Caller,
    thread: Thread,
) -> Result<HttpResponse, ApiError> {
    let mut tx = state.core.pool.begin().await?;
    match store::delete(&mut tx, caller.project, thread.id).await? {
        Deleted::Done => {
            tx.commit().await?;
            Ok(HttpResponse::NoContent().finish())
        }
        Deleted::Busy(task) => Err(ApiError::new(
            ErrorCode::ThreadBusy,
            format!("task {task} of the thread is still active; cancel it first"),
        )),
        Deleted::Missing => Err(thread_not_found(&thread.id.to_string())),
    }
}

pub fn thread_not_found(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::ThreadNotFound,
        format!("no thread with id or key {id:?}"),
    )
}
