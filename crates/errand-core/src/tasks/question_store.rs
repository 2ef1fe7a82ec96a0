//! Storage of the questions of tasks that wait for a person (`input_required`): locking a
//! task to answer it, asking again, and finding the questions whose time ran out. (Moving
//! in and out of `input_required` is `lifecycle::pause`'s.)

use sqlx::PgConnection;
use sqlx::types::Json;
use uuid::Uuid;

use super::model::{InputRequest, Task};
use super::store::{COLUMNS, TaskRow, one};
use crate::projects::ProjectId;

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
