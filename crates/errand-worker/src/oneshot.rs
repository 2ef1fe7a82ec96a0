//! `errand run`: one task from the command line, through the same submission and attempt
//! code as the API and the worker. The task is queued to become runnable for workers only
//! after its deadline, and this process claims it at once, holding a lease like any
//! worker: if it dies, a worker takes the task over when the lease (or the delay) runs out.

use std::sync::Arc;
use std::time::Duration;

use futures::future::{BoxFuture, join_all};
use sqlx::PgPool;
use uuid::Uuid;

use super::{Runtime, lease};
use std::panic::AssertUnwindSafe;

use apalis_core::task::data::Data;
use futures::FutureExt;

use errand_core::Core;
use errand_core::config::Settings;
use errand_core::error::Coded;
use errand_core::tasks::errors::SubmitError;
use errand_core::tasks::lifecycle::{self, Pick};
use errand_core::tasks::model::{CreateTask, Task, TaskStatus};
use errand_core::tasks::submit::{JobStart, Submitted};
use errand_core::tasks::{children, store};
use errand_core::telemetry::panic_text;

/// Why a run did not produce a task to report.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Rejected(SubmitError),
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
    let rt = Arc::new(Runtime {
        core: Core::build(settings, pool.clone()).await?,
        runners: errand_core::runners::versions::VersionCache::new(settings.limits.cache_entries),
        settings: settings.worker.clone(),
        events: settings.events.clone(),
        limits: settings.limits.clone(),
        owner: format!("run-{}", super::unique_name()),
        signals: Default::default(),
    });
    let default =
        errand_core::projects::store::ensure(&pool, errand_core::projects::DEFAULT_PROJECT)
            .await
            .map_err(anyhow::Error::from)?;
    let submitter = rt
        .core
        .submitter(errand_core::projects::ProjectId(default.id));
    let task = match submitter
        .submit(name, body, None, JobStart::AfterTimeout)
        .await
    {
        Ok(Submitted::Created(task)) => *task,
        // `submit` reports a taken key only when given one, and none is given here; a batch
        // only for `models`, which `errand run` does not send.
        Ok(Submitted::Taken { .. } | Submitted::Batch(_)) => {
            return Err(anyhow::anyhow!("unexpected idempotency conflict").into());
        }
        // A client mistake is a rejection; the database being down is not.
        Err(e) if e.code().status().is_some_and(|s| (400..500).contains(&s)) => {
            return Err(RunError::Rejected(e));
        }
        Err(e) => return Err(RunError::Internal(anyhow::Error::new(e))),
    };
    // One heartbeat renews the leases of every attempt this process runs (the task's and
    // its children's). It runs as its own task: renewing waits for a task's row, which an
    // attempt may hold in a transaction, and the attempt must keep being polled meanwhile
    // (renewing inside a `select!` arm starved it: deadlock).
    let beating = {
        let rt = rt.clone();
        tokio::spawn(async move {
            let mut beat =
                tokio::time::interval(Duration::from_secs(rt.settings.heartbeat_seconds));
            loop {
                beat.tick().await;
                lease::renew(&rt).await;
            }
        })
    };
    let ended = drive(&rt, task.id).await;
    beating.abort();
    Ok(ended?)
}

/// Runs attempts until the task ends, waiting out retry back-offs. When a worker holds the
/// task (it took a retry first), waits for that worker instead. The children a task waits
/// for run here too, so runners calling runners need no worker. Returns the task when it
/// ended, or the first task of the family that waits for an answer (`input_required`).
fn drive(rt: &Arc<Runtime>, id: Uuid) -> BoxFuture<'_, anyhow::Result<Task>> {
    Box::pin(async move {
        loop {
            let mut tx = rt.core.pool.begin().await?;
            let claimed = lifecycle::claim(&mut tx, Pick::Task(id), &rt.owner, rt.lease()).await?;
            tx.commit().await?;
            rt.core.announcer.announce(claimed.notes).await;
            let claimed = claimed.tasks;
            if let Some(task) = claimed.into_iter().next() {
                run_here(rt, task).await;
            }
            let task = store::get(&rt.core.pool, id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("task {id} vanished"))?;
            match task.status {
                TaskStatus::Queued => {
                    tokio::time::sleep(super::outcome::retry_delay(rt, &task, None)).await;
                }
                TaskStatus::Running => tokio::time::sleep(Duration::from_millis(200)).await,
                TaskStatus::Waiting => {
                    let kids = children::active(&rt.core.pool, id).await?;
                    let ended = join_all(kids.into_iter().map(|kid| drive(rt, kid))).await;
                    for kid in ended {
                        let kid = kid?;
                        if kid.status.terminal_event().is_none() {
                            return Ok(kid);
                        }
                    }
                    // The last child's end queues the parent again; until then, look again.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                _ => return Ok(task),
            }
        }
    })
}

/// Runs one claimed attempt in this process. Nothing escapes: an attempt that ends without
/// an outcome (a fault while recording it, a panic) gives up its lease, so its next
/// attempt runs at once and replays the journal.
async fn run_here(rt: &Arc<Runtime>, task: Task) {
    let id = task.id;
    let run = lease::run_task(task, Data::new(rt.clone()));
    let fault = match AssertUnwindSafe(run).catch_unwind().await {
        Ok(Ok(())) => return,
        Ok(Err(fault)) => fault.to_string(),
        Err(panic) => format!("it panicked: {}", panic_text(panic.as_ref())),
    };
    lease::give_up(rt, id, &fault).await;
}
