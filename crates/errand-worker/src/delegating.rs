//! A task whose model calls other runners (`run_<name>_task`): each call starts a child
//! task, the attempt ends by suspending the task until its children end (`waiting`, no
//! lease, no worker), and each child's result reaches the task's journal as the call's
//! result (`tasks::children`).

use errand_core::metrics::Meters;
use serde_json::json;
use uuid::Uuid;

use super::finishing::finish;
use super::outcome::failed;
use super::steps::Run;
use errand_core::conversation::ToolCall;
use errand_core::error::{ErrorCode, Violation};
use errand_core::events::{self, kind};
use errand_core::invocations::{self, NewInvocation, Source};
use errand_core::runners::model::Runner;
use errand_core::tasks::errors::SubmitError;
use errand_core::tasks::lifecycle;
use errand_core::tasks::model::{Task, TaskError, TaskStatus};
use errand_core::tasks::submit::{ChildCall, ChildStarted};

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
        let arguments = match call.parsed_arguments() {
            Ok(arguments) => arguments,
            Err(why) => return Ok(Err(why)),
        };
        let arguments =
            match errand_core::tools::runner_tool::arguments(&runner.input_schema, arguments) {
                Ok(arguments) => arguments,
                Err(v) => return Ok(Err(format!("the arguments {}: {}", v.pointer, v.message))),
            };
        let child_call = ChildCall {
            parent: task,
            step: index,
            call_id: &call.id,
            max_depth: rt.core.tools.settings.max_task_depth,
        };
        let mut tx = rt.core.pool.begin().await?;
        let submitter = rt.core.submitter(task.project);
        let child = match submitter
            .submit_child(&mut tx, child_call, runner, arguments.clone())
            .await
        {
            Ok(ChildStarted::Already(id)) => return Ok(Ok(id)),
            Ok(ChildStarted::New(child)) => child,
            Err(SubmitError::Fault(fault)) => return Err(fault.into()),
            Err(refused) => return Ok(Err(for_the_model(&refused, &runner.name))),
        };
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

/// A refused child task as its parent's model reads it: what to do about it.
fn for_the_model(refused: &SubmitError, runner: &str) -> String {
    match refused {
        SubmitError::InvalidArguments { errors, .. } => format!(
            "the arguments break {runner}'s input schema: {}",
            Violation::describe(errors)
        ),
        // A full queue is a tool error the model can work around, never a task queued
        // past the limit.
        SubmitError::QueueFull { limit } => format!(
            "not started: the project has {limit} tasks queued, its limit \
             (quotas.project_max_queued_tasks); call it again later or go on without it"
        ),
        other => other.to_string(),
    }
}

/// Suspends the task until `children` end; a pending cancellation wins (the task ends
/// `cancelled`, and its children with it). `false` when the attempt no longer owns the
/// task.
pub async fn suspend(
    conn: &mut sqlx::PgConnection,
    meters: &Meters,
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
    finish(
        conn,
        meters,
        task,
        &failed(TaskStatus::Cancelled, error),
        None,
    )
    .await
}
