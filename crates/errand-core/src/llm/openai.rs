//! An OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, llama.cpp, OpenRouter, …) through
//! async-openai: streamed Chat Completions with usage, a per-provider limit on concurrent
//! requests, and retries of 429/5xx/network failures that honour `Retry-After` and stop
//! before the task's deadline.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_openai::Client;
use async_openai::config::OpenAIConfig;
use async_openai::error::OpenAIError;
use futures::future::BoxFuture;
use futures::{FutureExt, StreamExt};
use reqwest::header::HeaderName;
use serde_json::{Map, Value, json};
use tokio::sync::Semaphore;
use tokio::time::Instant;

use super::assemble::Assembler;
use super::http::{self, HttpFailure, Transport};
use super::ignored_tools;
use super::negotiate::{self, Modes, Repeats};
use super::wire::{self, Shape};
use super::{
    Completion, CompletionRequest, Delta, DeltaSink, LlmError, ModelProvider, ProviderInfo,
};
use crate::config::providers::{Price, ProviderSettings};
use crate::error::{ErrorCode, Violation};

pub struct OpenAiProvider {
    name: String,
    settings: ProviderSettings,
    client: Client<OpenAIConfig>,
    permits: Arc<Semaphore>,
    /// The structured-output mode each model accepts.
    modes: Modes,
    /// Whether to ask for usage in the stream: the setting (or the kind's habit) until the
    /// server refuses `stream_options`.
    stream_usage: AtomicBool,
    /// Credentials in the base URL, kept out of every error, event and log line.
    secrets: Vec<String>,
}

/// Why one try of a call failed.
#[derive(Clone)]
struct Failure {
    retryable: bool,
    retry_after: Option<Duration>,
    status: Option<u16>,
    message: String,
    code: Option<String>,
    kind: Option<String>,
}

impl OpenAiProvider {
    pub fn new(name: &str, settings: &ProviderSettings) -> anyhow::Result<Self> {
        let mut config = OpenAIConfig::new()
            .with_api_base(settings.base_url.trim_end_matches('/'))
            .with_api_key(settings.api_key.as_ref().map_or("", |k| k.expose()))
            .with_org_id("")
            .with_project_id("");
        for (key, value) in &settings.headers {
            let header = HeaderName::from_bytes(key.as_bytes())
                .map_err(|e| anyhow::anyhow!("providers.{name}.headers: {key:?}: {e}"))?;
            config = config
                .with_header(header, value.as_str())
                .map_err(|e| anyhow::anyhow!("providers.{name}.headers: {key:?}: {e}"))?;
        }
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(http::tls_config()?)
            .connect_timeout(Duration::from_secs(
                settings.request_timeout_seconds.min(30),
            ))
            .build()?;
        let client = Client::build(http.clone(), config).with_http_service(Transport::new(http));
        Ok(Self {
            name: name.to_owned(),
            settings: settings.clone(),
            client,
            permits: Arc::new(Semaphore::new(settings.max_concurrent_requests)),
            modes: Modes::new(settings.structured_output),
            secrets: crate::config::providers::url_secrets(&settings.base_url),
            stream_usage: AtomicBool::new(
                settings
                    .stream_usage
                    .unwrap_or(settings.kind().asks_stream_usage()),
            ),
        })
    }

    /// One streamed request. Text goes to `deltas` as it arrives.
    async fn stream_once(&self, body: &Value, deltas: &DeltaSink) -> Result<Completion, Failure> {
        let idle = Duration::from_secs(self.settings.request_timeout_seconds);
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| Failure::closed())?;
        let opened = tokio::time::timeout(
            idle,
            self.client.chat().create_stream_byot::<&Value, Value>(body),
        )
        .await
        .map_err(|_| Failure::timeout(idle, "a response"))?;
        let mut stream = opened.map_err(Failure::from)?;
        let mut assembler = Assembler::default();
        loop {
            let next = tokio::time::timeout(idle, stream.next())
                .await
                .map_err(|_| Failure::timeout(idle, "the next streamed chunk"))?;
            let Some(chunk) = next else { break };
            let text = assembler
                .push(&chunk.map_err(Failure::from)?)
                .map_err(|p| Failure::local(true, p.message, p.code.as_deref()))?;
            if !text.is_empty() {
                let _ = deltas.send(Delta::Text(text)).await;
            }
        }
        Ok(assembler.finish())
    }

    async fn complete_with_retries(
        &self,
        request: &CompletionRequest,
        deltas: &DeltaSink,
    ) -> Result<Completion, LlmError> {
        let wanted = request.response_format.as_ref().map(|f| f.mode);
        let mut shape = Shape {
            mode: self.modes.pick(&request.model, wanted.unwrap_or_default()),
            kind: self.settings.kind(),
            stream_usage: self.stream_usage.load(Ordering::Relaxed),
        };
        let mut body = wire::request_body(request, shape);
        let initial = Duration::from_millis(self.settings.retry_initial_ms);
        let max = Duration::from_millis(self.settings.retry_max_ms);
        let mut retry = 0;
        let mut repeats = Repeats::default();
        loop {
            let mut failure = match self.stream_once(&body, deltas).await {
                Ok(mut completion) => {
                    completion.structured_output = wanted.map(|_| shape.mode);
                    if completion.usage.estimated {
                        completion.usage = super::estimate_usage(request, &completion);
                    }
                    completion.tools_ignored = ignored_tools::evidence(request, &completion);
                    return Ok(completion);
                }
                Err(mut f) => {
                    // Transport errors quote the URL, credentials and all.
                    f.message = crate::config::providers::scrub(&f.message, &self.secrets);
                    f
                }
            };
            if self.renegotiate(request, wanted, &mut shape, &failure) {
                body = wire::request_body(request, shape);
                let _ = deltas.send(Delta::Reset).await;
                continue;
            }
            if let Some(error) = self.final_failure(request, &mut failure, &mut repeats, retry) {
                return Err(error);
            }
            let wait = http::backoff(retry, initial, max, failure.retry_after);
            let resume = Instant::now().checked_add(wait);
            if resume.is_none_or(|at| at >= request.deadline) {
                // The wait would outlast the attempt: hand back a retryable error so the
                // task is re-queued (keeping its journal) instead of timing out here.
                return Err(self.error(failure, retry));
            }
            tracing::warn!(
                provider = %self.name,
                status = failure.status,
                wait_ms = wait.as_millis() as u64,
                retry = retry + 1,
                "model call failed, retrying: {}",
                failure.message
            );
            // The next try streams its reply from the start.
            let _ = deltas.send(Delta::Reset).await;
            tokio::time::sleep(wait).await;
            retry += 1;
        }
    }

    /// Whether the server refused a part of the request it can do without — the
    /// structured-output mode (the next weaker one is remembered for the model) or
    /// `stream_options` (its usage is then estimated) — and the call should go again at
    /// once in `shape`, now changed.
    fn renegotiate(
        &self,
        request: &CompletionRequest,
        wanted: Option<super::StructuredOutput>,
        shape: &mut Shape,
        failure: &Failure,
    ) -> bool {
        if let Some(wanted) = wanted
            && self.modes.searching(wanted)
            && negotiate::refuses_format(&failure.message, failure.code.as_deref())
            && let Some(weaker) = shape.mode.weaker()
        {
            tracing::warn!(
                provider = %self.name,
                model = %request.model,
                from = shape.mode.as_str(),
                to = weaker.as_str(),
                "the server refused the structured-output mode; falling back: {}",
                failure.message
            );
            shape.mode = weaker;
            self.modes.remember(&request.model, weaker);
            return true;
        }
        if shape.stream_usage && negotiate::refuses_stream_options(&failure.message) {
            tracing::warn!(
                provider = %self.name,
                "the server refused stream_options; usage will not be asked for: {}",
                failure.message
            );
            shape.stream_usage = false;
            self.stream_usage.store(false, Ordering::Relaxed);
            return true;
        }
        false
    }

    /// The error to end with when waiting cannot help: a server without tool calling (say
    /// so, rather than carry on without the tools the runner needs), the same answer again
    /// and again (rate limits and gateways do change: those keep their retries), a failure
    /// that is not retryable, or the retries spent.
    fn final_failure(
        &self,
        request: &CompletionRequest,
        failure: &mut Failure,
        repeats: &mut Repeats,
        retry: u32,
    ) -> Option<LlmError> {
        if !request.tools.is_empty() && negotiate::refuses_tools(&failure.message) {
            failure.retryable = false;
            let mut error = self.error(failure.clone(), retry);
            error.code = ErrorCode::ToolsUnsupported;
            return Some(error);
        }
        let seen = repeats.see(failure.status, &failure.message);
        if seen >= negotiate::IDENTICAL_LIMIT && negotiate::deterministic(failure.status) {
            failure.retryable = false;
            let mut error = self.error(failure.clone(), retry);
            error.details["identical_answers"] = json!(seen);
            return Some(error);
        }
        if !failure.retryable || retry >= self.settings.max_retries {
            return Some(self.error(failure.clone(), retry));
        }
        None
    }

    fn error(&self, f: Failure, retries: u32) -> LlmError {
        LlmError {
            provider: self.name.clone(),
            code: ErrorCode::ProviderError,
            message: f.message,
            retryable: f.retryable,
            retry_after: f.retry_after,
            details: json!({
                "provider": self.name,
                "status": f.status,
                "provider_code": f.code,
                "type": f.kind,
                "retries": retries,
                "retry_after_ms": f.retry_after.map(|d| d.as_millis() as u64),
            }),
        }
    }
}

impl Failure {
    /// A failure without an HTTP status.
    fn local(retryable: bool, message: String, code: Option<&str>) -> Self {
        Self {
            retryable,
            retry_after: None,
            status: None,
            message,
            code: code.map(str::to_owned),
            kind: None,
        }
    }

    fn timeout(idle: Duration, what: &str) -> Self {
        let message = format!("no {what} within {} s", idle.as_secs());
        Self::local(true, message, Some("timeout"))
    }

    fn closed() -> Self {
        Self::local(false, "the provider is shutting down".into(), None)
    }
}

impl From<OpenAIError> for Failure {
    fn from(e: OpenAIError) -> Self {
        let network = |message: String| Failure::local(true, message, Some("network"));
        match e {
            OpenAIError::Boxed(inner) => match inner.downcast::<HttpFailure>() {
                Ok(h) => Failure {
                    retryable: h.retryable(),
                    retry_after: h.retry_after,
                    status: Some(h.status.as_u16()),
                    message: h.message,
                    code: h.code,
                    kind: h.kind,
                },
                Err(other) => network(other.to_string()),
            },
            OpenAIError::ApiError(api) => Failure {
                retryable: api.status_code.as_u16() == 429 || api.status_code.is_server_error(),
                retry_after: None,
                status: Some(api.status_code.as_u16()),
                message: api.api_error.message,
                code: api.api_error.code,
                kind: api.api_error.r#type,
            },
            OpenAIError::Reqwest(e) => network(format!("request failed: {e}")),
            OpenAIError::StreamError(e) => network(format!("stream broke: {e}")),
            other => Failure::local(false, other.to_string(), Some("invalid_response")),
        }
    }
}

impl ModelProvider for OpenAiProvider {
    fn settings_violations(&self, settings: &Map<String, Value>) -> Vec<Violation> {
        let mut v = Vec::new();
        for key in settings.keys() {
            if wire::RESERVED_KEYS.contains(&key.as_str()) {
                v.push(Violation {
                    pointer: format!("/{key}"),
                    message: format!("`{key}` is set by Errand and cannot be overridden"),
                });
            } else if key == "mock" {
                v.push(Violation {
                    pointer: "/mock".into(),
                    message: format!(
                        "only the `mock` model reads scripts; this runs on {}",
                        self.name
                    ),
                });
            }
        }
        let numeric = [
            "temperature",
            "top_p",
            "presence_penalty",
            "frequency_penalty",
        ];
        for key in numeric {
            if settings.get(key).is_some_and(|v| !v.is_number()) {
                v.push(Violation {
                    pointer: format!("/{key}"),
                    message: "must be a number".into(),
                });
            }
        }
        for key in ["max_tokens", "max_completion_tokens", "seed"] {
            if settings
                .get(key)
                .is_some_and(|v| !(v.is_i64() || v.is_u64()))
            {
                v.push(Violation {
                    pointer: format!("/{key}"),
                    message: "must be an integer".into(),
                });
            }
        }
        v
    }

    fn complete<'a>(
        &'a self,
        request: &'a CompletionRequest,
        deltas: &'a DeltaSink,
    ) -> BoxFuture<'a, Result<Completion, LlmError>> {
        self.complete_with_retries(request, deltas).boxed()
    }

    fn info(&self) -> ProviderInfo {
        ProviderInfo {
            name: self.name.clone(),
            kind: format!("{:?}", self.settings.kind()).to_lowercase(),
            kind_detected: self.settings.detected,
            base_url: Some(crate::config::providers::scrub(
                &self.settings.base_url,
                &self.secrets,
            )),
            models: self.settings.models.clone(),
            max_concurrent_requests: Some(self.settings.max_concurrent_requests),
            prices: self.settings.prices.clone(),
        }
    }

    fn price(&self, model: &str) -> Option<Price> {
        self.settings.prices.get(model).copied()
    }
}
