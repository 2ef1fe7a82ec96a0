//! Webhook endpoints and deliveries as the API shows them, and the bodies that change
//! them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::page::named_page;

/// An event an endpoint can subscribe to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum WebhookEvent {
    #[serde(rename = "task.succeeded")]
    TaskSucceeded,
    #[serde(rename = "task.failed")]
    TaskFailed,
    #[serde(rename = "task.cancelled")]
    TaskCancelled,
    #[serde(rename = "task.timed_out")]
    TaskTimedOut,
    #[serde(rename = "task.input_required")]
    TaskInputRequired,
    #[serde(rename = "schedule.fired")]
    ScheduleFired,
}

impl WebhookEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TaskSucceeded => "task.succeeded",
            Self::TaskFailed => "task.failed",
            Self::TaskCancelled => "task.cancelled",
            Self::TaskTimedOut => "task.timed_out",
            Self::TaskInputRequired => "task.input_required",
            Self::ScheduleFired => "schedule.fired",
        }
    }
}

/// A webhook endpoint (its secret is shown when made or rotated, never after).
#[derive(Debug, Clone, Serialize, ToSchema, sqlx::FromRow)]
pub struct Webhook {
    pub id: Uuid,
    pub url: String,
    /// The event types it receives.
    pub events: Vec<String>,
    pub description: Option<String>,
    pub enabled: bool,
    /// Why it was disabled: it answered 410, or every try failed for
    /// `webhooks.disable_after_hours`, or a `PATCH` turned it off.
    pub disabled_reason: Option<String>,
    /// Since when every try has failed (`null` while it answers 2xx).
    pub failing_since: Option<DateTime<Utc>>,
    /// Until when the secret before the last rotation still signs too.
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A new endpoint, or a rotated one, with its secret: shown this once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookWithSecret {
    #[serde(flatten)]
    pub webhook: Webhook,
    /// `whsec_…`: verify each delivery's `webhook-signature` with it (any Standard Webhooks
    /// library does).
    pub secret: String,
}

named_page!(WebhookPage = CursorPage<Webhook>, about: Some("One page of webhook endpoints, newest first."), cursor: Some("Pass as `cursor` for the next page; `null` on the last."));

/// Body of `POST /v1/webhooks`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWebhook {
    /// Where deliveries are POSTed: http or https; a loopback or private address only when
    /// `ERRAND_FETCH_ALLOW_HOSTS` permits it.
    #[schema(
        min_length = 1,
        max_length = 2048,
        format = "uri",
        pattern = "^https?://"
    )]
    pub url: String,
    /// One or more event types.
    #[schema(min_items = 1, max_items = 6)]
    pub events: Vec<WebhookEvent>,
    #[schema(max_length = 500)]
    pub description: Option<String>,
}

/// Body of `PATCH /v1/webhooks/{id}`: what it names changes.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookChange {
    #[schema(
        min_length = 1,
        max_length = 2048,
        format = "uri",
        pattern = "^https?://"
    )]
    pub url: Option<String>,
    #[schema(min_items = 1, max_items = 6)]
    pub events: Option<Vec<WebhookEvent>>,
    #[schema(max_length = 500)]
    pub description: Option<String>,
    /// `true` enables it again (clearing `disabled_reason`); `false` disables it.
    pub enabled: Option<bool>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct WebhookQuery {
    /// Page size, 1 to 100 (default 100).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<Uuid>,
}

/// One delivery: an event for one endpoint, and how sending it went.
#[derive(Debug, Clone, Serialize, ToSchema, sqlx::FromRow)]
pub struct Delivery {
    /// Also its `webhook-id` header, as `msg_` and this id without dashes: the same on every
    /// try, so a receiver can drop a repeat.
    pub id: Uuid,
    pub event_type: String,
    /// The body sent: `{"type", "timestamp", "data"}`.
    #[schema(schema_with = crate::wire_schema::any_value)]
    pub payload: Value,
    /// `pending` (waiting for its next try), `sending`, `succeeded`, or `failed` (given up,
    /// or its endpoint disabled).
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

named_page!(DeliveryPage = CursorPage<Delivery>, about: Some("One page of deliveries, newest first."), cursor: Some("Pass as `cursor` for the next page; `null` on the last."));

/// One try of a delivery.
#[derive(Debug, Clone, Serialize, ToSchema, sqlx::FromRow)]
pub struct Attempt {
    pub n: i32,
    pub attempted_at: DateTime<Utc>,
    /// The receiver's status, when it answered.
    pub status_code: Option<i32>,
    /// The start of its answer (`webhooks.response_bytes`).
    pub response: Option<String>,
    /// Why no answer came (refused address, timeout, connection error).
    pub error: Option<String>,
    pub duration_ms: i64,
}

/// A delivery with every try.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeliveryDetail {
    #[serde(flatten)]
    pub delivery: Delivery,
    pub attempt_log: Vec<Attempt>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeliveryQuery {
    /// Only deliveries in this status.
    #[param(pattern = "^(pending|sending|succeeded|failed)$")]
    pub status: Option<String>,
    /// Page size, 1 to 100 (default 100).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<Uuid>,
}
