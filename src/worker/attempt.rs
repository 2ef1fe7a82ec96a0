//! One attempt of a task: build the conversation, call the model (streaming its text into
//! the event log), check the output against the runner's schema.

use serde_json::{Value, json};
use sqlx::PgPool;
use tokio::sync::mpsc;
use uuid::Uuid;

use super::Runtime;
use crate::error::Violation;
use crate::events::{self, kind};
use crate::llm::{self, CompletionRequest};
use crate::runners::model::Runner;
use crate::runners::schema::Which;
use crate::tasks::model::{Task, TaskError, TaskStatus};
use crate::tasks::store::{self, Outcome};

pub enum AttemptResult {
    Done(Outcome),
    /// A transient failure: try again if attempts remain.
    Retry(TaskError),
}

pub async fn run(rt: &Runtime, task: &Task, runner: &Runner) -> anyhow::Result<AttemptResult> {
    let (provider, model) = match rt.models.resolve(&task.model) {
        Ok(found) => found,
        Err(e) => {
            let error = TaskError::new("model_unavailable", e.to_string(), json!({}));
            return Ok(AttemptResult::Done(failure(error)));
        }
    };
    let request = CompletionRequest {
        model,
        messages: llm::build_messages(&runner.rules, &task.arguments),
        settings: task.model_settings.clone(),
        output_schema: runner.output_schema.clone(),
        arguments: task.arguments.clone(),
        attempt: task.attempts,
    };
    let (deltas, pieces) = mpsc::unbounded_channel();
    let forwarder = tokio::spawn(forward_deltas(
        rt.pool.clone(),
        task.id,
        task.attempts,
        pieces,
    ));
    let completion = provider.complete(&request, &deltas).await;
    drop(deltas);
    // Every delta is logged before the outcome, so the log reads in order.
    forwarder.await??;

    let completion = match completion {
        Ok(c) => c,
        Err(e) => {
            let error = TaskError::new(
                "model_error",
                e.message.clone(),
                json!({"provider": e.provider, "provider_code": e.code, "retryable": e.retryable}),
            );
            return Ok(if e.retryable {
                AttemptResult::Retry(error)
            } else {
                AttemptResult::Done(failure(error))
            });
        }
    };
    record_completion(&rt.pool, task, &completion).await?;
    Ok(AttemptResult::Done(check_output(
        rt,
        task,
        runner,
        completion.text,
    )?))
}

fn failure(error: TaskError) -> Outcome {
    Outcome {
        status: TaskStatus::Failed,
        output: None,
        error: Some(error),
    }
}

async fn record_completion(
    pool: &PgPool,
    task: &Task,
    completion: &llm::Completion,
) -> anyhow::Result<()> {
    let mut tx = pool.begin().await?;
    let usage = &completion.usage;
    let input = i64::try_from(usage.input_tokens)?;
    let output = i64::try_from(usage.output_tokens)?;
    if store::add_usage(&mut tx, task.id, task.attempts, input, output).await? {
        events::append(
            &mut tx,
            task.id,
            kind::MESSAGE_COMPLETED,
            &json!({"text": completion.text}),
        )
        .await?;
        events::append(&mut tx, task.id, kind::USAGE, &json!(usage)).await?;
        tx.commit().await?;
    }
    Ok(())
}

/// The task's output: the reply parsed and validated when the runner has an output schema,
/// else the text itself. An invalid reply fails with `output_invalid`, keeping the raw text.
fn check_output(
    rt: &Runtime,
    task: &Task,
    runner: &Runner,
    text: String,
) -> anyhow::Result<Outcome> {
    let Some(schema) = &runner.output_schema else {
        return Ok(Outcome {
            status: TaskStatus::Succeeded,
            output: Some(Value::String(text)),
            error: None,
        });
    };
    let errors = match serde_json::from_str::<Value>(&text) {
        Err(e) => vec![Violation {
            pointer: String::new(),
            message: format!("the reply is not JSON: {e}"),
        }],
        Ok(value) => {
            let key = (runner.id, runner.version, Which::Output);
            let errors = rt.schemas.violations(key, schema, &value)?;
            if errors.is_empty() {
                return Ok(Outcome {
                    status: TaskStatus::Succeeded,
                    output: Some(value),
                    error: None,
                });
            }
            errors
        }
    };
    let error = TaskError::new(
        "output_invalid",
        format!(
            "the model's output does not match the output schema ({} errors)",
            errors.len()
        ),
        json!({"raw_output": text, "errors": errors}),
    );
    tracing::info!(task_id = %task.id, "output invalid");
    Ok(failure(error))
}

/// Appends streamed text as `message.delta` events, joining pieces that queue up while an
/// insert is in flight.
async fn forward_deltas(
    pool: PgPool,
    task_id: Uuid,
    attempt: i32,
    mut pieces: mpsc::UnboundedReceiver<String>,
) -> anyhow::Result<()> {
    while let Some(mut text) = pieces.recv().await {
        while let Ok(more) = pieces.try_recv() {
            text.push_str(&more);
        }
        if text.is_empty() {
            continue;
        }
        let mut tx = pool.begin().await?;
        if store::should_stop(&mut *tx, task_id, attempt).await? {
            // Lost the task: stop logging for it, but drain so the sender never blocks.
            while pieces.recv().await.is_some() {}
            return Ok(());
        }
        events::append(
            &mut tx,
            task_id,
            kind::MESSAGE_DELTA,
            &json!({"text": text}),
        )
        .await?;
        tx.commit().await?;
    }
    Ok(())
}
