//! The task queue, kept on the task rows themselves: a worker claims runnable tasks (see
//! `lifecycle::claim`), holds a lease on each running attempt and renews it with its
//! heartbeat; any worker re-queues (or settles) a task whose lease expired.

use std::time::Duration;

use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use super::model::Task;
use super::store::{COLUMNS, TaskRow};

/// Whether any project's running tasks are limited (then a finished task can let a held-back
/// one start, and is a reason to claim).
pub async fn limited(db: impl PgExecutor<'_>, max_running: u32) -> sqlx::Result<bool> {
    if max_running > 0 {
        return Ok(true);
    }
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM projects WHERE max_running_tasks IS NOT NULL)")
        .fetch_one(db)
        .await
}

/// When the earliest delayed task becomes runnable, if any is waiting for its time (tasks
/// due already but held back by their project's limit are not: a finished task or the poll
/// brings them). `max_lead` (the most a priority moves a turn ahead) bounds the read of
/// the runnable index: a task due later has a rank later than now less that.
pub async fn next_due(
    db: impl PgExecutor<'_>,
    max_lead: Duration,
) -> sqlx::Result<Option<chrono::DateTime<chrono::Utc>>> {
    sqlx::query_scalar(
        "SELECT min(run_after) FROM tasks
         WHERE status = 'queued' AND NOT waits_turn AND NOT cancel_requested
           AND (attempts < max_attempts OR resuming) AND run_after > now()
           AND rank_at > now() - make_interval(secs => $1)",
    )
    .bind(max_lead.as_secs_f64())
    .fetch_one(db)
    .await
}

/// Extends the leases `owner` holds on these tasks (the attempts it is running); returns
/// how many.
pub async fn renew(
    db: impl PgExecutor<'_>,
    owner: &str,
    ids: &[Uuid],
    lease: Duration,
) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "UPDATE tasks SET lease_expires_at = now() + make_interval(secs => $2)
         WHERE id = ANY($3) AND lease_owner = $1 AND status = 'running'",
    )
    .bind(owner)
    .bind(lease.as_secs_f64())
    .bind(ids)
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

/// Locks up to `limit` running tasks whose lease expired (their worker stopped
/// heartbeating), for the caller to re-queue or settle in the same transaction.
pub async fn expired(conn: &mut PgConnection, limit: i64) -> sqlx::Result<Vec<Task>> {
    let rows: Vec<TaskRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM tasks
         WHERE status = 'running' AND (lease_expires_at IS NULL OR lease_expires_at < now())
         ORDER BY lease_expires_at NULLS FIRST
         LIMIT $1
         FOR UPDATE SKIP LOCKED"
    )))
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(Task::try_from).collect()
}

/// Gives up `owner`'s lease on a task whose attempt ended without recording an outcome,
/// so any worker re-queues it at once instead of after the lease.
pub async fn expire(db: impl PgExecutor<'_>, owner: &str, id: Uuid) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE tasks SET lease_expires_at = now()
         WHERE id = $1 AND lease_owner = $2 AND status = 'running'",
    )
    .bind(id)
    .bind(owner)
    .execute(db)
    .await?;
    Ok(())
}

pub use crate::events::WORK_CHANNEL as WORK;
/// The NOTIFY channel that tells workers a task's cancellation was requested (payload:
/// the task id).
pub const CANCEL: &str = "errand_task_cancel";

/// The `WORK` payload that says a project's running limit was set: workers re-read whether
/// any limit exists before their next claim.
pub const LIMITS_CHANGED: &str = "limits";

/// Tells every worker that a running limit now exists.
pub async fn announce_limits(db: impl PgExecutor<'_>) -> sqlx::Result<()> {
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(WORK)
        .bind(LIMITS_CHANGED)
        .execute(db)
        .await?;
    Ok(())
}

/// Tells the worker running `id` (in any process) to check for cancellation now.
pub async fn announce_cancel(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<()> {
    sqlx::query("SELECT pg_notify($1, $2::text)")
        .bind(CANCEL)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
