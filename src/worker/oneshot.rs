//! `errand run`: one task from the command line, through the same submission and attempt
//! code as the API and the worker. The task is queued with a job delayed past its deadline,
//! so if this process dies, a worker picks the task up later instead of leaving it running.

use std::sync::Arc;
use std::time::Duration;

use sqlx::PgPool;
use uuid::Uuid;

use super::Runtime;
use crate::config::Settings;
use crate::error::ApiError;
use crate::llm::ModelRegistry;
use crate::runners::schema::SchemaCache;
use crate::tasks::model::{CreateTask, Task, TaskStatus};
use crate::tasks::store;
use crate::tasks::submit::{JobStart, Submitted, Submitter};
use crate::tools::ToolRegistry;

/// Why a run did not produce a task to report.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Rejected(ApiError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Submits `body` to runner `name`, runs its attempts here, and returns the ended task.
pub async fn run(
    settings: &Settings,
    pool: PgPool,
    name: &str,
    body: CreateTask,
) -> Result<Task, RunError> {
    let rt = Runtime {
        pool: pool.clone(),
        schemas: Arc::new(SchemaCache::default()),
        models: Arc::new(ModelRegistry::from_settings(&settings.providers)?),
        tools: Arc::new(ToolRegistry::with_builtins()),
        runners: Default::default(),
        settings: settings.worker.clone(),
        events: settings.events.clone(),
    };
    let submitter = Submitter {
        pool: &pool,
        schemas: &rt.schemas,
        models: &rt.models,
        queue: &rt.settings.queue,
    };
    let task = match submitter
        .submit(name, body, None, JobStart::AfterTimeout)
        .await
    {
        Ok(Submitted::Created(task)) => *task,
        // `submit` reports a taken key only when given one, and none is given here.
        Ok(Submitted::Taken { .. }) => {
            return Err(anyhow::anyhow!("unexpected idempotency conflict").into());
        }
        // A client mistake is a rejection; the database being down is not.
        Err(e) if e.code().status().is_some_and(|s| s.is_client_error()) => {
            return Err(RunError::Rejected(e));
        }
        Err(e) => return Err(RunError::Internal(anyhow::Error::new(e))),
    };
    Ok(drive(&rt, task.id).await?)
}

/// Runs attempts until the task ends, waiting out retry back-offs. When another worker
/// holds the task (it picked up a retry's job first), waits for that worker instead.
async fn drive(rt: &Runtime, id: Uuid) -> anyhow::Result<Task> {
    loop {
        super::handler::execute_claiming(rt, id, false).await?;
        let task = store::get(&rt.pool, id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("task {id} vanished"))?;
        match task.status {
            TaskStatus::Queued => {
                tokio::time::sleep(super::outcome::retry_delay(rt, &task, None)).await;
            }
            TaskStatus::Running => tokio::time::sleep(Duration::from_millis(200)).await,
            _ => return Ok(task),
        }
    }
}
