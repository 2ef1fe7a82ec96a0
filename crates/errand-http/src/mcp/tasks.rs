//! The MCP tasks extension on Errand's tasks: the MCP task id is the Errand task id, so a
//! task outlives the connection, the process and a restart. `tasks/get` maps the status:
//! queued, running or waiting → `working`; `input_required` (or waiting on a question a
//! child task asks) → the `ask_human` question as an elicitation in `inputRequests`; succeeded → `completed` with the output
//! (`structuredContent` for an object); failed or timed out → `completed` with `isError`;
//! cancelled → `cancelled`. `tasks/update` answers the question; `tasks/cancel` cancels.

use rmcp::ErrorData as McpError;
use rmcp::model::{
    CallToolResult, ContentBlock, DetailedTask, GetTaskResult, InputRequests, Task as McpTask,
    TaskPayload, TaskStatus as McpStatus, UpdateTaskParams,
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::server::{ErrandMcp, internal};
use crate::app::AppState;
use crate::auth::Caller;
use crate::error::{Coded, Violation};
use errand_core::config::McpSettings;
use errand_core::tasks::errors::AnswerError;
use errand_core::tasks::model::{InputKind, InputRequest, Task, TaskInput, TaskStatus};
use errand_core::tasks::{cancel as cancelling, input, store};

/// The seed state of a task, for the answer to `tools/call`.
pub fn handle(task: &Task, settings: &McpSettings, state: &AppState) -> McpTask {
    let mut handle = McpTask::new(
        task.id.to_string(),
        McpStatus::Working,
        task.created_at.to_rfc3339(),
        task.updated_at.to_rfc3339(),
    )
    .with_poll_interval_ms(settings.poll_interval_ms)
    .with_status_message(task.status.as_str());
    // Finished tasks are kept for `retention.tasks_days`.
    if let Some(days) = state.retention_days {
        handle = handle.with_ttl_ms(u64::from(days) * 86_400_000);
    }
    handle
}

fn not_found(id: &str) -> McpError {
    McpError::invalid_params(format!("no task with id {id:?}"), None)
}

async fn load(mcp: &ErrandMcp, caller: &Caller, id: &str) -> Result<Task, McpError> {
    let uuid = Uuid::parse_str(id).map_err(|_| not_found(id))?;
    store::get_in(&mcp.state.core.pool, caller.project, uuid)
        .await
        .map_err(internal)?
        .ok_or_else(|| not_found(id))
}

pub async fn get(mcp: &ErrandMcp, caller: &Caller, id: &str) -> Result<GetTaskResult, McpError> {
    let task = load(mcp, caller, id).await?;
    let payload = match task.status {
        // A question asked below a waiting task is the task's to answer too.
        TaskStatus::Waiting if task.awaits_caller() => match &task.input_request {
            Some(question) => TaskPayload::InputRequired {
                input_requests: elicitation(question)?,
            },
            None => TaskPayload::Working,
        },
        TaskStatus::Queued | TaskStatus::Running | TaskStatus::Waiting => TaskPayload::Working,
        TaskStatus::InputRequired => match &task.input_request {
            Some(question) => TaskPayload::InputRequired {
                input_requests: elicitation(question)?,
            },
            None => TaskPayload::Working,
        },
        TaskStatus::Succeeded => completed(match &task.output {
            Some(output @ Value::Object(_)) => CallToolResult::structured(output.clone()),
            Some(Value::String(text)) => {
                CallToolResult::success(vec![ContentBlock::text(text.clone())])
            }
            Some(other) => CallToolResult::success(vec![ContentBlock::text(other.to_string())]),
            None => CallToolResult::success(Vec::new()),
        })?,
        TaskStatus::Failed | TaskStatus::TimedOut => {
            let error = task.error.as_ref().map_or_else(
                || "the task did not succeed".to_owned(),
                |e| format!("{}: {}", e.code, e.message),
            );
            completed(CallToolResult::error(vec![ContentBlock::text(error)]))?
        }
        TaskStatus::Cancelled => TaskPayload::Cancelled,
    };
    let base = handle(&task, &mcp.settings, &mcp.state);
    Ok(GetTaskResult::new(DetailedTask::new(base, payload)))
}

fn completed(result: CallToolResult) -> Result<TaskPayload, McpError> {
    match serde_json::to_value(result).map_err(internal)? {
        Value::Object(result) => Ok(TaskPayload::Completed { result }),
        _ => Err(internal("a tool result is not an object")),
    }
}

/// The schema asked for in the elicitation: the question's own when it is a primitive an
/// elicitation form can hold, else text holding JSON valid against it.
fn answer_field(question: &InputRequest) -> (Value, bool) {
    let primitive = question.schema.as_ref().is_some_and(|s| {
        matches!(
            s.get("type").and_then(Value::as_str),
            Some("string" | "number" | "integer" | "boolean")
        )
    });
    match &question.schema {
        Some(schema) if primitive => (schema.clone(), false),
        Some(schema) => (
            json!({"type": "string", "description":
                format!("JSON valid against this schema: {schema}")}),
            true,
        ),
        None => (json!({"type": "string"}), false),
    }
}

/// The question as an `elicitation/create` request, keyed by its request id. An approval
/// is a form of its own: approve (yes/no), a reason, and edited arguments as JSON text.
fn elicitation(question: &InputRequest) -> Result<InputRequests, McpError> {
    let (field, _) = answer_field(question);
    let requested = match (question.kind, &question.tool_call) {
        (InputKind::Approval, Some(call)) => json!({"type": "object", "properties": {
            "approve": {"type": "boolean", "title": format!("Run {}?", call.name),
                "description": format!("Arguments: {}", call.arguments)},
            "reason": {"type": "string", "title": "Why not (the model is told)"},
            "arguments": {"type": "string", "title": "Run with these arguments instead (JSON)"}
        }, "required": ["approve"]}),
        _ => json!({"type": "object", "properties": {"answer": field}, "required": ["answer"]}),
    };
    let requests = json!({question.request_id.to_string(): {
        "method": "elicitation/create",
        "params": {
            "mode": "form",
            "message": question.question,
            "requestedSchema": requested
        }
    }});
    serde_json::from_value(requests).map_err(internal)
}

/// `tasks/update`: the answer to the task's question (an accepted elicitation's
/// `content.answer`); a declined or cancelled elicitation cancels the task.
pub async fn update(
    mcp: &ErrandMcp,
    caller: &Caller,
    request: UpdateTaskParams,
) -> Result<(), McpError> {
    let task = load(mcp, caller, &request.task_id).await?;
    for (key, response) in request.input_responses {
        let request_id = Uuid::parse_str(&key)
            .map_err(|_| McpError::invalid_params(format!("no input request {key:?}"), None))?;
        let asked = task
            .input_request
            .as_ref()
            .filter(|q| q.request_id == request_id);
        let action = response.get("action").and_then(Value::as_str);
        let answer = match asked.map(|q| q.kind) {
            // Declining an approval denies the call; the task goes on.
            Some(InputKind::Approval) => approval_answer(action, &response)?,
            _ if action != Some("accept") => return cancel(mcp, caller, &request.task_id).await,
            _ => {
                let given = response
                    .pointer("/content/answer")
                    .cloned()
                    .ok_or_else(|| {
                        McpError::invalid_params("an accepted answer needs content.answer", None)
                    })?;
                let as_json = asked.is_some_and(|q| answer_field(q).1);
                match (&given, as_json) {
                    (Value::String(text), true) => {
                        serde_json::from_str(text).unwrap_or(given.clone())
                    }
                    _ => given,
                }
            }
        };
        let max = mcp.state.core.schemas.max_violations();
        let taken = input::answer(
            &mcp.state.core.pool,
            caller.project,
            task.id,
            TaskInput { request_id, answer },
            max,
        )
        .await;
        match taken {
            Ok(_) => {}
            // The extension treats an error here as final, and the task would wait for
            // ever: acknowledge, and ask again under a new key naming what was wrong.
            Err(AnswerError::Invalid(violations)) => {
                ask_again(mcp, caller, task.id, request_id, &violations).await?;
            }
            Err(e) => {
                let errors = e.violations();
                let data = (!errors.is_empty()).then(|| json!({"errors": errors}));
                return Err(McpError::invalid_params(e.to_string(), data));
            }
        }
    }
    Ok(())
}

/// An approval's answer from its elicitation form: accepted → `{approve, reason?,
/// arguments?}` (edited arguments given as JSON text); declined or cancelled → denied.
fn approval_answer(action: Option<&str>, response: &Value) -> Result<Value, McpError> {
    if action != Some("accept") {
        return Ok(json!({"approve": false, "reason": "declined in the MCP client"}));
    }
    let content = response.get("content").cloned().unwrap_or_default();
    let mut answer = json!({"approve": content.get("approve").cloned().unwrap_or(json!(false))});
    if let Some(reason) = content
        .get("reason")
        .filter(|r| r.as_str().is_some_and(|t| !t.is_empty()))
    {
        answer["reason"] = reason.clone();
    }
    if let Some(text) = content
        .get("arguments")
        .and_then(Value::as_str)
        .filter(|t| !t.trim().is_empty())
    {
        answer["arguments"] = serde_json::from_str(text)
            .map_err(|e| McpError::invalid_params(format!("arguments are not JSON: {e}"), None))?;
    }
    Ok(answer)
}

/// Re-asks the question `request_id` of `task` with the answer's violations in it.
async fn ask_again(
    mcp: &ErrandMcp,
    caller: &Caller,
    task: Uuid,
    request_id: Uuid,
    violations: &[Violation],
) -> Result<(), McpError> {
    let why = format!(
        "Your answer was refused: {}. Answer again.",
        Violation::describe(violations)
    );
    let asked = input::ask_again(&mcp.state.core.pool, caller.project, task, request_id, &why)
        .await
        .map_err(internal)?;
    if asked {
        return Ok(());
    }
    // Answered (or ended) meanwhile: this answer was not taken, and nothing asks again.
    Err(McpError::invalid_params(
        format!(
            "request {request_id} no longer waits for an answer (answered or ended meanwhile); \
             yours was not taken: {why}"
        ),
        Some(json!({"errors": violations})),
    ))
}

/// `tasks/cancel`.
pub async fn cancel(mcp: &ErrandMcp, caller: &Caller, id: &str) -> Result<(), McpError> {
    let task = load(mcp, caller, id).await?;
    let mut tx = mcp.state.core.pool.begin().await.map_err(internal)?;
    cancelling::cancel(&mut tx, caller.project, task.id, false)
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(())
}
