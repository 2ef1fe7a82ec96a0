//! Storage of tasks that wait for a person (`input_required`): suspending an attempt on a
//! question, taking the answer, and finding the questions whose time ran out. A waiting
//! task holds no lease and no worker.

use sqlx::PgConnection;
use sqlx::types::Json;
use uuid::Uuid;

use super::model::{InputRequest, Task};
use super::store::{COLUMNS, TaskRow, one};
use crate::projects::ProjectId;

/// Suspends the running `attempt` on `request`; `None` when the attempt no longer owns the
/// task or a cancellation is pending (which must win: the caller ends the task instead).
pub async fn suspend(
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

/// Asks `request` again under a new `request_id` (the task stays `input_required`, its
/// deadline unchanged): for a client that cannot be told "try again" otherwise (an MCP
/// client's answer that broke the schema, acknowledged). Returns the new request.
pub async fn ask_again(
    conn: &mut PgConnection,
    id: Uuid,
    request: &InputRequest,
    why: &str,
) -> sqlx::Result<Option<InputRequest>> {
    let mut again = request.clone();
    again.request_id = Uuid::now_v7();
    again.question = format!("{}\n\n({why})", request.question);
    let updated = sqlx::query(
        "UPDATE tasks SET input_request = $2, updated_at = now()
         WHERE id = $1 AND status = 'input_required'",
    )
    .bind(id)
    .bind(Json(&again))
    .execute(&mut *conn)
    .await?;
    Ok((updated.rows_affected() == 1).then_some(again))
}

/// The caller's task, locked until the transaction ends.
pub async fn lock(
    conn: &mut PgConnection,
    project: ProjectId,
    id: Uuid,
) -> sqlx::Result<Option<Task>> {
    let row = sqlx::query_as::<_, TaskRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM tasks WHERE id = $1 AND project_id = $2 FOR UPDATE"
    )))
    .bind(id)
    .bind(project)
    .fetch_optional(conn)
    .await?;
    one(row)
}

/// Queues the waiting task again with its answered `request`, to go on with the same
/// attempt (`resuming`): asking is not failing.
pub async fn resume(
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

/// Locks up to `limit` waiting tasks whose question was not answered in time, for the
/// caller to fail in the same transaction.
pub async fn expired(conn: &mut PgConnection, limit: i64) -> sqlx::Result<Vec<Task>> {
    let rows: Vec<TaskRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM tasks
         WHERE status = 'input_required' AND input_deadline < now()
         ORDER BY input_deadline LIMIT $1
         FOR UPDATE SKIP LOCKED"
    )))
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(Task::try_from).collect()
}
