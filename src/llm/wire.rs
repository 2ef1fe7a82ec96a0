//! The Chat Completions wire format: the streamed request body we send, and the assembly
//! of streamed chunks (text pieces, tool calls split across deltas, the usage chunk) into
//! one `Completion`.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::message::{ChatMessage, Role, ToolCall};
use super::{Completion, CompletionRequest, StructuredOutput, Usage};
use crate::config::providers::ProviderKind;
use crate::json;

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

/// The body of a streamed `POST /chat/completions`, asking for structured output in
/// `mode` the way a server of `kind` understands it. `stream: true` is set here: the
/// bring-your-own-types call of async-openai does not set it.
pub fn request_body(
    request: &CompletionRequest,
    mode: StructuredOutput,
    kind: ProviderKind,
) -> Value {
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
    body.insert("stream_options".into(), json!({"include_usage": true}));
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

/// A problem in the stream itself: an error event, or a chunk that is not a completion.
#[derive(Debug, Clone)]
pub struct StreamProblem {
    pub message: String,
    pub code: Option<String>,
}

/// Collects streamed chunks into one completion.
#[derive(Debug, Default)]
pub struct Assembler {
    text: String,
    calls: BTreeMap<u64, ToolCall>,
    usage: Option<Usage>,
    finish_reason: Option<String>,
}

impl Assembler {
    /// Takes one chunk and returns the text it adds.
    pub fn push(&mut self, chunk: &Value) -> Result<String, StreamProblem> {
        if let Some(error) = chunk.get("error") {
            let text = |v: Option<&Value>| {
                v.and_then(Value::as_str)
                    .map(|s| json::storable(s).into_owned())
            };
            return Err(StreamProblem {
                message: text(error.get("message")).unwrap_or_else(|| error.to_string()),
                code: text(error.get("code")),
            });
        }
        if let Some(usage) = chunk.get("usage").filter(|u| !u.is_null()) {
            self.usage = Some(parse_usage(usage));
        }
        let mut added = String::new();
        let choices = chunk.get("choices").and_then(Value::as_array);
        for choice in choices.into_iter().flatten() {
            if let Some(reason) = choice.get("finish_reason").and_then(Value::as_str) {
                self.finish_reason = Some(json::storable(reason).into_owned());
            }
            let Some(delta) = choice.get("delta") else {
                continue;
            };
            if let Some(text) = delta.get("content").and_then(Value::as_str) {
                // PostgreSQL cannot store NUL; a model that sends one gets U+FFFD.
                added.push_str(&json::storable(text));
            }
            let calls = delta.get("tool_calls").and_then(Value::as_array);
            for call in calls.into_iter().flatten() {
                self.push_call(call);
            }
        }
        self.text.push_str(&added);
        Ok(added)
    }

    /// A tool call arrives in pieces keyed by `index`: the id and name first, the
    /// arguments text spread over any number of deltas.
    fn push_call(&mut self, call: &Value) {
        let index = call
            .get("index")
            .and_then(Value::as_u64)
            .unwrap_or(self.calls.len() as u64);
        let entry = self.calls.entry(index).or_insert_with(|| ToolCall {
            id: String::new(),
            name: String::new(),
            arguments: String::new(),
        });
        if let Some(id) = call.get("id").and_then(Value::as_str) {
            entry.id = json::storable(id).into_owned();
        }
        let function = call.get("function");
        if let Some(name) = function.and_then(|f| f.get("name")).and_then(Value::as_str) {
            entry.name.push_str(&json::storable(name));
        }
        if let Some(args) = function
            .and_then(|f| f.get("arguments"))
            .and_then(Value::as_str)
        {
            entry.arguments.push_str(&json::storable(args));
        }
    }

    pub fn finish(self) -> Completion {
        let tool_calls = self
            .calls
            .into_iter()
            .map(|(index, mut call)| {
                if call.id.is_empty() {
                    // Some local servers omit ids; the conversation still needs one.
                    call.id = format!("call_{index}");
                }
                call
            })
            .collect();
        Completion {
            text: self.text,
            tool_calls,
            // No usage chunk: the provider estimates it (it has the request).
            usage: self.usage.unwrap_or(Usage::UNREPORTED),
            finish_reason: self.finish_reason,
            structured_output: None,
        }
    }
}

fn parse_usage(u: &Value) -> Usage {
    let n = |v: Option<&Value>| v.and_then(Value::as_u64).unwrap_or(0);
    Usage {
        input_tokens: n(u.get("prompt_tokens")),
        cached_input_tokens: n(u.pointer("/prompt_tokens_details/cached_tokens")),
        output_tokens: n(u.get("completion_tokens")),
        reasoning_tokens: n(u.pointer("/completion_tokens_details/reasoning_tokens")),
        estimated: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_calls_split_across_deltas_are_joined() {
        let mut a = Assembler::default();
        let chunks = [
            json!({"choices": [{"index": 0, "delta": {"role": "assistant", "tool_calls": [
                {"index": 0, "id": "c1", "type": "function", "function": {"name": "calculator", "arguments": ""}},
                {"index": 1, "id": "c2", "type": "function", "function": {"name": "current_time", "arguments": "{}"}}
            ]}}]}),
            json!({"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": {"arguments": "{\"expression\":"}}]}}]}),
            json!({"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": {"arguments": "\"2+2\"}"}}]}, "finish_reason": "tool_calls"}]}),
            json!({"choices": [], "usage": {"prompt_tokens": 10, "completion_tokens": 5,
                "prompt_tokens_details": {"cached_tokens": 4}, "completion_tokens_details": {"reasoning_tokens": 2}}}),
        ];
        for c in &chunks {
            a.push(c).expect("chunk");
        }
        let done = a.finish();
        assert_eq!(done.tool_calls.len(), 2);
        assert_eq!(done.tool_calls[0].arguments, "{\"expression\":\"2+2\"}");
        assert_eq!(done.tool_calls[1].name, "current_time");
        assert_eq!(done.finish_reason.as_deref(), Some("tool_calls"));
        assert_eq!(done.usage.cached_input_tokens, 4);
        assert_eq!(done.usage.reasoning_tokens, 2);
    }

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
