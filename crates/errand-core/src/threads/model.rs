//! Thread request and response bodies.

use crate::page::named_page;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::conversation::ToolCall;
use crate::error::Violation;

/// What a thread key looks like: a path-like name such as `support/ticket-123`.
pub const KEY_PATTERN: &str = r"^[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,254}$";

/// Whether `key` matches `KEY_PATTERN`.
pub fn valid_key(key: &str) -> bool {
    let mut chars = key.chars();
    key.len() <= 255
        && chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || "._:@/+=-".contains(c))
}

/// Whether `text` reads as a UUID: a thread named so is found by id, so no key may look
/// like one (it would shadow, or be shadowed by, another thread's id).
pub fn looks_like_id(text: &str) -> bool {
    Uuid::parse_str(text).is_ok()
}

pub fn key_violation(pointer: &str, key: &str) -> Option<Violation> {
    if looks_like_id(key) {
        return Some(Violation::new(
            pointer,
            "must not be a UUID: a thread is found by its id or its key, and a key shaped \
             like an id would shadow one",
        ));
    }
    (!valid_key(key)).then(|| {
        Violation::new(
            pointer,
            "must be 1 to 255 characters: letters, digits and . _ : @ / + = -, starting with a \
             letter or digit",
        )
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ThreadStatus {
    /// No task is queued, running or waiting, and the last one did not fail.
    Idle,
    /// A task is queued or running.
    Busy,
    /// A task waits for an answer (`POST /v1/tasks/{id}/input`).
    InputRequired,
    /// The last task failed or timed out.
    Error,
}

impl ThreadStatus {
    pub const ALL: [ThreadStatus; 4] = [Self::Idle, Self::Busy, Self::InputRequired, Self::Error];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Idle => "idle",
            Self::Busy => "busy",
            Self::InputRequired => "input_required",
            Self::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

/// A conversation that persists across tasks.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Thread {
    pub id: Uuid,
    /// The caller's own unique name for the thread, if it has one.
    pub key: Option<String>,
    #[schema(value_type = Object)]
    pub metadata: Map<String, Value>,
    pub status: ThreadStatus,
    /// Messages in the thread.
    pub message_count: i32,
    /// The seq of the thread's latest event (`GET /v1/threads/{id}/events`).
    pub last_event_seq: i64,
    pub created_at: DateTime<Utc>,
    /// When a task of the thread last changed state, or the thread itself changed.
    pub updated_at: DateTime<Utc>,
}

/// Body of `POST /v1/threads`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateThread {
    /// A unique name for the thread in the project (such as `support/ticket-123`), so it
    /// can be found without its id; never a UUID (that is how ids read).
    #[schema(pattern = r"^[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,254}$")]
    pub key: Option<String>,
    /// Any JSON object (at most 16 KiB); lists filter on it.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub metadata: Map<String, Value>,
}

/// Body of `PATCH /v1/threads/{id}`: every field is optional.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateThread {
    /// A new key (never a UUID); `null` removes it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, pattern = r"^[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,254}$")]
    pub key: Option<Option<String>>,
    /// Merged into the metadata key by key (JSON merge patch): a `null` value removes
    /// that key.
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Map<String, Value>>,
}

/// Tells a field sent as `null` (`Some(None)`) from one left out (`None`).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// Metadata larger than this (as JSON text) is refused.
pub const MAX_METADATA_BYTES: usize = 16 * 1024;

pub fn metadata_violation(pointer: &str, metadata: &Map<String, Value>) -> Option<Violation> {
    let size = serde_json::to_string(metadata).map_or(0, |s| s.len());
    (size > MAX_METADATA_BYTES).then(|| {
        Violation::new(
            pointer,
            format!("must be at most {MAX_METADATA_BYTES} bytes as JSON, not {size}"),
        )
    })
}

named_page!(ThreadPage = CursorPage<Thread>, about: Some("One page of threads, newest first."), cursor: Some("Pass as `cursor` to get the next page; `null` on the last page."));

/// Filters of `GET /v1/threads`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ThreadFilter {
    /// Only threads in this status.
    pub status: Option<ThreadStatus>,
    /// Only threads whose metadata contains this JSON object (e.g. `{"customer":"acme"}`).
    pub metadata: Option<String>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page: threads older than this one.
    pub cursor: Option<Uuid>,
}

/// Query naming a thread by its key.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct KeyQuery {
    /// The thread's key.
    #[param(pattern = r"^[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,254}$")]
    pub key: String,
}

/// Who said a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum MessageRole {
    User,
    Assistant,
    Tool,
}

/// One message of a thread.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ThreadMessage {
    /// The message's place in the thread, from 1.
    pub seq: i32,
    pub role: MessageRole,
    pub content: String,
    /// Assistant messages: the tool calls the model made.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Object>)]
    pub tool_calls: Vec<ToolCall>,
    /// Tool messages: the call this is the result of.
    pub tool_call_id: Option<String>,
    /// The task that wrote the message.
    pub task_id: Uuid,
    /// The task's step that produced it (`GET /v1/tasks/{id}/steps`); `null` for the
    /// task's user message and for text streamed before a cancel.
    pub step_index: Option<i32>,
    /// Text a model call had streamed when its task was cancelled: not a finished reply.
    pub partial: bool,
    pub created_at: DateTime<Utc>,
}

named_page!(MessagePage = LogPage<ThreadMessage, i32>, about: "A page of a thread's messages.", position: Int32);

/// Query of `GET /v1/threads/{id}/messages`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MessageQuery {
    /// Return messages with `seq` greater than this (default 0: from the first).
    #[param(minimum = 0)]
    pub after: Option<i32>,
    /// Page size, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
}

named_page!(ThreadEventPage = LogPage<crate::events::ThreadEvent, i64>, about: "A page of a thread's event log.", position: Int64);
