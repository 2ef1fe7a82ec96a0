//! One job delivery: claim the task for a new attempt, run it under its deadline while
//! watching for cancellation, then record the outcome — fenced on the attempt, so a
//! worker that lost the task (lease expired, another attempt started) changes nothing.
//!
//! One task cannot take the worker down with it: a panic inside its attempt, or data the
//! database refuses, fails that task (`internal_error`, in this attempt) and the worker
//! goes on with the next.

use std::panic::AssertUnwindSafe;
use std::time::Duration;

use futures::FutureExt;
use serde_json::json;
use tokio::time::Instant;
use uuid::Uuid;

use super::Runtime;
use super::attempt::{self, AttemptResult};
use super::outcome::{self, Stopped, failed};
use super::steps::Partial;
use crate::error::{ErrorCode, is_bad_data};
use crate::events::{self, kind};
use crate::tasks::model::{Task, TaskError, TaskStatus};
use crate::tasks::store;

/// A delivered job: its task may be queued, or running on a worker that was lost (apalis
/// re-delivers a dead worker's jobs), which this attempt then takes over.
pub async fn execute(rt: &Runtime, task_id: Uuid) -> anyhow::Result<()> {
    execute_claiming(rt, task_id, true).await.map(|_| ())
}

/// Runs the next attempt of a task; `take_over` also claims a running task. Returns
/// whether an attempt ran here.
#[tracing::instrument(skip_all, fields(task_id = %task_id))]
pub async fn execute_claiming(
    rt: &Runtime,
    task_id: Uuid,
    take_over: bool,
) -> anyhow::Result<bool> {
    let mut tx = rt.pool.begin().await?;
    crate::db::relax_durability(&mut tx).await?;
    let Some(task) = store::claim(&mut tx, task_id, take_over).await? else {
        tx.rollback().await?;
        if take_over {
            outcome::settle_unclaimable(rt, task_id).await?;
        }
        return Ok(false);
    };
    let attempt = task.attempts;
    events::append(
        &mut tx,
        task_id,
        kind::STARTED,
        &json!({"attempt": attempt}),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(attempt, runner = %task.runner, "task started");

    let partial = Partial::default();
    let stopped = run_guarded(rt, &task, partial.clone()).await?;
    outcome::record(rt, &task, stopped, &partial).await?;
    Ok(true)
}

/// Runs the attempt; a panic or data the database cannot store becomes a failed outcome
/// instead of an error that would have the job delivered (and the attempt run) again.
async fn run_guarded(rt: &Runtime, task: &Task, partial: Partial) -> anyhow::Result<Stopped> {
    let run = AssertUnwindSafe(run_until_stopped(rt, task, partial)).catch_unwind();
    let fault = match run.await {
        Ok(Ok(stopped)) => return Ok(stopped),
        Ok(Err(e)) if is_bad_data(&e) => {
            format!("a value the attempt produced cannot be stored: {e:#}")
        }
        Ok(Err(e)) => match panic_in(&e) {
            Some(message) => format!("the attempt panicked: {message}"),
            None => return Err(e),
        },
        Err(panic) => format!("the attempt panicked: {}", panic_message(panic.as_ref())),
    };
    tracing::error!(attempt = task.attempts, "{fault}");
    let details = json!({"attempt": task.attempts});
    let error = TaskError::new(ErrorCode::InternalError, fault, details);
    Ok(Stopped::Finished(AttemptResult::Done(failed(
        TaskStatus::Failed,
        error,
    ))))
}

/// The message of a panic in a task the attempt spawned, if that is what failed.
fn panic_in(e: &anyhow::Error) -> Option<String> {
    e.chain()
        .filter_map(|cause| cause.downcast_ref::<tokio::task::JoinError>())
        .find(|join| join.is_panic())
        .map(|join| join.to_string())
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}

async fn run_until_stopped(rt: &Runtime, task: &Task, partial: Partial) -> anyhow::Result<Stopped> {
    let Some(runner) = rt
        .runners
        .get(&rt.pool, task.runner_id, task.runner_version)
        .await?
    else {
        anyhow::bail!("runner version of task {} is missing", task.id);
    };
    let deadline = Duration::from_secs(u64::try_from(task.timeout_seconds).unwrap_or(1));
    let run = attempt::run(rt, task, &runner, Instant::now() + deadline, partial);
    tokio::select! {
        result = tokio::time::timeout(deadline, run) => match result {
            Ok(result) => Ok(Stopped::Finished(result?)),
            Err(_) => Ok(Stopped::TimedOut),
        },
        stop = watch_for_stop(rt, task) => {
            stop?;
            Ok(Stopped::Interrupted)
        }
    }
}

/// Resolves once the task was cancelled or taken over by another attempt. Dropping the
/// attempt future then abandons the model call mid-stream.
async fn watch_for_stop(rt: &Runtime, task: &Task) -> anyhow::Result<()> {
    let every = Duration::from_millis(rt.settings.cancel_check_ms.max(10));
    loop {
        tokio::time::sleep(every).await;
        if store::should_stop(&rt.pool, task.id, task.attempts).await? {
            return Ok(());
        }
    }
}
