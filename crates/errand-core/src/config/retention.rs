//! How long Errand keeps what it stores. Every table has a rule here or is bounded by what
//! users create (runners and their versions).

use serde::{Deserialize, Deserializer};

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetentionSettings {
    /// Finished tasks, with their steps and events, are deleted this many days after they
    /// ended; `"keep"` keeps them. Deleted runners go once no task of theirs is left.
    #[serde(deserialize_with = "days")]
    pub tasks_days: Option<u32>,
    /// An `Idempotency-Key` replays its task for this many hours; after that the same key
    /// submits a new task. A task that fails, times out or is cancelled frees its key at once.
    pub idempotency_hours: u32,
    /// Threads with no task activity and no change for this many days are deleted with
    /// their messages (a thread with a task queued, running or waiting stays); `"keep"`
    /// keeps them.
    #[serde(deserialize_with = "days")]
    pub threads_days: Option<u32>,
    /// Tool invocations (`GET /v1/tools/{name}/invocations`) are deleted this many days
    /// after they were made; `"keep"` keeps them.
    #[serde(deserialize_with = "days")]
    pub invocations_days: Option<u32>,
    /// Queue messages that are done (acked, or their task succeeded) are deleted this many
    /// days after; `"keep"` keeps them.
    #[serde(deserialize_with = "days")]
    pub messages_days: Option<u32>,
    /// Dead-lettered messages are deleted this many days after they died, unless
    /// redriven; `"keep"` keeps them.
    #[serde(deserialize_with = "days")]
    pub dead_letters_days: Option<u32>,
    /// A schedule's fires (`GET /v1/schedules/{id}/fires`) are deleted this many days after
    /// they fired; `"keep"` keeps them.
    #[serde(deserialize_with = "days")]
    pub fires_days: Option<u32>,
    /// The record of each delivery a trigger received (which makes a replayed delivery
    /// create nothing) is deleted this many days after it arrived; `"keep"` keeps it.
    #[serde(deserialize_with = "days")]
    pub hook_deliveries_days: Option<u32>,
    /// Outbound webhook deliveries that succeeded or were given up (with their tries) are
    /// deleted this many days after; `"keep"` keeps them.
    #[serde(deserialize_with = "days")]
    pub webhook_deliveries_days: Option<u32>,
    /// API keys revoked or expired more than this many days ago are deleted (until then
    /// they answer 401 and count toward `quotas.project_max_keys`).
    pub keys_days: u32,
    /// How often a worker process runs the sweep.
    pub interval_seconds: u64,
    /// Rows one statement deletes: the sweep never holds locks for long.
    pub batch_size: u32,
}

impl Default for RetentionSettings {
    fn default() -> Self {
        Self {
            tasks_days: Some(30),
            threads_days: Some(30),
            invocations_days: Some(30),
            messages_days: Some(7),
            dead_letters_days: Some(30),
            fires_days: Some(30),
            hook_deliveries_days: Some(7),
            webhook_deliveries_days: Some(7),
            idempotency_hours: 24,
            keys_days: 30,
            interval_seconds: 300,
            batch_size: 500,
        }
    }
}

/// A number of days, or `"keep"` for no limit.
fn days<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Days {
        Number(u32),
        Word(String),
    }
    match Days::deserialize(d)? {
        Days::Number(n) => Ok(Some(n)),
        Days::Word(w) if w == "keep" => Ok(None),
        Days::Word(w) => Err(serde::de::Error::custom(format!(
            "expected a number of days or \"keep\", not {w:?}"
        ))),
    }
}
