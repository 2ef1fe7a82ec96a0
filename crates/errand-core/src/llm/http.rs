//! The HTTP layer under async-openai. It turns every non-2xx response into an
//! `HttpFailure` that keeps the status, the `Retry-After` header and the body's message —
//! also when the body is not JSON, where async-openai alone would lose the status — so the
//! provider can decide what to retry and how long to wait.

use std::task::{Context, Poll};
use std::time::Duration;

use async_openai::error::OpenAIError;
use async_openai::middleware::HttpRequestFactory;
use futures::future::BoxFuture;
use reqwest::StatusCode;
use serde_json::Value;

/// A response the provider answered with an error status.
#[derive(Debug, Clone, thiserror::Error)]
#[error("HTTP {status}: {message}")]
pub struct HttpFailure {
    pub status: StatusCode,
    pub retry_after: Option<Duration>,
    pub message: String,
    /// `error.code` and `error.type` of an OpenAI-style JSON body.
    pub code: Option<String>,
    pub kind: Option<String>,
}

impl HttpFailure {
    async fn read(response: reqwest::Response) -> Self {
        let status = response.status();
        let retry_after = retry_after(response.headers());
        // What a provider says is stored in the task's error: PostgreSQL cannot hold NUL.
        let body = crate::json::storable(&response.text().await.unwrap_or_default()).into_owned();
        let json: Option<Value> = serde_json::from_str(&body).ok();
        let error = json.as_ref().map(|j| j.get("error").unwrap_or(j));
        let field = |name: &str| {
            error
                .and_then(|e| e.get(name))
                .and_then(|v| {
                    v.as_str()
                        .map(str::to_owned)
                        .or_else(|| Some(v.to_string()))
                })
                .filter(|s| s != "null")
        };
        let message = field("message").unwrap_or_else(|| {
            let text = body.trim();
            if text.is_empty() {
                status.canonical_reason().unwrap_or("error").to_owned()
            } else {
                text.chars().take(2000).collect()
            }
        });
        Self {
            status,
            retry_after,
            message,
            code: field("code"),
            kind: field("type"),
        }
    }

    /// Rate limits, overload and server faults pass; other client errors do not.
    pub fn retryable(&self) -> bool {
        self.status == StatusCode::TOO_MANY_REQUESTS
            || self.status == StatusCode::REQUEST_TIMEOUT
            || self.status == StatusCode::CONFLICT
            || self.status.is_server_error()
    }
}

pub use crate::fetch::{MAX_RETRY_AFTER, retry_after};

/// The tower service async-openai sends through.
#[derive(Clone)]
pub struct Transport {
    client: reqwest::Client,
}

impl Transport {
    pub fn new(client: reqwest::Client) -> Self {
        Self { client }
    }
}

impl tower_service::Service<HttpRequestFactory> for Transport {
    type Response = reqwest::Response;
    type Error = OpenAIError;
    type Future = BoxFuture<'static, Result<reqwest::Response, OpenAIError>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), OpenAIError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, factory: HttpRequestFactory) -> Self::Future {
        let client = self.client.clone();
        Box::pin(async move {
            let request = factory.build().await?;
            let response = client.execute(request).await?;
            if response.status().is_success() {
                return Ok(response);
            }
            let failure = HttpFailure::read(response).await;
            Err(OpenAIError::Boxed(Box::new(failure)))
        })
    }
}

pub use crate::fetch::tls_config;

/// The wait before retry number `retry` (0-based): the server's `Retry-After` when it
/// sent one, else exponential from `initial` up to `max`, with full jitter so that many
/// tasks limited at once do not return in step.
pub fn backoff(
    retry: u32,
    initial: Duration,
    max: Duration,
    retry_after: Option<Duration>,
) -> Duration {
    if let Some(wait) = retry_after {
        return wait;
    }
    let ceiling = initial.saturating_mul(1 << retry.min(20)).min(max);
    let jitter = rand_fraction();
    ceiling.mul_f64(0.5 + jitter / 2.0)
}

/// A fraction in [0, 1) from the clock's nanoseconds: jitter needs spread, not quality.
fn rand_fraction() -> f64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    f64::from(nanos % 1_000_000) / 1_000_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let (i, m) = (Duration::from_millis(100), Duration::from_secs(1));
        assert!(backoff(0, i, m, None) <= i);
        assert!(backoff(3, i, m, None) >= Duration::from_millis(400));
        assert!(backoff(10, i, m, None) <= m);
        let told = Some(Duration::from_secs(3));
        assert_eq!(backoff(0, i, m, told), Duration::from_secs(3));
    }
}
