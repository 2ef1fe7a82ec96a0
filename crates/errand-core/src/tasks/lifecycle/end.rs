//! Ending an attempt: the task ends (`finish`, fenced on the attempt; a pending cancel
//! wins), goes back to the queue after a retryable failure (`requeue`), or is cancelled
//! (`cancel`: at once when it holds no worker, else asked of its worker).

use serde_json::Value;
use sqlx::PgConnection;
use sqlx::types::Json;
use uuid::Uuid;

use super::super::cancel::Cancelled;
use crate::conversation::Usage;
use crate::events::Seqs;
use crate::projects::ProjectId;
use crate::tasks::model::{Task, TaskError, TaskStatus};
use crate::tasks::store::{COLUMNS, TaskRow, get_in, one};

/// `TaskStatus::ACTIVE` in SQL.
const ACTIVE: &str = crate::active_statuses!();

/// How an attempt ended.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub status: TaskStatus,
    pub output: Option<Value>,
    pub error: Option<TaskError>,
}

/// A model call's usage charged by the update that ends the task (the final call, whose
/// step commits with the outcome), and how many of the call's events it reserves seqs for,
/// ahead of the output's and the end's.
#[derive(Debug, Clone, Copy)]
pub struct Charge<'a> {
    pub usage: &'a Usage,
    pub cost_usd: Option<f64>,
    pub events: usize,
}

/// A task `finish` ended, and the seqs it reserved in its log for the output (when it has
/// one) and the terminal event (`ending::take_effect` appends them).
pub struct Finished {
    pub task: Task,
    pub seqs: Seqs,
    /// Whether it has child tasks still active (then its end cancels them).
    pub active_children: bool,
}

#[derive(sqlx::FromRow)]
struct FinishedRow {
    #[sqlx(flatten)]
    task: TaskRow,
    reserved_seq: i64,
    reserved_thread: Option<Uuid>,
    active_children: bool,
}

/// Ends the task if `attempt` still owns it; `None` means a newer attempt does (or the
/// task already ended) and nothing was written.
///
/// A cancellation requested before this write wins: the task ends `cancelled`, with the
/// outcome it would have had in `error.details` (`outcome`, `output`, `error`), so a 202
/// from the cancel endpoint always means the task ends cancelled. Row locking orders the
/// two: whichever reaches the row first decides.
pub async fn finish(
    conn: &mut PgConnection,
    id: Uuid,
    attempt: i32,
    outcome: &Outcome,
    charge: Option<&Charge<'_>>,
) -> sqlx::Result<Option<Finished>> {
    let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    let usage = charge.map(|c| c.usage);
    let row = sqlx::query_as::<_, FinishedRow>(sqlx::AssertSqlSafe(finish_sql()))
        .bind(id)
        .bind(attempt)
        .bind(outcome.status.as_str())
        .bind(&outcome.output)
        .bind(outcome.error.as_ref().map(Json))
        .bind(charge.map_or(0, |c| i64::try_from(c.events).unwrap_or(i64::MAX)))
        .bind(usage.map(|u| n(u.input_tokens)))
        .bind(usage.map(|u| n(u.cached_input_tokens)))
        .bind(usage.map(|u| n(u.output_tokens)))
        .bind(usage.map(|u| n(u.reasoning_tokens)))
        .bind(usage.map(|u| u.estimated))
        .bind(charge.and_then(|c| c.cost_usd))
        .fetch_optional(conn)
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    Ok(Some(Finished {
        task: Task::try_from(row.task)?,
        seqs: Seqs::Reserved {
            last: row.reserved_seq,
            thread: row.reserved_thread,
        },
        active_children: row.active_children,
    }))
}

/// `finish`'s statement: the outcome (a pending cancel wins), the charged call's usage, the
/// seqs reserved for the events the caller appends, and whether active children remain.
fn finish_sql() -> String {
    format!(
        "UPDATE tasks SET
            status = CASE WHEN cancel_requested THEN 'cancelled' ELSE $3 END,
            -- The charged call's events, `task.output` (with an output) and the terminal
            -- event.
            last_event_seq = last_event_seq + $6
                + CASE WHEN cancel_requested OR $4::jsonb IS NULL THEN 1 ELSE 2 END,
            input_tokens = CASE WHEN $7::int8 IS NULL THEN input_tokens
                ELSE coalesce(input_tokens, 0) + $7 END,
            cached_input_tokens = CASE WHEN $7::int8 IS NULL THEN cached_input_tokens
                ELSE coalesce(cached_input_tokens, 0) + $8 END,
            output_tokens = CASE WHEN $7::int8 IS NULL THEN output_tokens
                ELSE coalesce(output_tokens, 0) + $9 END,
            reasoning_tokens = CASE WHEN $7::int8 IS NULL THEN reasoning_tokens
                ELSE coalesce(reasoning_tokens, 0) + $10 END,
            usage_estimated = usage_estimated OR coalesce($11, false),
            cost_usd = CASE WHEN $12::float8 IS NULL THEN cost_usd
                ELSE coalesce(cost_usd, 0) + $12 END,
            output = CASE WHEN cancel_requested THEN NULL ELSE $4 END,
            error = CASE WHEN cancel_requested AND $3 <> 'cancelled'
                THEN jsonb_build_object('code', 'cancelled',
                    'message', 'cancelled while the attempt was ending',
                    'details', jsonb_build_object('outcome', $3, 'output', $4::jsonb,
                        'error', $5::jsonb))
                ELSE $5 END,
            -- Only a success keeps its Idempotency-Key: a retry of anything else runs anew.
            idempotency_key = CASE WHEN cancel_requested OR $3 <> 'succeeded'
                THEN NULL ELSE idempotency_key END,
            finished_at = now(), updated_at = now(), input_deadline = NULL
         WHERE id = $1 AND attempts = $2 AND status IN {ACTIVE}
         RETURNING {COLUMNS}, last_event_seq AS reserved_seq,
            CASE WHEN thread_discard THEN NULL ELSE thread_id END AS reserved_thread,
            EXISTS (SELECT 1 FROM tasks c WHERE c.parent_task_id = tasks.id
                    AND c.status IN {ACTIVE}) AS active_children"
    )
}

/// Puts a running task back in the queue after a retryable failure (fenced like `finish`).
/// `false` when the attempt lost the task, or a cancellation is pending (which must win:
/// the caller then ends the task through `finish`).
pub async fn requeue(
    conn: &mut PgConnection,
    id: Uuid,
    attempt: i32,
    error: &TaskError,
    delay: std::time::Duration,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE tasks SET status = 'queued', error = $3, updated_at = now(),
            run_after = now() + make_interval(secs => $4), lease_owner = NULL,
            lease_expires_at = NULL
         WHERE id = $1 AND attempts = $2 AND status = 'running' AND NOT cancel_requested",
    )
    .bind(id)
    .bind(attempt)
    .bind(Json(error))
    .bind(delay.as_secs_f64())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Cancels the project's task `id`: a queued task, or one waiting for input or for its
/// children, ends `cancelled` at once (it holds no worker); a running one is marked
/// `cancel_requested` for its worker to end. `discard`: it appends nothing to its thread;
/// `successor`: the submission that superseded it.
pub async fn cancel(
    conn: &mut PgConnection,
    project: ProjectId,
    id: Uuid,
    discard: bool,
    successor: Option<Uuid>,
) -> sqlx::Result<Cancelled> {
    // A queued task has not started, and one waiting for input or for its children holds
    // no worker: they end at once.
    let row = sqlx::query_as::<_, TaskRow>(sqlx::AssertSqlSafe(format!(
        "UPDATE tasks SET
            cancel_requested = true,
            thread_discard = thread_discard OR $3,
            superseded_by = coalesce($4, superseded_by),
            status = CASE WHEN status IN ('queued', 'input_required', 'waiting') THEN 'cancelled'
                ELSE status END,
            error = CASE WHEN status IN ('queued', 'input_required', 'waiting')
                THEN jsonb_build_object('code', 'cancelled', 'message',
                    CASE WHEN status = 'queued' THEN 'cancelled before it started'
                        WHEN status = 'waiting' THEN 'cancelled while waiting for its child tasks'
                        ELSE 'cancelled while waiting for input' END,
                    'details', CASE WHEN $4::uuid IS NULL THEN '{{}}'::jsonb
                        ELSE jsonb_build_object('superseded_by', $4::uuid) END)
                ELSE error END,
            finished_at = CASE WHEN status IN ('queued', 'input_required', 'waiting') THEN now()
                ELSE finished_at END,
            idempotency_key = CASE WHEN status IN ('queued', 'input_required', 'waiting') THEN NULL
                ELSE idempotency_key END,
            input_deadline = NULL,
            updated_at = now()
         WHERE id = $1 AND project_id = $2 AND status IN {ACTIVE}
         RETURNING {COLUMNS}",
        ACTIVE = crate::active_statuses!(),
    )))
    .bind(id)
    .bind(project)
    .bind(discard)
    .bind(successor)
    .fetch_optional(&mut *conn)
    .await?;
    match one(row)? {
        Some(task) if task.status == TaskStatus::Cancelled => Ok(Cancelled::Now(task)),
        Some(task) => Ok(Cancelled::Requested(task)),
        None => Ok(match get_in(&mut *conn, project, id).await? {
            Some(task) => Cancelled::Finished(task),
            None => Cancelled::Missing,
        }),
    }
}
