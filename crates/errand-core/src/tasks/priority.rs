//! Priority with aging, for tasks and queue messages alike. A priority (0-9, 5 by default)
//! becomes a *lead*: how much earlier than its due time the row's turn comes,
//! (priority - 5) x `worker.priority_aging_ms`, fixed when the row is queued. Claims take
//! the lowest `rank_at` (`run_after` less the lead, a generated column), so priority orders
//! what was queued close together while waiting still counts: a row is never passed by one
//! queued more than (the other's priority - its own) x the step after it.

use std::time::Duration;

/// Lowest and highest priority; the default sits between.
pub const LOWEST: u8 = 0;
pub const HIGHEST: u8 = 9;
pub const DEFAULT: u8 = 5;

use crate::config::MAX_PRIORITY_AGING_MS as MAX_AGING_MS;

/// How much waiting one level of priority is worth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Aging {
    step_ms: u32,
}

impl Aging {
    /// `step_ms` of 0 turns priority off: every row is claimed in due order.
    pub fn new(step_ms: u32) -> Self {
        Self {
            step_ms: step_ms.min(MAX_AGING_MS),
        }
    }

    /// How much earlier than its due time a row of `priority` takes its turn (negative:
    /// later), in milliseconds.
    pub fn lead_ms(self, priority: u8) -> i32 {
        let levels = i64::from(priority.min(HIGHEST)) - i64::from(DEFAULT);
        i32::try_from(levels * i64::from(self.step_ms)).unwrap_or(0)
    }

    /// The most a priority moves a row's turn ahead of its due time (priority 9's lead).
    pub fn max_lead(self) -> Duration {
        Duration::from_millis(u64::try_from(self.lead_ms(HIGHEST)).unwrap_or(0))
    }

    /// The most a priority-0 row can be passed by: rows of priority 9 queued up to this long
    /// after it go first.
    pub fn max_overtake(self) -> Duration {
        Duration::from_millis(u64::from(HIGHEST - LOWEST) * u64::from(self.step_ms))
    }
}

/// `priority` of a request body: absent or `null`, or a whole number from 0 to 9 (the error
/// names that range, not the integer type's).
pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    use serde::Deserialize;
    let Some(n) = Option::<serde_json::Number>::deserialize(d)? else {
        return Ok(None);
    };
    crate::json::whole_up_to(&n, u64::from(HIGHEST))
        .map(|w| Some(w as u32))
        .ok_or_else(|| {
            serde::de::Error::custom(format!(
                "expected a whole number from {LOWEST} to {HIGHEST}, not {n}"
            ))
        })
}

/// The priority to store: the one asked for, or the default.
pub fn or_default(priority: Option<u32>) -> u8 {
    priority
        .and_then(|p| u8::try_from(p).ok())
        .map_or(DEFAULT, |p| p.min(HIGHEST))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leads_are_symmetric_around_the_default() {
        let aging = Aging::new(10_000);
        assert_eq!(aging.lead_ms(DEFAULT), 0);
        assert_eq!(aging.lead_ms(HIGHEST), 40_000);
        assert_eq!(aging.lead_ms(LOWEST), -50_000);
        assert_eq!(aging.max_overtake(), Duration::from_secs(90));
        assert_eq!(Aging::new(0).lead_ms(HIGHEST), 0);
    }

    #[test]
    fn out_of_range_is_refused() {
        let read = |text: &str| deserialize(&mut serde_json::Deserializer::from_str(text));
        assert!(read("10").is_err());
        assert_eq!(read("9").ok(), Some(Some(9)));
        assert_eq!(read("null").ok(), Some(None));
        assert_eq!(or_default(None), 5);
        assert_eq!(or_default(Some(0)), 0);
    }
}
