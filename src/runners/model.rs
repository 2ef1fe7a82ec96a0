//! Runner request and response bodies.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::Violation;

pub const MAX_TIMEOUT_SECONDS: u32 = 24 * 3600;
pub const MAX_ATTEMPTS: u32 = 20;

/// A runner definition, as registered (`POST /v1/runners`) or replaced (`PUT`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RunnerInput {
    /// Slug: lowercase letters, digits, `_` and `-`, at most 63 characters, starting with a
    /// letter or digit. Required on `POST`; on `PUT` it may be omitted or must match the path.
    #[schema(example = "summarize")]
    pub name: Option<String>,
    /// Display title; defaults to the name.
    pub title: Option<String>,
    #[serde(default)]
    pub description: String,
    /// JSON Schema the task arguments must satisfy. Defaults to any object.
    #[serde(default = "any_object")]
    #[schema(value_type = Object)]
    pub input_schema: Value,
    /// JSON Schema the task output must satisfy; without it the output is the model's text.
    #[schema(value_type = Option<Object>)]
    pub output_schema: Option<Value>,
    /// Instructions given to the model as its system prompt, in order.
    #[serde(default)]
    pub rules: Vec<String>,
    /// `mock`, or `provider/model` for a configured provider.
    #[serde(default = "default_model")]
    #[schema(example = "mock")]
    pub model: String,
    /// Provider settings (temperature, max_tokens, …); a task's keys override these.
    /// For `mock`, `model_settings.mock` scripts the reply (see the README).
    #[serde(default)]
    #[schema(value_type = Object)]
    pub model_settings: Map<String, Value>,
    /// Wall-clock limit of one attempt.
    #[serde(default = "default_timeout")]
    #[schema(minimum = 1, maximum = 86400, example = 300)]
    pub timeout_seconds: u32,
    /// Attempts before a task fails for good (crashed workers and retryable errors).
    #[serde(default = "default_attempts")]
    #[schema(minimum = 1, maximum = 20, example = 3)]
    pub max_attempts: u32,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

fn any_object() -> Value {
    serde_json::json!({"type": "object"})
}
fn default_model() -> String {
    "mock".into()
}
fn default_timeout() -> u32 {
    300
}
fn default_attempts() -> u32 {
    3
}

/// A registered runner at its current version.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Runner {
    pub id: Uuid,
    pub name: String,
    /// Starts at 1; every change made with `PUT` adds one.
    pub version: i32,
    pub title: String,
    pub description: String,
    #[schema(value_type = Object)]
    pub input_schema: Value,
    #[schema(value_type = Option<Object>)]
    pub output_schema: Option<Value>,
    pub rules: Vec<String>,
    pub model: String,
    #[schema(value_type = Object)]
    pub model_settings: Map<String, Value>,
    pub timeout_seconds: i32,
    pub max_attempts: i32,
    pub labels: BTreeMap<String, String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One page of runners, ordered by name.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunnerPage {
    pub data: Vec<Runner>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// A checked definition, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct RunnerDefinition {
    pub name: String,
    pub title: String,
    pub description: String,
    pub input_schema: Value,
    pub output_schema: Option<Value>,
    pub rules: Vec<String>,
    pub model: String,
    pub model_settings: Map<String, Value>,
    pub timeout_seconds: i32,
    pub max_attempts: i32,
    pub labels: BTreeMap<String, String>,
}

pub fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && name.len() <= 63
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

impl RunnerInput {
    /// Field checks other than the schemas; `name` is the slug from the path or body.
    pub fn field_violations(&self, name: &str) -> Vec<Violation> {
        let mut v = Vec::new();
        let mut add = |pointer: &str, message: String| {
            v.push(Violation {
                pointer: pointer.into(),
                message,
            })
        };
        if !valid_name(name) {
            add(
                "/name",
                format!("{name:?} is not a slug: use a-z, 0-9, '_' and '-', at most 63 characters"),
            );
        }
        if !(1..=MAX_TIMEOUT_SECONDS).contains(&self.timeout_seconds) {
            add(
                "/timeout_seconds",
                format!("must be between 1 and {MAX_TIMEOUT_SECONDS}"),
            );
        }
        if !(1..=MAX_ATTEMPTS).contains(&self.max_attempts) {
            add(
                "/max_attempts",
                format!("must be between 1 and {MAX_ATTEMPTS}"),
            );
        }
        if self.model.trim().is_empty() {
            add("/model", "must not be empty".into());
        }
        v
    }

    pub fn into_definition(self, name: String) -> RunnerDefinition {
        RunnerDefinition {
            title: self.title.unwrap_or_else(|| name.clone()),
            name,
            description: self.description,
            input_schema: self.input_schema,
            output_schema: self.output_schema,
            rules: self.rules,
            model: self.model,
            model_settings: self.model_settings,
            // Range-checked by `field_violations` before conversion.
            timeout_seconds: self.timeout_seconds as i32,
            max_attempts: self.max_attempts as i32,
            labels: self.labels,
        }
    }
}
