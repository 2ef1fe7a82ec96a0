//! The built-in offline `mock` model: deterministic and scriptable through
//! `model_settings.mock`:
//!
//! - `text`: the reply; `json`: a structured reply (sent as its JSON text). In `text`,
//!   `{{tool_result}}` stands for the content of the last tool result the model was given
//! - `tool_calls`: `[{name, arguments}]`, calls the model makes in this reply
//! - `delay_ms`: spread over the reply, which arrives in up to ten pieces
//! - `error`: `{code, message, retryable?}` makes the call fail
//! - `panic`: the call panics with this message, as a bug would (to check that a crash
//!   fails only its own task)
//! - `turns`: a list of scripts, one per model call of an attempt (the last one repeats)
//! - `attempts`: a list of scripts, one per task attempt (the last one repeats)
//!
//! With no script the reply echoes the task's arguments as JSON.

use std::time::Duration;

use futures::FutureExt;
use futures::future::BoxFuture;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{
    Completion, CompletionRequest, Delta, DeltaSink, LlmError, ModelProvider, ProviderInfo,
};
use crate::config::providers::Price;
use crate::conversation::{Role, ToolCall, Usage};
use crate::error::{ErrorCode, Violation};

pub struct MockProvider {
    /// The longest `delay_ms` a script may ask for (`mock.max_delay_ms`).
    pub max_delay_ms: u64,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Script {
    text: Option<String>,
    json: Option<Value>,
    #[serde(default)]
    delay_ms: u64,
    error: Option<ScriptedError>,
    panic: Option<String>,
    #[serde(default)]
    tool_calls: Vec<ScriptedCall>,
    #[serde(default)]
    turns: Vec<Script>,
    #[serde(default)]
    attempts: Vec<Script>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScriptedCall {
    name: String,
    /// An object (sent as JSON text) or a string sent as it is.
    #[serde(default)]
    arguments: Value,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScriptedError {
    code: String,
    message: String,
    #[serde(default)]
    retryable: bool,
}

const PIECES: usize = 10;

fn script(settings: &Map<String, Value>) -> Result<Script, serde_json::Error> {
    match settings.get("mock") {
        None | Some(Value::Null) => Ok(Script::default()),
        Some(v) => Script::deserialize(v),
    }
}

impl Script {
    /// Every `delay_ms` (of this script and the nested ones) over `max`.
    fn long_delays(&self, max: u64, at: &str, out: &mut Vec<Violation>) {
        if self.delay_ms > max {
            out.push(Violation::new(
                format!("{at}/delay_ms"),
                format!("must be at most {max} (mock.max_delay_ms)"),
            ));
        }
        for (list, scripts) in [("turns", &self.turns), ("attempts", &self.attempts)] {
            for (i, nested) in scripts.iter().enumerate() {
                nested.long_delays(max, &format!("{at}/{list}/{i}"), out);
            }
        }
    }

    fn for_attempt(self, attempt: i32) -> Script {
        let index = usize::try_from(attempt.max(1) - 1).unwrap_or(0);
        pick(self.attempts.clone(), index).unwrap_or(self)
    }

    fn for_turn(self, turn: usize) -> Script {
        pick(self.turns.clone(), turn).unwrap_or(self)
    }
}

/// The `index`th script, the last one repeating; `None` when there are none.
fn pick(scripts: Vec<Script>, index: usize) -> Option<Script> {
    let last = scripts.len().checked_sub(1)?;
    scripts.into_iter().nth(index.min(last))
}

/// A rough, deterministic token count (about four characters a token).
fn tokens(text: &str) -> u64 {
    (text.chars().count() as u64).div_ceil(4)
}

impl ModelProvider for MockProvider {
    fn settings_violations(&self, settings: &Map<String, Value>) -> Vec<Violation> {
        match script(settings) {
            Ok(script) => {
                let mut v = Vec::new();
                script.long_delays(self.max_delay_ms, "/mock", &mut v);
                v
            }
            Err(e) => vec![Violation::new("/mock", format!("invalid mock script: {e}"))],
        }
    }

    fn complete<'a>(
        &'a self,
        request: &'a CompletionRequest,
        deltas: &'a DeltaSink,
    ) -> BoxFuture<'a, Result<Completion, LlmError>> {
        async move {
            let script = script(&request.settings)
                .map_err(|e| LlmError {
                    provider: "mock".into(),
                    code: ErrorCode::ModelError,
                    message: e.to_string(),
                    retryable: false,
                    retry_after: None,
                    details: json!({"provider_code": "invalid_script"}),
                })?
                .for_attempt(request.attempt);
            // Turns of this task only: a thread's history has assistant messages too.
            let own = request
                .messages
                .get(request.task_start..)
                .unwrap_or_default();
            let turn = own.iter().filter(|m| m.role == Role::Assistant).count();
            let script = script.for_turn(turn);
            let tool_calls = scripted_calls(&script, turn);
            let reply = match (&script.text, &script.json) {
                (Some(text), _) => fill(text, request),
                (None, Some(json)) => json.to_string(),
                (None, None) if !tool_calls.is_empty() => String::new(),
                (None, None) => request.arguments.to_string(),
            };
            stream(&reply, script.delay_ms, deltas).await;
            if let Some(message) = script.panic {
                panic!("mock script: {message}");
            }
            if let Some(e) = script.error {
                return Err(LlmError {
                    provider: "mock".into(),
                    code: ErrorCode::ModelError,
                    message: e.message,
                    retryable: e.retryable,
                    retry_after: None,
                    details: json!({"provider_code": e.code}),
                });
            }
            Ok(completion(request, reply, tool_calls))
        }
        .boxed()
    }

    fn info(&self) -> ProviderInfo {
        ProviderInfo {
            name: "mock".into(),
            kind: "mock".into(),
            kind_detected: false,
            base_url: None,
            models: vec!["mock".into()],
            max_concurrent_requests: None,
            prices: Default::default(),
        }
    }

    fn price(&self, _model: &str) -> Option<Price> {
        None
    }
}

/// `text` with its placeholders filled in.
fn fill(text: &str, request: &CompletionRequest) -> String {
    let last_result = request
        .messages
        .iter()
        .rev()
        .find(|m| m.role == Role::Tool)
        .map_or("", |m| m.content.as_str());
    text.replace("{{tool_result}}", last_result)
}

/// Splits text into at most `n` pieces on character boundaries.
fn split(text: &str, n: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        return vec![String::new()];
    }
    let size = chars.len().div_ceil(n.max(1));
    chars.chunks(size).map(|c| c.iter().collect()).collect()
}

/// The tool calls a script's turn makes, with ids unique in the task.
fn scripted_calls(script: &Script, turn: usize) -> Vec<ToolCall> {
    script
        .tool_calls
        .iter()
        .enumerate()
        .map(|(i, c)| ToolCall {
            id: format!("call_{turn}_{i}"),
            name: c.name.clone(),
            arguments: match &c.arguments {
                Value::String(s) => s.clone(),
                Value::Null => "{}".into(),
                v => v.to_string(),
            },
        })
        .collect()
}

/// Sends `reply` as text deltas: in one piece, or spread over `delay_ms` in several.
async fn stream(reply: &str, delay_ms: u64, deltas: &DeltaSink) {
    let pieces = split(reply, if delay_ms > 0 { PIECES } else { 1 });
    let pause = Duration::from_millis(delay_ms / pieces.len().max(1) as u64);
    for piece in pieces {
        if !pause.is_zero() {
            tokio::time::sleep(pause).await;
        }
        if !piece.is_empty() {
            let _ = deltas.send(Delta::Text(piece)).await;
        }
    }
}

/// The completion of `reply` and `tool_calls`, its usage counted the mock's way.
fn completion(request: &CompletionRequest, reply: String, tool_calls: Vec<ToolCall>) -> Completion {
    let prompt: String = request
        .messages
        .iter()
        .map(|m| m.content.as_str())
        .collect();
    let finish = if tool_calls.is_empty() {
        "stop"
    } else {
        "tool_calls"
    };
    Completion {
        usage: Usage {
            input_tokens: tokens(&prompt),
            output_tokens: tokens(&reply),
            ..Usage::default()
        },
        finish_reason: Some(finish.into()),
        text: reply,
        tool_calls,
        structured_output: None,
        tools_ignored: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_keeps_text_and_bounds_pieces() {
        let pieces = split("héllo wörld, this is a reply", 10);
        assert!(pieces.len() <= 10);
        assert_eq!(pieces.concat(), "héllo wörld, this is a reply");
    }

    #[test]
    fn per_attempt_scripts_repeat_the_last() {
        let s: Script = serde_json::from_value(serde_json::json!({
            "attempts": [{"text": "one"}, {"text": "two"}]
        }))
        .expect("script");
        assert_eq!(s.clone().for_attempt(1).text.as_deref(), Some("one"));
        assert_eq!(s.for_attempt(5).text.as_deref(), Some("two"));
    }
}
