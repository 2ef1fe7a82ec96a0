//! A task whose model calls other runners (`run_<name>_task`): each call starts a child
//! task, the attempt ends by suspending the task until its children end (`waiting`, no
//! lease, no worker), and each child's result reaches the task's journal as the call's
//! result (`tasks::children`).

use serde_json::{Value, json};
use uuid::Uuid;

use super::outcome::{failed, finish};
use super::steps::Run;
use errand_core::conversation::ToolCall;
use errand_core::error::{ErrorCode, Violation};
use errand_core::events::{self, kind};
use errand_core::invocations::{self, NewInvocation, Source};
use errand_core::runners::model::Runner;
use errand_core::runners::schema::{Which, violations_of};
use errand_core::tasks::model::{Task, TaskError, TaskStatus};
use errand_core::tasks::store::{self, NewTask, ParentCall};
use errand_core::tasks::{children, lifecycle};

impl Run<'_> {
    /// Starts (or, on a later attempt, finds) the child task for `call`, the tool call at
    /// journal index `index`; `Err` is why it cannot start, for the model.
    pub(super) async fn delegate(
        &self,
        call: &ToolCall,
        index: i32,
        runner: &Runner,
    ) -> anyhow::Result<Result<Uuid, String>> {
        let (task, rt) = (self.task, self.rt);
        let arguments: Value = match call.arguments.trim() {
            "" => json!({}),
            text => match serde_json::from_str(text) {
                Ok(v) => v,
                Err(e) => return Ok(Err(format!("the arguments are not valid JSON: {e}"))),
            },
        };
        let arguments =
            match errand_core::tools::runner_tool::arguments(&runner.input_schema, arguments) {
                Ok(arguments) => arguments,
                Err(v) => return Ok(Err(format!("the arguments {}: {}", v.pointer, v.message))),
            };
        let max_depth = rt.core.tools.settings.max_task_depth;
        if task.depth + 1 > i32::try_from(max_depth).unwrap_or(i32::MAX) {
            return Ok(Err(format!(
                "not started: runners calling runners may nest {max_depth} deep \
                 (tools.max_task_depth), and this task is at depth {}",
                task.depth
            )));
        }
        let validator = rt.core.schemas.validator(
            (runner.id, runner.version, Which::Input),
            &runner.input_schema,
        )?;
        let problems = violations_of(&validator, &arguments, rt.core.schemas.max_violations());
        if !problems.is_empty() {
            return Ok(Err(format!(
                "the arguments break {}'s input schema: {}",
                runner.name,
                Violation::describe(&problems)
            )));
        }
        let mut tx = rt.core.pool.begin().await?;
        if let Some(child) = children::existing(&mut tx, task.id, index).await? {
            return Ok(Ok(child.id));
        }
        let lineage = children::lineage(&mut tx, task).await?;
        if lineage.contains(&runner.name) {
            return Ok(Err(format!(
                "not started: {} is already running above this task ({}): a cycle",
                runner.name,
                lineage.join(" ← ")
            )));
        }
        let new = NewTask {
            id: Uuid::now_v7(),
            project: task.project,
            runner_id: runner.id,
            runner_version: runner.version,
            runner_name: &runner.name,
            arguments: &arguments,
            model: &runner.model,
            model_settings: &runner.model_settings,
            rules: &[],
            max_attempts: runner.max_attempts,
            timeout_seconds: runner.timeout_seconds,
            idempotency_key: None,
            request_hash: None,
            run_after: std::time::Duration::ZERO,
            thread_id: None,
            input_timeout_seconds: runner.input_timeout_seconds,
            read_only: task.read_only,
            batch_id: None,
            parent: Some(ParentCall {
                task_id: task.id,
                step: index,
                call_id: &call.id,
                depth: task.depth + 1,
            }),
        };
        // A child counts against the project's queue limit like any task: a full queue is
        // a tool error the model can work around, never a task queued past the limit.
        let Some(child) = store::insert(&mut tx, &new, rt.core.project_max_queued).await? else {
            let (_, limit) =
                store::may_queue(&mut tx, task.project, rt.core.project_max_queued).await?;
            return Ok(Err(format!(
                "not started: the project has {limit} tasks queued, its limit \
                 (quotas.project_max_queued_tasks); call it again later or go on without it"
            )));
        };
        events::append(&mut tx, child.id, kind::QUEUED, &json!({"attempt": 1})).await?;
        let started = json!({"id": call.id, "name": call.name, "arguments": call.arguments,
            "task_id": child.id});
        events::append_for_attempt(
            &mut tx,
            task.id,
            task.attempts,
            kind::TOOL_CALL_STARTED,
            &started,
        )
        .await?;
        let record = NewInvocation {
            tool: &call.name,
            source: Source::Task,
            caller: None,
            task_id: Some(child.id),
            arguments: &arguments,
            output: None,
            error: None,
            duration_ms: 0,
        };
        invocations::record(&mut *tx, task.project, &record).await?;
        tx.commit().await?;
        tracing::info!(task_id = %task.id, child = %child.id, runner = %runner.name, "child task started");
        Ok(Ok(child.id))
    }
}

/// Suspends the task until `children` end; a pending cancellation wins (the task ends
/// `cancelled`, and its children with it). `false` when the attempt no longer owns the
/// task.
pub async fn suspend(
    conn: &mut sqlx::PgConnection,
    task: &Task,
    waiting_for: &[Uuid],
) -> anyhow::Result<bool> {
    if lifecycle::suspend_for_children(conn, task, waiting_for)
        .await?
        .is_some()
    {
        tracing::info!(task_id = %task.id, children = waiting_for.len(), "task waits for its children");
        return Ok(true);
    }
    let error = TaskError::new(
        ErrorCode::Cancelled,
        "cancelled as it started child tasks",
        json!({"attempt": task.attempts, "children": waiting_for}),
    );
    finish(conn, task, &failed(TaskStatus::Cancelled, error), None).await
}
