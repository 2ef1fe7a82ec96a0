//! A thread's messages: appended by the transaction that ends a task, read in order.

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use super::model::{MessageRole, ThreadMessage};
use crate::conversation::{ChatMessage, Role, ToolCall};

/// A message to append, with what wrote it.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub message: ChatMessage,
    pub step_index: Option<i32>,
    pub partial: bool,
}

/// Appends `messages` after the thread's last, written by `task`; returns how many. A
/// thread that is gone takes none.
pub async fn append(
    conn: &mut PgConnection,
    thread: Uuid,
    task: Uuid,
    messages: &[NewMessage],
) -> sqlx::Result<u64> {
    if messages.is_empty() {
        return Ok(0);
    }
    let n = i32::try_from(messages.len()).unwrap_or(i32::MAX);
    let roles: Vec<&str> = messages.iter().map(|m| role_str(m.message.role)).collect();
    let contents: Vec<&str> = messages
        .iter()
        .map(|m| m.message.content.as_str())
        .collect();
    let calls: Vec<Option<Json<&Vec<ToolCall>>>> = messages
        .iter()
        .map(|m| (!m.message.tool_calls.is_empty()).then_some(Json(&m.message.tool_calls)))
        .collect();
    let call_ids: Vec<Option<&str>> = messages
        .iter()
        .map(|m| m.message.tool_call_id.as_deref())
        .collect();
    let steps: Vec<Option<i32>> = messages.iter().map(|m| m.step_index).collect();
    let partial: Vec<bool> = messages.iter().map(|m| m.partial).collect();
    let done = sqlx::query(
        "WITH counter AS (
            UPDATE threads SET message_count = message_count + $3, updated_at = now()
            WHERE id = $1 RETURNING project_id, message_count)
         INSERT INTO thread_messages (thread_id, seq, project_id, task_id, step_index, role,
            content, tool_calls, tool_call_id, partial)
         SELECT $1, counter.message_count - $3 + m.n, counter.project_id, $2, m.step, m.role,
            m.content, m.calls, m.call_id, m.partial
         FROM counter, unnest($4::int[], $5::text[], $6::text[], $7::jsonb[], $8::text[],
            $9::bool[]) WITH ORDINALITY AS m(step, role, content, calls, call_id, partial, n)",
    )
    .bind(thread)
    .bind(task)
    .bind(n)
    .bind(&steps)
    .bind(&roles)
    .bind(&contents)
    .bind(&calls)
    .bind(&call_ids)
    .bind(&partial)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

fn role_str(role: Role) -> &'static str {
    match role {
        Role::User | Role::System => "user",
        Role::Assistant => "assistant",
        Role::Tool => "tool",
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct MessageRow {
    seq: i32,
    role: String,
    content: String,
    tool_calls: Option<Json<Vec<ToolCall>>>,
    tool_call_id: Option<String>,
    task_id: Uuid,
    step_index: Option<i32>,
    partial: bool,
    created_at: DateTime<Utc>,
}

impl MessageRow {
    pub(super) fn into_message(self) -> ThreadMessage {
        ThreadMessage {
            seq: self.seq,
            role: match self.role.as_str() {
                "assistant" => MessageRole::Assistant,
                "tool" => MessageRole::Tool,
                _ => MessageRole::User,
            },
            content: self.content,
            tool_calls: self.tool_calls.map(|c| c.0).unwrap_or_default(),
            tool_call_id: self.tool_call_id,
            task_id: self.task_id,
            step_index: self.step_index,
            partial: self.partial,
            created_at: self.created_at,
        }
    }
}

pub(super) const MESSAGE_COLUMNS: &str =
    "seq, role, content, tool_calls, tool_call_id, task_id, step_index, partial, created_at";

/// Messages of a thread after `after`, in order: at most `limit` and no more than
/// `max_bytes` of content (summed in the database), but always at least one.
pub async fn list(
    db: impl PgExecutor<'_>,
    thread: Uuid,
    after: i32,
    limit: i64,
    max_bytes: usize,
) -> sqlx::Result<Vec<ThreadMessage>> {
    let rows: Vec<MessageRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {MESSAGE_COLUMNS} FROM (
            SELECT *, sum(size) OVER (ORDER BY seq) - size AS before
            FROM (SELECT *, octet_length(content) + coalesce(octet_length(tool_calls::text), 0)
                        AS size
                  FROM thread_messages WHERE thread_id = $1 AND seq > $2
                  ORDER BY seq LIMIT $3) page
         ) sized
         WHERE before < $4 ORDER BY seq"
    )))
    .bind(thread)
    .bind(after)
    .bind(limit)
    .bind(i64::try_from(max_bytes).unwrap_or(i64::MAX))
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(MessageRow::into_message).collect())
}
