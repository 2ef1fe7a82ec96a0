//! How `/v1/tools` shows a tool: Errand's own shape, an OpenAI `tools` entry (strict where
//! the schema allows), or an MCP tool.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};

use super::catalog::Entry;
use super::http_tool::HttpToolDef;
use crate::llm::wire::strict_compatible;

/// What kind of tool it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ToolKind {
    Builtin,
    Http,
    Runner,
}

/// A tool as Errand lists it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ToolEntry {
    pub name: String,
    pub kind: ToolKind,
    pub description: String,
    #[schema(schema_with = crate::wire_schema::json_schema)]
    pub input_schema: Value,
    #[schema(schema_with = crate::wire_schema::optional_json_schema)]
    pub output_schema: Option<Value>,
    /// Calling it changes nothing outside Errand (for a runner: none of its tools, nor its
    /// runners' tools, can).
    pub read_only: bool,
    /// An HTTP tool's definition (secret header values by name only).
    pub http: Option<HttpToolDef>,
    /// A runner tool's runner.
    pub runner: Option<String>,
}

impl ToolEntry {
    pub fn new(entry: &Entry, read_only: bool) -> Self {
        let spec = entry.spec();
        let (kind, http, runner) = match entry {
            Entry::Builtin(_) => (ToolKind::Builtin, None, None),
            Entry::Http(def) => (ToolKind::Http, Some((**def).clone()), None),
            Entry::Runner(r) => (ToolKind::Runner, None, Some(r.name.clone())),
        };
        Self {
            name: spec.name,
            kind,
            description: spec.description,
            input_schema: spec.parameters,
            output_schema: entry.output_schema().cloned(),
            read_only,
            http,
            runner,
        }
    }

    /// An entry of OpenAI's `tools` array.
    pub fn openai(&self) -> Value {
        json!({"type": "function", "function": {
            "name": self.name,
            "description": self.description,
            "parameters": as_object(&self.input_schema),
            "strict": strict_compatible(&self.input_schema),
        }})
    }

    /// An MCP tool (`tools/list`). A runner's tool may run as an MCP task; an output schema
    /// is given only when it describes an object, as MCP requires.
    pub fn mcp(&self) -> Value {
        let mut tool = json!({
            "name": self.name,
            "description": self.description,
            "inputSchema": as_object(&self.input_schema),
            "annotations": {
                "readOnlyHint": self.read_only,
                "openWorldHint": self.kind != ToolKind::Builtin || self.name == "http_fetch",
            },
        });
        if let Some(schema) = &self.output_schema
            && schema.get("type") == Some(&json!("object"))
        {
            tool["outputSchema"] = schema.clone();
        }
        if self.kind == ToolKind::Runner {
            tool["execution"] = json!({"taskSupport": "optional"});
        }
        tool
    }
}

/// A schema as an object, which OpenAI and MCP require: `true` (anything) becomes any
/// object, `false` (nothing) an object schema nothing satisfies.
fn as_object(schema: &Value) -> Value {
    match schema {
        Value::Bool(true) => json!({"type": "object"}),
        Value::Bool(false) => json!({"type": "object", "not": {}}),
        other => other.clone(),
    }
}

/// The shape of `GET /v1/tools`' items.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ToolFormat {
    #[default]
    Errand,
    Openai,
    Mcp,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ToolQuery {
    /// `errand` (the default), `openai` (each item an entry of OpenAI's `tools` array) or
    /// `mcp` (each item an MCP tool).
    #[param(inline)]
    pub format: Option<ToolFormat>,
    /// At most this many (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page: the last tool name it held.
    #[param(min_length = 1, max_length = 100)]
    pub cursor: Option<String>,
}

/// One page of tools, by name.
#[derive(Debug, Serialize, ToSchema)]
pub struct ToolPage {
    /// In the `format` asked for.
    #[schema(value_type = Vec<ListedTool>)]
    pub data: Vec<Value>,
    pub next_cursor: Option<String>,
}

/// A listed tool, in one of the three formats.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code, clippy::large_enum_variant)] // a schema only: the handler writes JSON values
pub enum ListedTool {
    Errand(ToolEntry),
    Openai(OpenaiTool),
    Mcp(McpTool),
}

/// An entry of OpenAI's `tools` array: `{"type": "function", "function": {...}}`.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct OpenaiTool {
    #[schema(example = "function")]
    r#type: String,
    #[schema(value_type = Object)]
    function: Value,
}

/// An MCP tool: `name`, `description`, `inputSchema`, and `outputSchema`, `annotations`
/// and `execution` where they apply.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct McpTool {
    name: String,
    description: String,
    #[serde(rename = "inputSchema")]
    #[schema(value_type = Object)]
    input_schema: Value,
}
