//! Model providers. A runner's `model` names a provider (`mock`, or `provider/model`); the
//! worker asks the registry for it and calls `complete`. Real OpenAI-compatible providers
//! plug in here as further `ModelProvider` implementations.

pub mod mock;

use std::collections::BTreeMap;
use std::sync::Arc;

use futures::future::BoxFuture;
use serde::Serialize;
use serde_json::{Map, Value};
use tokio::sync::mpsc::UnboundedSender;

use crate::error::Violation;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChatMessage {
    pub role: Role,
    pub content: String,
}

/// One model call.
#[derive(Debug, Clone)]
pub struct CompletionRequest {
    /// The model within the provider (`gpt-4.1-mini` of `openai/gpt-4.1-mini`).
    pub model: String,
    pub messages: Vec<ChatMessage>,
    /// Merged runner and task settings.
    pub settings: Map<String, Value>,
    /// When set, the reply must be JSON valid against it.
    pub output_schema: Option<Value>,
    /// The task's arguments as submitted (the mock echoes them).
    pub arguments: Value,
    /// 1-based attempt of the task (lets scripts differ per attempt).
    pub attempt: i32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Usage {
    pub input_tokens: u64,
    pub output_tokens: u64,
}

#[derive(Debug, Clone)]
pub struct Completion {
    pub text: String,
    pub usage: Usage,
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("{provider} error {code}: {message}")]
pub struct LlmError {
    pub provider: String,
    pub code: String,
    pub message: String,
    /// Worth another attempt (rate limits, overload), not a permanent refusal.
    pub retryable: bool,
}

/// Where streamed text goes as it arrives.
pub type DeltaSink = UnboundedSender<String>;

pub trait ModelProvider: Send + Sync {
    /// Checks provider-specific settings at registration and submission time, so a mistake
    /// is a 422 then rather than a failed task later. Pointers are relative to the settings.
    fn settings_violations(&self, settings: &Map<String, Value>) -> Vec<Violation>;

    /// Runs one completion, sending text pieces to `deltas` as they arrive. Dropping the
    /// future abandons the call (that is how cancellation and timeouts stop it).
    fn complete<'a>(
        &'a self,
        request: &'a CompletionRequest,
        deltas: &'a DeltaSink,
    ) -> BoxFuture<'a, Result<Completion, LlmError>>;
}

/// The configured providers by name.
pub struct ModelRegistry {
    providers: BTreeMap<String, Arc<dyn ModelProvider>>,
}

#[derive(Debug, thiserror::Error)]
#[error(
    "unknown model {model:?}: use `mock` or `<provider>/<model>` with a configured provider ({known})"
)]
pub struct UnknownModel {
    pub model: String,
    pub known: String,
}

impl ModelRegistry {
    /// The built-in providers; configured OpenAI-compatible ones are added with `insert`.
    pub fn with_builtins() -> Self {
        let mut providers: BTreeMap<String, Arc<dyn ModelProvider>> = BTreeMap::new();
        providers.insert("mock".into(), Arc::new(mock::MockProvider));
        Self { providers }
    }

    pub fn insert(&mut self, name: impl Into<String>, provider: Arc<dyn ModelProvider>) {
        self.providers.insert(name.into(), provider);
    }

    /// `mock` → (mock, "mock"); `openai/gpt-4.1-mini` → (openai, "gpt-4.1-mini").
    pub fn resolve(&self, model: &str) -> Result<(Arc<dyn ModelProvider>, String), UnknownModel> {
        let (provider, name) = match model.split_once('/') {
            Some((p, m)) if !m.is_empty() => (p, m),
            _ => (model, model),
        };
        self.providers
            .get(provider)
            .map(|p| (p.clone(), name.to_owned()))
            .ok_or_else(|| UnknownModel {
                model: model.to_owned(),
                known: self
                    .providers
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

/// The task's settings override the runner's, key by key.
pub fn merge_settings(
    runner: &Map<String, Value>,
    task: Option<&Map<String, Value>>,
) -> Map<String, Value> {
    let mut merged = runner.clone();
    if let Some(task) = task {
        for (k, v) in task {
            merged.insert(k.clone(), v.clone());
        }
    }
    merged
}

/// The conversation for a task: rules as the system prompt, the arguments as the user turn
/// (a string `prompt` argument is used as the text; otherwise the arguments as JSON).
pub fn build_messages(rules: &[String], arguments: &Value) -> Vec<ChatMessage> {
    let mut messages = Vec::new();
    if !rules.is_empty() {
        messages.push(ChatMessage {
            role: Role::System,
            content: rules.join("\n"),
        });
    }
    let content = match arguments.get("prompt") {
        Some(Value::String(prompt)) => prompt.clone(),
        _ => arguments.to_string(),
    };
    messages.push(ChatMessage {
        role: Role::User,
        content,
    });
    messages
}
