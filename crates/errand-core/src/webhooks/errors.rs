//! Why a webhook operation is refused.

use uuid::Uuid;

use crate::error::{Coded, ErrorCode, Fault, Violation, faults_into};

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("no webhook {0}")]
    NotFound(Uuid),
    #[error("no delivery {0}")]
    DeliveryNotFound(Uuid),
    #[error("the webhook has {} problem(s)", .0.len())]
    Invalid(Vec<Violation>),
    #[error("the project has {limit} webhooks, its limit (webhooks.project_max_webhooks)")]
    TooMany { limit: u32 },
    #[error(transparent)]
    Fault(Fault),
}

impl Coded for WebhookError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::NotFound(_) => ErrorCode::WebhookNotFound,
            Self::DeliveryNotFound(_) => ErrorCode::DeliveryNotFound,
            Self::Invalid(_) => ErrorCode::InvalidBody,
            Self::TooMany { .. } => ErrorCode::QuotaExceeded,
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

faults_into!(WebhookError);
