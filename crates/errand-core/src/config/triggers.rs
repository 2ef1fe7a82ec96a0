//! `[triggers]`: inbound webhooks (`/v1/triggers`, posted to at `/v1/hooks/{id}`), and
//! `[webhooks]`: outbound ones (`/v1/webhooks`).

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TriggerSettings {
    /// Triggers one project may have.
    pub project_max_triggers: u32,
    /// How far a Standard Webhooks `webhook-timestamp` may be from now (seconds): a
    /// captured delivery is refused once this has passed.
    pub timestamp_tolerance_seconds: u64,
}

impl Default for TriggerSettings {
    fn default() -> Self {
        Self {
            project_max_triggers: 1000,
            timestamp_tolerance_seconds: 300,
        }
    }
}

impl TriggerSettings {
    pub fn check(&self) -> anyhow::Result<()> {
        if self.project_max_triggers == 0 || self.timestamp_tolerance_seconds == 0 {
            anyhow::bail!("every [triggers] setting must be at least 1");
        }
        Ok(())
    }
}

/// `[webhooks]`: outbound webhooks, their deliveries and retries.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebhookSettings {
    /// Endpoints one project may register.
    pub project_max_webhooks: u32,
    /// How long one try waits for the receiver's answer.
    pub timeout_seconds: u64,
    /// Deliveries one worker process sends at once.
    pub concurrency: u32,
    /// How often a worker looks for deliveries due.
    pub tick_interval_ms: u64,
    /// The wait after the first failed try, doubled after each (with ±20 % jitter), at most
    /// `retry_max_seconds`; a receiver's `Retry-After` is honoured within that bound.
    pub retry_initial_seconds: u64,
    pub retry_max_seconds: u64,
    /// A delivery still failing this long after it was written is given up (`failed`).
    pub give_up_after_hours: u32,
    /// An endpoint whose every try failed for this long is disabled, with the reason.
    pub disable_after_hours: u32,
    /// After a rotation, the old secret signs too (a second signature) for this long.
    pub rotation_grace_hours: u32,
    /// Bytes of a receiver's answer kept with each try.
    pub response_bytes: usize,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            project_max_webhooks: 100,
            timeout_seconds: 15,
            concurrency: 16,
            tick_interval_ms: 250,
            retry_initial_seconds: 5,
            retry_max_seconds: 43_200,
            give_up_after_hours: 72,
            disable_after_hours: 120,
            rotation_grace_hours: 24,
            response_bytes: 1024,
        }
    }
}

impl WebhookSettings {
    pub fn check(&self) -> anyhow::Result<()> {
        let all = [
            u64::from(self.project_max_webhooks),
            self.timeout_seconds,
            u64::from(self.concurrency),
            self.tick_interval_ms,
            self.retry_initial_seconds,
            self.retry_max_seconds,
            u64::from(self.give_up_after_hours),
            u64::from(self.disable_after_hours),
            self.response_bytes as u64,
        ];
        if all.contains(&0) {
            anyhow::bail!("every [webhooks] setting but rotation_grace_hours must be at least 1");
        }
        Ok(())
    }
}
