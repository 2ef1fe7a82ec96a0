//! Why a trigger operation or a delivery is refused.

use uuid::Uuid;

use crate::error::{Coded, ErrorCode, Fault, Violation, faults_into};
use crate::queues::QueueError;
use crate::signatures::Refused;
use crate::tasks::errors::SubmitError;

#[derive(Debug, thiserror::Error)]
pub enum TriggerError {
    #[error("no trigger {0}")]
    NotFound(Uuid),
    #[error("the trigger has {} problem(s)", .0.len())]
    Invalid(Vec<Violation>),
    #[error("the project has {limit} triggers, its limit (triggers.project_max_triggers)")]
    TooMany { limit: u32 },
    /// The delivery's signature did not verify; nothing was stored.
    #[error("the delivery is refused: {0}")]
    Signature(Refused),
    /// The body is not JSON (a trigger hands on JSON only).
    #[error("the delivery's body is not JSON: {0}")]
    NotJson(String),
    /// The task the delivery asks for is refused (arguments that break the runner's
    /// schema, a full project, ...).
    #[error(transparent)]
    Submit(SubmitError),
    /// The message the delivery asks for is refused.
    #[error(transparent)]
    Queue(QueueError),
    #[error(transparent)]
    Fault(Fault),
}

impl Coded for TriggerError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::NotFound(_) => ErrorCode::TriggerNotFound,
            Self::Invalid(_) => ErrorCode::InvalidBody,
            Self::TooMany { .. } => ErrorCode::QuotaExceeded,
            Self::Signature(_) => ErrorCode::SignatureInvalid,
            Self::NotJson(_) => ErrorCode::MalformedJson,
            Self::Submit(e) => e.code(),
            Self::Queue(e) => e.code(),
            Self::Fault(f) => f.code(),
        }
    }

    fn violations(&self) -> &[Violation] {
        match self {
            Self::Invalid(errors) => errors,
            Self::Submit(e) => e.violations(),
            Self::Queue(e) => e.violations(),
            _ => &[],
        }
    }

    fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            Self::Submit(e) => e.retry_after(),
            Self::Queue(e) => e.retry_after(),
            _ => None,
        }
    }
}

faults_into!(TriggerError);

impl From<SubmitError> for TriggerError {
    fn from(e: SubmitError) -> Self {
        match e {
            SubmitError::Fault(f) => Self::Fault(f),
            other => Self::Submit(other),
        }
    }
}

impl From<QueueError> for TriggerError {
    fn from(e: QueueError) -> Self {
        match e {
            QueueError::Fault(f) => Self::Fault(f),
            other => Self::Queue(other),
        }
    }
}
