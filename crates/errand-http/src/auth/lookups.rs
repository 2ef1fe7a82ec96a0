//! What a bearer token costs before it is known: unknown tokens are remembered for a short
//! while (a repeated bad token costs no query), and each client address may make only so
//! many lookups of tokens not seen before (`auth.unknown_key_lookups_per_second`), so a
//! flood of random tokens is answered 429 from memory instead of queueing database reads
//! in front of real keys.
//!
//! A real key must never be held back by someone else's flood, even one this process has
//! not seen yet (after a restart, or made by another process). So past the budget a token
//! is checked against the set of every live key's hash, read from the database at most once
//! a second however many tokens arrive (one query shared by all of them): a key in it is
//! looked up as usual, anything else is refused 429 without a query of its own.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use std::collections::HashSet;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use sqlx::PgPool;
use tokio::sync::Mutex;

use crate::error::{ApiError, ErrorCode};
use errand_core::cache::BoundedCache;
use errand_core::config::AuthSettings;
use errand_core::keys::{self, KeyHash};

/// Hashes remembered as unknown, and as once valid.
const REMEMBERED: usize = 4096;
/// The address limiter forgets idle addresses after this many limited lookups.
const PRUNE_EVERY: u64 = 1024;
/// How old the set of live keys' hashes may be when a token past the budget is checked.
const LIVE_KEYS_FRESH: Duration = Duration::from_secs(1);

pub struct LookupGuard {
    per_address: DefaultKeyedRateLimiter<IpAddr>,
    clock: DefaultClock,
    per_second: u32,
    unknown: BoundedCache<KeyHash, Instant>,
    unknown_for: Duration,
    known: BoundedCache<KeyHash, ()>,
    limited_lookups: AtomicU64,
    /// Every live key's hash, and when it was read (bounded by the keys quotas allow).
    live: Mutex<Option<(Instant, HashSet<KeyHash>)>>,
}

/// What to do with a token before looking it up.
pub enum Before {
    /// It was unknown a moment ago: 401 without a query.
    Unknown,
    /// Look it up.
    Lookup,
    /// The address has spent its budget: only a live key's hash may be looked up.
    OverBudget(ApiError),
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
            live: Mutex::new(None),
        }
    }

    /// Decides whether `hash` from `address` may be looked up: at once, or (past the
    /// address's budget) only if it is a live key's (`is_live`).
    pub fn before(&self, hash: &KeyHash, address: Option<IpAddr>) -> Before {
        if let Some(at) = self.unknown.get(hash) {
            if at.elapsed() < self.unknown_for {
                return Before::Unknown;
            }
            self.unknown.remove(hash);
        }
        let (Some(address), None) = (address, self.known.get(hash)) else {
            return Before::Lookup;
        };
        if self.limited_lookups.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
            self.per_address.retain_recent();
        }
        match self.per_address.check_key(&address) {
            Ok(()) => Before::Lookup,
            Err(not_until) => {
                let wait = not_until.wait_time_from(self.clock.now());
                let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
                Before::OverBudget(
                    ApiError::new(
                        ErrorCode::RateLimited,
                        format!(
                            "too many unknown API keys from this address ({} lookups a second, \
                             auth.unknown_key_lookups_per_second); retry in {seconds} s",
                            self.per_second
                        ),
                    )
                    .retry_after(Duration::from_secs(seconds)),
                )
            }
        }
    }

    /// Whether `hash` is a live key's, from a set of every live key's hash at most a second
    /// old (read once for all the tokens waiting on it).
    pub async fn is_live(&self, pool: &PgPool, hash: &KeyHash) -> sqlx::Result<bool> {
        let mut live = self.live.lock().await;
        match live.as_ref() {
            Some((at, hashes)) if at.elapsed() < LIVE_KEYS_FRESH => Ok(hashes.contains(hash)),
            _ => {
                let hashes = keys::live_hashes(pool).await?;
                let found = hashes.contains(hash);
                *live = Some((Instant::now(), hashes));
                Ok(found)
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
