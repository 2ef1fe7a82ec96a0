//! Waiting out a database that is away. Inside an attempt, a write that fails because
//! PostgreSQL restarted or a connection was cut is tried again (bounded back-off, for up
//! to `PATIENCE`), so the model stream stays open and no attempt is spent; an error about
//! the data itself, or a database away for longer, ends the attempt as before.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use errand_core::error::{DbFault, db_fault};

/// How long one write waits for the database to come back.
pub const PATIENCE: Duration = Duration::from_secs(120);

/// Whether the database (not the data) is why it failed: worth waiting for.
pub fn is_transient(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<sqlx::Error>()
            .is_some_and(|db| db_fault(db) == DbFault::Unavailable)
    })
}

/// The wait after `failures` failed tries in a row: 100 ms doubling, at most 5 s.
pub fn backoff(failures: u32) -> Duration {
    Duration::from_millis(100u64.saturating_mul(1 << failures.min(6))).min(Duration::from_secs(5))
}

/// Runs `op` until it succeeds, trying again while the database is away (for up to
/// `PATIENCE`). `op` must be safe to repeat: a transaction that either committed or not.
pub async fn persist<T, F, Fut>(what: &str, mut op: F) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = anyhow::Result<T>>,
{
    let started = Instant::now();
    let mut failures = 0;
    loop {
        match op().await {
            Ok(value) => return Ok(value),
            Err(e) if is_transient(&e) && started.elapsed() < PATIENCE => {
                failures += 1;
                let wait = backoff(failures);
                tracing::warn!(error = %e, retry_in_ms = wait.as_millis() as u64, "{what}: the database is away; trying again");
                tokio::time::sleep(wait).await;
            }
            Err(e) => return Err(e),
        }
    }
}
