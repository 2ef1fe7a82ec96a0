//! Reading tasks: what a caller may see (always within its project) and what a worker
//! reads by id.

use sqlx::PgExecutor;
use uuid::Uuid;

use super::model::{Task, TaskFilter, TaskStatus};
use super::store::{COLUMNS, TaskRow, one};
use crate::projects::ProjectId;

/// The task holding an idempotency key, with the hash of the request that created it.
pub async fn by_idempotency_key(
    db: impl PgExecutor<'_>,
    project: ProjectId,
    key: &str,
) -> sqlx::Result<Option<(Task, Option<String>)>> {
    #[derive(sqlx::FromRow)]
    struct Keyed {
        #[sqlx(flatten)]
        task: TaskRow,
        request_hash: Option<String>,
    }
    let row = sqlx::query_as::<_, Keyed>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS}, request_hash FROM tasks WHERE project_id = $2 AND idempotency_key = $1"
    )))
    .bind(key)
    .bind(project)
    .fetch_optional(db)
    .await?;
    row.map(|k| Ok((Task::try_from(k.task)?, k.request_hash)))
        .transpose()
}

/// A task of `project` (what a caller may see).
pub async fn get_in(
    db: impl PgExecutor<'_>,
    project: ProjectId,
    id: Uuid,
) -> sqlx::Result<Option<Task>> {
    let row = sqlx::query_as::<_, TaskRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM tasks WHERE id = $1 AND project_id = $2"
    )))
    .bind(id)
    .bind(project)
    .fetch_optional(db)
    .await?;
    one(row)
}

/// The tasks of `project` among `ids` (those that exist), in no particular order.
pub async fn get_many_in(
    db: impl PgExecutor<'_>,
    project: ProjectId,
    ids: &[Uuid],
) -> sqlx::Result<Vec<Task>> {
    let rows = sqlx::query_as::<_, TaskRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM tasks WHERE id = ANY($1) AND project_id = $2"
    )))
    .bind(ids)
    .bind(project)
    .fetch_all(db)
    .await?;
    rows.into_iter().map(Task::try_from).collect()
}

/// Any task, whatever its project (the worker's view).
pub async fn get(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<Task>> {
    let row = sqlx::query_as::<_, TaskRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM tasks WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(db)
    .await?;
    one(row)
}

/// Tasks matching the filter, newest first, older than the cursor id.
pub async fn list(
    db: impl PgExecutor<'_>,
    project: ProjectId,
    f: &TaskFilter,
    before: Option<Uuid>,
    limit: i64,
) -> sqlx::Result<Vec<Task>> {
    let rows = sqlx::query_as::<_, TaskRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM tasks
         WHERE project_id = $8 AND ($1::text IS NULL OR status = $1)
           AND ($2::text IS NULL OR runner_name = $2)
           AND ($3::timestamptz IS NULL OR created_at >= $3)
           AND ($4::timestamptz IS NULL OR created_at < $4)
           AND ($5::uuid IS NULL OR id < $5)
           AND ($7::uuid IS NULL OR runner_id = $7)
           AND ($9::uuid IS NULL OR thread_id = $9)
           AND ($10::uuid IS NULL OR batch_id = $10)
           AND ($11::uuid IS NULL OR parent_task_id = $11)
         ORDER BY id DESC LIMIT $6"
    )))
    .bind(f.status.map(TaskStatus::as_str))
    .bind(f.runner.as_deref())
    .bind(f.created_after)
    .bind(f.created_before)
    .bind(before)
    .bind(limit)
    .bind(f.runner_id)
    .bind(project)
    .bind(f.thread_id)
    .bind(f.batch)
    .bind(f.parent_task_id)
    .fetch_all(db)
    .await?;
    rows.into_iter().map(Task::try_from).collect()
}

/// The tasks of the project's batch `id`, oldest first (none for an unknown batch).
pub async fn in_batch(
    db: impl PgExecutor<'_>,
    project: ProjectId,
    id: Uuid,
) -> sqlx::Result<Vec<Task>> {
    let rows: Vec<TaskRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM tasks WHERE project_id = $1 AND batch_id = $2 ORDER BY id"
    )))
    .bind(project)
    .bind(id)
    .fetch_all(db)
    .await?;
    rows.into_iter().map(Task::try_from).collect()
}
