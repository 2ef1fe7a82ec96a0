//! The built-in offline `mock` model: deterministic and scriptable through
//! `model_settings.mock`:
//!
//! - `text`: the reply; `json`: a structured reply (sent as its JSON text)
//! - `delay_ms`: spread over the reply, which arrives in up to ten pieces
//! - `error`: `{code, message, retryable?}` makes the call fail
//! - `attempts`: a list of scripts, one per task attempt (the last one repeats)
//!
//! With no script the reply echoes the task's arguments as JSON.

use std::time::Duration;

use futures::FutureExt;
use futures::future::BoxFuture;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::{Completion, CompletionRequest, DeltaSink, LlmError, ModelProvider, Usage};
use crate::error::Violation;

pub struct MockProvider;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Script {
    text: Option<String>,
    json: Option<Value>,
    #[serde(default)]
    delay_ms: u64,
    error: Option<ScriptedError>,
    #[serde(default)]
    attempts: Vec<Script>,
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
    fn for_attempt(self, attempt: i32) -> Script {
        if self.attempts.is_empty() {
            return self;
        }
        let index = usize::try_from(attempt.max(1) - 1).unwrap_or(0);
        let last = self.attempts.len() - 1;
        self.attempts[index.min(last)].clone()
    }
}

/// A rough, deterministic token count (about four characters a token).
fn tokens(text: &str) -> u64 {
    (text.chars().count() as u64).div_ceil(4)
}

impl ModelProvider for MockProvider {
    fn settings_violations(&self, settings: &Map<String, Value>) -> Vec<Violation> {
        match script(settings) {
            Ok(_) => Vec::new(),
            Err(e) => vec![Violation {
                pointer: "/mock".into(),
                message: format!("invalid mock script: {e}"),
            }],
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
                    code: "invalid_script".into(),
                    message: e.to_string(),
                    retryable: false,
                })?
                .for_attempt(request.attempt);
            let reply = match (&script.text, &script.json) {
                (Some(text), _) => text.clone(),
                (None, Some(json)) => json.to_string(),
                (None, None) => request.arguments.to_string(),
            };
            let pieces = split(&reply, if script.delay_ms > 0 { PIECES } else { 1 });
            let pause = Duration::from_millis(script.delay_ms / pieces.len().max(1) as u64);
            for piece in pieces {
                if !pause.is_zero() {
                    tokio::time::sleep(pause).await;
                }
                let _ = deltas.send(piece);
            }
            if let Some(e) = script.error {
                return Err(LlmError {
                    provider: "mock".into(),
                    code: e.code,
                    message: e.message,
                    retryable: e.retryable,
                });
            }
            let prompt: String = request
                .messages
                .iter()
                .map(|m| m.content.as_str())
                .collect();
            Ok(Completion {
                usage: Usage {
                    input_tokens: tokens(&prompt),
                    output_tokens: tokens(&reply),
                },
                text: reply,
            })
        }
        .boxed()
    }
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
