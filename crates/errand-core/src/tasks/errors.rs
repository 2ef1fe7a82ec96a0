//! Why a submission or an answer is refused. Each variant gives its `ErrorCode`; the API
//! renders them as problems, MCP as protocol or tool errors, `errand run` as a line.

use std::time::Duration;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::error::{Coded, ErrorCode, Fault, Violation, faults_into};

/// A submission refused (or the database failing under it).
#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    #[error("no runner named {0:?}")]
    RunnerNotFound(String),
    /// The arguments break the runner's input schema (pointers under `/arguments`).
    #[error("the task does not match runner {runner:?} ({} violation(s))", errors.len())]
    InvalidArguments {
        runner: String,
        errors: Vec<Violation>,
    },
    /// An option out of range, or a combination that cannot be (perhaps with arguments'
    /// violations too).
    #[error("the task does not match runner {runner:?} ({} violation(s))", errors.len())]
    InvalidBody {
        runner: String,
        errors: Vec<Violation>,
    },
    #[error("the project has {limit} tasks queued, its limit; retry as they run")]
    QueueFull { limit: i64 },
    #[error("Idempotency-Key {key:?} was used for a different request (task {task})")]
    KeyReused { key: String, task: Uuid },
    #[error("no thread with id or key {0:?}")]
    ThreadNotFound(String),
    #[error("thread {thread} has task {task} {status} (multitask_strategy: reject)")]
    ThreadBusy {
        thread: Uuid,
        task: Uuid,
        status: String,
    },
    /// A child task would nest deeper than `tools.max_task_depth`.
    #[error(
        "not started: runners calling runners may nest {max} deep (tools.max_task_depth), \
         and this task is at depth {depth}"
    )]
    TooDeep { max: u32, depth: i32 },
    /// A child task's runner already runs above it.
    #[error("not started: {runner} is already running above this task ({lineage}): a cycle")]
    Cycle { runner: String, lineage: String },
    #[error(transparent)]
    Fault(Fault),
}

impl Coded for SubmitError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::RunnerNotFound(_) => ErrorCode::RunnerNotFound,
            Self::InvalidArguments { .. } => ErrorCode::InvalidArguments,
            Self::InvalidBody { .. } => ErrorCode::InvalidBody,
            Self::QueueFull { .. } => ErrorCode::QuotaExceeded,
            Self::KeyReused { .. } => ErrorCode::IdempotencyKeyReused,
            Self::ThreadNotFound(_) => ErrorCode::ThreadNotFound,
            Self::ThreadBusy { .. } => ErrorCode::ThreadBusy,
            Self::TooDeep { .. } | Self::Cycle { .. } => ErrorCode::ToolNotInvocable,
            Self::Fault(f) => f.code(),
        }
    }

    fn violations(&self) -> &[Violation] {
        match self {
            Self::InvalidArguments { errors, .. } | Self::InvalidBody { errors, .. } => errors,
            _ => &[],
        }
    }

    fn retry_after(&self) -> Option<Duration> {
        // Concurrent submissions may each see the last free place: a second is enough for
        // some of the queue to run.
        matches!(self, Self::QueueFull { .. }).then_some(Duration::from_secs(1))
    }
}

/// An answer to a task's question refused.
#[derive(Debug, thiserror::Error)]
pub enum AnswerError {
    #[error("no task with id {0:?}")]
    TaskNotFound(Uuid),
    #[error("request {0} was answered already, with a different answer")]
    Conflict(Uuid),
    #[error("request {request} expired at {at}: the answer came too late")]
    Expired { request: Uuid, at: DateTime<Utc> },
    #[error("the answer breaks the question's schema ({} violation(s))", .0.len())]
    Invalid(Vec<Violation>),
    #[error("task {task} takes no answer to this: {why}")]
    NotWaiting { task: Uuid, why: String },
    #[error(transparent)]
    Fault(Fault),
}

impl Coded for AnswerError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::TaskNotFound(_) => ErrorCode::TaskNotFound,
            Self::Conflict(_) => ErrorCode::AnswerConflict,
            Self::Expired { .. } => ErrorCode::InputExpired,
            Self::Invalid(_) => ErrorCode::InvalidAnswer,
            Self::NotWaiting { .. } => ErrorCode::TaskNotWaiting,
            Self::Fault(f) => f.code(),
        }
    }

    fn violations(&self) -> &[Violation] {
        match self {
            Self::Invalid(errors) => errors,
            _ => &[],
        }
    }
}

faults_into!(SubmitError, AnswerError);
