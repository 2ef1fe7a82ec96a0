//! Bounds on what one process keeps and what one request or task may cost, and the switch
//! and bounds of the built-in `mock` model.

use serde::Deserialize;

/// Bounds on what one process keeps and what one request or task may cost.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsSettings {
    /// Entries of each per-process cache (compiled schemas, runner versions).
    pub cache_entries: usize,
    /// Violations one 422 lists (and one output check feeds back to the model).
    pub max_violations: usize,
    /// Tool calls of one model reply that run; the rest are answered with an error telling
    /// the model to make them in its next reply.
    pub max_tool_calls_per_reply: usize,
    /// Tool calls of one task that run at the same time.
    pub max_concurrent_tool_calls: usize,
    /// Bytes of event or step data in one page of `/events` or `/steps` (at least one
    /// item is always returned; `next_after` continues).
    pub page_bytes: usize,
}

impl Default for LimitsSettings {
    fn default() -> Self {
        Self {
            cache_entries: 1024,
            max_violations: 100,
            max_tool_calls_per_reply: 16,
            max_concurrent_tool_calls: 8,
            page_bytes: 1024 * 1024,
        }
    }
}

/// The built-in offline `mock` model.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MockSettings {
    /// Offer `mock` at all; turn it off in production so no runner can use it.
    pub enabled: bool,
    /// The longest `delay_ms` a mock script may ask for.
    pub max_delay_ms: u64,
}

impl Default for MockSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            max_delay_ms: 60_000,
        }
    }
}
