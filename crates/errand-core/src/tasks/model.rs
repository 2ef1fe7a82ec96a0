//! Task request and response bodies.

use crate::page::named_page;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

pub use super::questions::{InputKind, InputRequest, PendingCall, TaskInput};
pub use super::status::TaskStatus;
use crate::error::ErrorCode;

/// Why a task failed, timed out or was cancelled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TaskError {
    /// Stable code of why the task did not succeed.
    #[schema(schema_with = crate::error::schema::task_code)]
    pub code: String,
    pub message: String,
    /// Code-specific data, e.g. the raw output and the schema violations for `output_invalid`.
    #[schema(schema_with = crate::wire_schema::any_value)]
    #[serde(default)]
    pub details: Value,
}

impl TaskError {
    pub fn new(code: ErrorCode, message: impl Into<String>, details: Value) -> Self {
        debug_assert!(code.is_task(), "{code} is not a task error code");
        Self {
            code: code.as_str().into(),
            message: message.into(),
            details,
        }
    }
}

/// Tokens and cost of a task, summed over its model calls (all attempts; a replayed
/// step is not counted twice). `null` counts: no model call has been made, so nothing is
/// known (zero would be a claim).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct TaskUsage {
    pub input_tokens: Option<i64>,
    /// Part of `input_tokens` served from the provider's prompt cache.
    pub cached_input_tokens: Option<i64>,
    pub output_tokens: Option<i64>,
    /// Part of `output_tokens` spent on reasoning.
    pub reasoning_tokens: Option<i64>,
    /// Some call's usage was not reported by the provider: its counts (and the cost) are
    /// Errand's estimate, about four characters a token.
    pub estimated: bool,
    /// USD, when the provider settings price the model (estimated when `estimated`);
    /// `null` otherwise.
    pub cost_usd: Option<f64>,
}

/// A task: one run of a runner version on some arguments.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Task {
    pub id: Uuid,
    #[serde(skip)]
    #[schema(ignore)]
    pub project: crate::projects::ProjectId,
    /// The runner's name.
    pub runner: String,
    pub runner_id: Uuid,
    /// The runner version the task runs (and ran) with.
    pub runner_version: i32,
    pub status: TaskStatus,
    #[schema(schema_with = crate::wire_schema::any_value)]
    pub arguments: Value,
    /// The result: JSON valid against the runner's output schema, or the model's text;
    /// `null` until the task succeeds.
    #[schema(schema_with = crate::wire_schema::any_value)]
    pub output: Option<Value>,
    pub error: Option<TaskError>,
    /// The model it runs on (`provider/model` or `mock`), an alias resolved when queued.
    pub model: String,
    /// The alias the model was named by (the runner's `model`, or the batch's), if any.
    pub model_alias: Option<String>,
    /// The runner's settings merged with the task's.
    #[schema(value_type = Object)]
    pub model_settings: Map<String, Value>,
    /// Attempts started so far (going on after a question or child tasks is the same
    /// attempt).
    pub attempts: i32,
    pub max_attempts: i32,
    pub timeout_seconds: i32,
    pub idempotency_key: Option<String>,
    /// Set by `POST /v1/tasks/{id}/cancel` while the task runs; it reads `cancelled` once
    /// the worker has stopped.
    pub cancel_requested: bool,
    /// Extra rules given at submission, after the runner's.
    pub rules: Vec<String>,
    /// The thread the task continues, if any.
    pub thread_id: Option<Uuid>,
    /// The question the task asks (while `input_required`), or asked last. While the task
    /// is `waiting` for its child tasks and one of them (or of theirs) asks a person, that
    /// question, with the asking task's `task_id`: answer it here or on that task.
    pub input_request: Option<InputRequest>,
    /// How long an `ask_human` question waits for its answer.
    pub input_timeout_seconds: i32,
    /// The task whose model started this one by calling `run_<runner>_task`.
    pub parent_task_id: Option<Uuid>,
    /// How deep in a chain of runners calling runners: 0 for a task submitted directly.
    pub depth: i32,
    /// Offered only tools marked read-only (its children inherit this).
    pub read_only: bool,
    /// 0 (lowest) to 9 (highest); see `priority` of the submission.
    pub priority: u8,
    /// The batch the task was submitted in (one task per model of `models`).
    pub batch_id: Option<Uuid>,
    /// Where its end is POSTed (signed with the project's callback secret).
    pub callback_url: Option<String>,
    pub usage: TaskUsage,
    pub created_at: DateTime<Utc>,
    /// When the current attempt started (going on after a pause keeps it).
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    /// Set by the claim that took the task: this attempt goes on after a pause (a question
    /// answered, child tasks ended) and replays its journal.
    #[serde(skip)]
    pub resumed: bool,
}

impl Task {
    /// What a finished task gives the model that called it as a tool (a parent's, or a
    /// direct invocation's caller): the output, or why it failed.
    pub fn result_for_caller(&self) -> Result<Value, String> {
        match (&self.output, &self.error) {
            (Some(output), None) => Ok(output.clone()),
            (_, Some(error)) => Err(format!(
                "task {} of runner {} ended {}: {} ({})",
                self.id,
                self.runner,
                self.status.as_str(),
                error.message,
                error.code
            )),
            (None, None) => Ok(Value::Null),
        }
    }

    /// Whether the task waits on its caller: it settled, or it waits for child tasks and
    /// one of them (or of theirs) asks a person. A `?wait=` returns on these.
    pub fn awaits_caller(&self) -> bool {
        self.status.settled()
            || (self.status == TaskStatus::Waiting
                && self
                    .input_request
                    .as_ref()
                    .is_some_and(InputRequest::asked_below))
    }
}

/// Body of `POST /v1/runners/{name}/tasks`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTask {
    /// Must satisfy the runner's `input_schema` (default: `{}`).
    #[serde(default = "empty_object")]
    #[schema(schema_with = crate::wire_schema::any_value)]
    pub arguments: Value,
    /// Overrides the runner's `model_settings`, key by key.
    #[schema(value_type = Option<Object>)]
    pub model_settings: Option<Map<String, Value>>,
    /// Extra instructions for this task, added after the runner's rules.
    #[serde(default)]
    pub rules: Vec<String>,
    /// A thread to continue: its id or its key. The task starts from the thread's messages
    /// and appends what it did; without it, the task starts clean.
    #[schema(min_length = 1, max_length = 255)]
    pub thread: Option<String>,
    /// What to do when `thread` names a key no thread has: `reject` (default, 404
    /// `thread_not_found`) or `create` the thread.
    pub if_not_exists: Option<IfNotExists>,
    /// What to do when a task of the thread is queued, running or waiting already.
    pub multitask_strategy: Option<MultitaskStrategy>,
    /// How long a question the task asks (`ask_human`) waits for its answer; default the
    /// runner's `input_timeout_seconds`.
    #[serde(default, deserialize_with = "crate::json::optional_whole_u32")]
    #[schema(minimum = 1, maximum = 2592000)]
    pub input_timeout_seconds: Option<u32>,
    /// Offer the model only tools marked read-only (its child tasks run read-only too).
    #[serde(default)]
    pub read_only: bool,
    /// 0 (lowest) to 9 (highest), default 5. Workers claim higher priorities first, with
    /// aging: a task is never passed by one queued more than (the difference in priority)
    /// x `worker.priority_aging_ms` (10 s by default) after it. Per-project fairness comes
    /// first: priority orders a project's own tasks.
    #[serde(
        default,
        deserialize_with = "crate::tasks::priority::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(minimum = 0, maximum = 9)]
    pub priority: Option<u32>,
    /// Run the task once per model (`provider/model`, `mock` or an alias), as a batch sharing one
    /// `batch_id`; the answer is the batch. More than one model, when the runner has tools
    /// that are not read-only, needs `read_only: true`.
    #[schema(min_items = 1, max_items = 10)]
    pub models: Option<Vec<String>>,
    /// POST the task's end here (`task.succeeded`, `failed`, `cancelled` or `timed_out`,
    /// like a webhook endpoint's delivery), signed per Standard Webhooks with the project's
    /// callback secret (`POST /v1/callback-secret`). http or https; a loopback or
    /// private address only when `ERRAND_FETCH_ALLOW_HOSTS` permits it.
    #[schema(
        min_length = 1,
        max_length = 2048,
        format = "uri",
        pattern = "^https?://"
    )]
    pub callback_url: Option<String>,
}

/// `if_not_exists` of a task submission.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IfNotExists {
    #[default]
    Reject,
    Create,
}

/// `multitask_strategy` of a task submission on a thread that has an active task.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MultitaskStrategy {
    /// The new task runs after the thread's active tasks (the default).
    #[default]
    Enqueue,
    /// The submission fails with 409 `thread_busy`.
    Reject,
    /// The active tasks are cancelled, keeping what they appended; then the new one runs.
    Interrupt,
    /// The active tasks are cancelled and append nothing to the thread; then the new one
    /// runs.
    Rollback,
}

fn empty_object() -> Value {
    Value::Object(Map::new())
}

named_page!(TaskPage = CursorPage<Task>, about: Some("One page of tasks, newest first."), cursor: Some("Pass as `cursor` to get the next page; `null` on the last page."));

/// Filters of `GET /v1/tasks`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TaskFilter {
    /// Only tasks in this status.
    pub status: Option<TaskStatus>,
    /// Only tasks submitted to a runner of this name, including runners of that name that
    /// were deleted since; use `runner_id` for one runner exactly.
    #[param(pattern = r"^[a-z0-9][a-z0-9_-]{0,62}$")]
    pub runner: Option<String>,
    /// Only tasks of the runner with this id (the `id` of `GET /v1/runners/{name}`).
    pub runner_id: Option<Uuid>,
    /// Only tasks on the thread with this id.
    pub thread_id: Option<Uuid>,
    /// Only tasks of this batch.
    pub batch: Option<Uuid>,
    /// Only the child tasks of this task.
    pub parent_task_id: Option<Uuid>,
    /// Only tasks created at or after this time (RFC 3339, years 0000 to 9999).
    pub created_after: Option<DateTime<Utc>>,
    /// Only tasks created before this time (RFC 3339, years 0000 to 9999).
    pub created_before: Option<DateTime<Utc>>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page: tasks older than this one.
    pub cursor: Option<Uuid>,
}

named_page!(EventPage = LogPage<crate::events::TaskEvent, i64>, about: "A page of a task's event log.", position: Int64);

/// Query of `GET /v1/tasks/{id}/events`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EventQuery {
    /// Return events with `seq` greater than this (default 0: from the start). The
    /// `Last-Event-ID` header, when sent, takes precedence.
    pub after: Option<i64>,
    /// Page size, 1 to 1000 (default 100); not used by a stream.
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
}

/// Query of `GET /v1/tasks/{id}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TaskQuery {
    /// Wait up to this many seconds (at most `server.max_wait_seconds`, default 60) for
    /// the task to end, then answer with the task as it is.
    #[param(minimum = 0, maximum = 60)]
    pub wait: Option<u64>,
}

/// Query of `POST /v1/runners/{name}/tasks`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SubmitQuery {
    /// Wait up to this many seconds (at most `server.max_wait_seconds`, default 60) for
    /// the task to end: 200 with the final task if it does, else 202 as without it. Same as
    /// `Prefer: wait=N`.
    #[param(minimum = 0, maximum = 60)]
    pub wait: Option<u64>,
    /// Answer with the new task's event stream (`text/event-stream`) instead of the task;
    /// a `wait` is then ignored.
    pub stream: Option<bool>,
}

named_page!(StepPage = LogPage<super::journal::TaskStep, i32>, about: "A page of a task's step journal.", position: Int32);

/// Query of `GET /v1/tasks/{id}/steps`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StepQuery {
    /// Return steps with `index` greater than this (default -1: from the first, index 0).
    pub after: Option<i32>,
    /// Page size, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
}
