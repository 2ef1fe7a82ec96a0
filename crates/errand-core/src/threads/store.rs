//! Thread storage. Every function takes the caller's project: another project's thread is
//! simply not found.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use sqlx::types::Json;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use super::model::{Thread, ThreadFilter, ThreadStatus};
use crate::projects::ProjectId;

const COLUMNS: &str =
    "id, key, metadata, status, message_count, last_event_seq, created_at, updated_at";

#[derive(sqlx::FromRow)]
struct ThreadRow {
    id: Uuid,
    key: Option<String>,
    metadata: Json<Map<String, Value>>,
    status: String,
    message_count: i32,
    last_event_seq: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<ThreadRow> for Thread {
    type Error = sqlx::Error;
    fn try_from(r: ThreadRow) -> sqlx::Result<Thread> {
        let status = ThreadStatus::parse(&r.status).ok_or_else(|| {
            sqlx::Error::Decode(format!("bad thread status {:?}", r.status).into())
        })?;
        Ok(Thread {
            id: r.id,
            key: r.key,
            metadata: r.metadata.0,
            status,
            message_count: r.message_count,
            last_event_seq: r.last_event_seq,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

fn one(row: Option<ThreadRow>) -> sqlx::Result<Option<Thread>> {
    row.map(Thread::try_from).transpose()
}

/// Creates a thread; `None` when the key is taken.
pub async fn insert(
    db: impl PgExecutor<'_>,
    project: ProjectId,
    key: Option<&str>,
    metadata: &Map<String, Value>,
) -> sqlx::Result<Option<Thread>> {
    let row = sqlx::query_as::<_, ThreadRow>(sqlx::AssertSqlSafe(format!(
        "INSERT INTO threads (id, project_id, key, metadata) VALUES ($1, $2, $3, $4)
         ON CONFLICT (project_id, key) WHERE key IS NOT NULL DO NOTHING
         RETURNING {COLUMNS}"
    )))
    .bind(Uuid::now_v7())
    .bind(project)
    .bind(key)
    .bind(Json(metadata))
    .fetch_optional(db)
    .await?;
    one(row)
}

/// How a caller names a thread: its id, or its key.
#[derive(Debug, Clone, Copy)]
pub enum ThreadRef<'a> {
    Id(Uuid),
    Key(&'a str),
    /// A task's `thread`: an id if it is shaped like one and a thread has it, else a key.
    IdOrKey(&'a str),
}

/// A thread of `project`.
pub async fn get(
    db: impl PgExecutor<'_>,
    project: ProjectId,
    thread: ThreadRef<'_>,
) -> sqlx::Result<Option<Thread>> {
    let (id, key) = match thread {
        ThreadRef::Id(id) => (Some(id), None),
        ThreadRef::Key(key) => (None, Some(key)),
        ThreadRef::IdOrKey(text) => (Uuid::parse_str(text).ok(), Some(text)),
    };
    // An id match comes first: a key that happens to look like another thread's id
    // still finds that thread by id.
    let row = sqlx::query_as::<_, ThreadRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM threads
         WHERE project_id = $1 AND (id = $2 OR key = $3)
         ORDER BY id = $2 DESC NULLS LAST LIMIT 1"
    )))
    .bind(project)
    .bind(id)
    .bind(key)
    .fetch_optional(db)
    .await?;
    one(row)
}

/// Threads matching the filter, newest first, older than the cursor id.
pub async fn list(
    db: impl PgExecutor<'_>,
    project: ProjectId,
    filter: &ThreadFilter,
    metadata: Option<&Value>,
    limit: i64,
) -> sqlx::Result<Vec<Thread>> {
    let rows = sqlx::query_as::<_, ThreadRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM threads
         WHERE project_id = $1 AND ($2::text IS NULL OR status = $2)
           AND ($3::jsonb IS NULL OR metadata @> $3)
           AND ($4::uuid IS NULL OR id < $4)
         ORDER BY id DESC LIMIT $5"
    )))
    .bind(project)
    .bind(filter.status.map(ThreadStatus::as_str))
    .bind(metadata)
    .bind(filter.cursor)
    .bind(limit)
    .fetch_all(db)
    .await?;
    rows.into_iter().map(Thread::try_from).collect()
}

/// Changes the key (`Some(None)` removes it) and merges `metadata` (a `null` value removes
/// its key). `Ok(None)`: no such thread; `Err` with a unique violation: the key is taken.
pub async fn update(
    db: impl PgExecutor<'_>,
    project: ProjectId,
    id: Uuid,
    key: Option<Option<&str>>,
    metadata: Option<&Map<String, Value>>,
) -> sqlx::Result<Option<Thread>> {
    let row = sqlx::query_as::<_, ThreadRow>(sqlx::AssertSqlSafe(format!(
        "UPDATE threads SET
            key = CASE WHEN $3 THEN $4 ELSE key END,
            metadata = CASE WHEN $5::jsonb IS NULL THEN metadata
                ELSE jsonb_strip_nulls(metadata || $5) END,
            updated_at = now()
         WHERE project_id = $1 AND id = $2
         RETURNING {COLUMNS}"
    )))
    .bind(project)
    .bind(id)
    .bind(key.is_some())
    .bind(key.flatten())
    .bind(metadata.map(Json))
    .fetch_optional(db)
    .await?;
    one(row)
}

/// What `delete` did.
pub enum Deleted {
    Done,
    /// A task of the thread is queued, running or waiting for input: nothing was deleted.
    Busy(Uuid),
    Missing,
}

/// Deletes a thread and its messages (its tasks keep their rows), unless a task of it is
/// still active.
pub async fn delete(
    conn: &mut PgConnection,
    project: ProjectId,
    id: Uuid,
) -> sqlx::Result<Deleted> {
    // No submission on the thread may slip in between the check and the delete.
    lock_submissions(&mut *conn, id).await?;
    let locked: Option<Uuid> =
        sqlx::query_scalar("SELECT id FROM threads WHERE project_id = $1 AND id = $2 FOR UPDATE")
            .bind(project)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    if locked.is_none() {
        return Ok(Deleted::Missing);
    }
    if let Some(task) = active_tasks(&mut *conn, id).await?.first() {
        return Ok(Deleted::Busy(task.0));
    }
    remove(conn, id).await?;
    Ok(Deleted::Done)
}

/// Deletes the thread row (its messages cascade); sent at commit, a notification ends every
/// process's open streams on the thread with a last frame.
pub(super) async fn remove(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<()> {
    sqlx::query(
        "WITH gone AS (DELETE FROM threads WHERE id = $1 RETURNING id)
         SELECT pg_notify($2, json_build_object('thread_deleted', gone.id)::text) FROM gone",
    )
    .bind(id)
    .bind(crate::events::CHANNEL)
    .execute(conn)
    .await?;
    Ok(())
}

/// The thread's tasks that are queued, running or waiting for input, oldest first, with
/// their status.
pub async fn active_tasks(
    db: impl PgExecutor<'_>,
    thread: Uuid,
) -> sqlx::Result<Vec<(Uuid, String)>> {
    sqlx::query_as(concat!(
        "SELECT id, status FROM tasks WHERE thread_id = $1 AND status IN ",
        crate::active_statuses!(),
        " ORDER BY id"
    ))
    .bind(thread)
    .fetch_all(db)
    .await
}

/// Serialises the submissions on one thread until the transaction ends (an advisory lock,
/// so the thread row stays free for the appends of the task running on it).
pub async fn lock_submissions(conn: &mut PgConnection, thread: Uuid) -> sqlx::Result<()> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1::text, 7001))")
        .bind(thread)
        .execute(conn)
        .await?;
    Ok(())
}
