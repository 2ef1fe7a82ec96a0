//! The one API error type. Every error leaves as `application/problem+json` (RFC 9457) with
//! a stable machine-readable `code` (see `codes.rs`); internal causes are logged, never sent
//! to the client. Database errors become API errors here, in one place: constraint names,
//! connection loss (503) and data the database cannot hold (422), so a new field can never
//! turn a client's mistake into a 500.

pub mod codes;
pub mod schema;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

pub use codes::ErrorCode;

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

/// One violation of a JSON Schema (or of a request field).
#[derive(Debug, Clone, Serialize, serde::Deserialize, ToSchema, PartialEq)]
pub struct Violation {
    /// JSON pointer (RFC 6901) to the offending value; `""` is the whole document.
    pub pointer: String,
    /// What is wrong there (cut to a few hundred bytes: messages may quote the value).
    pub message: String,
}

/// Longest violation message kept: jsonschema's messages quote the whole offending value.
pub const VIOLATION_MESSAGE_BYTES: usize = 300;

impl Violation {
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            pointer: pointer.into(),
            message: truncate(message.into(), VIOLATION_MESSAGE_BYTES),
        }
    }

    /// Violations as one line of text for a model: `pointer: message; …`.
    pub fn describe(violations: &[Violation]) -> String {
        let list: Vec<String> = violations
            .iter()
            .map(|v| format!("{}: {}", v.pointer, v.message))
            .collect();
        list.join("; ")
    }

    /// The same violation under `prefix` (e.g. `/arguments`).
    pub fn under(self, prefix: &str) -> Self {
        Self {
            pointer: format!("{prefix}{}", self.pointer),
            message: self.message,
        }
    }
}

/// `text` cut to at most `max` bytes on a character boundary, marked with `…`.
pub fn truncate(mut text: String, max: usize) -> String {
    if text.len() <= max {
        return text;
    }
    let mut end = max.saturating_sub('…'.len_utf8());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    text.push('…');
    text
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

    pub fn unavailable(cause: anyhow::Error) -> Self {
        Self {
            cause: Some(cause),
            ..Self::new(
                ErrorCode::ServiceUnavailable,
                "the database is unavailable; retry later",
            )
        }
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

/// How a database error should be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbFault {
    /// The connection or the server is gone for now: retrying later can work.
    Unavailable,
    /// A value the database cannot hold (SQLSTATE class 22, data exception; class 54,
    /// a program limit): the same data fails the same way every time.
    BadData,
    /// Anything else: a bug or an unexpected state.
    Other,
}

/// Classifies a database error (the one place SQLSTATEs are read).
pub fn db_fault(e: &sqlx::Error) -> DbFault {
    match e {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_) => DbFault::Unavailable,
        sqlx::Error::Database(db) => match db.code().as_deref().map(|c| c.get(..2).unwrap_or(c)) {
            // 08: connection exception; 57: operator intervention (shutdown, restart);
            // 53: insufficient resources (too many connections); 40: serialization.
            Some("08" | "57" | "53" | "40") => DbFault::Unavailable,
            Some("22" | "54") => DbFault::BadData,
            _ => DbFault::Other,
        },
        // A value sqlx could not encode (out of the column type's range).
        sqlx::Error::Encode(_) => DbFault::BadData,
        _ => DbFault::Other,
    }
}

/// Whether a database error somewhere in the chain is about the data (it would fail the
/// same way again, so retrying is pointless).
pub fn is_bad_data(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<sqlx::Error>()
            .is_some_and(|db| db_fault(db) == DbFault::BadData)
    })
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        match db_fault(&e) {
            DbFault::Unavailable => Self::unavailable(e.into()),
            DbFault::BadData => {
                let reason = match &e {
                    sqlx::Error::Database(db) => db.message().to_owned(),
                    other => other.to_string(),
                };
                Self {
                    cause: Some(e.into()),
                    ..Self::new(
                        ErrorCode::InvalidValue,
                        format!("a value in the request cannot be stored: {reason}"),
                    )
                }
            }
            DbFault::Other => Self::internal(e.into()),
        }
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(e: anyhow::Error) -> Self {
        match e.downcast::<sqlx::Error>() {
            Ok(db) => db.into(),
            Err(e) => match e.downcast::<ApiError>() {
                Ok(api) => api,
                Err(e) => Self::internal(e),
            },
        }
    }
}

/// The name of the unique or foreign-key constraint a database error violated, if any:
/// the one place constraint names become API errors.
pub fn violated_constraint(e: &sqlx::Error) -> Option<&str> {
    match e {
        sqlx::Error::Database(db) => db.constraint(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_messages_are_cut_on_a_char_boundary() {
        let long = "é".repeat(400);
        let v = Violation::new("/a", long);
        assert!(v.message.len() <= VIOLATION_MESSAGE_BYTES);
        assert!(v.message.ends_with('…'));
        assert_eq!(Violation::new("", "short").message, "short");
    }
}
