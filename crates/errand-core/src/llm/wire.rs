//! The Chat Completions request we send: a streamed `POST /chat/completions` body, shaped
//! for the server it goes to (`assemble.rs` reads the reply).

use serde_json::{Map, Value, json};

use super::{CompletionRequest, StructuredOutput};
use crate::config::providers::ProviderKind;
use crate::conversation::{ChatMessage, Role};

/// Request keys Errand sets itself; `model_settings` may not override them.
pub const RESERVED_KEYS: &[&str] = &[
    "model",
    "messages",
    "stream",
    "stream_options",
    "tools",
    "response_format",
    "n",
];

/// How a request is shaped for one server.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// The structured-output mode to ask in.
    pub mode: StructuredOutput,
    /// Where the server reads a schema in `json_object` mode.
    pub kind: ProviderKind,
    /// Whether to send `stream_options.include_usage`.
    pub stream_usage: bool,
}

/// The body of a streamed `POST /chat/completions`, asking for structured output in
/// `shape.mode` the way a server of `shape.kind` understands it. `stream: true` is set here:
/// the bring-your-own-types call of async-openai does not set it.
pub fn request_body(request: &CompletionRequest, shape: Shape) -> Value {
    let Shape { mode, kind, .. } = shape;
    let mut body = Map::new();
    for (key, value) in &request.settings {
        if !RESERVED_KEYS.contains(&key.as_str()) && key != "mock" {
            body.insert(key.clone(), value.clone());
        }
    }
    body.insert("model".into(), json!(request.model));
    let mut messages: Vec<Value> = request.messages.iter().map(message).collect();
    if let Some(format) = &request.response_format
        && mode != StructuredOutput::JsonSchema
    {
        instruct(&mut messages, &format.schema);
    }
    body.insert("messages".into(), Value::Array(messages));
    body.insert("stream".into(), json!(true));
    if shape.stream_usage {
        body.insert("stream_options".into(), json!({"include_usage": true}));
    }
    if !request.tools.is_empty() {
        let tools: Vec<Value> = request
            .tools
            .iter()
            .map(|t| {
                json!({"type": "function", "function": {
                    "name": t.name, "description": t.description, "parameters": t.parameters
                }})
            })
            .collect();
        body.insert("tools".into(), Value::Array(tools));
    }
    if let Some(format) = &request.response_format {
        structured(&mut body, &format.schema, mode, kind);
    }
    Value::Object(body)
}

/// Tells the model the schema, where `response_format` cannot: in the system message.
fn instruct(messages: &mut Vec<Value>, schema: &Value) {
    let rule = format!(
        "Reply with only a JSON value (no prose, no code fences) valid against this JSON Schema: {schema}"
    );
    match messages.first_mut() {
        Some(first) if first["role"] == "system" => {
            let text = first["content"].as_str().unwrap_or_default();
            first["content"] = json!(format!("{text}\n{rule}"));
        }
        _ => messages.insert(0, json!({"role": "system", "content": rule})),
    }
}

fn message(m: &ChatMessage) -> Value {
    match m.role {
        Role::System => json!({"role": "system", "content": m.content}),
        Role::User => json!({"role": "user", "content": m.content}),
        Role::Tool => json!({"role": "tool", "tool_call_id": m.tool_call_id, "content": m.content}),
        Role::Assistant if m.tool_calls.is_empty() => {
            json!({"role": "assistant", "content": m.content})
        }
        Role::Assistant => {
            let calls: Vec<Value> = m
                .tool_calls
                .iter()
                .map(|c| {
                    json!({"id": c.id, "type": "function",
                       "function": {"name": c.name, "arguments": c.arguments}})
                })
                .collect();
            let content = (!m.content.is_empty()).then_some(&m.content);
            json!({"role": "assistant", "content": content, "tool_calls": calls})
        }
    }
}

/// Asks for structured output in `mode`: `json_schema` as OpenAI defines it; `json_object`
/// with the schema where a server of `kind` reads it (llama.cpp: `response_format.schema`,
/// vLLM: `guided_json`, Ollama: `format`; OpenAI's has no place for it); `prompt`: nothing.
fn structured(
    body: &mut Map<String, Value>,
    schema: &Value,
    mode: StructuredOutput,
    kind: ProviderKind,
) {
    let format = match mode {
        StructuredOutput::Auto | StructuredOutput::JsonSchema => {
            json!({"type": "json_schema", "json_schema": {
                "name": "output", "schema": schema, "strict": strict_compatible(schema),
            }})
        }
        StructuredOutput::JsonObject => match kind {
            ProviderKind::Llamacpp => json!({"type": "json_object", "schema": schema}),
            ProviderKind::Vllm => {
                body.insert("guided_json".into(), schema.clone());
                json!({"type": "json_object"})
            }
            ProviderKind::Ollama => {
                body.insert("format".into(), schema.clone());
                json!({"type": "json_object"})
            }
            ProviderKind::Openai => json!({"type": "json_object"}),
        },
        StructuredOutput::Prompt => return,
    };
    body.insert("response_format".into(), format);
}

/// Keywords OpenAI's strict mode rejects.
const NOT_STRICT: &[&str] = &[
    "patternProperties",
    "propertyNames",
    "unevaluatedProperties",
    "dependentRequired",
    "dependentSchemas",
    "if",
    "then",
    "else",
    "not",
    "contains",
];

/// Strict structured output needs every object closed (`additionalProperties: false`)
/// with all its properties required, and none of the keywords above.
pub fn strict_compatible(schema: &Value) -> bool {
    let Value::Object(s) = schema else {
        return true;
    };
    if NOT_STRICT.iter().any(|k| s.contains_key(*k)) {
        return false;
    }
    let is_object = s.get("type") == Some(&json!("object")) || s.contains_key("properties");
    if is_object {
        let props = s.get("properties").and_then(Value::as_object);
        let required: Vec<&str> = s
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let closed = s.get("additionalProperties") == Some(&json!(false));
        let all_required = props.is_none_or(|p| p.keys().all(|k| required.contains(&k.as_str())));
        if !closed || !all_required {
            return false;
        }
    }
    s.iter().all(|(key, value)| match key.as_str() {
        "properties" | "$defs" | "definitions" => value
            .as_object()
            .is_none_or(|m| m.values().all(strict_compatible)),
        "items" | "additionalProperties" => strict_compatible(value),
        "anyOf" | "allOf" | "oneOf" | "prefixItems" => value
            .as_array()
            .is_none_or(|a| a.iter().all(strict_compatible)),
        _ => true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strictness_follows_the_schema() {
        let closed = json!({"type": "object", "properties": {"a": {"type": "string"}},
            "required": ["a"], "additionalProperties": false});
        assert!(strict_compatible(&closed));
        let open =
            json!({"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]});
        assert!(!strict_compatible(&open));
        let nested = json!({"type": "object", "properties": {"b": open}, "required": ["b"],
            "additionalProperties": false});
        assert!(!strict_compatible(&nested));
    }
}
