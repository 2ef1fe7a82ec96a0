//! Servers that ignore `tools`. A server without tool calling for a model (a llama.cpp
//! chat template without it, a proxy that drops the field) often answers 200 as if no tools
//! were sent; the model then writes its call as text — `<tool_call>{…}</tool_call>`, a bare
//! `{"name": …, "arguments": …}` — which the server did not parse into `tool_calls`. Taking
//! that text as the answer would return a tool call as the task's output, or loop through
//! repair turns; Errand recognises it and says the server ignored the tools.
//!
//! A model that simply answers without calling a tool is indistinguishable from one that
//! needed none, unless the request forced a call (`tool_choice: "required"` or a named
//! function in the runner's `model_settings`).

use serde_json::Value;

use super::{Completion, CompletionRequest};

/// Markers that chat templates wrap tool calls in, left in the text by a server that did not
/// parse them (Hermes/Qwen/SmolLM, Mistral, Llama 3, Functionary, Phi).
const MARKERS: &[&str] = &[
    "<tool_call>",
    "[TOOL_CALLS]",
    "<|python_tag|>",
    "<function=",
    "<|tool_call|>",
    "<tool_calls>",
];

/// Why the reply shows that the server ignored the request's tools, if it does.
pub fn evidence(request: &CompletionRequest, reply: &Completion) -> Option<String> {
    if request.tools.is_empty() || !reply.tool_calls.is_empty() {
        return None;
    }
    if forces_a_call(request.settings.get("tool_choice")) {
        return Some("tool_choice asked for a tool call and the reply has none".into());
    }
    if let Some(marker) = MARKERS.iter().find(|m| reply.text.contains(*m)) {
        return Some(format!(
            "the model wrote a tool call as text ({marker}); the server did not parse it"
        ));
    }
    let names: Vec<&str> = request.tools.iter().map(|t| t.name.as_str()).collect();
    written_call(&reply.text, &names).map(|name| {
        format!("the model wrote a call to `{name}` as text; the server did not parse it")
    })
}

/// `"required"`, `"any"` or `{"type": "function", …}`: the model must call a tool.
fn forces_a_call(choice: Option<&Value>) -> bool {
    match choice {
        Some(Value::String(s)) => s == "required" || s == "any",
        Some(Value::Object(o)) => o.contains_key("function") || o.contains_key("name"),
        _ => false,
    }
}

/// The tool named by a reply that is nothing but a call written as JSON: an object (or an
/// array of them) with the name of one of the tools and its arguments.
fn written_call<'a>(text: &str, names: &[&'a str]) -> Option<&'a str> {
    let t = text.trim();
    let t = t
        .strip_prefix("```json")
        .or_else(|| t.strip_prefix("```"))
        .map_or(t, |inner| inner.strip_suffix("```").unwrap_or(inner).trim());
    let value: Value = serde_json::from_str(t).ok()?;
    let calls = match &value {
        Value::Array(items) => items.iter().collect(),
        one => vec![one],
    };
    calls.into_iter().find_map(|call| {
        let call = call
            .get("function")
            .filter(|f| f.is_object())
            .unwrap_or(call);
        let name = call.get("name")?.as_str()?;
        let has_arguments = call.get("arguments").is_some() || call.get("parameters").is_some();
        has_arguments
            .then(|| names.iter().find(|n| **n == name).copied())
            .flatten()
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, json};

    use super::*;
    use crate::conversation::{ToolCall, ToolSpec};

    fn request(settings: Value) -> CompletionRequest {
        CompletionRequest {
            task_start: 0,
            model: "m".into(),
            messages: vec![],
            tools: vec![ToolSpec {
                name: "calculator".into(),
                description: String::new(),
                parameters: json!({"type": "object"}),
            }],
            settings: settings.as_object().cloned().unwrap_or_else(Map::new),
            response_format: None,
            arguments: json!({}),
            attempt: 1,
            deadline: tokio::time::Instant::now(),
        }
    }

    fn reply(text: &str) -> Completion {
        Completion {
            text: text.into(),
            ..Completion::default()
        }
    }

    #[test]
    fn a_call_written_as_text_is_evidence() {
        let r = request(json!({}));
        for text in [
            "<tool_call>\n{\"name\": \"calculator\", \"arguments\": {\"expression\": \"2+2\"}}\n</tool_call>",
            "{\"name\": \"calculator\", \"arguments\": {\"expression\": \"2+2\"}}",
            "```json\n[{\"name\": \"calculator\", \"parameters\": {}}]\n```",
            "{\"type\": \"function\", \"function\": {\"name\": \"calculator\", \"arguments\": \"{}\"}}",
        ] {
            assert!(evidence(&r, &reply(text)).is_some(), "{text}");
        }
    }

    #[test]
    fn an_ordinary_answer_is_not() {
        let r = request(json!({}));
        for text in [
            "4",
            "{\"name\": \"Ada\", \"arguments\": []}",
            "{\"name\": \"calculator\"}",
            "Use a calculator.",
        ] {
            assert_eq!(evidence(&r, &reply(text)), None, "{text}");
        }
        let called = Completion {
            tool_calls: vec![ToolCall {
                id: "c".into(),
                name: "calculator".into(),
                arguments: "{}".into(),
            }],
            ..reply("<tool_call>")
        };
        assert_eq!(evidence(&r, &called), None);
    }

    #[test]
    fn a_forced_call_that_did_not_come_is_evidence() {
        let forced = request(json!({"tool_choice": "required"}));
        assert!(evidence(&forced, &reply("4")).is_some());
        let named = request(
            json!({"tool_choice": {"type": "function", "function": {"name": "calculator"}}}),
        );
        assert!(evidence(&named, &reply("4")).is_some());
        assert_eq!(
            evidence(&request(json!({"tool_choice": "auto"})), &reply("4")),
            None
        );
    }
}
