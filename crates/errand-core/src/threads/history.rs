//! The history a task on a thread starts from: the thread's latest messages that fit the
//! runner's context budget. Trimming drops whole exchanges, oldest first: an assistant
//! message goes with the results of its tool calls, so the model never sees a call without
//! its result or a result without its call. The rules and the task's own message are never
//! dropped (the caller counts them against the budget first).

use sqlx::PgPool;
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
    seq: i32,
    role: String,
    content: String,
    tool_calls: Option<Json<Vec<ToolCall>>>,
    tool_call_id: Option<String>,
}

impl From<Row> for ChatMessage {
    fn from(r: Row) -> Self {
        ChatMessage {
            role: match r.role.as_str() {
                "assistant" => Role::Assistant,
                "tool" => Role::Tool,
                _ => Role::User,
            },
            content: r.content,
            tool_calls: r.tool_calls.map(|c| c.0).unwrap_or_default(),
            tool_call_id: r.tool_call_id,
        }
    }
}

/// Messages read in the first page; each further page is four times the one before.
const FIRST_PAGE: i64 = 64;

/// The thread's latest messages within `budget` estimated tokens. They are read newest
/// first, a page at a time down the primary key, until one crosses the budget: a task on
/// a thread of 100,000 messages reads what it sends and one page more, never the whole
/// thread (which summing over it in SQL did). `trim` then cuts at an exchange boundary.
/// A thread's `seq` runs 1, 2, … with no gaps (its messages are only ever deleted with
/// it), so the messages older than the oldest read are counted from its `seq`.
pub async fn load(pool: &PgPool, thread: Uuid, budget: usize) -> sqlx::Result<History> {
    let mut newest_first: Vec<ChatMessage> = Vec::new();
    let mut before = i32::MAX;
    let mut page = FIRST_PAGE;
    let mut tokens = 0;
    loop {
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT seq, role, content, tool_calls, tool_call_id FROM thread_messages
             WHERE thread_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3",
        )
        .bind(thread)
        .bind(before)
        .bind(page)
        .fetch_all(pool)
        .await?;
        let last_page = rows.len() < usize::try_from(page).unwrap_or(usize::MAX);
        for row in rows {
            before = row.seq;
            let message = ChatMessage::from(row);
            tokens += estimate(&message);
            newest_first.push(message);
            if tokens > budget {
                // The message that crossed the budget is kept for `trim` to see where
                // its exchange starts; nothing older can fit.
                return Ok(trimmed(newest_first, budget, before));
            }
        }
        if last_page {
            return Ok(trimmed(newest_first, budget, before));
        }
        page = page.saturating_mul(4);
    }
}

/// `trim` of the messages read (newest first), with the older ones not read counted as
/// dropped (`oldest` is the seq of the oldest read, `i32::MAX` when none was).
fn trimmed(mut newest_first: Vec<ChatMessage>, budget: usize, oldest: i32) -> History {
    let unread = if newest_first.is_empty() {
        0
    } else {
        usize::try_from(oldest.saturating_sub(1)).unwrap_or(0)
    };
    newest_first.reverse();
    let mut history = trim(newest_first, budget);
    history.dropped += unread;
    history
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
