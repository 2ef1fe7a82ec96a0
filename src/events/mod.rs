//! The per-task event log: every change a task goes through is a row of `task_events`
//! with a gapless `seq`, announced with NOTIFY so listeners in any process can follow.
//! The worker and the API append through `append`, inside the transaction that makes the
//! change, so the log and the task never disagree.

pub mod hub;
pub mod retention;
pub mod sse;

use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;

/// The NOTIFY channel; the payload is `{"task_id", "seq"}`, never the data.
pub const CHANNEL: &str = "errand_task_events";

pub mod kind {
    pub const QUEUED: &str = "task.queued";
    pub const STARTED: &str = "task.started";
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

    /// Whether `kind` ends a task's log: nothing follows it.
    pub fn is_terminal(kind: &str) -> bool {
        matches!(kind, SUCCEEDED | FAILED | CANCELLED | TIMED_OUT)
    }
}

/// Appends one event and returns its seq.
pub async fn append(
    conn: &mut PgConnection,
    task_id: Uuid,
    kind: &str,
    data: &Value,
) -> sqlx::Result<i64> {
    // Taking the seq from the task row serialises appends per task without scanning.
    let seq: i64 = sqlx::query_scalar(
        "UPDATE tasks SET last_event_seq = last_event_seq + 1 WHERE id = $1
         RETURNING last_event_seq",
    )
    .bind(task_id)
    .fetch_one(&mut *conn)
    .await?;
    insert(conn, task_id, seq, kind, data).await?;
    Ok(seq)
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
    let seq: Option<i64> = sqlx::query_scalar(
        "UPDATE tasks SET last_event_seq = last_event_seq + 1
         WHERE id = $1 AND attempts = $2 AND status = 'running' AND NOT cancel_requested
         RETURNING last_event_seq",
    )
    .bind(task_id)
    .bind(attempt)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(seq) = seq {
        insert(conn, task_id, seq, kind, data).await?;
    }
    Ok(seq)
}

async fn insert(
    conn: &mut PgConnection,
    task_id: Uuid,
    seq: i64,
    kind: &str,
    data: &Value,
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO task_events (task_id, seq, type, data) VALUES ($1, $2, $3, $4)")
        .bind(task_id)
        .bind(seq)
        .bind(kind)
        .bind(data)
        .execute(&mut *conn)
        .await?;
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(serde_json::json!({"task_id": task_id, "seq": seq}).to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
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

/// Events of a task after `after`, in order.
pub async fn list(
    db: impl sqlx::PgExecutor<'_>,
    task_id: Uuid,
    after: i64,
    limit: i64,
) -> sqlx::Result<Vec<TaskEvent>> {
    sqlx::query_as(
        "SELECT task_id, seq, type, data, created_at FROM task_events
         WHERE task_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
    )
    .bind(task_id)
    .bind(after)
    .bind(limit)
    .fetch_all(db)
    .await
}
