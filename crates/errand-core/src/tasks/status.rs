//! A task's status: the states of its life, which are final, active or settled, in Rust
//! and (the active ones) in SQL.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The statuses of a task that has not ended (`TaskStatus::ACTIVE`) as an SQL list, for
/// statements written as constants: `concat!("… status IN ", active_statuses!(), …)`. A unit
/// test keeps it equal to `TaskStatus::ACTIVE`.
#[macro_export]
macro_rules! active_statuses {
    () => {
        "('queued', 'running', 'input_required', 'waiting')"
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    Queued,
    Running,
    /// Waiting for an answer to the question in `input_request` (`POST /v1/tasks/{id}/input`);
    /// it holds no worker meanwhile.
    InputRequired,
    /// Waiting for the child tasks its model started by calling other runners' tools; it
    /// holds no worker meanwhile.
    Waiting,
    Succeeded,
    Failed,
    Cancelled,
    TimedOut,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 8] = [
        Self::Queued,
        Self::Running,
        Self::InputRequired,
        Self::Waiting,
        Self::Succeeded,
        Self::Failed,
        Self::Cancelled,
        Self::TimedOut,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::InputRequired => "input_required",
            Self::Waiting => "waiting",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
            Self::TimedOut => "timed_out",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// The event type that ends a task's log in this status.
    pub fn terminal_event(self) -> Option<&'static str> {
        use crate::events::kind;
        match self {
            Self::Succeeded => Some(kind::SUCCEEDED),
            Self::Failed => Some(kind::FAILED),
            Self::Cancelled => Some(kind::CANCELLED),
            Self::TimedOut => Some(kind::TIMED_OUT),
            Self::Queued | Self::Running | Self::InputRequired | Self::Waiting => None,
        }
    }

    /// Whether the status is final: the task ended and never changes again.
    pub fn is_final(self) -> bool {
        self.terminal_event().is_some()
    }

    /// The statuses of a task that has not ended: the rest are final. SQL spells them with
    /// `active_statuses!()`.
    pub const ACTIVE: [TaskStatus; 4] = [
        Self::Queued,
        Self::Running,
        Self::InputRequired,
        Self::Waiting,
    ];

    /// The statuses in which a task waits on its caller: it ended, or it asks a question.
    /// A `?wait=` returns on these, and nothing else (a `waiting` parent still has work
    /// ahead). The one list: Rust asks `settled()`, SQL binds `settled_names()`.
    pub const SETTLED: [TaskStatus; 5] = [
        Self::InputRequired,
        Self::Succeeded,
        Self::Failed,
        Self::Cancelled,
        Self::TimedOut,
    ];

    pub fn settled(self) -> bool {
        Self::SETTLED.contains(&self)
    }

    /// `SETTLED` as the `status` column spells it, to bind as `status = ANY($n)`.
    pub fn settled_names() -> Vec<&'static str> {
        Self::SETTLED.iter().map(|s| s.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::TaskStatus;

    #[test]
    fn the_sql_list_of_active_statuses_is_the_rust_one() {
        let rendered: Vec<String> = TaskStatus::ACTIVE
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        assert_eq!(
            crate::active_statuses!(),
            format!("({})", rendered.join(", "))
        );
        for status in TaskStatus::ALL {
            assert_eq!(TaskStatus::ACTIVE.contains(&status), !status.is_final());
        }
    }
}
