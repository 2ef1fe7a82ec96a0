//! Recording how an attempt ended: the final state with its events, a re-queue with
//! back-off, or — for a job whose task cannot run again — the settled end. Every write is
//! fenced on the attempt, and a requested cancellation wins over both a re-queue and an
//! outcome (see `store::finish`).

use std::time::Duration;

use serde_json::json;

use super::Runtime;
use super::attempt::AttemptResult;
use super::carry::Partial;
use super::finishing::{Ended, finish, finish_noted};
use super::patience::persist;
use super::{asking, delegating};
use errand_core::error::{ErrorCode, is_bad_data};
use errand_core::events::{self, Notes, kind};
use errand_core::tasks::journal::Recorded;
use errand_core::tasks::lifecycle::{self, Outcome};
use errand_core::tasks::model::{Task, TaskError, TaskStatus};
use errand_core::tasks::queued::Queued;
use errand_core::tasks::store;
use errand_core::tasks::{children, queue};

/// How an attempt stopped.
#[derive(Clone)]
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

/// Records how the attempt stopped. A database that is away is waited for
/// (`patience::persist`), so a restart of PostgreSQL does not cost the attempt; if the
/// database refuses the outcome itself (a value it cannot hold), the task fails with
/// `internal_error` instead of staying `running`.
pub async fn record(
    rt: &Runtime,
    task: &Task,
    stopped: Stopped,
    partial: &Partial,
) -> anyhow::Result<()> {
    let once = |stopped: Stopped| {
        persist("recording the outcome", move || {
            record_once(rt, task, stopped.clone(), partial)
        })
    };
    let recorded = match once(stopped).await {
        Err(e) if is_bad_data(&e) => {
            tracing::error!(error = %e, "the outcome cannot be stored; failing the task");
            // The value may be the last model call's: its step is not journaled then.
            partial.clear_deferred();
            let error = TaskError::new(
                ErrorCode::InternalError,
                format!("the attempt's outcome cannot be stored: {e:#}"),
                json!({"attempt": task.attempts}),
            );
            once(Stopped::Finished(AttemptResult::Done(failed(
                TaskStatus::Failed,
                error,
            ))))
            .await?
        }
        other => other?,
    };
    // Written nothing: a newer attempt owns the task — or a retry after a lost
    // acknowledgement found this attempt's own commit.
    if !recorded && !ended_by(rt, task).await? {
        tracing::warn!(
            attempt = task.attempts,
            "attempt superseded: a newer attempt owns the task; result discarded"
        );
    }
    Ok(())
}

/// Whether this attempt's outcome is the one the task ended with.
async fn ended_by(rt: &Runtime, task: &Task) -> anyhow::Result<bool> {
    let now = store::get(&rt.core.pool, task.id).await?;
    Ok(now.is_some_and(|t| t.attempts == task.attempts && t.status.terminal_event().is_some()))
}

async fn record_once(
    rt: &Runtime,
    task: &Task,
    stopped: Stopped,
    partial: &Partial,
) -> anyhow::Result<bool> {
    let mut tx = rt.core.pool.begin().await?;
    // The common end's notifications go out after the commit (see `events::announce`).
    let mut notes = Notes::default();
    // The last model call's step, when its commit was left to this transaction. Before a
    // final answer's outcome only the step is written here: the update that ends the
    // task charges its usage, and one append logs its events with the end's.
    let deferred = partial.deferred();
    let folded = matches!(stopped, Stopped::Finished(AttemptResult::Done(_)));
    if let Some(step) = &deferred {
        let recorded = match folded {
            true => step.journal(&mut tx).await?,
            false => step.write(&mut tx, &mut notes).await?,
        };
        if recorded == Recorded::NotOwned {
            tx.rollback().await?;
            return Ok(false);
        }
    }
    let recorded = match stopped {
        Stopped::Finished(AttemptResult::Done(outcome)) => {
            let ended = Ended {
                outcome: &outcome,
                partial: None,
                step: deferred.as_deref(),
                later: Some(&mut notes),
            };
            finish_noted(&mut tx, &rt.core.meters, task, ended).await?
        }
        Stopped::Finished(AttemptResult::InputRequired(question)) => {
            asking::suspend(&mut tx, &rt.core.meters, task, &question).await?
        }
        Stopped::Finished(AttemptResult::Waiting(children)) => {
            delegating::suspend(&mut tx, &rt.core.meters, task, &children).await?
        }
        Stopped::Finished(AttemptResult::Retry { error, after }) => {
            retry(rt, &mut tx, task, error, after).await?
        }
        Stopped::Finished(AttemptResult::Superseded) => false,
        Stopped::TimedOut => finish(&mut tx, &rt.core.meters, task, &timed_out(task), None).await?,
        Stopped::Interrupted => {
            // The model stream and pending tool calls were dropped with the attempt; keep
            // what the model had streamed so far.
            let text = partial.text();
            let mut details = json!({"attempt": task.attempts, "partial_output": text});
            let successor: Option<uuid::Uuid> =
                sqlx::query_scalar("SELECT superseded_by FROM tasks WHERE id = $1")
                    .bind(task.id)
                    .fetch_one(&mut *tx)
                    .await?;
            if let Some(successor) = successor {
                details["superseded_by"] = json!(successor);
            }
            let error = TaskError::new(ErrorCode::Cancelled, "cancelled while running", details);
            let outcome = failed(TaskStatus::Cancelled, error);
            finish(&mut tx, &rt.core.meters, task, &outcome, Some(&text)).await?
        }
    };
    if recorded {
        tx.commit().await?;
        partial.clear_deferred();
        rt.core.announcer.announce(notes).await;
    } else {
        tx.rollback().await?;
    }
    Ok(recorded)
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
    let delay = retry_delay(rt, task, after);
    if task.attempts >= task.max_attempts || !requeue(conn, task, &error, delay).await? {
        // Out of attempts, or cancelled meanwhile (`finish` turns it into `cancelled`),
        // or superseded (`finish` writes nothing).
        return finish(
            conn,
            &rt.core.meters,
            task,
            &failed(TaskStatus::Failed, error),
            None,
        )
        .await;
    }
    Ok(true)
}

/// Puts the task back in the queue for its next attempt after `delay`, with a
/// `task.queued` event (which wakes the workers); `false` when this attempt no longer
/// owns the task or a cancellation is pending.
async fn requeue(
    conn: &mut sqlx::PgConnection,
    task: &Task,
    error: &TaskError,
    delay: Duration,
) -> anyhow::Result<bool> {
    if !lifecycle::requeue(conn, task.id, task.attempts, error, delay).await? {
        return Ok(false);
    }
    let retry_in_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
    let data = Queued::retry(task.attempts + 1, retry_in_ms, error).data();
    events::append(conn, task.id, kind::QUEUED, &data).await?;
    tracing::info!(
        task_id = %task.id,
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

/// Whether a sweep that holds `task`'s row may end it: its parent, if any, is locked
/// without waiting (see `children::try_lock_parent`); when it is busy the task waits for
/// the next sweep.
pub async fn parent_free(conn: &mut sqlx::PgConnection, task: &Task) -> sqlx::Result<bool> {
    match task.parent_task_id {
        Some(parent) => children::try_lock_parent(conn, parent).await,
        None => Ok(true),
    }
}

/// Tasks whose lease expired (their worker stopped heartbeating): each is re-queued for
/// its next attempt, or — cancelled meanwhile, or out of attempts — ended. Questions not
/// answered in time fail their task (`input_timeout`). Returns how many were handled.
pub async fn reap(rt: &Runtime) -> anyhow::Result<usize> {
    let mut tx = rt.core.pool.begin().await?;
    let expired = queue::expired(&mut tx, 100).await?;
    for task in &expired {
        let lost = format!(
            "the worker running attempt {} stopped heartbeating",
            task.attempts
        );
        let outcome = if task.cancel_requested {
            let error = TaskError::new(
                ErrorCode::Cancelled,
                "cancelled while its worker was lost",
                json!({}),
            );
            failed(TaskStatus::Cancelled, error)
        } else if task.attempts >= task.max_attempts {
            let message = format!("{lost}, and all {} attempts are used", task.max_attempts);
            let error = TaskError::new(
                ErrorCode::WorkerLost,
                message,
                json!({"attempts": task.attempts}),
            );
            failed(TaskStatus::Failed, error)
        } else {
            let error = TaskError::new(
                ErrorCode::WorkerLost,
                lost,
                json!({"attempt": task.attempts}),
            );
            requeue(&mut tx, task, &error, Duration::ZERO).await?;
            continue;
        };
        if !parent_free(&mut tx, task).await? {
            continue;
        }
        finish(&mut tx, &rt.core.meters, task, &outcome, None).await?;
    }
    let unanswered = asking::expire(&mut tx, &rt.core.meters).await?;
    tx.commit().await?;
    Ok(expired.len() + unanswered)
}
