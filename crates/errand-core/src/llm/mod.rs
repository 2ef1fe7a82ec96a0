//! Model providers. A runner's `model` names a provider (`mock`, or `provider/model`); the
//! worker asks the registry for it and calls `complete`. The built-in `mock` runs offline;
//! every configured provider is an OpenAI-compatible endpoint (`openai.rs`).

pub mod assemble;
pub mod detect;
pub mod http;
mod ignored_tools;
pub mod mock;
mod negotiate;
pub mod openai;
pub mod wire;

use std::collections::BTreeMap;
use std::sync::Arc;

use futures::future::BoxFuture;
use serde::Serialize;
use serde_json::{Map, Value};
use tokio::sync::mpsc::Sender;
use tokio::time::Instant;
use utoipa::ToSchema;

use crate::config::MockSettings;
use crate::config::providers::{Price, ProviderSettings};
use crate::conversation::{ChatMessage, ToolCall, ToolSpec, Usage};
use crate::error::{ErrorCode, Violation};

pub use crate::config::providers::StructuredOutput;

/// The structured reply a call asks for.
#[derive(Debug, Clone)]
pub struct ResponseFormat {
    pub mode: StructuredOutput,
    pub schema: Value,
}

/// One model call.
#[derive(Debug, Clone)]
pub struct CompletionRequest {
    /// The model within the provider (`gpt-4.1-mini` of `openai/gpt-4.1-mini`).
    pub model: String,
    pub messages: Vec<ChatMessage>,
    /// Where this task's own conversation starts in `messages`: before it are the rules
    /// and the thread's history.
    pub task_start: usize,
    pub tools: Vec<ToolSpec>,
    /// Merged runner and task settings, passed to the provider (temperature, …).
    pub settings: Map<String, Value>,
    pub response_format: Option<ResponseFormat>,
    /// The task's arguments as submitted (the mock echoes them).
    pub arguments: Value,
    /// 1-based attempt of the task (lets mock scripts differ per attempt).
    pub attempt: i32,
    /// The attempt's deadline: retries that cannot finish before it are not started.
    pub deadline: Instant,
}

/// An estimate of a call's usage: about four characters a token, counting every
/// message's content and tool calls (the input) and the reply's text and tool calls (the
/// output). Rough, but never a claim of zero.
pub fn estimate_usage(request: &CompletionRequest, reply: &Completion) -> Usage {
    let chars = |text: &str| text.chars().count() as u64;
    let calls = |calls: &[ToolCall]| -> u64 {
        calls
            .iter()
            .map(|c| chars(&c.name) + chars(&c.arguments))
            .sum()
    };
    let input: u64 = request
        .messages
        .iter()
        .map(|m| chars(&m.content) + calls(&m.tool_calls))
        .sum();
    let output = chars(&reply.text) + calls(&reply.tool_calls);
    Usage {
        input_tokens: input.div_ceil(4),
        output_tokens: output.div_ceil(4),
        estimated: true,
        ..Usage::default()
    }
}

#[derive(Debug, Clone, Default)]
pub struct Completion {
    pub text: String,
    pub tool_calls: Vec<ToolCall>,
    pub usage: Usage,
    pub finish_reason: Option<String>,
    /// The structured-output mode the call was made with (after any fallback).
    pub structured_output: Option<StructuredOutput>,
    /// Why the reply shows the server ignored the request's `tools`, when it does.
    pub tools_ignored: Option<String>,
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("{provider}: {message}")]
pub struct LlmError {
    pub provider: String,
    /// The task error code it becomes: `provider_error` (the endpoint refused or failed)
    /// or `model_error` (the built-in mock's scripted failures).
    pub code: ErrorCode,
    pub message: String,
    /// Worth another attempt (rate limits, overload, network), not a permanent refusal.
    pub retryable: bool,
    /// How long the provider asked us to wait before trying again (`Retry-After`).
    pub retry_after: Option<std::time::Duration>,
    /// HTTP status, the provider's own error code and type, when there are any.
    pub details: Value,
}

/// What a model call streams while it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delta {
    /// The next piece of the reply text.
    Text(String),
    /// The call is being retried: the text streamed so far for it is void.
    Reset,
}

/// Where streamed text goes as it arrives: a bounded channel, so a writer that falls
/// behind slows the reading of the stream rather than buffering it without limit.
pub type DeltaSink = Sender<Delta>;

/// Pieces of streamed text buffered between a provider and the event log.
pub const DELTA_BUFFER: usize = 256;

/// What `GET /v1/models` shows of a provider.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProviderInfo {
    /// Use models as `<name>/<model>` (the built-in `mock` is just `mock`).
    pub name: String,
    /// `mock`, or the server kind of an OpenAI-compatible provider (`openai`, `ollama`,
    /// `vllm`, `llamacpp`).
    pub kind: String,
    /// The settings named no `kind`: it was found by asking the server at start.
    pub kind_detected: bool,
    pub base_url: Option<String>,
    /// Models named in the settings; runners may use others the endpoint serves.
    pub models: Vec<String>,
    pub max_concurrent_requests: Option<usize>,
    /// USD per million tokens, by model.
    #[schema(value_type = Object)]
    pub prices: BTreeMap<String, Price>,
}

pub trait ModelProvider: Send + Sync {
    /// Checks provider-specific settings at registration and submission time, so a mistake
    /// is a 422 then rather than a failed task later. Pointers are relative to the settings.
    fn settings_violations(&self, settings: &Map<String, Value>) -> Vec<Violation>;

    /// Runs one completion, sending text pieces to `deltas` as they arrive. Dropping the
    /// future abandons the call and closes its connection (cancellation and timeouts).
    fn complete<'a>(
        &'a self,
        request: &'a CompletionRequest,
        deltas: &'a DeltaSink,
    ) -> BoxFuture<'a, Result<Completion, LlmError>>;

    fn info(&self) -> ProviderInfo;

    /// USD per million tokens of `model`, when the settings give a price.
    fn price(&self, model: &str) -> Option<Price>;
}

/// The configured providers by name, and the server's model aliases (`[models.aliases]`).
pub struct ModelRegistry {
    providers: BTreeMap<String, Arc<dyn ModelProvider>>,
    aliases: BTreeMap<String, String>,
}

/// Whether `name` may name a model alias: 1 to 64 lowercase letters, digits, `_`, `-` or
/// `.`, starting with a letter (so never `provider/model`).
pub fn valid_alias_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && name.len() <= 64
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_-.".contains(c))
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
    /// The built-in `mock` (unless turned off) and every configured provider, with the
    /// server's aliases (each must name a model of those providers).
    pub fn from_settings(
        settings: &BTreeMap<String, ProviderSettings>,
        mock: &MockSettings,
        aliases: &BTreeMap<String, String>,
    ) -> anyhow::Result<Self> {
        let mut providers: BTreeMap<String, Arc<dyn ModelProvider>> = BTreeMap::new();
        if mock.enabled {
            let provider = mock::MockProvider {
                max_delay_ms: mock.max_delay_ms,
            };
            providers.insert("mock".into(), Arc::new(provider));
        }
        for (name, p) in settings {
            let provider = openai::OpenAiProvider::new(name, p)?;
            providers.insert(name.clone(), Arc::new(provider));
        }
        let registry = Self {
            providers,
            aliases: BTreeMap::new(),
        };
        for (name, model) in aliases {
            if let Some(why) = registry.alias_problem(name, model) {
                anyhow::bail!("models.aliases.{name}: {why}");
            }
        }
        Ok(Self {
            aliases: aliases.clone(),
            ..registry
        })
    }

    /// What is wrong with aliasing `name` to `model`, if anything: the server's aliases
    /// and a project's obey the same rules.
    pub fn alias_problem(&self, name: &str, model: &str) -> Option<String> {
        if !valid_alias_name(name) {
            return Some(format!(
                "{name:?} cannot name an alias: 1 to 64 lowercase letters, digits, '_', '-' or \
                 '.', starting with a letter"
            ));
        }
        if self.providers.contains_key(name) {
            return Some(format!(
                "{name:?} is a provider's name; an alias cannot shadow it"
            ));
        }
        self.resolve(model).err().map(|e| e.to_string())
    }

    /// The model the server's alias `name` stands for.
    pub fn server_alias(&self, name: &str) -> Option<&str> {
        self.aliases.get(name).map(String::as_str)
    }

    /// The server's aliases, by name.
    pub fn server_aliases(&self) -> impl Iterator<Item = (&str, &str)> {
        self.aliases.iter().map(|(n, m)| (n.as_str(), m.as_str()))
    }

    /// Like `from_settings`, after asking each provider without a `kind` which server it
    /// is (see `detect`).
    pub async fn detecting(
        settings: &BTreeMap<String, ProviderSettings>,
        mock: &MockSettings,
        aliases: &BTreeMap<String, String>,
    ) -> anyhow::Result<Self> {
        let mut providers = settings.clone();
        detect::detect_kinds(&mut providers).await;
        Self::from_settings(&providers, mock, aliases)
    }

    pub fn infos(&self) -> Vec<ProviderInfo> {
        self.providers.values().map(|p| p.info()).collect()
    }

    /// The price of `provider/model`, when the settings give one.
    pub fn price(&self, model: &str) -> Option<Price> {
        let (provider, name) = self.resolve(model).ok()?;
        provider.price(&name)
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

/// The task's settings override the runner's, key by key, at every depth: a task's
/// `{"mock": {"delay_ms": 50}}` keeps the runner's `mock.text`. Anything but an object
/// (a list, a number, `null`) replaces what the runner had.
pub fn merge_settings(
    runner: &Map<String, Value>,
    task: Option<&Map<String, Value>>,
) -> Map<String, Value> {
    let mut merged = runner.clone();
    if let Some(task) = task {
        merge_into(&mut merged, task);
    }
    merged
}

fn merge_into(base: &mut Map<String, Value>, over: &Map<String, Value>) {
    for (key, value) in over {
        match (base.get_mut(key), value) {
            (Some(Value::Object(inner)), Value::Object(over_inner)) => {
                merge_into(inner, over_inner);
            }
            _ => {
                base.insert(key.clone(), value.clone());
            }
        }
    }
}
