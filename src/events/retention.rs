//! Deleting old event logs: with `events.retention_days` set, the events of tasks that
//! finished longer ago are deleted at start-up and then hourly, by every worker process
//! (deleting is idempotent, so several sweepers only share the work). The task rows stay.

use std::time::Duration;

use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

const EVERY: Duration = Duration::from_secs(3600);
/// Tasks whose logs one statement deletes, so no sweep holds locks for long.
const BATCH: i64 = 500;

/// Deletes the logs of tasks finished more than `days` ago; returns how many events went.
pub async fn sweep(pool: &PgPool, days: u32) -> sqlx::Result<u64> {
    let mut deleted = 0;
    loop {
        let done = sqlx::query(
            "DELETE FROM task_events WHERE task_id IN (
                SELECT t.id FROM tasks t
                WHERE t.finished_at < now() - make_interval(days => $1)
                  AND EXISTS (SELECT 1 FROM task_events e WHERE e.task_id = t.id)
                LIMIT $2)",
        )
        .bind(i32::try_from(days).unwrap_or(i32::MAX))
        .bind(BATCH)
        .execute(pool)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(deleted);
        }
        deleted += done.rows_affected();
    }
}

/// Sweeps until `shutdown` fires.
pub async fn run(pool: PgPool, days: u32, shutdown: CancellationToken) {
    let mut every = tokio::time::interval(EVERY);
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            _ = every.tick() => {}
        }
        match sweep(&pool, days).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(events = n, days, "deleted events past their retention"),
            Err(e) => tracing::warn!(error = %e, "event retention sweep failed"),
        }
    }
}
