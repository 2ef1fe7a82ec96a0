//! Triggers as the API shows them, the body that makes one, and what a delivery made.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::page::named_page;

/// What a delivery makes: a task of a runner (on a thread, if named), or a message on a
/// queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum TriggerTarget {
    Runner(HookRunnerTarget),
    Queue(HookQueueTarget),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
/// A task of `runner` per delivery.
pub struct HookRunnerTarget {
    #[schema(pattern = r"^[a-z0-9][a-z0-9_-]{0,62}$")]
    pub runner: String,
    /// A thread id or key every task continues (made on the first delivery if new).
    #[schema(min_length = 1, max_length = 255)]
    pub thread: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
/// A message on `queue` per delivery.
pub struct HookQueueTarget {
    #[schema(pattern = r"^[a-z0-9][a-z0-9_-]{0,62}$")]
    pub queue: String,
}

/// How a delivery proves it comes from the sender.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum Scheme {
    /// Standard Webhooks: `webhook-id`, `webhook-timestamp` (within 5 minutes) and
    /// `webhook-signature` (`v1,<base64>`, several space-separated accepted); the secret is
    /// `whsec_…`. The `webhook-id` makes a replay create nothing.
    #[serde(rename = "standard-webhooks")]
    StandardWebhooks,
    /// GitHub: `X-Hub-Signature-256: sha256=<hex>` over the body; `X-GitHub-Delivery` makes
    /// a redelivery create nothing.
    #[serde(rename = "github")]
    Github,
    /// A hex HMAC-SHA256 of the body (`sha256=` optional) in the header `signature_header`
    /// names.
    #[serde(rename = "hmac-sha256")]
    HmacSha256,
    /// No signature: the URL is the secret. Use only behind something that checks.
    #[serde(rename = "none")]
    None,
}

impl Scheme {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::StandardWebhooks => "standard-webhooks",
            Self::Github => "github",
            Self::HmacSha256 => "hmac-sha256",
            Self::None => "none",
        }
    }
}

impl TryFrom<String> for Scheme {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        serde_json::from_value(serde_json::Value::String(s)).map_err(|e| e.to_string())
    }
}

/// A trigger (its secret is shown once, when it is made).
#[derive(Debug, Clone, Serialize, ToSchema, sqlx::FromRow)]
pub struct Trigger {
    pub id: Uuid,
    pub name: Option<String>,
    /// Where a third party posts, with no API key: `/v1/hooks/{id}` on this server.
    #[sqlx(skip)]
    pub url: String,
    #[sqlx(json)]
    pub target: TriggerTarget,
    #[sqlx(try_from = "String")]
    pub scheme: Scheme,
    /// The header `hmac-sha256` reads.
    pub signature_header: Option<String>,
    /// Argument (or payload field) name → JSON pointer into the delivery's body; without
    /// a mapping the whole body is the arguments (or payload).
    #[sqlx(json(nullable))]
    pub mapping: Option<BTreeMap<String, String>>,
    pub enabled: bool,
    /// Deliveries that made a task or message.
    pub deliveries: i64,
    pub last_delivery_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A new trigger and its secret, shown this once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreatedTrigger {
    #[serde(flatten)]
    pub trigger: Trigger,
    /// The secret to give the sender (`whsec_…` for `standard-webhooks`); `null` for
    /// `none`. It is not shown again.
    pub secret: Option<String>,
}

named_page!(TriggerPage = CursorPage<Trigger>, about: Some("One page of triggers, newest first."), cursor: Some("Pass as `cursor` for the next page; `null` on the last."));

/// Body of `POST /v1/triggers`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTrigger {
    #[schema(max_length = 200)]
    pub name: Option<String>,
    pub target: TriggerTarget,
    pub scheme: Scheme,
    /// The header carrying the signature, for `hmac-sha256` (required there, refused
    /// elsewhere).
    #[schema(min_length = 1, max_length = 100, pattern = r"^[A-Za-z0-9-]+$")]
    pub signature_header: Option<String>,
    /// The sender's secret, for `github` and `hmac-sha256` when the sender chose it
    /// (16 to 200 characters); generated when omitted. `standard-webhooks` secrets are
    /// always generated.
    #[schema(min_length = 16, max_length = 200)]
    pub secret: Option<String>,
    /// Argument name → JSON pointer into the body (`{"repo": "/repository/full_name"}`);
    /// a pointer the body lacks leaves the argument out. At most 100 names.
    pub mapping: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TriggerQuery {
    /// Page size, 1 to 100 (default 100).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<Uuid>,
}

/// What a delivery made.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Delivered {
    /// The delivery's id (`webhook-id`, `X-GitHub-Delivery` or `Idempotency-Key`), when it
    /// had one.
    pub delivery_id: Option<String>,
    pub task_id: Option<Uuid>,
    pub message_id: Option<Uuid>,
    /// True when this delivery id was received before: nothing new was made.
    pub replayed: bool,
}
