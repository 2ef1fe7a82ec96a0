//! Queues: how many a project may have and hold, how fast bound runners pick messages up,
//! and what a queue starts with.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QueueSettings {
    /// Queues one project may have.
    pub project_max_queues: u32,
    /// Messages one queue may hold waiting (pending or leased).
    pub max_pending: u32,
    /// How often a worker turns waiting messages of queues with runners into tasks.
    pub dispatch_interval_ms: u64,
    /// Messages of one queue turned into tasks per round.
    pub dispatch_batch: u32,
    /// A new queue's `concurrency_limit`, `visibility_timeout_seconds` and
    /// `max_deliveries`.
    pub default_concurrency_limit: u32,
    pub default_visibility_timeout_seconds: u32,
    pub default_max_deliveries: u32,
    /// A nack's back-off without `delay_seconds`: `nack_backoff_seconds` doubled per
    /// delivery, at most `nack_backoff_max_seconds`.
    pub nack_backoff_seconds: u32,
    pub nack_backoff_max_seconds: u32,
}

impl Default for QueueSettings {
    fn default() -> Self {
        Self {
            project_max_queues: 1000,
            max_pending: 100_000,
            dispatch_interval_ms: 200,
            dispatch_batch: 100,
            default_concurrency_limit: 1,
            default_visibility_timeout_seconds: 30,
            default_max_deliveries: 5,
            nack_backoff_seconds: 1,
            nack_backoff_max_seconds: 600,
        }
    }
}

impl QueueSettings {
    pub fn check(&self) -> anyhow::Result<()> {
        let all = [
            self.project_max_queues,
            self.max_pending,
            self.dispatch_batch,
            self.default_concurrency_limit,
            self.default_visibility_timeout_seconds,
            self.default_max_deliveries,
            self.nack_backoff_seconds,
            self.nack_backoff_max_seconds,
        ];
        if all.contains(&0) || self.dispatch_interval_ms == 0 {
            anyhow::bail!("every [queues] setting must be at least 1");
        }
        Ok(())
    }
}

/// Schedules: how many a project may have and how the workers fire them.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScheduleSettings {
    /// Schedules one project may have.
    pub project_max_schedules: u32,
    /// How often a worker looks for due ticks (a six-field expression ticks every second).
    pub tick_interval_ms: u64,
    /// How late a tick may fire under `missed: skip` (later ones are counted as missed).
    pub misfire_grace_seconds: u32,
    /// Fires one schedule may hold waiting under `overlap: enqueue`.
    pub max_waiting_fires: u32,
}

impl Default for ScheduleSettings {
    fn default() -> Self {
        Self {
            project_max_schedules: 1000,
            tick_interval_ms: 250,
            misfire_grace_seconds: 60,
            max_waiting_fires: 10,
        }
    }
}

impl ScheduleSettings {
    pub fn check(&self) -> anyhow::Result<()> {
        if self.project_max_schedules == 0
            || self.tick_interval_ms == 0
            || self.misfire_grace_seconds == 0
            || self.max_waiting_fires == 0
        {
            anyhow::bail!("every [schedules] setting must be at least 1");
        }
        Ok(())
    }
}
