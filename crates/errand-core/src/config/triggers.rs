//! `[triggers]`: inbound webhooks (`/v1/triggers`, posted to at `/v1/hooks/{id}`).

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
