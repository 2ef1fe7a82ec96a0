//! Pauses that are not failures: an attempt stops on a question (`input_required`) or on
//! the child tasks its model started (`waiting`), holding no lease and no worker; an
//! answer, or the last child's end, queues the task to go on with the same attempt
//! (`resuming`).

use serde_json::json;
use sqlx::PgConnection;
use sqlx::types::Json;
use uuid::Uuid;

use crate::events::{self, kind};
use crate::tasks::model::{InputRequest, Task};
use crate::tasks::queued::Queued;
use crate::tasks::store::{COLUMNS, TaskRow, one};

/// `TaskStatus::ACTIVE` in SQL.
const ACTIVE: &str = crate::active_statuses!();

/// Suspends the running `attempt` on `request`; `None` when the attempt no longer owns the
/// task or a cancellation is pending (which must win: the caller ends the task instead).
pub async fn suspend_for_input(
    conn: &mut PgConnection,
    id: Uuid,
    attempt: i32,
    request: &InputRequest,
) -> sqlx::Result<Option<Task>> {
    let row = sqlx::query_as::<_, TaskRow>(sqlx::AssertSqlSafe(format!(
        "UPDATE tasks SET status = 'input_required', input_request = $3, input_deadline = $4,
            lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
         WHERE id = $1 AND attempts = $2 AND status = 'running' AND NOT cancel_requested
         RETURNING {COLUMNS}"
    )))
    .bind(id)
    .bind(attempt)
    .bind(Json(request))
    .bind(request.expires_at)
    .fetch_optional(conn)
    .await?;
    one(row)
}

/// Queues the waiting task again with its answered `request`, to go on with the same
/// attempt (`resuming`): asking is not failing.
pub async fn resume_answered(
    conn: &mut PgConnection,
    id: Uuid,
    request: &InputRequest,
) -> sqlx::Result<Option<Task>> {
    let row = sqlx::query_as::<_, TaskRow>(sqlx::AssertSqlSafe(format!(
        "UPDATE tasks SET status = 'queued', input_request = $2, input_deadline = NULL,
            run_after = now(), resuming = true, updated_at = now()
         WHERE id = $1 AND status = 'input_required'
         RETURNING {COLUMNS}"
    )))
    .bind(id)
    .bind(Json(request))
    .fetch_optional(conn)
    .await?;
    one(row)
}

/// Suspends the running `attempt` of `task` until its children end: `waiting`, or queued
/// again at once when they all ended already; either way it goes on with the same attempt
/// (`resuming`). `None` when the attempt no longer owns the task or a cancellation is
/// pending (the caller ends the task instead).
pub async fn suspend_for_children(
    conn: &mut PgConnection,
    task: &Task,
    children: &[Uuid],
) -> sqlx::Result<Option<Task>> {
    // The row lock first, in its own statement: the one after it then sees every child
    // that ended before (and a child ending later finds the task `waiting`).
    sqlx::query("SELECT 1 FROM tasks WHERE id = $1 FOR UPDATE")
        .bind(task.id)
        .execute(&mut *conn)
        .await?;
    let row = sqlx::query_as::<_, TaskRow>(sqlx::AssertSqlSafe(format!(
        "UPDATE tasks SET
            status = CASE WHEN EXISTS (SELECT 1 FROM tasks c WHERE c.parent_task_id = $1
                AND c.status IN {ACTIVE}) THEN 'waiting' ELSE 'queued' END,
            lease_owner = NULL, lease_expires_at = NULL, run_after = now(),
            resuming = true, updated_at = now()
         WHERE id = $1 AND attempts = $2 AND status = 'running' AND NOT cancel_requested
         RETURNING {COLUMNS}"
    )))
    .bind(task.id)
    .bind(task.attempts)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(suspended) = one(row)? else {
        return Ok(None);
    };
    let data = json!({"children": children});
    if suspended.status == crate::tasks::model::TaskStatus::Queued {
        let queued = Queued::children_ended_first(suspended.attempts, children).data();
        events::append(conn, task.id, kind::QUEUED, &queued).await?;
    } else {
        events::append(conn, task.id, kind::WAITING, &data).await?;
        // A child may have asked a person while this attempt still ran.
        if suspended
            .input_request
            .as_ref()
            .is_some_and(InputRequest::asked_below)
        {
            crate::tasks::relay::catch_up(conn, task.id).await?;
        }
    }
    Ok(Some(suspended))
}

/// Queues `parent` again, to go on with its attempt, when it waits for its children and
/// none of them is active any more; whether it did.
pub async fn wake_after_children(conn: &mut PgConnection, parent: Uuid) -> sqlx::Result<bool> {
    let woke = sqlx::query(concat!(
        "UPDATE tasks SET status = 'queued', run_after = now(), updated_at = now()
         WHERE id = $1 AND status = 'waiting' AND NOT EXISTS (
             SELECT 1 FROM tasks c WHERE c.parent_task_id = $1 AND c.status IN ",
        crate::active_statuses!(),
        ")"
    ))
    .bind(parent)
    .execute(&mut *conn)
    .await?;
    Ok(woke.rows_affected() == 1)
}
