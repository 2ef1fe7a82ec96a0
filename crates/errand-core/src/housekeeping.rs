//! The housekeeping sweep, run by every worker process at start-up and then every
//! `retention.interval_seconds` (deleting is idempotent, so several sweepers only share the
//! work): finished tasks with their steps and events past `retention.tasks_days`, event
//! logs past `events.retention_days`, idempotency keys past `retention.idempotency_hours`,
//! and deleted runners no task refers to any more. Every statement touches at most
//! `retention.batch_size` rows, and the sweep stops between statements at shutdown. API
//! keys revoked or expired longer than `retention.keys_days` ago go too, and threads idle
//! for `retention.threads_days` with their messages, and tool invocations past
//! `retention.invocations_days`, and queue messages done past `retention.messages_days` or
//! dead past `retention.dead_letters_days`, and schedules' fires past
//! `retention.fires_days`; triggers' deliveries, `retention.hook_deliveries_days`.

use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

use crate::config::RetentionSettings;
use crate::threads;

/// Rows each part of one sweep removed or released.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub events: u64,
    pub steps: u64,
    pub tasks: u64,
    pub keys: u64,
    pub runners: u64,
    pub api_keys: u64,
    pub threads: u64,
    pub messages: u64,
    pub invocations: u64,
    pub queue_messages: u64,
    pub schedule_fires: u64,
    pub hook_deliveries: u64,
    pub webhook_deliveries: u64,
}

pub struct Sweeper {
    pub pool: PgPool,
    pub retention: RetentionSettings,
    /// `events.retention_days`: event logs may go before their tasks.
    pub events_days: Option<u32>,
}

const OLD_EVENTS: &str = "DELETE FROM task_events WHERE (task_id, seq) IN (
    SELECT e.task_id, e.seq FROM tasks t JOIN task_events e ON e.task_id = t.id
    WHERE t.finished_at < now() - make_interval(days => $1) LIMIT $2)";
const OLD_STEPS: &str = "DELETE FROM task_steps WHERE (task_id, index) IN (
    SELECT s.task_id, s.index FROM tasks t JOIN task_steps s ON s.task_id = t.id
    WHERE t.finished_at < now() - make_interval(days => $1) LIMIT $2)";
/// A task goes with whatever of its log and journal is left (no foreign key cascades them:
/// a task past its time since the two sweeps above still takes its rows with it).
const OLD_TASKS: &str = "WITH doomed AS (
        SELECT id FROM tasks WHERE finished_at < now() - make_interval(days => $1) LIMIT $2),
    events AS (DELETE FROM task_events WHERE task_id IN (SELECT id FROM doomed)),
    steps AS (DELETE FROM task_steps WHERE task_id IN (SELECT id FROM doomed))
    DELETE FROM tasks WHERE id IN (SELECT id FROM doomed)";
const OLD_KEYS: &str = "UPDATE tasks SET idempotency_key = NULL WHERE id IN (
    SELECT id FROM tasks WHERE idempotency_key IS NOT NULL
    AND created_at < now() - make_interval(hours => $1) LIMIT $2)";
const OLD_API_KEYS: &str = "DELETE FROM api_keys WHERE id IN (
    SELECT id FROM api_keys
    WHERE coalesce(revoked_at, expires_at) < now() - make_interval(days => $1) LIMIT $2)";
const OLD_INVOCATIONS: &str = "DELETE FROM tool_invocations WHERE id IN (
    SELECT id FROM tool_invocations WHERE created_at < now() - make_interval(days => $1)
    LIMIT $2)";
const OLD_DONE_MESSAGES: &str = "DELETE FROM queue_messages WHERE id IN (
    SELECT id FROM queue_messages
    WHERE status = 'done' AND settled_at < now() - make_interval(days => $1) LIMIT $2)";
const OLD_DEAD_LETTERS: &str = "DELETE FROM queue_messages WHERE id IN (
    SELECT id FROM queue_messages
    WHERE status = 'dead' AND settled_at < now() - make_interval(days => $1) LIMIT $2)";
/// Fires past their age; a `waiting` one stays until it starts its task.
const OLD_FIRES: &str = "DELETE FROM schedule_fires WHERE (schedule_id, fire_at) IN (
    SELECT schedule_id, fire_at FROM schedule_fires
    WHERE fired_at < now() - make_interval(days => $1) AND outcome <> 'waiting' LIMIT $2)";
const OLD_HOOK_DELIVERIES: &str = "DELETE FROM hook_deliveries WHERE (trigger_id, delivery_id) IN (
    SELECT trigger_id, delivery_id FROM hook_deliveries
    WHERE received_at < now() - make_interval(days => $1) LIMIT $2)";
/// Deliveries settled (succeeded or given up) past their age, with their tries.
const OLD_WEBHOOK_DELIVERIES: &str = "DELETE FROM webhook_deliveries WHERE id IN (
    SELECT id FROM webhook_deliveries WHERE status IN ('succeeded', 'failed')
      AND updated_at < now() - make_interval(days => $1) LIMIT $2)";
const OLD_RUNNERS: &str = "WITH gone AS (
        SELECT id FROM runners r
        WHERE deleted_at < now() - make_interval(days => $1)
          AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.runner_id = r.id)
        LIMIT $2),
    versions AS (DELETE FROM runner_versions WHERE runner_id IN (SELECT id FROM gone))
    DELETE FROM runners WHERE id IN (SELECT id FROM gone)";

impl Sweeper {
    /// One sweep.
    pub async fn sweep(&self, shutdown: &CancellationToken) -> sqlx::Result<Swept> {
        let mut swept = Swept::default();
        let hours = i32::try_from(self.retention.idempotency_hours).unwrap_or(i32::MAX);
        swept.keys = self.batched(OLD_KEYS, hours, shutdown).await?;
        let keys_days = days_arg(self.retention.keys_days);
        swept.api_keys = self.batched(OLD_API_KEYS, keys_days, shutdown).await?;
        if let Some(days) = self.events_days {
            swept.events = self.batched(OLD_EVENTS, days_arg(days), shutdown).await?;
        }
        if let Some(days) = self.retention.tasks_days {
            let days = days_arg(days);
            swept.events += self.batched(OLD_EVENTS, days, shutdown).await?;
            swept.steps = self.batched(OLD_STEPS, days, shutdown).await?;
            swept.tasks = self.batched(OLD_TASKS, days, shutdown).await?;
            swept.runners = self.batched(OLD_RUNNERS, days, shutdown).await?;
        }
        if let Some(days) = self.retention.threads_days {
            let batch = i64::from(self.retention.batch_size);
            while !shutdown.is_cancelled() {
                let removed = threads::retention::sweep(&self.pool, days_arg(days), batch).await?;
                swept.threads += removed.threads;
                swept.messages += removed.messages;
                if removed.threads < u64::from(self.retention.batch_size) {
                    break;
                }
            }
        }
        if let Some(days) = self.retention.invocations_days {
            swept.invocations = self
                .batched(OLD_INVOCATIONS, days_arg(days), shutdown)
                .await?;
        }
        if let Some(days) = self.retention.messages_days {
            let done = self.batched(OLD_DONE_MESSAGES, days_arg(days), shutdown);
            swept.queue_messages = done.await?;
        }
        if let Some(days) = self.retention.dead_letters_days {
            let dead = self.batched(OLD_DEAD_LETTERS, days_arg(days), shutdown);
            swept.queue_messages += dead.await?;
        }
        if let Some(days) = self.retention.fires_days {
            let fires = self.batched(OLD_FIRES, days_arg(days), shutdown);
            swept.schedule_fires = fires.await?;
        }
        if let Some(days) = self.retention.hook_deliveries_days {
            let deliveries = self.batched(OLD_HOOK_DELIVERIES, days_arg(days), shutdown);
            swept.hook_deliveries = deliveries.await?;
        }
        if let Some(days) = self.retention.webhook_deliveries_days {
            let deliveries = self.batched(OLD_WEBHOOK_DELIVERIES, days_arg(days), shutdown);
            swept.webhook_deliveries = deliveries.await?;
        }
        Ok(swept)
    }

    /// Runs `sql` (with the age and the batch size) until a batch comes back short.
    async fn batched(
        &self,
        sql: &'static str,
        age: i32,
        shutdown: &CancellationToken,
    ) -> sqlx::Result<u64> {
        let batch = self.retention.batch_size;
        let mut total = 0;
        while !shutdown.is_cancelled() {
            let done = sqlx::query(sql)
                .bind(age)
                .bind(i64::from(batch))
                .execute(&self.pool)
                .await?
                .rows_affected();
            total += done;
            if done < u64::from(batch) {
                break;
            }
        }
        Ok(total)
    }
}

fn days_arg(days: u32) -> i32 {
    i32::try_from(days).unwrap_or(i32::MAX)
}
