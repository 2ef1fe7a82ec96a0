//! One attempt of a task: the tool-calling loop. The model is called with the runner's
//! tools; its tool calls run (in parallel) and their results go back to it, until it gives
//! a final answer or `max_turns` is reached. A final answer is checked against the output
//! schema, and violations are fed back for up to `repair_turns` more calls.
//!
//! The loop is deterministic given the journal, so a retried attempt walks the same path
//! and replays each step an earlier attempt committed (see `steps.rs`).

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::time::Instant;

use super::Runtime;
use super::carry::Partial;
use super::opening;
use super::steps::{Run, Superseded};
use errand_core::conversation::{ChatMessage, ToolCall};
use errand_core::error::{ErrorCode, Violation};
use errand_core::llm::{Completion, CompletionRequest, LlmError, ModelProvider, ResponseFormat};
use errand_core::runners::model::Runner;
use errand_core::runners::schema::Which;
use errand_core::tasks::lifecycle::Outcome;
use errand_core::tasks::model::{InputRequest, Task, TaskError, TaskStatus};
use errand_core::tools::catalog::Toolbox;

#[derive(Clone)]
pub enum AttemptResult {
    Done(Outcome),
    /// A transient failure: try again if attempts remain, not before `after` (what the
    /// provider asked for, if anything).
    Retry {
        error: TaskError,
        after: Option<Duration>,
    },
    /// The model asked a person a question (`ask_human`): the task waits for the answer,
    /// holding no worker.
    InputRequired(Box<InputRequest>),
    /// The model called other runners: the task waits for these child tasks, holding no
    /// worker.
    Waiting(Vec<uuid::Uuid>),
    /// A newer attempt owns the task; this one must write nothing more.
    Superseded,
}

pub async fn run(
    rt: &Runtime,
    task: &Task,
    runner: &Runner,
    deadline: Instant,
    partial: Partial,
) -> anyhow::Result<AttemptResult> {
    match run_loop(rt, task, runner, deadline, partial).await {
        Err(e) if e.is::<Superseded>() => Ok(AttemptResult::Superseded),
        other => other,
    }
}

/// What an attempt works with: the model's provider, the task's tools and the request
/// the conversation grows in.
struct Prepared {
    provider: Arc<dyn ModelProvider>,
    toolbox: Toolbox,
    request: CompletionRequest,
}

/// Where the conversation stands: model calls for turns and for repairs are counted apart.
struct Progress {
    turns: i32,
    repairs: i32,
    /// What the next model call is for (`turn` or `repair`), as the journal records it.
    purpose: &'static str,
}

async fn run_loop(
    rt: &Runtime,
    task: &Task,
    runner: &Runner,
    deadline: Instant,
    partial: Partial,
) -> anyhow::Result<AttemptResult> {
    let Prepared {
        provider,
        toolbox,
        mut request,
    } = match prepare(rt, task, runner, deadline).await? {
        Ok(prepared) => prepared,
        Err(ended) => return Ok(ended),
    };
    let tool_limit = Duration::from_secs(u64::try_from(runner.tool_timeout_seconds).unwrap_or(60));
    let mut run = Run::open(rt, task, partial).await?;
    let mut progress = Progress {
        turns: 0,
        repairs: 0,
        purpose: "turn",
    };
    let result = loop {
        let completion = match run
            .model_call(provider.as_ref(), &request, progress.purpose)
            .await?
        {
            Ok(c) => c,
            Err(e) => break provider_failure(e),
        };
        if progress.purpose == "turn" {
            progress.turns += 1;
        }
        if let Some(why) = &completion.tools_ignored {
            break tools_ignored(task, &request, &completion, why);
        }
        request.messages.push(ChatMessage::assistant(
            completion.text.clone(),
            completion.tool_calls.clone(),
        ));
        let ended = if completion.tool_calls.is_empty() {
            answer(rt, task, runner, &completion, &mut progress, &mut request)?
        } else {
            let calls = &completion.tool_calls;
            tool_turn(
                &mut run,
                runner,
                calls,
                &toolbox,
                tool_limit,
                &mut progress,
                &mut request,
            )
            .await?
        };
        if let Some(result) = ended {
            break result;
        }
    };
    if run.replayed > 0 {
        tracing::info!(task_id = %task.id, steps = run.replayed, "replayed journaled steps");
    }
    Ok(result)
}

/// The provider, the tools and the opening messages; `Err` ends the attempt before any
/// model call (an unknown model, a tool that is gone).
async fn prepare(
    rt: &Runtime,
    task: &Task,
    runner: &Runner,
    deadline: Instant,
) -> anyhow::Result<Result<Prepared, AttemptResult>> {
    let (provider, model) = match rt.core.models.resolve(&task.model) {
        Ok(found) => found,
        Err(e) => {
            let ended = failed(ErrorCode::ModelUnavailable, e.to_string(), json!({}));
            return Ok(Err(ended));
        }
    };
    let tools = &rt.core.tools;
    let found = tools
        .toolbox(
            &rt.core.pool,
            task.project,
            &runner.toolkits,
            task.read_only,
            Some(task.id),
        )
        .await?;
    let toolbox = match found {
        Ok(toolbox) => toolbox,
        Err(name) => {
            let message = format!(
                "tool {name:?} is not available: no built-in, HTTP tool or runner of the \
                 project has that name (any more)"
            );
            let details = json!({"toolkit": name});
            return Ok(Err(failed(ErrorCode::ToolUnavailable, message, details)));
        }
    };
    let (messages, task_start) = opening::open(rt, task, runner).await?;
    let request = CompletionRequest {
        model,
        messages,
        task_start,
        tools: toolbox.specs(),
        settings: task.model_settings.clone(),
        response_format: runner.output_schema.clone().map(|schema| ResponseFormat {
            mode: runner.structured_output,
            schema,
        }),
        arguments: task.arguments.clone(),
        attempt: task.attempts,
        deadline,
    };
    Ok(Ok(Prepared {
        provider,
        toolbox,
        request,
    }))
}

/// Carrying on would take a written-out call for the answer, or loop through repair
/// turns: the runner needs tools this server does not run.
fn tools_ignored(
    task: &Task,
    request: &CompletionRequest,
    completion: &Completion,
    why: &str,
) -> AttemptResult {
    failed(
        ErrorCode::ToolsUnsupported,
        format!("the model server ignored the runner's tools: {why}"),
        json!({"model": task.model, "raw_output": completion.text,
            "tools": request.tools.iter().map(|t| &t.name).collect::<Vec<_>>()}),
    )
}

/// Runs a reply's tool calls and gives their results to the model; `Some` ends the
/// attempt (too many turns, a question for a person, child tasks to wait for).
async fn tool_turn(
    run: &mut Run<'_>,
    runner: &Runner,
    calls: &[ToolCall],
    toolbox: &Toolbox,
    tool_limit: Duration,
    progress: &mut Progress,
    request: &mut CompletionRequest,
) -> anyhow::Result<Option<AttemptResult>> {
    if progress.turns >= runner.max_turns {
        return Ok(Some(failed(
            ErrorCode::MaxTurnsExceeded,
            format!(
                "the model still called tools after {} turns (max_turns)",
                runner.max_turns
            ),
            json!({"max_turns": runner.max_turns, "pending_tool_calls": calls}),
        )));
    }
    let turn = run
        .tool_calls(calls, toolbox, &runner.approval, tool_limit)
        .await?;
    if let Some(question) = turn.question {
        return Ok(Some(AttemptResult::InputRequired(Box::new(question))));
    }
    if !turn.children.is_empty() {
        return Ok(Some(AttemptResult::Waiting(turn.children)));
    }
    for (call, result) in calls.iter().zip(&turn.results) {
        request
            .messages
            .push(ChatMessage::tool(&call.id, result.content()));
    }
    progress.purpose = "turn";
    Ok(None)
}

/// A reply without tool calls: the answer, checked against the output schema; `None`
/// asks for a repair (the violations go back to the model).
fn answer(
    rt: &Runtime,
    task: &Task,
    runner: &Runner,
    completion: &Completion,
    progress: &mut Progress,
    request: &mut CompletionRequest,
) -> anyhow::Result<Option<AttemptResult>> {
    let repairs = progress.repairs;
    Ok(match check_output(rt, runner, &completion.text)? {
        Ok(output) => Some(AttemptResult::Done(Outcome {
            status: TaskStatus::Succeeded,
            output: Some(output),
            error: None,
        })),
        Err(errors) if repairs < runner.repair_turns => {
            progress.repairs += 1;
            request
                .messages
                .push(ChatMessage::user(repair_prompt(&errors)));
            progress.purpose = "repair";
            None
        }
        Err(errors) => {
            tracing::info!(task_id = %task.id, repairs, "output invalid");
            Some(failed(
                ErrorCode::OutputInvalid,
                format!(
                    "the model's output does not match the output schema ({} errors, {repairs} repair turns)",
                    errors.len()
                ),
                json!({"raw_output": completion.text, "errors": errors, "repair_turns": repairs}),
            ))
        }
    })
}

fn repair_prompt(errors: &[Violation]) -> String {
    let list: Vec<String> = errors
        .iter()
        .map(|e| {
            let at = if e.pointer.is_empty() {
                "/"
            } else {
                &e.pointer
            };
            format!("- at {at}: {}", e.message)
        })
        .collect();
    format!(
        "Your reply does not match the required output schema:\n{}\nReply again with only the corrected JSON.",
        list.join("\n")
    )
}

fn failed(code: ErrorCode, message: String, details: Value) -> AttemptResult {
    AttemptResult::Done(Outcome {
        status: TaskStatus::Failed,
        output: None,
        error: Some(TaskError::new(code, message, details)),
    })
}

fn provider_failure(e: LlmError) -> AttemptResult {
    let mut details = e.details;
    if let Value::Object(d) = &mut details {
        d.insert("provider".into(), json!(e.provider));
        d.insert("retryable".into(), json!(e.retryable));
    }
    let error = TaskError::new(e.code, e.message, details);
    if e.retryable {
        AttemptResult::Retry {
            error,
            after: e.retry_after,
        }
    } else {
        AttemptResult::Done(Outcome {
            status: TaskStatus::Failed,
            output: None,
            error: Some(error),
        })
    }
}

/// The task's output: the reply parsed and validated when the runner has an output schema,
/// else the text itself. `Err` lists what is wrong, with pointers into the reply.
fn check_output(
    rt: &Runtime,
    runner: &Runner,
    text: &str,
) -> anyhow::Result<Result<Value, Vec<Violation>>> {
    let Some(schema) = &runner.output_schema else {
        return Ok(Ok(Value::String(text.to_owned())));
    };
    let value = match serde_json::from_str::<Value>(strip_fences(text)) {
        Ok(v) => v,
        Err(e) => {
            return Ok(Err(vec![Violation {
                pointer: String::new(),
                message: format!("the reply is not JSON: {e}"),
            }]));
        }
    };
    let key = (runner.id, runner.version, Which::Output);
    let mut errors = rt.core.schemas.violations(key, schema, &value)?;
    // Valid or not, an output with NUL in a string cannot be stored: the model must fix it.
    let max = rt.core.schemas.max_violations();
    errors.extend(errand_core::json::nul_violations(&value, "", max));
    errors.truncate(max);
    Ok(if errors.is_empty() {
        Ok(value)
    } else {
        Err(errors)
    })
}

/// Models often wrap JSON in a Markdown code fence even when told not to.
fn strip_fences(text: &str) -> &str {
    let t = text.trim();
    let Some(inner) = t.strip_prefix("```") else {
        return t;
    };
    let inner = inner.strip_prefix("json").unwrap_or(inner);
    inner.strip_suffix("```").unwrap_or(inner).trim()
}

#[cfg(test)]
mod tests {
    use super::strip_fences;

    #[test]
    fn fences_are_removed() {
        assert_eq!(strip_fences("```json\n{\"a\":1}\n```"), "{\"a\":1}");
        assert_eq!(strip_fences(" {\"a\":1} "), "{\"a\":1}");
    }
}
