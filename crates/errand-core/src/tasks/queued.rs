//! `task.queued`'s data, the one event written from five places (a submission, a child
//! started, a retry, an answer, the children's end): typed, so each says the same thing.

use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use super::model::TaskError;

/// Why the task (again) waits for a worker; `attempt` is the attempt that runs next.
#[derive(Debug, Default, Serialize)]
pub struct Queued<'a> {
    pub attempt: i32,
    /// A retry: how long it waits first, and the error it retries after.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_in_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<&'a TaskError>,
    /// Its question was answered (the request's id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answered: Option<Uuid>,
    /// The child tasks it started had all ended before it could wait for them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub children: Option<&'a [Uuid]>,
    /// The child tasks it waited for have ended.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub children_done: bool,
}

impl<'a> Queued<'a> {
    /// A new task's first attempt.
    pub fn first() -> Self {
        Self {
            attempt: 1,
            ..Self::default()
        }
    }

    pub fn retry(attempt: i32, retry_in_ms: u64, error: &'a TaskError) -> Self {
        Self {
            attempt,
            retry_in_ms: Some(retry_in_ms),
            error: Some(error),
            ..Self::default()
        }
    }

    pub fn answered(attempt: i32, request: Uuid) -> Self {
        Self {
            attempt,
            answered: Some(request),
            ..Self::default()
        }
    }

    pub fn children_ended_first(attempt: i32, children: &'a [Uuid]) -> Self {
        Self {
            attempt,
            children: Some(children),
            ..Self::default()
        }
    }

    pub fn children_done(attempt: i32) -> Self {
        Self {
            attempt,
            children_done: true,
            ..Self::default()
        }
    }

    /// The event's data.
    pub fn data(&self) -> Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}
