//! Tools as they are listed, and what a call of one produced.

use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

/// A tool as `GET /v1/models` lists it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ToolInfo {
    pub name: String,
    pub description: String,
    #[schema(value_type = Object)]
    pub input_schema: Value,
}

/// What a tool call produced, as journaled (`{"output": …}` or `{"error": …}`) and as the
/// model sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum ToolResult {
    Output(Value),
    Error(String),
}

impl ToolResult {
    pub fn to_json(&self) -> Value {
        match self {
            Self::Output(v) => json!({"output": v}),
            Self::Error(e) => json!({"error": e}),
        }
    }

    pub fn from_json(v: &Value) -> Self {
        match v.get("error").and_then(Value::as_str) {
            Some(e) => Self::Error(e.to_owned()),
            None => Self::Output(v.get("output").cloned().unwrap_or(Value::Null)),
        }
    }

    /// The tool message content: a string output as it is, other output as JSON, an
    /// error as `error: …`.
    pub fn content(&self) -> String {
        match self {
            Self::Output(Value::String(s)) => s.clone(),
            Self::Output(v) => v.to_string(),
            Self::Error(e) => format!("error: {e}"),
        }
    }
}
