//! What an attempt shares with the recording of its outcome besides its result: the text
//! the model call in flight has streamed (the partial output when the task is cancelled
//! mid-call), and a model call's step whose commit was left to the next write. A reply
//! without tool calls is most often the final answer: its step, usage and events then
//! commit in the outcome's transaction, one commit (and one WAL flush) fewer per task.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sqlx::PgConnection;
use uuid::Uuid;

use errand_core::conversation::{ToolCall, Usage};
use errand_core::events::{self, Notes, Seqs, kind};
use errand_core::tasks::journal::{self, MODEL_CALL, NewStep, Recorded};
use errand_core::tasks::lifecycle::Charge;
use errand_core::tasks::store;

/// Shared by an attempt and the recording of its outcome (see the module's comment).
#[derive(Clone, Default)]
pub struct Partial {
    text: Arc<Mutex<String>>,
    step: Arc<Mutex<Option<Arc<PendingStep>>>>,
}

impl Partial {
    pub fn push_text(&self, text: &str) {
        self.text.lock().map(|mut t| t.push_str(text)).ok();
    }

    pub fn clear_text(&self) {
        self.text.lock().map(|mut t| t.clear()).ok();
    }

    pub fn text(&self) -> String {
        self.text.lock().map(|t| t.clone()).unwrap_or_default()
    }

    /// Leaves `step` for the next write to commit.
    pub fn defer(&self, step: PendingStep) {
        self.step.lock().map(|mut s| *s = Some(Arc::new(step))).ok();
    }

    /// The step left uncommitted, if any (kept: a write that fails is tried again).
    pub fn deferred(&self) -> Option<Arc<PendingStep>> {
        self.step.lock().ok().and_then(|s| s.clone())
    }

    /// Forgets the step left uncommitted (once it is written, or when it cannot be).
    pub fn clear_deferred(&self) {
        self.step.lock().map(|mut s| *s = None).ok();
    }
}

/// A model call made and not yet journaled: everything its step, usage and events need.
pub struct PendingStep {
    pub task_id: Uuid,
    pub attempt: i32,
    pub index: i32,
    pub request: Value,
    pub response: Value,
    pub usage: Usage,
    pub cost_usd: Option<f64>,
    pub started_at: DateTime<Utc>,
    /// Streamed text not yet logged as a delta.
    pub tail: String,
    pub text: String,
    pub tool_calls: Vec<ToolCall>,
}

impl PendingStep {
    /// Journals the step, fenced on the attempt like every step (`Recorded`).
    pub async fn journal(&self, conn: &mut PgConnection) -> sqlx::Result<Recorded> {
        let step = NewStep {
            task_id: self.task_id,
            attempt: self.attempt,
            index: self.index,
            kind: MODEL_CALL,
            request: &self.request,
            response: &self.response,
            usage: Some(&self.usage),
            cost_usd: self.cost_usd,
            started_at: self.started_at,
        };
        journal::record(conn, &step).await
    }

    /// The call's events: the tail of the streamed text, `message.completed`, `usage`.
    pub fn events(&self) -> Vec<(&'static str, Value)> {
        let mut usage = serde_json::to_value(self.usage).unwrap_or_default();
        usage["cost_usd"] = json!(self.cost_usd);
        let mut logged = Vec::with_capacity(3);
        if !self.tail.is_empty() {
            logged.push((kind::MESSAGE_DELTA, json!({"text": self.tail})));
        }
        let completed = json!({"text": self.text, "tool_calls": self.tool_calls});
        logged.push((kind::MESSAGE_COMPLETED, completed));
        logged.push((kind::USAGE, usage));
        logged
    }

    /// The usage the call charges its task, with its events' count.
    pub fn charge(&self, events: usize) -> Charge<'_> {
        Charge {
            usage: &self.usage,
            cost_usd: self.cost_usd,
            events,
        }
    }

    /// Writes the step, the task's usage and the events in the caller's transaction;
    /// their notifications join `notes`.
    pub async fn write(
        &self,
        conn: &mut PgConnection,
        notes: &mut Notes,
    ) -> anyhow::Result<Recorded> {
        let recorded = self.journal(&mut *conn).await?;
        if recorded != Recorded::Written {
            return Ok(recorded);
        }
        let events = self.events();
        let logged: Vec<(&str, &Value)> = events.iter().map(|(k, v)| (*k, v)).collect();
        let (id, attempt) = (self.task_id, self.attempt);
        let reserved = store::add_usage(
            &mut *conn,
            id,
            attempt,
            &self.usage,
            self.cost_usd,
            logged.len(),
        )
        .await?;
        // The journal took the step, so the attempt owned the task a moment ago: when the
        // usage found it gone, the events are still counted, as they always were.
        let seqs = reserved.unwrap_or(Seqs::Counted(None));
        events::append_to(conn, id, seqs, &logged, Some(notes)).await?;
        Ok(Recorded::Written)
    }
}
