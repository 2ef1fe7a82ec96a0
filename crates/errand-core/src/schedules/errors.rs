//! Why a schedule operation is refused.

use uuid::Uuid;

use crate::error::{Coded, ErrorCode, Fault, Violation, faults_into};

#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    #[error("no schedule {0}")]
    NotFound(Uuid),
    #[error("the schedule has {} problem(s)", .0.len())]
    Invalid(Vec<Violation>),
    #[error("the project has {limit} schedules, its limit (schedules.project_max_schedules)")]
    TooMany { limit: u32 },
    #[error(transparent)]
    Fault(Fault),
}

impl Coded for ScheduleError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::NotFound(_) => ErrorCode::ScheduleNotFound,
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

faults_into!(ScheduleError);
