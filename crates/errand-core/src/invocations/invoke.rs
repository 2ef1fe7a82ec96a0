//! Invoking a tool directly (`POST /v1/tools/{name}/invoke`, and MCP's `tools/call`): the
//! arguments are checked against the tool's input schema, and the tool runs. A runner's tool
//! creates a task instead, and answers with its output when it ends within the wait. Every
//! invocation is recorded.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{self as invocations, NewInvocation, Source};
use crate::core::Core;
use crate::error::{Coded, ErrorCode, Fault, Violation, faults_into};
use crate::events::hub::Hub;
use crate::projects::ProjectId;
use crate::runners::schema::{Which, violations_of};
use crate::tasks::errors::SubmitError;
use crate::tasks::model::{CreateTask, IfNotExists, Task};
use crate::tasks::submit::{JobStart, Submitted};
use crate::tools::catalog::Entry;
use crate::tools::runner_tool;

/// The longest a built-in tool may run for one invocation.
const BUILTIN_LIMIT: Duration = Duration::from_secs(60);

/// Body of `POST /v1/tools/{name}/invoke`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvokeTool {
    /// Must satisfy the tool's input schema (default `{}`).
    #[serde(default = "empty_object")]
    #[schema(schema_with = crate::wire_schema::any_value)]
    pub arguments: Value,
    /// A runner tool only: the thread the task continues (its id or key).
    #[schema(min_length = 1, max_length = 255)]
    pub thread: Option<String>,
    /// A runner tool only: create the thread when `thread` names a key no thread has.
    pub if_not_exists: Option<IfNotExists>,
    /// A runner tool only: the task is offered only read-only tools.
    #[serde(default)]
    pub read_only: bool,
}

fn empty_object() -> Value {
    Value::Object(Default::default())
}

/// What an invocation came to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InvokeResult {
    /// The invocation's record (`GET /v1/tools/{name}/invocations`).
    pub invocation_id: Uuid,
    pub tool: String,
    /// What the tool returned (for a runner tool, the task's output); `null` on an error or
    /// while the task runs.
    #[schema(schema_with = crate::wire_schema::any_value)]
    pub output: Option<Value>,
    /// Why the tool failed (the call itself was valid), or why the task did not succeed.
    pub error: Option<String>,
    /// A runner tool's task, as it was when the answer was sent.
    pub task: Option<Task>,
    pub duration_ms: i64,
}

impl InvokeResult {
    /// Whether the tool finished: a runner tool's task may still run (or wait for input).
    pub fn finished(&self) -> bool {
        self.task
            .as_ref()
            .is_none_or(|t| t.status.terminal_event().is_some())
    }
}

/// Why an invocation was refused.
#[derive(Debug, thiserror::Error)]
pub enum InvokeError {
    #[error("the arguments do not match tool {tool:?} ({} violation(s))", errors.len())]
    InvalidArguments {
        tool: String,
        errors: Vec<Violation>,
    },
    #[error("{0} asks a person on behalf of a task's model; it cannot be invoked")]
    NotInvocable(String),
    /// A runner's tool: its task was refused.
    #[error(transparent)]
    Submit(#[from] SubmitError),
    #[error(transparent)]
    Fault(Fault),
}

impl Coded for InvokeError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::InvalidArguments { .. } => ErrorCode::InvalidArguments,
            Self::NotInvocable(_) => ErrorCode::ToolNotInvocable,
            Self::Submit(e) => e.code(),
            Self::Fault(f) => f.code(),
        }
    }

    fn violations(&self) -> &[Violation] {
        match self {
            Self::InvalidArguments { errors, .. } => errors,
            Self::Submit(e) => e.violations(),
            _ => &[],
        }
    }

    fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Submit(e) => e.retry_after(),
            _ => None,
        }
    }
}

faults_into!(InvokeError);

/// Who invokes, and how.
pub struct Invoker<'a> {
    pub core: &'a Core,
    /// Signals a runner tool's task's end (the API process's event hub).
    pub hub: &'a Hub,
    pub project: ProjectId,
    pub project_name: &'a str,
    pub source: Source,
    /// The key's id, or `open`.
    pub caller: String,
    /// Told the id of a runner tool's task as soon as it is created (before any wait), for
    /// a caller that follows its progress.
    pub started: Option<&'a tokio::sync::watch::Sender<Option<Uuid>>>,
}

impl Invoker<'_> {
    /// Runs tool `entry` on `body`; for a runner tool, waits up to `wait` for its task.
    pub async fn invoke(
        &self,
        entry: Entry,
        body: InvokeTool,
        key: Option<&str>,
        wait: Option<Duration>,
    ) -> Result<InvokeResult, InvokeError> {
        let started = Instant::now();
        let name = entry.spec().name;
        let arguments = body.arguments.clone();
        let (output, error, task) = match entry {
            Entry::Runner(runner) => {
                let mut body = body;
                body.arguments = runner_tool::arguments(&runner.input_schema, body.arguments)
                    .map_err(|v| InvokeError::InvalidArguments {
                        tool: name.clone(),
                        errors: vec![v.under("/arguments")],
                    })?;
                let task = self.start(&runner.name, body, key, wait).await?;
                let (output, error) = if task.status.terminal_event().is_some() {
                    match task.result_for_caller() {
                        Ok(output) => (Some(output), None),
                        Err(e) => (None, Some(e)),
                    }
                } else {
                    (None, None)
                };
                (output, error, Some(task))
            }
            other => {
                let (output, error) = self.run(&other, &name, body).await?;
                (output, error, None)
            }
        };
        let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        let record = NewInvocation {
            tool: &name,
            source: self.source,
            caller: Some(&self.caller),
            task_id: task.as_ref().map(|t| t.id),
            arguments: &arguments,
            output: output.as_ref(),
            error: error.as_deref(),
            duration_ms,
        };
        let invocation_id = invocations::record(&self.core.pool, self.project, &record).await?;
        Ok(InvokeResult {
            invocation_id,
            tool: name,
            output,
            error,
            task,
            duration_ms,
        })
    }

    /// Runs a built-in or HTTP tool: `(output, error)`.
    async fn run(
        &self,
        entry: &Entry,
        name: &str,
        body: InvokeTool,
    ) -> Result<(Option<Value>, Option<String>), InvokeError> {
        let mut errors = Vec::new();
        for (field, given) in [
            ("/thread", body.thread.is_some()),
            ("/if_not_exists", body.if_not_exists.is_some()),
            ("/read_only", body.read_only),
        ] {
            if given {
                errors.push(Violation::new(field, "applies only to a runner's tool"));
            }
        }
        let spec = entry.spec();
        let (tool, key) = match entry {
            Entry::Builtin(_) if name == crate::tools::ask_human::NAME => {
                return Err(InvokeError::NotInvocable(name.to_owned()));
            }
            Entry::Builtin(tool) => (
                tool.clone(),
                // The schema cache keys a built-in by its place among the built-ins.
                (builtin_key(name), 0),
            ),
            Entry::Http(def) => {
                let key = (def.id, def.version);
                let tool = self
                    .core
                    .tools
                    .http_tool((**def).clone(), self.project_name);
                (std::sync::Arc::new(tool) as _, key)
            }
            Entry::Runner(_) => return Err(Fault::bug("a runner tool starts a task").into()),
        };
        let schemas = &self.core.schemas;
        let validator = schemas.validator((key.0, key.1, Which::Input), &spec.parameters)?;
        errors.extend(
            violations_of(&validator, &body.arguments, schemas.max_violations())
                .into_iter()
                .map(|v| v.under("/arguments")),
        );
        if !errors.is_empty() {
            return Err(InvokeError::InvalidArguments {
                tool: name.to_owned(),
                errors,
            });
        }
        let limit = match entry {
            Entry::Http(def) => {
                Duration::from_secs(u64::try_from(def.timeout_seconds).unwrap_or(30) + 1)
            }
            _ => BUILTIN_LIMIT,
        };
        let result: Result<Value, String> =
            match tokio::time::timeout(limit, tool.call(body.arguments)).await {
                Ok(result) => result,
                Err(_) => Err(format!("timed out after {} s", limit.as_secs())),
            };
        Ok(match result {
            Ok(output) => (Some(output), None),
            Err(e) => (None, Some(e)),
        })
    }

    /// Creates the runner's task and waits up to `wait` for it to settle.
    async fn start(
        &self,
        runner: &str,
        body: InvokeTool,
        key: Option<&str>,
        wait: Option<Duration>,
    ) -> Result<Task, InvokeError> {
        let submitter = self.core.submitter(self.project);
        let create = CreateTask {
            arguments: body.arguments,
            model_settings: None,
            rules: Vec::new(),
            thread: body.thread,
            if_not_exists: body.if_not_exists,
            read_only: body.read_only,
            ..CreateTask::default()
        };
        let task = match submitter.submit(runner, create, key, JobStart::Now).await? {
            Submitted::Created(task) => *task,
            Submitted::Taken { hash } => {
                let key = key.unwrap_or_default();
                crate::tasks::idempotency::replayed_task(
                    &self.core.pool,
                    self.project,
                    key,
                    hash.as_deref(),
                )
                .await?
            }
            Submitted::Batch(_) => return Err(Fault::bug("a batch without models").into()),
        };
        if let Some(started) = self.started {
            started.send_replace(Some(task.id));
        }
        Ok(match wait {
            Some(wait) => crate::tasks::wait::until_ended(self.hub, &self.core.pool, task.id, wait)
                .await?
                .unwrap_or(task),
            None => task,
        })
    }
}

/// A schema-cache key for built-in `name`, apart from every stored id (version 7 UUIDs).
fn builtin_key(name: &str) -> Uuid {
    let place = crate::tools::reserved_names()
        .position(|n| n == name)
        .unwrap_or(usize::MAX);
    Uuid::from_u128(place as u128 + 1)
}
