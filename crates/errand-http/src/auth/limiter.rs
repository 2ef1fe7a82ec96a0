//! Per-key request rates (a token bucket per key: `governor`'s GCRA) and per-key counts of
//! open event streams and waiting requests. Both are kept in this process's memory: each
//! API process counts on its own, so N processes let a key through N times over. Keeping
//! the counters in PostgreSQL would add a write to every request.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::{DefaultKeyedRateLimiter, Quota};
use uuid::Uuid;

use crate::error::{ApiError, ErrorCode};
use errand_core::config::QuotaSettings;

/// What the `RateLimit` headers say about a key after a request.
#[derive(Debug, Clone, Copy)]
pub struct RateState {
    pub burst: u32,
    pub remaining: u32,
    /// Seconds until the bucket is full again.
    pub window: u64,
    pub reset: u64,
}

impl RateState {
    /// `RateLimit-Policy` and `RateLimit` (draft-ietf-httpapi-ratelimit-headers).
    pub fn headers(&self) -> [(&'static str, String); 2] {
        [
            (
                "ratelimit-policy",
                format!("\"per-key\";q={};w={}", self.burst, self.window),
            ),
            (
                "ratelimit",
                format!("\"per-key\";r={};t={}", self.remaining, self.reset),
            ),
        ]
    }
}

pub struct Limiter {
    rates: DefaultKeyedRateLimiter<Uuid, StateInformationMiddleware>,
    clock: DefaultClock,
    per_second: u32,
    burst: u32,
    max_streams: usize,
    streams: Arc<Mutex<HashMap<Uuid, usize>>>,
}

impl Limiter {
    pub fn new(q: &QuotaSettings) -> Self {
        let per_second = NonZeroU32::new(q.requests_per_second).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(q.request_burst).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::per_second(per_second).allow_burst(burst);
        Self {
            rates: DefaultKeyedRateLimiter::keyed(quota).with_middleware(),
            clock: DefaultClock::default(),
            per_second: per_second.get(),
            burst: burst.get(),
            max_streams: q.key_max_streams,
            streams: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    fn window(&self) -> u64 {
        u64::from(self.burst).div_ceil(u64::from(self.per_second))
    }

    /// Takes one request from `key`'s bucket, or refuses with 429 and when to retry.
    pub fn check(&self, key: Uuid) -> Result<RateState, (ApiError, RateState)> {
        match self.rates.check_key(&key) {
            Ok(snapshot) => {
                let remaining = snapshot.remaining_burst_capacity();
                let missing = u64::from(self.burst.saturating_sub(remaining));
                Ok(RateState {
                    burst: self.burst,
                    remaining,
                    window: self.window(),
                    reset: missing.div_ceil(u64::from(self.per_second)),
                })
            }
            Err(not_until) => {
                let wait = not_until.wait_time_from(self.clock.now());
                let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
                let state = RateState {
                    burst: self.burst,
                    remaining: 0,
                    window: self.window(),
                    reset: seconds,
                };
                let error = ApiError::new(
                    ErrorCode::RateLimited,
                    format!(
                        "this key may send {} requests a second (bursts of {}); retry in {seconds} s",
                        self.per_second, self.burst
                    ),
                )
                .retry_after(Duration::from_secs(seconds));
                Err((error, state))
            }
        }
    }

    /// Holds one of `key`'s stream slots until the guard is dropped, or refuses with 429.
    pub fn open_stream(&self, key: Uuid) -> Result<StreamSlot, ApiError> {
        let mut streams = self.streams.lock().unwrap_or_else(|p| p.into_inner());
        let held = streams.entry(key).or_insert(0);
        if *held >= self.max_streams {
            return Err(ApiError::new(
                ErrorCode::RateLimited,
                format!(
                    "this key holds {} event streams and waiting requests already (quotas.key_max_streams); close one first",
                    self.max_streams
                ),
            )
            .retry_after(Duration::from_secs(1)));
        }
        *held += 1;
        Ok(StreamSlot {
            key,
            streams: self.streams.clone(),
        })
    }

    /// Forgets the buckets of keys idle long enough to be full again (housekeeping).
    pub fn forget_idle(&self) {
        self.rates.retain_recent();
        self.rates.shrink_to_fit();
    }
}

/// One open stream or waiting request of a key.
pub struct StreamSlot {
    key: Uuid,
    streams: Arc<Mutex<HashMap<Uuid, usize>>>,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut streams = self.streams.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(held) = streams.get_mut(&self.key) {
            *held = held.saturating_sub(1);
            if *held == 0 {
                // No entry outlives its last stream: the map holds only keys in use.
                streams.remove(&self.key);
            }
        }
    }
}
