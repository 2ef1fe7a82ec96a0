//! What the hub reads and sends: the logs one can follow (a task's, a thread's), new
//! events read for them, and their SSE frames, rendered once per event.

use bytes::Bytes;
use std::collections::HashMap;
use std::time::Duration;

use sqlx::PgPool;
use uuid::Uuid;

use super::{TaskEvent, ThreadEvent, kind};

/// An event log one can follow: a task's, or a thread's (the events of all its tasks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Log {
    Task(Uuid),
    Thread(Uuid),
}

/// One event as subscribers receive it.
#[derive(Debug)]
pub struct LiveEvent {
    /// Its place in the log followed (a task seq, or a thread seq).
    pub seq: i64,
    /// Nothing follows it in this log (a task's terminal event; a thread's log never ends).
    pub terminal: bool,
    /// The complete SSE frame: `id:`, `event:` and `data:` lines.
    pub frame: Bytes,
    /// The log itself is gone (its thread was deleted): the frame ends every stream on it,
    /// whatever the stream has seen.
    pub gone: bool,
}

impl LiveEvent {
    /// The event's type, read from its frame's `event:` line.
    pub fn kind(&self) -> Option<&str> {
        std::str::from_utf8(&self.frame)
            .ok()?
            .lines()
            .take_while(|line| !line.starts_with("data:"))
            .find_map(|line| line.strip_prefix("event: "))
    }

    pub fn new(event: &TaskEvent) -> Self {
        Self {
            seq: event.seq,
            terminal: kind::is_terminal(&event.kind),
            frame: frame(event),
            gone: false,
        }
    }

    pub fn of_thread(event: &ThreadEvent) -> Self {
        Self {
            seq: event.thread_seq,
            terminal: false,
            frame: thread_frame(event),
            gone: false,
        }
    }

    /// The last frame of a deleted thread's stream: `event: thread.deleted` (no `id:`, so
    /// a client's `Last-Event-ID` stays its last real event).
    pub fn thread_deleted(thread_id: Uuid) -> Self {
        let data = serde_json::json!({ "thread_id": thread_id });
        Self {
            seq: i64::MAX,
            terminal: true,
            frame: Bytes::from(format!("event: {}\ndata: {data}\n\n", kind::THREAD_DELETED)),
            gone: true,
        }
    }
}

/// A new event for the log it was read for.
pub enum Fresh {
    Task(TaskEvent),
    Thread(ThreadEvent),
}

impl Fresh {
    pub(super) fn log(&self) -> Log {
        match self {
            Self::Task(e) => Log::Task(e.task_id),
            Self::Thread(e) => Log::Thread(e.thread_id),
        }
    }

    pub(super) fn live(&self) -> LiveEvent {
        match self {
            Self::Task(e) => LiveEvent::new(e),
            Self::Thread(e) => LiveEvent::of_thread(e),
        }
    }
}

/// The SSE frame of a thread's event: `id:` is the thread seq, `data:` the event with its
/// task id.
pub fn thread_frame(event: &ThreadEvent) -> Bytes {
    let data = serde_json::to_string(event).unwrap_or_else(|_| "{}".into());
    Bytes::from(format!(
        "id: {}\nevent: {}\ndata: {data}\n\n",
        event.thread_seq, event.kind
    ))
}

/// The SSE frame of an event; `data:` is the event object as the JSON page shows it.
pub fn frame(event: &TaskEvent) -> Bytes {
    // serde_json escapes newlines inside strings, so the data is always one line.
    let data = serde_json::to_string(event).unwrap_or_else(|_| "{}".into());
    Bytes::from(format!(
        "id: {}\nevent: {}\ndata: {data}\n\n",
        event.seq, event.kind
    ))
}

/// Reads the new events, retrying a failed read: a notification is announced only once,
/// so giving up would leave watchers waiting.
pub(super) async fn read_until_done(pool: &PgPool, wanted: &HashMap<Log, i64>) -> Vec<Fresh> {
    let mut wait = Duration::from_millis(50);
    loop {
        match read_new(pool, wanted).await {
            Ok(rows) => return rows,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read new task events; retrying");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(5));
            }
        }
    }
}

async fn read_new(pool: &PgPool, wanted: &HashMap<Log, i64>) -> sqlx::Result<Vec<Fresh>> {
    let (mut tasks, mut task_afters, mut threads, mut thread_afters) =
        (vec![], vec![], vec![], vec![]);
    for (log, after) in wanted {
        match log {
            Log::Task(id) => {
                tasks.push(*id);
                task_afters.push(*after);
            }
            Log::Thread(id) => {
                threads.push(*id);
                thread_afters.push(*after);
            }
        }
    }
    let mut fresh = Vec::new();
    if !tasks.is_empty() {
        let rows: Vec<TaskEvent> = sqlx::query_as(
            // LATERAL keeps this an index range scan per task; a plain join may hash the
            // whole log.
            "SELECT e.task_id, e.seq, e.type, e.data, e.created_at
             FROM unnest($1::uuid[], $2::int8[]) AS w(task_id, after)
             CROSS JOIN LATERAL (
                SELECT * FROM task_events
                WHERE task_id = w.task_id AND seq > w.after ORDER BY seq) e
             ORDER BY e.task_id, e.seq",
        )
        .bind(&tasks)
        .bind(&task_afters)
        .fetch_all(pool)
        .await?;
        fresh.extend(rows.into_iter().map(Fresh::Task));
    }
    if !threads.is_empty() {
        let rows: Vec<ThreadEvent> = sqlx::query_as(
            "SELECT e.thread_id, e.thread_seq, e.task_id, e.seq, e.type, e.data, e.created_at
             FROM unnest($1::uuid[], $2::int8[]) AS w(thread_id, after)
             CROSS JOIN LATERAL (
                SELECT * FROM task_events
                WHERE thread_id = w.thread_id AND thread_seq > w.after ORDER BY thread_seq) e
             ORDER BY e.thread_id, e.thread_seq",
        )
        .bind(&threads)
        .bind(&thread_afters)
        .fetch_all(pool)
        .await?;
        fresh.extend(rows.into_iter().map(Fresh::Thread));
    }
    Ok(fresh)
}
