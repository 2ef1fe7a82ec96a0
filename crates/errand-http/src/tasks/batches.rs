//! Batches: one submission run once per model (`models`), the tasks sharing a `batch_id`.
//! `GET /v1/batches/{id}` gives the tasks and an aggregate status; a batch is cancelled as
//! a whole. A batch is its tasks: nothing is stored besides them, so it goes when they do.

use std::collections::BTreeMap;
use std::time::Duration;

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorCode};
use crate::openapi::{NotFound, ServerErrors};
use errand_core::projects::ProjectId;
use errand_core::tasks::cancel::{self as cancelling, Cancelled};
use errand_core::tasks::model::{Task, TaskStatus};

/// Where a batch stands, from its tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BatchStatus {
    /// No task has started.
    Queued,
    /// Some task is queued, running or waiting.
    Running,
    /// Every task succeeded.
    Succeeded,
    /// Every task ended, some succeeded and some did not.
    Partial,
    /// Every task ended, none succeeded, and not all were cancelled.
    Failed,
    /// Every task was cancelled.
    Cancelled,
}

/// A batch: the tasks of one submission across models, in the order of `models`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Batch {
    pub id: Uuid,
    pub status: BatchStatus,
    pub runner: String,
    /// Tasks per status.
    pub counts: BTreeMap<String, usize>,
    pub tasks: Vec<Task>,
    pub created_at: DateTime<Utc>,
}

impl Batch {
    /// The batch these tasks make up (all of one batch, at least one).
    pub fn of(id: Uuid, tasks: Vec<Task>) -> Self {
        let mut counts = BTreeMap::new();
        for t in &tasks {
            *counts.entry(t.status.as_str().to_owned()).or_insert(0) += 1;
        }
        let ended = tasks.iter().filter(|t| t.status.terminal_event().is_some());
        let succeeded = tasks
            .iter()
            .filter(|t| t.status == TaskStatus::Succeeded)
            .count();
        let cancelled = tasks
            .iter()
            .filter(|t| t.status == TaskStatus::Cancelled)
            .count();
        let status = if tasks.iter().all(|t| t.status == TaskStatus::Queued) {
            BatchStatus::Queued
        } else if ended.count() < tasks.len() {
            BatchStatus::Running
        } else if succeeded == tasks.len() {
            BatchStatus::Succeeded
        } else if succeeded > 0 {
            BatchStatus::Partial
        } else if cancelled == tasks.len() {
            BatchStatus::Cancelled
        } else {
            BatchStatus::Failed
        };
        Self {
            id,
            status,
            runner: tasks.first().map(|t| t.runner.clone()).unwrap_or_default(),
            created_at: tasks.first().map_or_else(Utc::now, |t| t.created_at),
            counts,
            tasks,
        }
    }

    /// Every task has a final status.
    fn finished(&self) -> bool {
        self.tasks.iter().all(|t| t.status.is_final())
    }
}

/// The project's batch `id`, its tasks oldest first; `None` when it has none.
pub async fn load(
    db: impl sqlx::PgExecutor<'_>,
    project: ProjectId,
    id: Uuid,
) -> Result<Option<Batch>, ApiError> {
    let tasks = errand_core::tasks::lookup::in_batch(db, project, id).await?;
    Ok((!tasks.is_empty()).then(|| Batch::of(id, tasks)))
}

fn batch_not_found(id: &str) -> ApiError {
    ApiError::new(ErrorCode::BatchNotFound, format!("no batch with id {id:?}"))
}

async fn existing(state: &AppState, caller: &Caller, id: &str) -> Result<Batch, ApiError> {
    let uuid = Uuid::parse_str(id).map_err(|_| batch_not_found(id))?;
    load(&state.core.pool, caller.project, uuid)
        .await?
        .ok_or_else(|| batch_not_found(id))
}

/// The answer to a submission that made (or replayed) a batch: waiting up to `wait` for
/// every task to settle; 200 when they did (or for a replay), else 202.
pub async fn respond(
    state: &AppState,
    batch: Batch,
    wait: Option<Duration>,
    replayed: bool,
) -> Result<HttpResponse, ApiError> {
    let mut batch = batch;
    if let Some(wait) = wait {
        let deadline = tokio::time::Instant::now() + wait;
        for task in &batch.tasks {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            errand_core::tasks::wait::until_ended(&state.hub, &state.core.pool, task.id, left)
                .await?;
        }
        batch = load(&state.core.pool, batch.tasks[0].project, batch.id)
            .await?
            .unwrap_or(batch);
    }
    let mut response = if (wait.is_some() && batch.finished()) || (wait.is_none() && replayed) {
        HttpResponse::Ok()
    } else {
        HttpResponse::Accepted()
    };
    response.insert_header((header::LOCATION, format!("/v1/batches/{}", batch.id)));
    if replayed {
        response.insert_header(("Idempotent-Replayed", "true"));
    }
    Ok(response.json(batch))
}

/// Get a batch
///
/// The tasks of a submission across models, and where they stand together.
#[utoipa::path(
    operation_id = "getBatch",
    tag = "tasks",
    params(("id" = Uuid, Path, description = "The batch id")),
    responses((status = 200, description = "The batch", body = Batch), NotFound, ServerErrors)
)]
#[get("/batches/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<Batch>, ApiError> {
    Ok(web::Json(existing(&state, &caller, &id).await?))
}

/// Cancel a batch
///
/// Cancels every task of the batch that has not ended (see `cancelTask`). 200 when all
/// of them have ended now; 202 when some were running and will end shortly.
#[utoipa::path(
    operation_id = "cancelBatch",
    tag = "tasks",
    params(("id" = Uuid, Path, description = "The batch id")),
    responses(
        (status = 200, description = "Every task has ended", body = Batch),
        (status = 202, description = "Running tasks were asked to stop", body = Batch),
        NotFound, ServerErrors
    )
)]
#[post("/batches/{id}/cancel")]
pub async fn cancel(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let batch = existing(&state, &caller, &id).await?;
    let mut tx = state.core.pool.begin().await?;
    let mut stopping = false;
    for task in batch
        .tasks
        .iter()
        .filter(|t| t.status.terminal_event().is_none())
    {
        if let Cancelled::Requested(_) =
            cancelling::cancel(&mut tx, caller.project, task.id, false).await?
        {
            stopping = true;
        }
    }
    tx.commit().await?;
    let batch = load(&state.core.pool, caller.project, batch.id)
        .await?
        .unwrap_or(batch);
    Ok(if stopping {
        HttpResponse::Accepted().json(batch)
    } else {
        HttpResponse::Ok().json(batch)
    })
}
