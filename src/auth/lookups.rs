//! What a bearer token costs before it is known: unknown tokens are remembered for a short
//! while (a repeated bad token costs no query), and each client address may make only so
//! many lookups of tokens not seen before (`auth.unknown_key_lookups_per_second`), so a
//! flood of random tokens is answered 429 from memory instead of queueing database reads
//! in front of real keys. Hashes of keys that were valid once skip the address limit, so a
//! legitimate key behind the same address (a proxy, a NAT) keeps working during a flood.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use super::keys::KeyHash;
use crate::cache::BoundedCache;
use crate::config::AuthSettings;
use crate::error::{ApiError, ErrorCode};

/// Hashes remembered as unknown, and as once valid.
const REMEMBERED: usize = 4096;
/// The address limiter forgets idle addresses after this many limited lookups.
const PRUNE_EVERY: u64 = 1024;

pub struct LookupGuard {
    per_address: DefaultKeyedRateLimiter<IpAddr>,
    clock: DefaultClock,
    per_second: u32,
    unknown: BoundedCache<KeyHash, Instant>,
    unknown_for: Duration,
    known: BoundedCache<KeyHash, ()>,
    limited_lookups: AtomicU64,
}

/// What to do with a token before looking it up.
pub enum Before {
    /// It was unknown a moment ago: 401 without a query.
    Unknown,
    /// Look it up.
    Lookup,
}

impl LookupGuard {
    pub fn new(settings: &AuthSettings) -> Self {
        let per_second =
            NonZeroU32::new(settings.unknown_key_lookups_per_second).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(settings.unknown_key_lookup_burst).unwrap_or(NonZeroU32::MIN);
        Self {
            per_address: DefaultKeyedRateLimiter::keyed(
                Quota::per_second(per_second).allow_burst(burst),
            ),
            clock: DefaultClock::default(),
            per_second: per_second.get(),
            unknown: BoundedCache::new(REMEMBERED),
            unknown_for: Duration::from_secs(settings.key_cache_seconds.max(1)),
            known: BoundedCache::new(REMEMBERED),
            limited_lookups: AtomicU64::new(0),
        }
    }

    /// Decides whether `hash` from `address` may be looked up; refuses with 429 when the
    /// address has looked up too many unknown tokens.
    pub fn before(&self, hash: &KeyHash, address: Option<IpAddr>) -> Result<Before, ApiError> {
        if let Some(at) = self.unknown.get(hash) {
            if at.elapsed() < self.unknown_for {
                return Ok(Before::Unknown);
            }
            self.unknown.remove(hash);
        }
        let (Some(address), None) = (address, self.known.get(hash)) else {
            return Ok(Before::Lookup);
        };
        if self.limited_lookups.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
            self.per_address.retain_recent();
        }
        match self.per_address.check_key(&address) {
            Ok(()) => Ok(Before::Lookup),
            Err(not_until) => {
                let wait = not_until.wait_time_from(self.clock.now());
                let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
                Err(ApiError::new(
                    ErrorCode::RateLimited,
                    format!(
                        "too many unknown API keys from this address ({} lookups a second, \
                         auth.unknown_key_lookups_per_second); retry in {seconds} s",
                        self.per_second
                    ),
                )
                .retry_after(Duration::from_secs(seconds)))
            }
        }
    }

    /// Notes what a lookup found.
    pub fn after(&self, hash: &KeyHash, found: bool) {
        if found {
            self.known.insert(*hash, ());
        } else {
            self.unknown.remove(hash);
            self.unknown.insert(*hash, Instant::now());
        }
    }
}
