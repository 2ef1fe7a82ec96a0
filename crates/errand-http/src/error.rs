//! `ApiError`: every error leaves as `application/problem+json` (RFC 9457) with its
//! stable `code`; internal causes are logged, never sent. Domain errors (`Coded`) and
//! database errors become API errors here, in one place.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

pub use errand_core::error::*;

/// A problem detail (RFC 9457).
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// `urn:errand:problem:<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short, human-readable summary of the problem type.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong in this occurrence.
    pub detail: String,
    /// Stable error code to branch on.
    #[schema(schema_with = schema::problem_code)]
    pub code: String,
    /// Every violation (the first `limits.max_violations`), for validation errors.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<Violation>,
}

/// An error answer: a code, what happened, and for validation errors every violation.
#[derive(Debug)]
pub struct ApiError {
    code: ErrorCode,
    detail: String,
    errors: Vec<Violation>,
    /// Logged, never sent.
    cause: Option<anyhow::Error>,
    /// Sent as `Retry-After` (rate limits, quotas).
    retry_after: Option<std::time::Duration>,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.detail)
    }
}

impl std::error::Error for ApiError {}

impl ApiError {
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        debug_assert!(code.status().is_some(), "{code} is not an API error code");
        Self {
            code,
            detail: detail.into(),
            errors: Vec::new(),
            cause: None,
            retry_after: None,
        }
    }

    /// Tells the client when to try again (`Retry-After`, in whole seconds).
    pub fn retry_after(mut self, wait: std::time::Duration) -> Self {
        self.retry_after = Some(wait);
        self
    }

    /// A validation error listing every violation.
    pub fn invalid(code: ErrorCode, detail: impl Into<String>, errors: Vec<Violation>) -> Self {
        Self {
            errors,
            ..Self::new(code, detail)
        }
    }

    /// A bad query parameter, path segment or header (400 `invalid_request`).
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidRequest, detail)
    }

    pub fn internal(cause: anyhow::Error) -> Self {
        Self {
            cause: Some(cause),
            ..Self::new(ErrorCode::InternalError, "internal error")
        }
    }

    /// A domain error, its code, message, violations and `Retry-After` as they are; a
    /// fault's cause is kept for the log.
    pub fn coded(e: &(impl Coded + ?Sized)) -> Self {
        let code = e.code();
        let mut api = Self::invalid(code, e.to_string(), e.violations().to_vec());
        api.retry_after = e.retry_after();
        if matches!(
            code,
            ErrorCode::InternalError | ErrorCode::ServiceUnavailable | ErrorCode::InvalidValue
        ) {
            api.cause = Some(anyhow::anyhow!("{e:?}"));
        }
        api
    }

    pub fn code(&self) -> ErrorCode {
        self.code
    }

    pub fn errors(&self) -> &[Violation] {
        &self.errors
    }

    pub fn problem(&self) -> Problem {
        let status = self.status_code();
        Problem {
            kind: format!("urn:errand:problem:{}", self.code),
            title: self.code.title().to_owned(),
            status: status.as_u16(),
            detail: self.detail.clone(),
            code: self.code.as_str().to_owned(),
            errors: self.errors.clone(),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.code
            .status()
            .and_then(|s| StatusCode::from_u16(s).ok())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        if let Some(cause) = &self.cause {
            tracing::error!(error = ?cause, code = %self.code, "request failed");
        }
        let mut response = HttpResponse::build(self.status_code());
        response.content_type("application/problem+json");
        if let Some(wait) = self.retry_after {
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            response.insert_header((actix_web::http::header::RETRY_AFTER, seconds.max(1)));
        }
        if self.code == ErrorCode::Unauthenticated {
            response.insert_header((actix_web::http::header::WWW_AUTHENTICATE, "Bearer"));
        }
        response.json(self.problem())
    }
}

/// Read once, in `Fault`: connection loss 503, data the database cannot hold 422, else 500.
impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        Self::coded(&Fault::from(e))
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(e: anyhow::Error) -> Self {
        match e.downcast::<ApiError>() {
            Ok(api) => api,
            Err(e) => Self::coded(&Fault::from(e)),
        }
    }
}

/// One `From` per domain error enum: each keeps its code, message and violations.
macro_rules! from_coded {
    ($($t:ty),+ $(,)?) => {$(
        impl From<$t> for ApiError {
            fn from(e: $t) -> Self {
                Self::coded(&e)
            }
        }
    )+};
}

from_coded!(
    Fault,
    errand_core::tasks::errors::SubmitError,
    errand_core::tasks::errors::AnswerError,
    errand_core::invocations::invoke::InvokeError,
    errand_core::storage::StorageError,
    errand_core::queues::QueueError,
    errand_core::aliases::AliasError,
    errand_core::schedules::ScheduleError,
    errand_core::triggers::TriggerError,
    errand_core::webhooks::WebhookError,
);

/// An id from the path, or the not-found answer `code` gives (a malformed id names nothing).
pub fn path_id(id: &str, code: ErrorCode, what: &str) -> Result<uuid::Uuid, ApiError> {
    uuid::Uuid::parse_str(id).map_err(|_| ApiError::new(code, format!("no {what} {id:?}")))
}

/// 405 as problem+json with `Allow`: `method` is not one of `allow` on `path`.
pub fn method_not_allowed(method: &str, path: &str, allow: &str) -> HttpResponse {
    let error = ApiError::new(
        ErrorCode::MethodNotAllowed,
        format!("{method} is not allowed on {path}; use {allow}"),
    );
    let mut response = error.error_response();
    if let Ok(value) = actix_web::http::header::HeaderValue::from_str(allow) {
        response
            .headers_mut()
            .insert(actix_web::http::header::ALLOW, value);
    }
    response
}

/// The default service of a resource that answers only GET (and HEAD): `/metrics`, the
/// dashboard's pages. Without it actix answers 405 with an empty body.
pub async fn get_only(req: actix_web::HttpRequest) -> HttpResponse {
    method_not_allowed(req.method().as_str(), req.path(), "GET")
}
