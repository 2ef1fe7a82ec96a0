//! What a task appends to its thread, in the transaction that ends it: its user message,
//! then each model reply and tool result from its step journal. A task that did not
//! succeed appends what it did as well (the thread's status says it failed); a reply
//! replaced by a repair turn is left out (the repaired one stands), a tool call left
//! without a result gets one saying it did not run, so the thread never holds half of a
//! call/result pair, and the text a cancelled model call had streamed is kept, marked
//! `partial`. A task cancelled by `multitask_strategy: rollback` appends nothing, and a
//! task that never started has nothing to append.

use std::collections::HashSet;

use serde_json::Value;
use sqlx::PgConnection;

use super::journal::{self, MODEL_CALL, TOOL_RESULT};
use super::model::Task;
use crate::conversation::{self as message, ChatMessage, Role, ToolCall};
use crate::threads::messages::{self, NewMessage};

/// Appends the task's transcript to its thread, if it has one; `partial` is the text a
/// model call had streamed when the task was cancelled.
pub async fn append(
    conn: &mut PgConnection,
    task: &Task,
    partial: Option<&str>,
) -> sqlx::Result<()> {
    let Some(thread) = task.thread_id else {
        return Ok(());
    };
    if task.attempts == 0 {
        return Ok(());
    }
    let discard: bool = sqlx::query_scalar("SELECT thread_discard FROM tasks WHERE id = $1")
        .bind(task.id)
        .fetch_one(&mut *conn)
        .await?;
    if discard {
        return Ok(());
    }
    let steps = journal::load_full(&mut *conn, task.id).await?;
    let mut out = build(task, &steps);
    if let Some(text) = partial.filter(|t| !t.is_empty()) {
        out.push(NewMessage {
            message: ChatMessage::assistant(crate::json::storable(text), Vec::new()),
            step_index: None,
            partial: true,
        });
    }
    messages::append(conn, thread, task.id, &out).await?;
    Ok(())
}

fn build(task: &Task, steps: &[journal::FullStep]) -> Vec<NewMessage> {
    let opening = message::opening(&[], &[], &task.arguments);
    let mut out: Vec<NewMessage> = opening
        .into_iter()
        .map(|m| NewMessage {
            message: m,
            step_index: None,
            partial: false,
        })
        .collect();
    for step in steps {
        match step.kind.as_str() {
            MODEL_CALL => {
                let repair = step.request.get("purpose").and_then(Value::as_str) == Some("repair");
                if repair
                    && out.last().is_some_and(|m| {
                        m.message.role == Role::Assistant && m.message.tool_calls.is_empty()
                    })
                {
                    out.pop();
                }
                let text = step.response["text"].as_str().unwrap_or_default();
                let calls: Vec<ToolCall> =
                    serde_json::from_value(step.response["tool_calls"].clone()).unwrap_or_default();
                close_open_calls(&mut out, task);
                out.push(NewMessage {
                    message: ChatMessage::assistant(text, calls),
                    step_index: Some(step.index),
                    partial: false,
                });
            }
            TOOL_RESULT => {
                let id = step.request["id"].as_str().unwrap_or_default();
                out.push(NewMessage {
                    message: ChatMessage::tool(id, journal::tool_content(&step.response)),
                    step_index: Some(step.index),
                    partial: false,
                });
            }
            _ => {}
        }
    }
    close_open_calls(&mut out, task);
    out
}

/// Gives every call of the last assistant message a result: those that have none did not
/// run (the task ended first).
fn close_open_calls(out: &mut Vec<NewMessage>, task: &Task) {
    let Some(at) = out.iter().rposition(|m| m.message.role == Role::Assistant) else {
        return;
    };
    let answered: HashSet<String> = out[at + 1..]
        .iter()
        .filter_map(|m| m.message.tool_call_id.clone())
        .collect();
    let missing: Vec<String> = out[at]
        .message
        .tool_calls
        .iter()
        .filter(|c| !answered.contains(&c.id))
        .map(|c| c.id.clone())
        .collect();
    let why = format!(
        "error: not run: the task ended ({}) before this call had a result",
        task.status.as_str()
    );
    for id in missing {
        out.push(NewMessage {
            message: ChatMessage::tool(id, why.clone()),
            step_index: None,
            partial: false,
        });
    }
}
