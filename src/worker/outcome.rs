//! Recording how an attempt ended: the final state with its events, a re-queue with
//! back-off, or — for a job whose task cannot run again — the settled end. Every write is
//! fenced on the attempt, and a requested cancellation wins over both a re-queue and an
//! outcome (see `store::finish`).

use std::time::Duration;

use serde_json::json;
use uuid::Uuid;

use super::Runtime;
use super::attempt::AttemptResult;
use super::steps::Partial;
use crate::error::{ErrorCode, is_bad_data};
use crate::events::{self, kind};
use crate::tasks::model::{Task, TaskError, TaskStatus};
use crate::tasks::store::{self, Outcome};

/// How an attempt stopped.
pub enum Stopped {
    Finished(AttemptResult),
    TimedOut,
    /// Cancelled, or no longer owned by this attempt.
    Interrupted,
}

/// The outcome of a timed-out attempt.
fn timed_out(task: &Task) -> Outcome {
    let error = TaskError::new(
        ErrorCode::Timeout,
        format!("the attempt ran longer than {} s", task.timeout_seconds),
        json!({"timeout_seconds": task.timeout_seconds, "attempt": task.attempts}),
    );
    failed(TaskStatus::TimedOut, error)
}

pub fn failed(status: TaskStatus, error: TaskError) -> Outcome {
    Outcome {
        status,
        output: None,
        error: Some(error),
    }
}

/// Records how the attempt stopped. If the database refuses the outcome itself (a value it
/// cannot hold), the task fails with `internal_error` instead of staying `running`.
pub async fn record(
    rt: &Runtime,
    task: &Task,
    stopped: Stopped,
    partial: &Partial,
) -> anyhow::Result<()> {
    let first = record_once(rt, task, stopped, partial).await;
    let recorded = match first {
        Err(e) if is_bad_data(&e) => {
            tracing::error!(error = %e, "the outcome cannot be stored; failing the task");
            let error = TaskError::new(
                ErrorCode::InternalError,
                format!("the attempt's outcome cannot be stored: {e:#}"),
                json!({"attempt": task.attempts}),
            );
            let fallback =
                Stopped::Finished(AttemptResult::Done(failed(TaskStatus::Failed, error)));
            record_once(rt, task, fallback, partial).await?
        }
        other => other?,
    };
    if !recorded {
        tracing::warn!(
            attempt = task.attempts,
            "attempt superseded: a newer attempt owns the task; result discarded"
        );
    }
    Ok(())
}

async fn record_once(
    rt: &Runtime,
    task: &Task,
    stopped: Stopped,
    partial: &Partial,
) -> anyhow::Result<bool> {
    let mut tx = rt.pool.begin().await?;
    let recorded = match stopped {
        Stopped::Finished(AttemptResult::Done(outcome)) => finish(&mut tx, task, &outcome).await?,
        Stopped::Finished(AttemptResult::Retry { error, after }) => {
            retry(rt, &mut tx, task, error, after).await?
        }
        Stopped::Finished(AttemptResult::Superseded) => false,
        Stopped::TimedOut => finish(&mut tx, task, &timed_out(task)).await?,
        Stopped::Interrupted => {
            // The model stream and pending tool calls were dropped with the attempt; keep
            // what the model had streamed so far.
            let text = partial.lock().map(|p| p.clone()).unwrap_or_default();
            let details = json!({"attempt": task.attempts, "partial_output": text});
            let error = TaskError::new(ErrorCode::Cancelled, "cancelled while running", details);
            finish(&mut tx, task, &failed(TaskStatus::Cancelled, error)).await?
        }
    };
    if recorded {
        tx.commit().await?;
    } else {
        tx.rollback().await?;
    }
    Ok(recorded)
}

/// Records the outcome and its events; `false` when the attempt no longer owns the task.
pub async fn finish(
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

/// Re-queues after a retryable failure — not before the provider's `Retry-After`, and
/// with exponential back-off — or fails the task when its attempts are used up. A pending
/// cancellation is never re-queued: the task ends `cancelled`.
async fn retry(
    rt: &Runtime,
    conn: &mut sqlx::PgConnection,
    task: &Task,
    error: TaskError,
    after: Option<Duration>,
) -> anyhow::Result<bool> {
    if task.attempts >= task.max_attempts
        || !store::requeue(conn, task.id, task.attempts, &error).await?
    {
        // Out of attempts, or cancelled meanwhile (`finish` turns it into `cancelled`),
        // or superseded (`finish` writes nothing).
        return finish(conn, task, &failed(TaskStatus::Failed, error)).await;
    }
    let delay = retry_delay(rt, task, after);
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

/// The wait before the attempt after `task.attempts`: exponential from
/// `worker.retry_backoff_ms`, at least what the provider asked for, at most
/// `worker.retry_backoff_max_ms`.
pub fn retry_delay(rt: &Runtime, task: &Task, after: Option<Duration>) -> Duration {
    let exponent = u32::try_from(task.attempts - 1).unwrap_or(0).min(16);
    let backoff = Duration::from_millis(rt.settings.retry_backoff_ms.saturating_mul(1 << exponent));
    backoff
        .max(after.unwrap_or_default())
        .min(Duration::from_millis(rt.settings.retry_backoff_max_ms))
}

/// A delivered job whose task cannot start another attempt: it already ended, it was
/// cancelled while its worker was lost (or while it waited to be retried), or the lost
/// worker used up the last attempt.
pub async fn settle_unclaimable(rt: &Runtime, task_id: Uuid) -> anyhow::Result<()> {
    let mut tx = rt.pool.begin().await?;
    let Some(task) = store::get(&mut *tx, task_id).await? else {
        return Ok(());
    };
    let outcome = match task.status {
        TaskStatus::Running | TaskStatus::Queued if task.cancel_requested => failed(
            TaskStatus::Cancelled,
            TaskError::new(
                ErrorCode::Cancelled,
                "cancelled before it could run again",
                json!({}),
            ),
        ),
        TaskStatus::Running => failed(
            TaskStatus::Failed,
            TaskError::new(
                ErrorCode::WorkerLost,
                format!(
                    "the worker running attempt {} stopped, and all {} attempts are used",
                    task.attempts, task.max_attempts
                ),
                json!({"attempts": task.attempts}),
            ),
        ),
        _ => return Ok(()),
    };
    if finish(&mut tx, &task, &outcome).await? {
        tx.commit().await?;
    }
    Ok(())
}
