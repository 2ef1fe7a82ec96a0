//! The per-task event log: every change a task goes through is a row of `task_events`
//! with a gapless `seq`, announced with NOTIFY so listeners in any process can follow.
//! The worker and the API append through `append`, inside the transaction that makes the
//! change, so the log and the task never disagree.

pub mod announce;
mod append;
mod frames;
pub mod hub;
mod notes;

use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;

pub use announce::{Announcer, Notes};
pub use append::{Appended, Seqs, append_to};

/// The NOTIFY channel; the payload is `{"task_id", "seq", "end", "thread_id",
/// "thread_seq"}` (`end`: the task's terminal event or its question is among those
/// appended; the thread's fields are null for a task without one), never the data.
pub const CHANNEL: &str = "errand_task_events";

/// The NOTIFY channel that wakes workers: a task was queued, or a thread's turn passed
/// (empty payload). Sent by every append that holds a `task.queued` event, or that settles
/// a task of a thread (its successor, queued behind it, may start now).
pub const WORK_CHANNEL: &str = "errand_work";

pub mod kind {
    /// A thread's stream only: the thread was deleted, and the stream ends.
    pub const THREAD_DELETED: &str = "thread.deleted";
    pub const QUEUED: &str = "task.queued";
    pub const STARTED: &str = "task.started";
    /// The task goes on with the same attempt after a pause (its question answered, its
    /// child tasks ended): the text streamed before it stands.
    pub const RESUMED: &str = "task.resumed";
    pub const MESSAGE_DELTA: &str = "message.delta";
    pub const MESSAGE_COMPLETED: &str = "message.completed";
    pub const TOOL_CALL_STARTED: &str = "tool_call.started";
    pub const TOOL_CALL_COMPLETED: &str = "tool_call.completed";
    pub const OUTPUT: &str = "task.output";
    pub const USAGE: &str = "usage";
    pub const SUCCEEDED: &str = "task.succeeded";
    pub const FAILED: &str = "task.failed";
    pub const CANCELLED: &str = "task.cancelled";
    pub const TIMED_OUT: &str = "task.timed_out";

    pub const INPUT_REQUIRED: &str = "task.input_required";
    /// The task waits for the child tasks its model started (`data.children`).
    pub const WAITING: &str = "task.waiting";
    pub const HISTORY_TRIMMED: &str = "thread.history_trimmed";

    /// Whether `kind` ends a task's log: nothing follows it.
    pub fn is_terminal(kind: &str) -> bool {
        matches!(kind, SUCCEEDED | FAILED | CANCELLED | TIMED_OUT)
    }

    /// Whether `kind` leaves the task waiting on its caller: it ended, or it asks a
    /// question. A `?wait=` returns on these.
    pub fn settles(kind: &str) -> bool {
        is_terminal(kind) || kind == INPUT_REQUIRED
    }
}

/// Appends one event and returns its seq.
pub async fn append(
    conn: &mut PgConnection,
    task_id: Uuid,
    kind: &str,
    data: &Value,
) -> sqlx::Result<i64> {
    let seq = append_all(conn, task_id, None, &[(kind, data)]).await?;
    seq.ok_or_else(|| sqlx::Error::RowNotFound)
}

/// Appends one progress event of a running attempt, only while that attempt owns the task
/// and no cancellation is pending; `None` when it wrote nothing.
pub async fn append_for_attempt(
    conn: &mut PgConnection,
    task_id: Uuid,
    attempt: i32,
    kind: &str,
    data: &Value,
) -> sqlx::Result<Option<i64>> {
    append_all(conn, task_id, Some(attempt), &[(kind, data)]).await
}

/// Appends events in order, in ONE statement: the seq counter on the task row (which
/// serialises appends per task without scanning the log), the rows, and a single NOTIFY
/// with the last seq (a listener reads everything after what it has) and whether the task
/// ended (and, when a `task.queued` is among them, a wake-up for the workers). With `attempt`, only
/// while that attempt owns the running, uncancelled task. Returns the last seq, or `None`
/// when nothing was written.
pub async fn append_all(
    conn: &mut PgConnection,
    task_id: Uuid,
    attempt: Option<i32>,
    events: &[(&str, &Value)],
) -> sqlx::Result<Option<i64>> {
    let appended = append_to(conn, task_id, Seqs::Counted(attempt), events, None).await?;
    Ok(appended.map(|a| a.seq))
}

/// One logged event.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct TaskEvent {
    #[serde(skip)]
    pub task_id: Uuid,
    pub seq: i64,
    #[serde(rename = "type")]
    #[sqlx(rename = "type")]
    pub kind: String,
    #[schema(value_type = Object)]
    pub data: Value,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// A page of events and whether more may follow it.
pub struct Page<E = TaskEvent> {
    pub events: Vec<E>,
    /// The page was cut (by `limit` or by `max_bytes`): read on after its last event.
    pub more: bool,
}

/// Events of a task after `after`, in order: at most `limit`, and no more than
/// `max_bytes` of event data (sizes summed in the database, so an oversized page is never
/// fetched), but always at least one.
pub async fn list(
    db: impl sqlx::PgExecutor<'_>,
    task_id: Uuid,
    after: i64,
    limit: i64,
    max_bytes: usize,
) -> sqlx::Result<Page> {
    let columns = "task_id, seq, type, data, created_at";
    sized_page(
        db,
        columns,
        "task_id",
        "seq",
        (task_id, after, limit, max_bytes),
    )
    .await
}

/// Events of one log (`log_column` = `id`) after `after` in `key_column` order, bounded as
/// `list` says.
async fn sized_page<E>(
    db: impl sqlx::PgExecutor<'_>,
    columns: &str,
    log_column: &str,
    key_column: &str,
    (id, after, limit, max_bytes): (Uuid, i64, i64, usize),
) -> sqlx::Result<Page<E>>
where
    E: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
{
    use sqlx::Row;
    let rows: Vec<sqlx::postgres::PgRow> = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {columns}, fetched FROM (
            SELECT *, count(*) OVER () AS fetched,
                sum(size) OVER (ORDER BY {key_column}) - size AS before
            FROM (SELECT {columns}, octet_length(data::text) AS size
                  FROM task_events WHERE {log_column} = $1 AND {key_column} > $2
                  ORDER BY {key_column} LIMIT $3) page
         ) sized
         WHERE before < $4 ORDER BY {key_column}"
    )))
    .bind(id)
    .bind(after)
    .bind(limit)
    .bind(i64::try_from(max_bytes).unwrap_or(i64::MAX))
    .fetch_all(db)
    .await?;
    let fetched: i64 = match rows.first() {
        Some(row) => row.try_get("fetched")?,
        None => 0,
    };
    let events = rows
        .iter()
        .map(E::from_row)
        .collect::<sqlx::Result<Vec<E>>>()?;
    let more = fetched == limit || (events.len() as i64) < fetched;
    Ok(Page { events, more })
}

/// One event of a thread's log: an event of one of its tasks, numbered in the thread.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ThreadEvent {
    #[serde(skip)]
    pub thread_id: Uuid,
    /// The event's place in the thread's log, from 1 (the SSE `id:`).
    pub thread_seq: i64,
    /// The task the event belongs to.
    pub task_id: Uuid,
    /// The event's place in its task's log.
    pub seq: i64,
    #[serde(rename = "type")]
    #[sqlx(rename = "type")]
    pub kind: String,
    #[schema(value_type = Object)]
    pub data: Value,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// Events of a thread after `after` (a thread seq), in order, bounded like `list`.
pub async fn list_thread(
    db: impl sqlx::PgExecutor<'_>,
    thread_id: Uuid,
    after: i64,
    limit: i64,
    max_bytes: usize,
) -> sqlx::Result<Page<ThreadEvent>> {
    let columns = "thread_id, thread_seq, task_id, seq, type, data, created_at";
    let bounds = (thread_id, after, limit, max_bytes);
    sized_page(db, columns, "thread_id", "thread_seq", bounds).await
}
