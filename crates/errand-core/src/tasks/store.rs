//! Task storage. Every write a worker makes is fenced on `attempts`: the attempt that
//! claimed the task owns it, and a stale worker's late write matches no row.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use sqlx::types::Json;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

pub use super::lookup::{by_idempotency_key, get, get_in, list};
use super::model::{InputRequest, Task, TaskError, TaskStatus, TaskUsage};
use crate::conversation::Usage;
use crate::events::Seqs;
use crate::projects::ProjectId;
use crate::runners::model::Runner;

pub(super) const COLUMNS: &str =
    "id, runner_id, runner_name, runner_version, status, arguments, output, error, model,
    model_settings, attempts, max_attempts, timeout_seconds, idempotency_key, cancel_requested,
    rules, input_tokens, cached_input_tokens, output_tokens, reasoning_tokens, usage_estimated,
    cost_usd, model_alias, thread_id, input_timeout_seconds, project_id, parent_task_id,
    depth, read_only, priority, batch_id, callback_url, created_at, started_at, finished_at, updated_at,
    CASE WHEN status = 'waiting' THEN coalesce(question_below(id), input_request)
        ELSE input_request END AS input_request";

#[derive(sqlx::FromRow)]
pub(super) struct TaskRow {
    id: Uuid,
    runner_id: Uuid,
    runner_name: String,
    runner_version: i32,
    status: String,
    arguments: Value,
    output: Option<Value>,
    error: Option<Json<TaskError>>,
    model: String,
    model_alias: Option<String>,
    model_settings: Json<Map<String, Value>>,
    attempts: i32,
    max_attempts: i32,
    timeout_seconds: i32,
    idempotency_key: Option<String>,
    cancel_requested: bool,
    rules: Json<Vec<String>>,
    input_tokens: Option<i64>,
    cached_input_tokens: Option<i64>,
    output_tokens: Option<i64>,
    reasoning_tokens: Option<i64>,
    usage_estimated: bool,
    cost_usd: Option<f64>,
    thread_id: Option<Uuid>,
    input_request: Option<Json<InputRequest>>,
    input_timeout_seconds: i32,
    project_id: Uuid,
    parent_task_id: Option<Uuid>,
    depth: i32,
    read_only: bool,
    priority: i16,
    batch_id: Option<Uuid>,
    #[sqlx(default)]
    callback_url: Option<String>,
    created_at: DateTime<Utc>,
    started_at: Option<DateTime<Utc>>,
    finished_at: Option<DateTime<Utc>>,
    updated_at: DateTime<Utc>,
    /// Only the claim reads it (see `Task::resumed`).
    #[sqlx(default)]
    resumed: bool,
}

impl TryFrom<TaskRow> for Task {
    type Error = sqlx::Error;
    fn try_from(r: TaskRow) -> sqlx::Result<Task> {
        let status = TaskStatus::parse(&r.status)
            .ok_or_else(|| sqlx::Error::Decode(format!("bad task status {:?}", r.status).into()))?;
        Ok(Task {
            id: r.id,
            project: ProjectId(r.project_id),
            runner: r.runner_name,
            runner_id: r.runner_id,
            runner_version: r.runner_version,
            status,
            arguments: r.arguments,
            output: r.output,
            error: r.error.map(|e| e.0),
            model: r.model,
            model_alias: r.model_alias,
            model_settings: r.model_settings.0,
            attempts: r.attempts,
            max_attempts: r.max_attempts,
            timeout_seconds: r.timeout_seconds,
            idempotency_key: r.idempotency_key,
            cancel_requested: r.cancel_requested,
            rules: r.rules.0,
            thread_id: r.thread_id,
            input_request: r.input_request.map(|j| j.0),
            input_timeout_seconds: r.input_timeout_seconds,
            parent_task_id: r.parent_task_id,
            depth: r.depth,
            read_only: r.read_only,
            priority: u8::try_from(r.priority).unwrap_or(crate::tasks::priority::DEFAULT),
            batch_id: r.batch_id,
            callback_url: r.callback_url,
            usage: TaskUsage {
                input_tokens: r.input_tokens,
                cached_input_tokens: r.cached_input_tokens,
                output_tokens: r.output_tokens,
                reasoning_tokens: r.reasoning_tokens,
                estimated: r.usage_estimated,
                cost_usd: r.cost_usd,
            },
            created_at: r.created_at,
            started_at: r.started_at,
            finished_at: r.finished_at,
            updated_at: r.updated_at,
            resumed: r.resumed,
        })
    }
}

pub(super) fn one(row: Option<TaskRow>) -> sqlx::Result<Option<Task>> {
    row.map(Task::try_from).transpose()
}

/// What a new task row holds.
pub struct NewTask<'a> {
    /// The task's id (UUIDv7), chosen by the caller so it can be named before the insert
    /// (the task it supersedes records it).
    pub id: Uuid,
    pub project: ProjectId,
    pub runner_id: Uuid,
    pub runner_version: i32,
    pub runner_name: &'a str,
    pub arguments: &'a Value,
    pub model: &'a str,
    pub model_settings: &'a Map<String, Value>,
    pub rules: &'a [String],
    pub max_attempts: i32,
    pub timeout_seconds: i32,
    pub idempotency_key: Option<&'a str>,
    pub request_hash: Option<&'a str>,
    /// How long from now until a worker may pick it up.
    pub run_after: std::time::Duration,
    pub thread_id: Option<Uuid>,
    /// It goes behind the thread's unsettled tasks (`turns`): out of the runnable indexes
    /// until its turn.
    pub waits_turn: bool,
    pub input_timeout_seconds: i32,
    pub read_only: bool,
    pub batch_id: Option<Uuid>,
    /// Set for a child task: its parent and the parent's tool call it answers.
    pub parent: Option<ParentCall<'a>>,
    pub callback_url: Option<&'a str>,
    /// 0-9, and how much earlier than `run_after` its turn comes (`priority`).
    pub priority: u8,
    pub priority_lead_ms: i32,
    /// The alias the model was named by, if it was.
    pub model_alias: Option<&'a str>,
}

impl<'a> NewTask<'a> {
    /// A task of `runner`'s current version on `model` with `settings`, as the runner
    /// defines it: to run now, on no thread, with no key, parent or batch.
    pub fn of_runner(
        runner: &'a Runner,
        project: ProjectId,
        arguments: &'a Value,
        model: &'a str,
        settings: &'a Map<String, Value>,
    ) -> Self {
        Self {
            id: Uuid::now_v7(),
            project,
            runner_id: runner.id,
            runner_version: runner.version,
            runner_name: &runner.name,
            arguments,
            model,
            model_settings: settings,
            rules: &[],
            max_attempts: runner.max_attempts,
            timeout_seconds: runner.timeout_seconds,
            idempotency_key: None,
            request_hash: None,
            run_after: std::time::Duration::ZERO,
            thread_id: None,
            waits_turn: false,
            input_timeout_seconds: runner.input_timeout_seconds,
            read_only: false,
            batch_id: None,
            parent: None,
            callback_url: None,
            priority: crate::tasks::priority::DEFAULT,
            priority_lead_ms: 0,
            model_alias: None,
        }
    }
}

/// The tool call a child task answers.
#[derive(Debug, Clone, Copy)]
pub struct ParentCall<'a> {
    pub task_id: Uuid,
    pub step: i32,
    pub call_id: &'a str,
    pub depth: i32,
}

/// Inserts a queued task if the project has room for it (fewer queued tasks than its
/// `max_queued_tasks`, else `max_queued`; counted up to the limit, in the same statement).
/// Its log's first seq is reserved for the `task.queued` the caller appends
/// (`Seqs::Reserved { last: 1, .. }`).
/// Returns `None` when the idempotency key is in use or there is no room (`may_queue`
/// tells which).
pub async fn insert(
    conn: &mut PgConnection,
    t: &NewTask<'_>,
    max_queued: u32,
) -> sqlx::Result<Option<Task>> {
    let row = sqlx::query_as::<_, TaskRow>(sqlx::AssertSqlSafe(format!(
        "WITH lim AS (
            SELECT coalesce(max_queued_tasks, $15)::bigint AS n FROM projects WHERE id = $14)
         INSERT INTO tasks (id, runner_id, runner_version, runner_name, arguments, model,
            model_settings, status, max_attempts, timeout_seconds, idempotency_key, request_hash,
            rules, run_after, project_id, thread_id, input_timeout_seconds, read_only, batch_id,
            parent_task_id, parent_step, depth, parent_call_id, callback_url, last_event_seq,
            waits_turn, priority, priority_lead_ms, model_alias)
         SELECT $1, $2, $3, $4, $5, $6, $7, 'queued', $8, $9, $10, $11, $12,
            now() + make_interval(secs => $13), $14, $16, $17, $18, $19, $20, $21, $22, $23,
            $24, 1, $25, $26, $27, $28
         WHERE (SELECT count(*) FROM (
                SELECT 1 FROM tasks WHERE project_id = $14 AND status = 'queued'
                LIMIT (SELECT n FROM lim)) q) < (SELECT n FROM lim)
         ON CONFLICT (project_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
         RETURNING {COLUMNS}"
    )))
    .bind(t.id)
    .bind(t.runner_id)
    .bind(t.runner_version)
    .bind(t.runner_name)
    .bind(t.arguments)
    .bind(t.model)
    .bind(Json(t.model_settings))
    .bind(t.max_attempts)
    .bind(t.timeout_seconds)
    .bind(t.idempotency_key)
    .bind(t.request_hash)
    .bind(Json(t.rules))
    .bind(t.run_after.as_secs_f64())
    .bind(t.project)
    .bind(i64::from(max_queued))
    .bind(t.thread_id)
    .bind(t.input_timeout_seconds)
    .bind(t.read_only)
    .bind(t.batch_id)
    .bind(t.parent.map(|p| p.task_id))
    .bind(t.parent.map(|p| p.step))
    .bind(t.parent.map_or(0, |p| p.depth))
    .bind(t.parent.map(|p| p.call_id))
    .bind(t.callback_url)
    .bind(t.waits_turn)
    .bind(i16::from(t.priority))
    .bind(t.priority_lead_ms)
    .bind(t.model_alias)
    .fetch_optional(conn)
    .await?;
    one(row)
}

/// Whether `project` has fewer than its limit of queued tasks (the project's own
/// `max_queued_tasks`, else `default`); counts at most the limit.
pub async fn may_queue(
    conn: &mut PgConnection,
    project: ProjectId,
    default: u32,
) -> sqlx::Result<(bool, i64)> {
    sqlx::query_as(
        "WITH lim AS (
            SELECT coalesce(max_queued_tasks, $2)::bigint AS n FROM projects WHERE id = $1)
         SELECT count(*) < (SELECT n FROM lim), (SELECT n FROM lim) FROM (
            SELECT 1 FROM tasks WHERE project_id = $1 AND status = 'queued'
            LIMIT (SELECT n FROM lim)) q",
    )
    .bind(project)
    .bind(i64::from(default))
    .fetch_one(conn)
    .await
}

/// Frees `key` if the task holding it was created longer than `ttl` ago; whether it did.
pub async fn release_expired_key(
    conn: &mut PgConnection,
    project: ProjectId,
    key: &str,
    ttl: std::time::Duration,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE tasks SET idempotency_key = NULL
         WHERE project_id = $3 AND idempotency_key = $1
           AND created_at < now() - make_interval(secs => $2)",
    )
    .bind(key)
    .bind(ttl.as_secs_f64())
    .bind(project)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Adds a model call's usage to the attempt's task and reserves `events` seqs in its log
/// (`Seqs::Reserved`, for the call's events appended next); `None` when the attempt no
/// longer owns the running task (nothing written).
pub async fn add_usage(
    conn: &mut PgConnection,
    id: Uuid,
    attempt: i32,
    usage: &Usage,
    cost: Option<f64>,
    events: usize,
) -> sqlx::Result<Option<Seqs>> {
    let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    let reserved: Option<(i64, Option<Uuid>)> = sqlx::query_as(
        "UPDATE tasks SET input_tokens = coalesce(input_tokens, 0) + $3,
            cached_input_tokens = coalesce(cached_input_tokens, 0) + $4,
            output_tokens = coalesce(output_tokens, 0) + $5,
            reasoning_tokens = coalesce(reasoning_tokens, 0) + $6,
            usage_estimated = usage_estimated OR $8,
            cost_usd = CASE WHEN $7::float8 IS NULL THEN cost_usd
                ELSE coalesce(cost_usd, 0) + $7 END,
            last_event_seq = last_event_seq + $9
         WHERE id = $1 AND attempts = $2 AND status = 'running'
         RETURNING last_event_seq, CASE WHEN thread_discard THEN NULL ELSE thread_id END",
    )
    .bind(id)
    .bind(attempt)
    .bind(n(usage.input_tokens))
    .bind(n(usage.cached_input_tokens))
    .bind(n(usage.output_tokens))
    .bind(n(usage.reasoning_tokens))
    .bind(cost)
    .bind(usage.estimated)
    .bind(i64::try_from(events).unwrap_or(i64::MAX))
    .fetch_optional(conn)
    .await?;
    Ok(reserved.map(|(last, thread)| Seqs::Reserved { last, thread }))
}

/// Whether the attempt should stop: cancellation was requested, or it no longer owns the
/// task.
pub async fn should_stop(db: impl PgExecutor<'_>, id: Uuid, attempt: i32) -> sqlx::Result<bool> {
    let owned: Option<bool> = sqlx::query_scalar(
        "SELECT NOT cancel_requested AND attempts = $2 AND status = 'running'
         FROM tasks WHERE id = $1",
    )
    .bind(id)
    .bind(attempt)
    .fetch_optional(db)
    .await?;
    Ok(owned != Some(true))
}
