//! The record of tool invocations: who called which tool, when, with what, and what came
//! of it — over HTTP (`api`), MCP (`mcp`) or from a task's model (`task`).
//! `invoke` runs a tool directly (a runner's tool submits a task). Above `tasks`: it reads
//! a runner tool's task for its result.

pub mod invoke;

use crate::page::named_page;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::PgExecutor;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::projects::ProjectId;
use crate::tools::runner_tool;

/// Where a call came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// `POST /v1/tools/{name}/invoke`.
    Api,
    /// An MCP client's `tools/call`.
    Mcp,
    /// A task's model.
    Task,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Self::Api => "api",
            Self::Mcp => "mcp",
            Self::Task => "task",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "mcp" => Self::Mcp,
            "task" => Self::Task,
            _ => Self::Api,
        }
    }
}

/// One call of a tool.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Invocation {
    pub id: Uuid,
    pub tool: String,
    pub source: Source,
    /// The API key that called (its id), `open` in open mode, or `null` for a task's model.
    pub caller: Option<String>,
    /// The task whose model made the call, or the task a runner tool's call started.
    pub task_id: Option<Uuid>,
    #[schema(schema_with = crate::wire_schema::any_value)]
    pub arguments: Value,
    /// What the tool returned; `null` on an error, or while a runner tool's task runs (once
    /// it ends, its output or error is shown here, and `duration_ms` runs to its end).
    #[schema(schema_with = crate::wire_schema::any_value)]
    pub output: Option<Value>,
    pub error: Option<String>,
    pub duration_ms: i64,
    pub created_at: DateTime<Utc>,
}

/// What to record of one call.
pub struct NewInvocation<'a> {
    pub tool: &'a str,
    pub source: Source,
    pub caller: Option<&'a str>,
    pub task_id: Option<Uuid>,
    pub arguments: &'a Value,
    pub output: Option<&'a Value>,
    pub error: Option<&'a str>,
    pub duration_ms: i64,
}

pub async fn record(
    db: impl PgExecutor<'_>,
    project: ProjectId,
    i: &NewInvocation<'_>,
) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO tool_invocations (id, project_id, tool_name, source, caller, task_id,
            arguments, output, error, duration_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(id)
    .bind(project)
    .bind(i.tool)
    .bind(i.source.as_str())
    .bind(i.caller)
    .bind(i.task_id)
    .bind(i.arguments)
    .bind(i.output)
    .bind(i.error)
    .bind(i.duration_ms)
    .execute(db)
    .await?;
    Ok(id)
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    tool_name: String,
    source: String,
    caller: Option<String>,
    task_id: Option<Uuid>,
    arguments: Value,
    output: Option<Value>,
    error: Option<String>,
    duration_ms: i64,
    created_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InvocationQuery {
    /// At most this many, newest first (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<Uuid>,
}

named_page!(InvocationPage = CursorPage<Invocation>, about: Some("One page of invocations, newest first."), cursor: None);

/// The project's invocations of `tool`, newest first, before `cursor`. A runner tool's
/// call recorded before its task ended takes the task's result as read now.
pub async fn list(
    db: &sqlx::PgPool,
    project: ProjectId,
    tool: &str,
    cursor: Option<Uuid>,
    limit: i64,
) -> sqlx::Result<Vec<Invocation>> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, tool_name, source, caller, task_id, arguments, output, error, duration_ms,
            created_at
         FROM tool_invocations
         WHERE project_id = $1 AND tool_name = $2 AND ($3::uuid IS NULL OR id < $3)
         ORDER BY id DESC LIMIT $4",
    )
    .bind(project)
    .bind(tool)
    .bind(cursor)
    .bind(limit)
    .fetch_all(db)
    .await?;
    let mut found: Vec<Invocation> = rows
        .into_iter()
        .map(|r| Invocation {
            id: r.id,
            tool: r.tool_name,
            source: Source::parse(&r.source),
            caller: r.caller,
            task_id: r.task_id,
            arguments: r.arguments,
            output: r.output,
            error: r.error,
            duration_ms: r.duration_ms,
            created_at: r.created_at,
        })
        .collect();
    complete_from_tasks(db, project, &mut found).await?;
    Ok(found)
}

/// Fills in the result of runner-tool calls whose task ended after the call was recorded.
async fn complete_from_tasks(
    db: &sqlx::PgPool,
    project: ProjectId,
    found: &mut [Invocation],
) -> sqlx::Result<()> {
    let pending = |i: &Invocation| {
        i.output.is_none() && i.error.is_none() && runner_tool::runner_name(&i.tool).is_some()
    };
    let ids: Vec<Uuid> = found
        .iter()
        .filter(|i| pending(i))
        .filter_map(|i| i.task_id)
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    let tasks = crate::tasks::lookup::get_many_in(db, project, &ids).await?;
    for invocation in found.iter_mut().filter(|i| pending(i)) {
        let Some(task) = tasks.iter().find(|t| Some(t.id) == invocation.task_id) else {
            continue;
        };
        let Some(ended) = task
            .finished_at
            .filter(|_| task.status.terminal_event().is_some())
        else {
            continue;
        };
        match task.result_for_caller() {
            Ok(output) => invocation.output = Some(output),
            Err(error) => invocation.error = Some(error),
        }
        invocation.duration_ms = (ended - invocation.created_at).num_milliseconds().max(0);
    }
    Ok(())
}
