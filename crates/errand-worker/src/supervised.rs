//! One claimed attempt: run it under its deadline while watching for cancellation, then
//! record the outcome — fenced on the attempt, so a worker that lost the task (lease
//! expired, another attempt started) changes nothing.
//!
//! One task cannot take the worker down with it: a panic inside its attempt, or data the
//! database refuses, fails that task (`internal_error`, in this attempt) and the worker
//! goes on with the next.

use std::panic::AssertUnwindSafe;
use std::time::Duration;

use futures::FutureExt;
use serde_json::json;
use tokio::time::Instant;

use super::Runtime;
use super::attempt::{self, AttemptResult};
use super::carry::Partial;
use super::outcome::{self, Stopped, failed};
use super::signals::Watch;
use errand_core::error::{ErrorCode, is_bad_data};
use errand_core::tasks::model::{Task, TaskError, TaskStatus};
use errand_core::tasks::store;
use errand_core::telemetry::panic_text;

/// Runs a claimed attempt to its end and records the outcome.
pub async fn run_claimed(rt: &Runtime, task: &Task, watch: &Watch) -> anyhow::Result<()> {
    let partial = Partial::default();
    let stopped = run_guarded(rt, task, watch, partial.clone()).await?;
    outcome::record(rt, task, stopped, &partial).await
}

/// Runs the attempt; a panic or data the database cannot store becomes a failed outcome
/// instead of an error that would have the job delivered (and the attempt run) again.
async fn run_guarded(
    rt: &Runtime,
    task: &Task,
    watch: &Watch,
    partial: Partial,
) -> anyhow::Result<Stopped> {
    let run = AssertUnwindSafe(run_until_stopped(rt, task, watch, partial)).catch_unwind();
    let fault = match run.await {
        Ok(Ok(stopped)) => return Ok(stopped),
        Ok(Err(e)) if is_bad_data(&e) => {
            format!("a value the attempt produced cannot be stored: {e:#}")
        }
        Ok(Err(e)) => match panic_in(&e) {
            Some(message) => format!("the attempt panicked: {message}"),
            None => return Err(e),
        },
        Err(panic) => format!("the attempt panicked: {}", panic_text(panic.as_ref())),
    };
    tracing::error!(task_id = %task.id, attempt = task.attempts, "{fault}");
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

async fn run_until_stopped(
    rt: &Runtime,
    task: &Task,
    watch: &Watch,
    partial: Partial,
) -> anyhow::Result<Stopped> {
    let Some(runner) = rt
        .runners
        .get(&rt.core.pool, task.runner_id, task.runner_version)
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
        () = watch_for_stop(rt, task, watch) => Ok(Stopped::Interrupted),
    }
}

/// Resolves once the task was cancelled or taken over by another attempt: checked when a
/// cancellation is announced (NOTIFY) and every `worker.cancel_check_ms` in case an
/// announcement was missed. Dropping the attempt future then abandons the model call
/// mid-stream. A check that fails (the database is away) is simply tried again.
async fn watch_for_stop(rt: &Runtime, task: &Task, watch: &Watch) {
    let every = Duration::from_millis(rt.settings.cancel_check_ms.max(10));
    loop {
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            () = watch.checked() => {}
        }
        match store::should_stop(&rt.core.pool, task.id, task.attempts).await {
            Ok(true) => return,
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "cannot check for cancellation; trying again"),
        }
    }
}
