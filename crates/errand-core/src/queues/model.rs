//! Queues and their messages as the API shows them, and the bodies that change them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::page::named_page;

/// Where a message is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MessageStatus {
    /// Waiting for a consumer (perhaps until `run_after`).
    Pending,
    /// Received by an external consumer, until it acks or nacks it or `lease_expires_at`.
    Leased,
    /// A task of a runner bound to the queue works on it (`task_id`).
    Running,
    /// Acked, or its task succeeded.
    Done,
    /// Dead-lettered: its payload broke the runner's input schema, its task did not
    /// succeed, or it was delivered `max_deliveries` times (`last_error` says which).
    Dead,
}

impl MessageStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Leased => "leased",
            Self::Running => "running",
            Self::Done => "done",
            Self::Dead => "dead",
        }
    }
}

impl TryFrom<String> for MessageStatus {
    type Error = String;

    fn try_from(s: String) -> Result<Self, String> {
        serde_json::from_value(Value::String(s.clone()))
            .map_err(|_| format!("unknown message status {s:?}"))
    }
}

/// A message of a queue.
#[derive(Debug, Clone, Serialize, ToSchema, sqlx::FromRow)]
pub struct Message {
    pub id: Uuid,
    /// The queue's name.
    pub queue: String,
    #[schema(schema_with = crate::wire_schema::any_value)]
    pub payload: Value,
    #[sqlx(try_from = "String")]
    pub status: MessageStatus,
    pub concurrency_key: Option<String>,
    /// Not handed to a consumer before this.
    pub run_after: DateTime<Utc>,
    /// 0 (lowest) to 9 (highest).
    #[sqlx(try_from = "i16")]
    pub priority: u8,
    /// Tasks started or leases given for it so far.
    pub deliveries: i32,
    /// Until when the current lease holds (`leased` only).
    pub lease_expires_at: Option<DateTime<Utc>>,
    /// The task made of it (`running`, or after).
    pub task_id: Option<Uuid>,
    /// The runner whose task that is.
    pub runner: Option<String>,
    /// Why it was dead-lettered or last nacked: `{code, message, errors?, task_id?}`.
    #[schema(schema_with = crate::wire_schema::any_value)]
    pub last_error: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

named_page!(MessagePage = CursorPage<Message>, about: Some("One page of a queue's messages, oldest first."), cursor: Some("Pass as `cursor` for the next page; `null` on the last."));

/// A message handed to an external consumer, with the receipt that acks or nacks it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReceivedMessage {
    #[serde(flatten)]
    pub message: Message,
    /// Send with `ack` or `nack`; a lease that expired and went to another consumer has
    /// a new receipt, and the old one is refused (409 `lease_lost`).
    pub receipt: Uuid,
}

/// What `receive` handed out.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Received {
    /// Up to `max` messages, oldest first and fairly across concurrency keys; empty when
    /// none came within `wait`.
    pub messages: Vec<ReceivedMessage>,
}

/// Body of `POST /v1/queues/{name}/messages`.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostMessage {
    /// Any JSON: a bound runner's task gets it as its arguments.
    #[schema(schema_with = crate::wire_schema::any_value)]
    pub payload: Value,
    /// Hand it to no consumer before this time.
    pub run_after: Option<DateTime<Utc>>,
    /// Messages with the same key are worked on at most `concurrency_limit` at a time, in
    /// order; keys take turns.
    #[schema(min_length = 1, max_length = 255)]
    pub concurrency_key: Option<String>,
    /// 0 (lowest) to 9 (highest), default 5: handed out (and its task claimed) in priority
    /// order with aging, as a task's `priority`.
    #[serde(
        default,
        deserialize_with = "crate::tasks::priority::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(minimum = 0, maximum = 9)]
    pub priority: Option<u32>,
}

/// A queue with its depth and consumers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Queue {
    pub name: String,
    /// Messages worked on at once per `concurrency_key` (tasks running or leases held).
    pub concurrency_limit: i32,
    /// How long a received message stays leased without an ack or nack.
    pub visibility_timeout_seconds: i32,
    /// Deliveries before a message is dead-lettered.
    pub max_deliveries: i32,
    pub depth: QueueDepth,
    /// How long the longest-waiting due message has waited (since it was posted, or since
    /// its `run_after` if later), in seconds; `null` when none is due.
    pub oldest_pending_age_seconds: Option<f64>,
    pub consumers: Consumers,
    pub created_at: DateTime<Utc>,
}

/// Messages of a queue by status (done ones are not counted).
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct QueueDepth {
    /// Waiting, due or not.
    pub pending: i64,
    /// Of those, not due yet (`run_after` in the future).
    pub delayed: i64,
    pub leased: i64,
    pub running: i64,
    pub dead: i64,
}

/// Who takes a queue's messages.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Consumers {
    /// Runners bound to it (`queue` of their current version), by name.
    pub runners: Vec<String>,
    /// When an external consumer last called `receive`.
    pub last_receive_at: Option<DateTime<Utc>>,
}

named_page!(QueuePage = CursorPage<Queue>, about: Some("One page of queues, by name."), cursor: Some("Pass as `cursor` for the next page; `null` on the last."));

/// Body of `PUT /v1/queues/{name}`: the queue's settings (omitted ones keep their value,
/// or the default for a new queue).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QueueSettingsInput {
    #[schema(minimum = 1, maximum = 10000)]
    #[serde(default, deserialize_with = "crate::json::optional_whole_u32")]
    pub concurrency_limit: Option<u32>,
    #[schema(minimum = 1, maximum = 43200)]
    #[serde(default, deserialize_with = "crate::json::optional_whole_u32")]
    pub visibility_timeout_seconds: Option<u32>,
    #[schema(minimum = 1, maximum = 100)]
    #[serde(default, deserialize_with = "crate::json::optional_whole_u32")]
    pub max_deliveries: Option<u32>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MessageQuery {
    /// Only messages in this status.
    #[param(inline)]
    pub status: Option<MessageStatus>,
    /// Page size, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(pattern = r"^[0-9]{1,18}$")]
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReceiveQuery {
    /// Seconds to wait for a message when none is ready (long polling; 0: answer at once;
    /// at most `server.max_wait_seconds`).
    #[param(minimum = 0, maximum = 60)]
    pub wait: Option<u64>,
    /// Messages to take at most, 1 to 100 (default 1).
    #[param(minimum = 1, maximum = 100)]
    pub max: Option<u32>,
}

/// Body of `ack`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AckMessage {
    /// The `receipt` `receive` gave.
    pub receipt: Uuid,
}

/// Body of `nack`: the message goes back to the queue (or is dead-lettered after
/// `max_deliveries`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NackMessage {
    pub receipt: Uuid,
    /// Wait this long before handing it out again; default: exponential back-off
    /// (`queues.nack_backoff_seconds` doubled per delivery, at most
    /// `queues.nack_backoff_max_seconds`).
    #[schema(minimum = 0, maximum = 86400)]
    #[serde(default, deserialize_with = "crate::json::optional_whole_u32")]
    pub delay_seconds: Option<u32>,
    /// Why, kept in the message's `last_error`.
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
}

/// Body of a redrive: the dead letters to send back (all of the queue's when omitted).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RedriveMessages {
    #[schema(max_items = 1000)]
    pub ids: Option<Vec<Uuid>>,
}

/// What a redrive did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Redriven {
    /// Dead letters made pending again.
    pub redriven: u64,
}
