//! Why a queue operation is refused.

use std::time::Duration;

use uuid::Uuid;

use super::model::MessageStatus;
use crate::error::{Coded, ErrorCode, Fault, Violation, faults_into};

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("no queue named {0:?}")]
    QueueNotFound(String),
    #[error(
        "{0:?} cannot name a queue: 1 to 63 lowercase letters, digits, '_' or '-', starting with a letter or digit"
    )]
    BadName(String),
    #[error("queue {queue:?} has no message {id}")]
    MessageNotFound { queue: String, id: Uuid },
    #[error("message {id} is {}, so it cannot be {action}", status.as_str())]
    WrongStatus {
        id: Uuid,
        status: MessageStatus,
        action: &'static str,
    },
    #[error(
        "message {0}'s lease is not this receipt's any more (it expired and the message was \
         handed out again, or was acked or nacked)"
    )]
    LeaseLost(Uuid),
    #[error("the request does not hold together")]
    Invalid(Vec<Violation>),
    #[error("Idempotency-Key {key:?} was used for a different message ({message})")]
    KeyReused { key: String, message: Uuid },
    #[error("queue {queue:?} holds {limit} waiting messages, its limit (queues.max_pending)")]
    QueueFull { queue: String, limit: u32 },
    #[error("the project has {limit} queues, its limit (queues.project_max_queues)")]
    TooManyQueues { limit: u32 },
    #[error("queue {queue:?} cannot be deleted: {why}")]
    QueueBusy { queue: String, why: String },
    #[error(transparent)]
    Fault(Fault),
}

impl Coded for QueueError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::QueueNotFound(_) => ErrorCode::QueueNotFound,
            Self::BadName(_) => ErrorCode::InvalidRequest,
            Self::MessageNotFound { .. } => ErrorCode::MessageNotFound,
            Self::WrongStatus { .. } => ErrorCode::MessageStatusConflict,
            Self::LeaseLost(_) => ErrorCode::LeaseLost,
            Self::Invalid(_) => ErrorCode::InvalidBody,
            Self::KeyReused { .. } => ErrorCode::IdempotencyKeyReused,
            Self::QueueFull { .. } | Self::TooManyQueues { .. } => ErrorCode::QuotaExceeded,
            Self::QueueBusy { .. } => ErrorCode::QueueBusy,
            Self::Fault(f) => f.code(),
        }
    }

    fn violations(&self) -> &[Violation] {
        match self {
            Self::Invalid(errors) => errors,
            _ => &[],
        }
    }

    fn retry_after(&self) -> Option<Duration> {
        matches!(self, Self::QueueFull { .. }).then_some(Duration::from_secs(1))
    }
}

faults_into!(QueueError);
