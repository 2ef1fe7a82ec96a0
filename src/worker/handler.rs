//! One job delivery: claim the task for a new attempt, run it under its deadline while
//! watching for cancellation, then record the outcome — fenced on the attempt, so a
//! worker that lost the task (lease expired, another attempt started) changes nothing.

use std::time::Duration;

use serde_json::json;
use tokio::time::Instant;
use uuid::Uuid;

use super::Runtime;
use super::attempt::{self, AttemptResult};
use super::steps::Partial;
use crate::events::{self, kind};
use crate::tasks::model::{Task, TaskError, TaskStatus};
use crate::tasks::store::{self, Outcome};

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
            settle_unclaimable(rt, task_id).await?;
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
    let result = run_until_stopped(rt, &task, partial.clone()).await?;
    let mut tx = rt.pool.begin().await?;
    let recorded = match result {
        Stopped::Finished(AttemptResult::Done(outcome)) => finish(&mut tx, &task, &outcome).await?,
        Stopped::Finished(AttemptResult::Retry(error)) => retry(rt, &mut tx, &task, error).await?,
        Stopped::Finished(AttemptResult::Superseded) => false,
        Stopped::TimedOut => {
            let error = TaskError::new(
                "timeout",
                format!("the attempt ran longer than {} s", task.timeout_seconds),
                json!({"timeout_seconds": task.timeout_seconds, "attempt": attempt}),
            );
            finish(&mut tx, &task, &failed(TaskStatus::TimedOut, error)).await?
        }
        Stopped::Interrupted => {
            // The model stream and pending tool calls were dropped with the attempt; keep
            // what the model had streamed so far.
            let text = partial.lock().map(|p| p.clone()).unwrap_or_default();
            let details = json!({"attempt": attempt, "partial_output": text});
            let error = TaskError::new("cancelled", "cancelled while running", details);
            finish(&mut tx, &task, &failed(TaskStatus::Cancelled, error)).await?
        }
    };
    if recorded {
        tx.commit().await?;
    } else {
        tx.rollback().await?;
        tracing::warn!(
            attempt,
            "attempt superseded: a newer attempt owns the task; result discarded"
        );
    }
    Ok(true)
}

enum Stopped {
    Finished(AttemptResult),
    TimedOut,
    /// Cancelled, or no longer owned by this attempt.
    Interrupted,
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

fn failed(status: TaskStatus, error: TaskError) -> Outcome {
    Outcome {
        status,
        output: None,
        error: Some(error),
    }
}

/// Records the outcome and its events; `false` when the attempt no longer owns the task.
async fn finish(
    conn: &mut sqlx::PgConnection,
    task: &Task,
    outcome: &Outcome,
) -> anyhow::Result<bool> {
    let Some(done) = store::finish(conn, task.id, task.attempts, outcome).await? else {
        return Ok(false);
    };
    let terminal = done.status.terminal_event().unwrap_or(kind::FAILED);
    let output = json!({"output": done.output});
    let end = json!({"task": done});
    let mut logged = Vec::with_capacity(2);
    if done.output.is_some() {
        logged.push((kind::OUTPUT, &output));
    }
    logged.push((terminal, &end));
    events::append_all(conn, task.id, None, &logged).await?;
    tracing::info!(
        status = done.status.as_str(),
        attempt = task.attempts,
        "task finished"
    );
    Ok(true)
}

/// Re-queues after a retryable failure with exponential back-off, or fails the task when
/// its attempts are used up.
async fn retry(
    rt: &Runtime,
    conn: &mut sqlx::PgConnection,
    task: &Task,
    error: TaskError,
) -> anyhow::Result<bool> {
    if task.attempts >= task.max_attempts {
        return finish(conn, task, &failed(TaskStatus::Failed, error)).await;
    }
    if !store::requeue(conn, task.id, task.attempts, &error).await? {
        return Ok(false);
    }
    let delay = backoff(rt, task);
    super::job::enqueue(conn, &rt.settings.queue, task.id, delay).await?;
    let data = json!({"attempt": task.attempts + 1, "retry_in_ms": delay.as_millis() as u64, "error": error});
    events::append(conn, task.id, kind::QUEUED, &data).await?;
    tracing::info!(
        attempt = task.attempts,
        delay_ms = delay.as_millis() as u64,
        "task re-queued"
    );
    Ok(true)
}

/// The wait before the attempt after `task.attempts`: exponential, at most 5 minutes.
pub fn backoff(rt: &Runtime, task: &Task) -> Duration {
    let exponent = u32::try_from(task.attempts - 1).unwrap_or(0).min(16);
    Duration::from_millis(rt.settings.retry_backoff_ms.saturating_mul(1 << exponent))
        .min(Duration::from_secs(300))
}

/// A delivered job whose task cannot start another attempt: it already ended, it was
/// cancelled while its worker was lost, or the lost worker used up the last attempt.
async fn settle_unclaimable(rt: &Runtime, task_id: Uuid) -> anyhow::Result<()> {
    let mut tx = rt.pool.begin().await?;
    let Some(task) = store::get(&mut *tx, task_id).await? else {
        return Ok(());
    };
    if task.status != TaskStatus::Running {
        return Ok(());
    }
    let outcome = if task.cancel_requested {
        failed(
            TaskStatus::Cancelled,
            TaskError::new(
                "cancelled",
                "cancelled while its worker was lost",
                json!({}),
            ),
        )
    } else {
        failed(
            TaskStatus::Failed,
            TaskError::new(
                "worker_lost",
                format!(
                    "the worker running attempt {} stopped, and all {} attempts are used",
                    task.attempts, task.max_attempts
                ),
                json!({"attempts": task.attempts}),
            ),
        )
    };
    if finish(&mut tx, &task, &outcome).await? {
        tx.commit().await?;
    }
    Ok(())
}
