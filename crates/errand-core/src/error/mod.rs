//! The domain's errors: every code (`codes.rs`, with its HTTP status as a number), a
//! schema violation with its pointer, and `Coded`, which each area's error enum implements
//! so the API, MCP and the CLI can each render it their own way. Database errors are read
//! here, in one place: connection loss, data the database cannot hold, constraint names.

pub mod codes;
pub mod schema;

use std::time::Duration;

use serde::Serialize;
use utoipa::ToSchema;

pub use codes::ErrorCode;

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

/// A domain error: a stable code the caller can branch on, a message fit to show them
/// (`Display`), and for validation errors every violation with its pointer.
pub trait Coded: std::error::Error {
    fn code(&self) -> ErrorCode;
    fn violations(&self) -> &[Violation] {
        &[]
    }
    /// When trying again may work (a full queue).
    fn retry_after(&self) -> Option<Duration> {
        None
    }
}

/// What stopped the work that is not the caller's doing: the database (gone for now, or
/// refusing a value) or a bug. Its message says only what a client may see.
#[derive(Debug)]
pub enum Fault {
    Db(sqlx::Error),
    Internal(anyhow::Error),
}

impl Fault {
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Db(e) => match db_fault(e) {
                DbFault::Unavailable => ErrorCode::ServiceUnavailable,
                DbFault::BadData => ErrorCode::InvalidValue,
                DbFault::Other => ErrorCode::InternalError,
            },
            Self::Internal(_) => ErrorCode::InternalError,
        }
    }

    /// A bug: something that cannot happen did.
    pub fn bug(what: impl std::fmt::Display) -> Self {
        Self::Internal(anyhow::anyhow!("{what}"))
    }
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.code() {
            ErrorCode::ServiceUnavailable => {
                f.write_str("the database is unavailable; retry later")
            }
            ErrorCode::InvalidValue => {
                let reason = match self {
                    Self::Db(sqlx::Error::Database(db)) => db.message().to_owned(),
                    Self::Db(other) => other.to_string(),
                    Self::Internal(e) => e.to_string(),
                };
                write!(f, "a value in the request cannot be stored: {reason}")
            }
            _ => f.write_str("internal error"),
        }
    }
}

impl std::error::Error for Fault {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Db(e) => Some(e),
            Self::Internal(e) => Some(e.as_ref()),
        }
    }
}

impl Coded for Fault {
    fn code(&self) -> ErrorCode {
        Fault::code(self)
    }
}

impl From<sqlx::Error> for Fault {
    fn from(e: sqlx::Error) -> Self {
        Self::Db(e)
    }
}

impl From<anyhow::Error> for Fault {
    /// A database error inside is read as one.
    fn from(e: anyhow::Error) -> Self {
        match e.downcast::<sqlx::Error>() {
            Ok(db) => Self::Db(db),
            Err(e) => Self::Internal(e),
        }
    }
}

impl From<tokio::task::JoinError> for Fault {
    fn from(e: tokio::task::JoinError) -> Self {
        Self::Internal(e.into())
    }
}

/// `From` the database's and other internal errors for an error enum with a
/// `Fault(Fault)` variant, so `?` works on them.
macro_rules! faults_into {
    ($($t:ty),+ $(,)?) => {$(
        impl From<sqlx::Error> for $t {
            fn from(e: sqlx::Error) -> Self {
                Self::Fault(e.into())
            }
        }
        impl From<anyhow::Error> for $t {
            fn from(e: anyhow::Error) -> Self {
                Self::Fault(e.into())
            }
        }
        impl From<$crate::error::Fault> for $t {
            fn from(e: $crate::error::Fault) -> Self {
                Self::Fault(e)
            }
        }
    )+};
}
pub(crate) use faults_into;

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
