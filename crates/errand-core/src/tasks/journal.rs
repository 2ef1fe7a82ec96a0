//! The step journal (`task_steps`): each model call and each tool result, committed before
//! the run moves on. Steps are numbered by their place in the run, not by attempt, so a
//! retried attempt finds the steps an earlier one finished and replays them.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::types::Json;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use crate::conversation::{ToolResult, Usage};

pub const MODEL_CALL: &str = "model_call";
pub const TOOL_RESULT: &str = "tool_result";

/// A committed step, as a replay needs it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Step {
    pub index: i32,
    pub kind: String,
    pub response: Value,
}

/// Every committed step of a task, by index.
pub async fn load(db: impl PgExecutor<'_>, task_id: Uuid) -> sqlx::Result<BTreeMap<i32, Step>> {
    let rows: Vec<Step> = sqlx::query_as(
        "SELECT index, kind, response FROM task_steps WHERE task_id = $1 ORDER BY index",
    )
    .bind(task_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|s| (s.index, s)).collect())
}

pub struct NewStep<'a> {
    pub task_id: Uuid,
    pub attempt: i32,
    pub index: i32,
    pub kind: &'static str,
    pub request: &'a Value,
    pub response: &'a Value,
    pub usage: Option<&'a Usage>,
    pub cost_usd: Option<f64>,
    pub started_at: DateTime<Utc>,
}

/// A journaled step as `GET /v1/tasks/{id}/steps` shows it.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct TaskStep {
    /// The step's place in the run, from 0; shared by all attempts.
    pub index: i32,
    /// The attempt that made the step (a retry replays earlier attempts' steps).
    pub attempt: i32,
    /// `model_call` or `tool_result`.
    pub kind: String,
    /// A model call: model, purpose (`turn` or `repair`), message count, tools offered.
    /// A tool result: the call's id, name and arguments.
    #[schema(value_type = Object)]
    pub request: Value,
    /// A model call: text, tool calls, finish reason. A tool result: `output` or `error`.
    #[schema(value_type = Object)]
    pub response: Value,
    /// Tokens of a model call.
    #[schema(value_type = Option<Object>)]
    pub usage: Option<Value>,
    pub cost_usd: Option<f64>,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
}

/// Steps of a task after `after` (an index), in order: at most `limit`, and no more than
/// `max_bytes` of step data (summed in the database), but always at least one.
pub async fn list(
    db: impl PgExecutor<'_>,
    task_id: Uuid,
    after: i32,
    limit: i64,
    max_bytes: usize,
) -> sqlx::Result<Vec<TaskStep>> {
    sqlx::query_as(
        "SELECT index, attempt, kind, request, response, usage, cost_usd, started_at, finished_at
         FROM (
            SELECT *, sum(size) OVER (ORDER BY index) - size AS before
            FROM (SELECT *, octet_length(request::text) + octet_length(response::text)
                        + coalesce(octet_length(usage::text), 0) AS size
                  FROM task_steps WHERE task_id = $1 AND index > $2
                  ORDER BY index LIMIT $3) page
         ) sized
         WHERE before < $4 ORDER BY index",
    )
    .bind(task_id)
    .bind(after)
    .bind(limit)
    .bind(i64::try_from(max_bytes).unwrap_or(i64::MAX))
    .fetch_all(db)
    .await
}

/// What `record` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// The step was written.
    Written,
    /// This attempt had already written it (a retry after a lost acknowledgement): the
    /// transaction that wrote it committed, so the caller skips its other writes.
    Already,
    /// The attempt no longer owns the running task.
    NotOwned,
}

/// Writes a step if `attempt` still owns the running task.
pub async fn record(conn: &mut PgConnection, step: &NewStep<'_>) -> sqlx::Result<Recorded> {
    let done = sqlx::query(
        "INSERT INTO task_steps (task_id, index, attempt, kind, request, response, usage,
            cost_usd, started_at)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9 FROM tasks
         WHERE id = $1 AND attempts = $3 AND status = 'running'
         ON CONFLICT (task_id, index) DO NOTHING",
    )
    .bind(step.task_id)
    .bind(step.index)
    .bind(step.attempt)
    .bind(step.kind)
    .bind(step.request)
    .bind(step.response)
    .bind(step.usage.map(Json))
    .bind(step.cost_usd)
    .bind(step.started_at)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 1 {
        return Ok(Recorded::Written);
    }
    let mine: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM task_steps WHERE task_id = $1 AND index = $2 AND attempt = $3)",
    )
    .bind(step.task_id)
    .bind(step.index)
    .bind(step.attempt)
    .fetch_one(conn)
    .await?;
    Ok(if mine {
        Recorded::Already
    } else {
        Recorded::NotOwned
    })
}

/// A committed step with what it was asked (a thread's transcript needs both).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FullStep {
    pub index: i32,
    pub kind: String,
    pub request: Value,
    pub response: Value,
}

/// Every committed step of a task with its request, in order.
pub async fn load_full(db: impl PgExecutor<'_>, task_id: Uuid) -> sqlx::Result<Vec<FullStep>> {
    sqlx::query_as(
        "SELECT index, kind, request, response FROM task_steps WHERE task_id = $1 ORDER BY index",
    )
    .bind(task_id)
    .fetch_all(db)
    .await
}

/// The tool message a journaled tool result becomes.
pub fn tool_content(response: &Value) -> String {
    ToolResult::from_json(response).content()
}

/// Writes a tool result that came from outside the attempt: the answer to a question a
/// waiting task asked (its `ask_human` call), or a child task's result. The caller holds
/// the task's row lock; a result written already stays as it is.
pub async fn record_answer(conn: &mut PgConnection, step: &NewStep<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO task_steps (task_id, index, attempt, kind, request, response, started_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (task_id, index) DO NOTHING",
    )
    .bind(step.task_id)
    .bind(step.index)
    .bind(step.attempt)
    .bind(step.kind)
    .bind(step.request)
    .bind(step.response)
    .bind(step.started_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The answer already recorded for `request_id`, if any.
pub async fn recorded_answer(
    db: impl PgExecutor<'_>,
    task_id: Uuid,
    request_id: Uuid,
) -> sqlx::Result<Option<Value>> {
    sqlx::query_scalar(
        "SELECT response->'output' FROM task_steps
         WHERE task_id = $1 AND kind = 'tool_result' AND request->>'request_id' = $2::text",
    )
    .bind(task_id)
    .bind(request_id)
    .fetch_optional(db)
    .await
}
