//! Runner request and response bodies.

pub use super::approval::Approval;
use crate::page::named_page;
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::Violation;
pub use crate::ids::{NAME_PATTERN, valid_name};
use crate::llm::StructuredOutput;

pub const MAX_TIMEOUT_SECONDS: u32 = 24 * 3600;
pub const MAX_ATTEMPTS: u32 = 20;
pub const MAX_TURNS: u32 = 100;
pub const MAX_REPAIR_TURNS: u32 = 10;
pub const MAX_TOOL_TIMEOUT_SECONDS: u32 = 3600;
pub const MIN_CONTEXT_TOKENS: u32 = 256;
pub const MAX_CONTEXT_TOKENS: u32 = 10_000_000;
pub const MAX_INPUT_TIMEOUT_SECONDS: u32 = 30 * 24 * 3600;

/// A runner definition, as registered (`POST /v1/runners`) or replaced (`PUT`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RunnerInput {
    /// Slug: lowercase letters, digits, `_` and `-`, at most 63 characters, starting with a
    /// letter or digit. Required on `POST`; a `PUT` takes it from the path (a body `name`
    /// other than the path's is a 422), so it is documented on `POST` only.
    #[schema(ignore)]
    pub name: Option<String>,
    /// Display title; defaults to the name.
    pub title: Option<String>,
    #[serde(default)]
    pub description: String,
    /// JSON Schema the task arguments must satisfy. Defaults to any object.
    #[serde(default = "any_object")]
    #[schema(schema_with = crate::wire_schema::json_schema)]
    pub input_schema: Value,
    /// JSON Schema the task output must satisfy; without it the output is the model's text.
    #[schema(schema_with = crate::wire_schema::optional_json_schema)]
    pub output_schema: Option<Value>,
    /// Instructions given to the model as its system prompt, in order.
    #[serde(default)]
    pub rules: Vec<String>,
    /// `mock`, `provider/model` for a configured provider, or a model alias (`GET
    /// /v1/models/aliases`): the runner follows the alias.
    #[serde(default = "default_model")]
    #[schema(example = "mock", min_length = 1)]
    pub model: String,
    /// Provider settings (temperature, max_tokens, …); a task's keys override these.
    /// For `mock`, `model_settings.mock` scripts the reply (see the README).
    #[serde(default)]
    #[schema(value_type = Object)]
    pub model_settings: Map<String, Value>,
    /// Wall-clock limit of one attempt.
    #[serde(
        default = "default_timeout",
        deserialize_with = "crate::json::whole_u32"
    )]
    #[schema(minimum = 1, maximum = 86400, example = 300)]
    pub timeout_seconds: u32,
    /// Attempts before a task fails for good (crashed workers and retryable errors).
    #[serde(
        default = "default_attempts",
        deserialize_with = "crate::json::whole_u32"
    )]
    #[schema(minimum = 1, maximum = 20, example = 3)]
    pub max_attempts: u32,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Tools offered to the model as functions.
    #[serde(default)]
    #[schema(example = json!(["calculator"]), schema_with = crate::wire_schema::toolkits)]
    pub toolkits: Vec<String>,
    /// Tools whose calls wait for a person's approval (the task goes `input_required` with
    /// an `input_request` of kind `approval`).
    #[serde(default)]
    pub approval: Approval,
    /// Model calls one attempt may make (repair turns not counted); reaching it with
    /// tool calls still pending fails the task with `max_turns_exceeded`.
    #[serde(
        default = "default_max_turns",
        deserialize_with = "crate::json::whole_u32"
    )]
    #[schema(minimum = 1, maximum = 100, example = 10)]
    pub max_turns: u32,
    /// Extra model calls that feed output-schema violations back to the model before the
    /// task fails with `output_invalid`.
    #[serde(
        default = "default_repair_turns",
        deserialize_with = "crate::json::whole_u32"
    )]
    #[schema(minimum = 0, maximum = 10, example = 2)]
    pub repair_turns: u32,
    /// How the output schema is requested: `auto` (the default: the strongest mode the
    /// provider accepts, found by trying and remembered per model), or a fixed
    /// `json_schema` (strict when the schema allows it), `json_object` or `prompt`
    /// (the schema in the instructions only; `off` is accepted as a synonym).
    #[serde(default)]
    pub structured_output: StructuredOutput,
    /// Limit of one tool call.
    #[serde(
        default = "default_tool_timeout",
        deserialize_with = "crate::json::whole_u32"
    )]
    #[schema(minimum = 1, maximum = 3600, example = 60)]
    pub tool_timeout_seconds: u32,
    /// The prompt budget of a task on a thread, in tokens (estimated at about four
    /// characters a token): the thread's history is trimmed, oldest exchanges first, to fit
    /// it with the rules and the task's own message.
    #[serde(
        default = "default_context_tokens",
        deserialize_with = "crate::json::whole_u32"
    )]
    #[schema(minimum = 256, maximum = 10000000, example = 32000)]
    pub context_tokens: u32,
    /// How long a question the model asks a person (`ask_human`) waits for its answer
    /// before the task fails with `input_timeout`; a task may set its own.
    #[serde(
        default = "default_input_timeout",
        deserialize_with = "crate::json::whole_u32"
    )]
    #[schema(minimum = 1, maximum = 2592000, example = 86400)]
    pub input_timeout_seconds: u32,
    /// A queue this runner consumes: each message of `/v1/queues/{queue}` becomes a task of
    /// this runner with the message's payload as its arguments (runners on one queue
    /// compete for its messages).
    #[schema(pattern = r"^[a-z0-9][a-z0-9_-]{0,62}$", example = "inbox")]
    pub queue: Option<String>,
}

/// `RunnerInput` with `name` required: the body of `POST /v1/runners` (a `PUT` takes the
/// name from its path). Only a schema; the handler reads a `RunnerInput`.
pub struct NewRunner;

impl utoipa::PartialSchema for NewRunner {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::RefOr;
        use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
        // A copy of `RunnerInput` with `name` added (an `allOf` cannot add a property to
        // an object that forbids unknown ones).
        let mut schema = <RunnerInput as utoipa::PartialSchema>::schema();
        if let RefOr::T(Schema::Object(object)) = &mut schema {
            let name = ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(NAME_PATTERN))
                .description(Some(
                    "Slug: lowercase letters, digits, `_` and `-`, at most 63 characters, \
                     starting with a letter or digit.",
                ))
                .examples(["summarize"])
                .build();
            object.properties.insert("name".into(), name.into());
            object.required.push("name".into());
        }
        schema
    }
}

impl utoipa::ToSchema for NewRunner {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        use utoipa::PartialSchema;
        schemas.push(("RunnerInput".into(), RunnerInput::schema()));
        <RunnerInput as ToSchema>::schemas(schemas);
    }
}

fn default_max_turns() -> u32 {
    10
}
fn default_repair_turns() -> u32 {
    2
}
fn default_tool_timeout() -> u32 {
    60
}
fn default_context_tokens() -> u32 {
    32_000
}
fn default_input_timeout() -> u32 {
    86_400
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
// Read straight from `runners` joined with the version's row (`FromRow`): one shape for the
// stored runner and the answer.
#[derive(Debug, Clone, Serialize, ToSchema, sqlx::FromRow)]
pub struct Runner {
    pub id: Uuid,
    pub name: String,
    /// Starts at 1; every change made with `PUT` adds one.
    pub version: i32,
    pub title: String,
    pub description: String,
    #[schema(schema_with = crate::wire_schema::json_schema)]
    pub input_schema: Value,
    #[schema(schema_with = crate::wire_schema::optional_json_schema)]
    pub output_schema: Option<Value>,
    #[sqlx(json)]
    pub rules: Vec<String>,
    pub model: String,
    #[schema(value_type = Object)]
    #[sqlx(json)]
    pub model_settings: Map<String, Value>,
    pub timeout_seconds: i32,
    pub max_attempts: i32,
    #[sqlx(json)]
    pub labels: BTreeMap<String, String>,
    #[sqlx(json)]
    pub toolkits: Vec<String>,
    /// Tools whose calls wait for a person's approval.
    #[sqlx(json)]
    pub approval: Approval,
    pub max_turns: i32,
    pub repair_turns: i32,
    #[sqlx(try_from = "String")]
    pub structured_output: StructuredOutput,
    pub tool_timeout_seconds: i32,
    pub context_tokens: i32,
    pub input_timeout_seconds: i32,
    /// The queue it consumes, if any.
    pub queue: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

named_page!(RunnerPage = CursorPage<Runner>, about: Some("One page of runners, ordered by name."), cursor: Some("Pass as `cursor` to get the next page; `null` on the last page."));

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
    pub toolkits: Vec<String>,
    pub approval: Approval,
    pub max_turns: i32,
    pub repair_turns: i32,
    pub structured_output: StructuredOutput,
    pub tool_timeout_seconds: i32,
    pub context_tokens: i32,
    pub input_timeout_seconds: i32,
    pub queue: Option<String>,
}

impl RunnerInput {
    /// Field checks other than the schemas; `name` is the slug from the path or body.
    pub fn field_violations(&self, name: &str) -> Vec<Violation> {
        let mut v = Vec::new();
        let mut add = |pointer: &str, message: String| v.push(Violation::new(pointer, message));
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
        if !(1..=MAX_TURNS).contains(&self.max_turns) {
            add("/max_turns", format!("must be between 1 and {MAX_TURNS}"));
        }
        if self.repair_turns > MAX_REPAIR_TURNS {
            add(
                "/repair_turns",
                format!("must be between 0 and {MAX_REPAIR_TURNS}"),
            );
        }
        if !(1..=MAX_TOOL_TIMEOUT_SECONDS).contains(&self.tool_timeout_seconds) {
            add(
                "/tool_timeout_seconds",
                format!("must be between 1 and {MAX_TOOL_TIMEOUT_SECONDS}"),
            );
        }
        if !(MIN_CONTEXT_TOKENS..=MAX_CONTEXT_TOKENS).contains(&self.context_tokens) {
            add(
                "/context_tokens",
                format!("must be between {MIN_CONTEXT_TOKENS} and {MAX_CONTEXT_TOKENS}"),
            );
        }
        if !(1..=MAX_INPUT_TIMEOUT_SECONDS).contains(&self.input_timeout_seconds) {
            add(
                "/input_timeout_seconds",
                format!("must be between 1 and {MAX_INPUT_TIMEOUT_SECONDS}"),
            );
        }
        if self.model.trim().is_empty() {
            add("/model", "must not be empty".into());
        }
        if let Some(queue) = &self.queue
            && !valid_name(queue)
        {
            add(
                "/queue",
                format!(
                    "{queue:?} is not a queue name: use a-z, 0-9, '_' and '-', at most 63 characters"
                ),
            );
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
            toolkits: self.toolkits,
            approval: self.approval,
            max_turns: self.max_turns as i32,
            repair_turns: self.repair_turns as i32,
            structured_output: self.structured_output,
            tool_timeout_seconds: self.tool_timeout_seconds as i32,
            context_tokens: self.context_tokens as i32,
            input_timeout_seconds: self.input_timeout_seconds as i32,
            queue: self.queue,
        }
    }
}
