//! A child task: a runner's tool called by a task's model. Checked like any submission
//! (the arguments against the runner's input schema, the project's queue limit), and for
//! what only a child has: a depth limit and no cycle among the runners above it. One child
//! per call: a later attempt of the parent finds the child its earlier attempt started.

use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;

use super::Submitter;
use crate::aliases::{self, Resolved};
use crate::error::Fault;
use crate::runners::model::Runner;
use crate::tasks::children;
use crate::tasks::errors::SubmitError;
use crate::tasks::model::Task;
use crate::tasks::store::{NewTask, ParentCall};

/// The call a child task answers.
pub struct ChildCall<'a> {
    pub parent: &'a Task,
    /// The parent's journal index of the model reply that made the call.
    pub step: i32,
    pub call_id: &'a str,
    /// `tools.max_task_depth`.
    pub max_depth: u32,
}

pub enum ChildStarted {
    /// Started by this call, with its `task.queued` event.
    New(Box<Task>),
    /// Started by an earlier attempt of the parent.
    Already(Uuid),
}

impl Submitter<'_> {
    /// Starts `runner`'s task for `call` inside the caller's transaction (which also
    /// records the parent's side of the call).
    pub async fn submit_child(
        &self,
        tx: &mut PgConnection,
        call: ChildCall<'_>,
        runner: &Runner,
        arguments: Value,
    ) -> Result<ChildStarted, SubmitError> {
        let parent = call.parent;
        if parent.depth + 1 > i32::try_from(call.max_depth).unwrap_or(i32::MAX) {
            return Err(SubmitError::TooDeep {
                max: call.max_depth,
                depth: parent.depth,
            });
        }
        let (arguments, errors) = self.argument_violations(runner, arguments).await?;
        if !errors.is_empty() {
            let runner = runner.name.clone();
            return Err(SubmitError::InvalidArguments { runner, errors });
        }
        if let Some(child) = children::existing(&mut *tx, parent.id, call.step).await? {
            return Ok(ChildStarted::Already(child.id));
        }
        let lineage = children::lineage(&mut *tx, parent).await?;
        if lineage.contains(&runner.name) {
            return Err(SubmitError::Cycle {
                runner: runner.name.clone(),
                lineage: lineage.join(" ← "),
            });
        }
        // The runner's model may be an alias; one that resolves no more runs as named (and
        // the worker fails the child, which the parent's model hears of).
        let model =
            match aliases::resolve(&mut *tx, self.models, parent.project, &runner.model).await? {
                Ok(resolved) => resolved,
                Err(_) => Resolved::named(&runner.model),
            };
        let new = NewTask {
            read_only: parent.read_only,
            model_alias: model.alias.as_deref(),
            // A child runs at its parent's priority: it holds the parent up.
            priority: parent.priority,
            priority_lead_ms: self.aging.lead_ms(parent.priority),
            parent: Some(ParentCall {
                task_id: parent.id,
                step: call.step,
                call_id: call.call_id,
                depth: parent.depth + 1,
            }),
            ..NewTask::of_runner(
                runner,
                parent.project,
                &arguments,
                &model.model,
                &runner.model_settings,
            )
        };
        // A child counts against the project's queue limit like any task.
        let child = self
            .insert(&mut *tx, &new, None)
            .await?
            .ok_or_else(|| Fault::bug("a child task without a key was refused"))?;
        super::log_queued(&mut *tx, &child, None).await?;
        Ok(ChildStarted::New(Box::new(child)))
    }
}
