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

/// What stands in for the reply a message never got (its task failed or was cancelled
/// before answering), so the history never holds two user messages in a row unexplained.
pub const NO_REPLY: &str = "(No reply: the task for this message did not finish.)";

/// The newest whole exchanges of `messages` (oldest first) that fit `budget`. An exchange
/// is a user message and everything that answered it (replies, tool calls and results), so
/// the history always starts with a user message: what precedes the first one (the tail
/// of an exchange cut off by the database's read) is dropped, never sent on its own. A
/// user message left without a reply gets `NO_REPLY` after it.
pub fn trim(messages: Vec<ChatMessage>, budget: usize) -> History {
    let mut groups: Vec<Vec<ChatMessage>> = Vec::new();
    let mut dropped = 0;
    for message in messages {
        match (message.role, groups.last_mut()) {
            (Role::User, _) => groups.push(vec![message]),
            (_, Some(group)) => group.push(message),
            // Before any user message: the rest of an exchange whose start was not read.
            (_, None) => dropped += 1,
        }
    }
    for group in &mut groups {
        if group.len() == 1 {
            group.push(ChatMessage::assistant(NO_REPLY, vec![]));
        }
    }
    let mut kept: Vec<Vec<ChatMessage>> = Vec::new();
    let mut tokens = 0;
    let mut full = false;
    for group in groups.into_iter().rev() {
        let cost: usize = group.iter().map(estimate).sum();
        if full || tokens + cost > budget {
            full = true;
            // The note was not the thread's: only real messages count as dropped.
            dropped += group.iter().filter(|m| m.content != NO_REPLY).count();
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
        // Room for more than the last exchange but not the first one whole: the first
        // exchange goes whole, and the history starts with a user message.
        let h = trim(messages, 40);
        assert_eq!(h.dropped, 4);
        assert_eq!(
            h.messages,
            vec![
                ChatMessage::user("again"),
                ChatMessage::assistant("ok", vec![])
            ]
        );
        assert!(h.tokens <= 40);
    }

    #[test]
    fn the_history_never_starts_with_a_reply_or_a_result() {
        let h = trim(
            vec![
                ChatMessage::tool("a", "1"),
                ChatMessage::assistant("cut off", vec![]),
                ChatMessage::user("hi"),
                ChatMessage::assistant("hello", vec![]),
            ],
            1000,
        );
        assert_eq!(h.dropped, 2);
        assert_eq!(
            h.messages,
            vec![
                ChatMessage::user("hi"),
                ChatMessage::assistant("hello", vec![])
            ]
        );
    }

    #[test]
    fn a_message_that_got_no_reply_is_noted() {
        let h = trim(
            vec![
                ChatMessage::user("first, whose task failed"),
                ChatMessage::user("second"),
                ChatMessage::assistant("answer", vec![]),
            ],
            1000,
        );
        assert_eq!(h.dropped, 0);
        let roles: Vec<Role> = h.messages.iter().map(|m| m.role).collect();
        assert_eq!(
            roles,
            [Role::User, Role::Assistant, Role::User, Role::Assistant]
        );
        assert_eq!(h.messages[1].content, NO_REPLY);
    }
}
