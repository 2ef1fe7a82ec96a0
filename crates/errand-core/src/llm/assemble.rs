//! The streamed Chat Completions reply: chunks (text pieces, tool calls split across
//! deltas, the usage chunk, an error event) assembled into one `Completion`.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Completion;
use crate::conversation::ToolCall;
use crate::conversation::Usage;
use crate::json;

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
            tools_ignored: None,
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
    use serde_json::json;

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
}
