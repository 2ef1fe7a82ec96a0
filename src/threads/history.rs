//! The history a task on a thread starts from: the thread's latest messages that fit the
//! runner's context budget. Trimming drops whole exchanges, oldest first: an assistant
//! message goes with the results of its tool calls, so the model never sees a call without
//! its result or a result without its call. The rules and the task's own message are never
//! dropped (the caller counts them against the budget first).

use sqlx::PgExecutor;
use sqlx::types::Json;
use uuid::Uuid;

use crate::conversation::{ChatMessage, Role, ToolCall};

/// Tokens estimated for `text`: about four characters a token (no tokenizer is loaded).
pub fn estimate_text(text: &str) -> usize {
    text.chars().count().div_ceil(4)
}

/// A message's estimated tokens: its text and a few for its framing (role, separators).
pub fn estimate(message: &ChatMessage) -> usize {
    let calls: usize = message
        .tool_calls
        .iter()
        .map(|c| estimate_text(&c.name) + estimate_text(&c.arguments) + 4)
        .sum();
    estimate_text(&message.content) + calls + 4
}

/// The history to send, and what was left out.
#[derive(Debug, Default)]
pub struct History {
    pub messages: Vec<ChatMessage>,
    /// Messages of the thread left out (the oldest).
    pub dropped: usize,
    /// Estimated tokens of `messages`.
    pub tokens: usize,
}

#[derive(sqlx::FromRow)]
struct Row {
    role: String,
    content: String,
    tool_calls: Option<Json<Vec<ToolCall>>>,
    tool_call_id: Option<String>,
    total: i64,
}

/// The thread's latest messages within `budget` estimated tokens. The database returns the
/// newest messages up to the first that crosses the budget (summing a cheap estimate), so
/// a long thread is not read whole; `trim` then cuts at an exchange boundary.
pub async fn load(db: impl PgExecutor<'_>, thread: Uuid, budget: usize) -> sqlx::Result<History> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT role, content, tool_calls, tool_call_id, total FROM (
            SELECT *, count(*) OVER () AS total,
                sum(est) OVER (ORDER BY seq DESC) - est AS newer
            FROM (SELECT *, char_length(content) / 4 AS est
                  FROM thread_messages WHERE thread_id = $1) m
         ) s
         WHERE newer <= $2 ORDER BY seq",
    )
    .bind(thread)
    .bind(i64::try_from(budget).unwrap_or(i64::MAX))
    .fetch_all(db)
    .await?;
    let total = rows
        .first()
        .map_or(0, |r| usize::try_from(r.total).unwrap_or(0));
    let messages: Vec<ChatMessage> = rows
        .into_iter()
        .map(|r| ChatMessage {
            role: match r.role.as_str() {
                "assistant" => Role::Assistant,
                "tool" => Role::Tool,
                _ => Role::User,
            },
            content: r.content,
            tool_calls: r.tool_calls.map(|c| c.0).unwrap_or_default(),
            tool_call_id: r.tool_call_id,
        })
        .collect();
    let loaded = messages.len();
    let mut history = trim(messages, budget);
    history.dropped += total - loaded;
    Ok(history)
}

/// The newest whole exchanges of `messages` (oldest first) that fit `budget`.
pub fn trim(messages: Vec<ChatMessage>, budget: usize) -> History {
    // Groups: a user or assistant message with the tool results that follow it.
    let mut groups: Vec<Vec<ChatMessage>> = Vec::new();
    for message in messages {
        match (message.role, groups.last_mut()) {
            (Role::Tool, Some(group)) => group.push(message),
            _ => groups.push(vec![message]),
        }
    }
    let mut kept: Vec<Vec<ChatMessage>> = Vec::new();
    let mut tokens = 0;
    let mut dropped = 0;
    let mut full = false;
    for group in groups.into_iter().rev() {
        let cost: usize = group.iter().map(estimate).sum();
        // A group of tool results without their call (its call was cut off) never goes.
        let orphan = group[0].role == Role::Tool;
        if full || orphan || tokens + cost > budget {
            full = true;
            dropped += group.len();
            continue;
        }
        tokens += cost;
        kept.push(group);
    }
    kept.reverse();
    History {
        messages: kept.into_iter().flatten().collect(),
        dropped,
        tokens,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(id: &str) -> ToolCall {
        ToolCall {
            id: id.into(),
            name: "calculator".into(),
            arguments: "{}".into(),
        }
    }

    #[test]
    fn trims_oldest_whole_exchanges() {
        let long = "x".repeat(400);
        let messages = vec![
            ChatMessage::user(long.clone()),
            ChatMessage::assistant("", vec![call("a")]),
            ChatMessage::tool("a", long.clone()),
            ChatMessage::assistant("done", vec![]),
            ChatMessage::user("again"),
            ChatMessage::assistant("ok", vec![]),
        ];
        let all: usize = messages.iter().map(estimate).sum();
        assert_eq!(trim(messages.clone(), all).dropped, 0);
        // Room for the last three and part of the tool exchange: the exchange goes whole.
        let h = trim(messages, 40);
        assert_eq!(h.dropped, 3);
        assert_eq!(h.messages.len(), 3);
        assert_eq!(h.messages[0].content, "done");
        assert!(h.tokens <= 40);
    }

    #[test]
    fn results_without_their_call_are_dropped() {
        let h = trim(
            vec![ChatMessage::tool("a", "1"), ChatMessage::user("hi")],
            1000,
        );
        assert_eq!(h.dropped, 1);
        assert_eq!(h.messages, vec![ChatMessage::user("hi")]);
    }
}
