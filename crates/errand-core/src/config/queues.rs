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
