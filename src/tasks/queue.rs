//! The task queue, kept on the task rows themselves: a worker claims runnable tasks with
//! `FOR UPDATE SKIP LOCKED`, holds a lease on each running attempt and renews it with its
//! heartbeat; any worker re-queues (or settles) a task whose lease expired. Claiming also
//! logs `task.started`, in the same statement.

use std::time::Duration;

use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use super::model::Task;
use super::store::{COLUMNS, TaskRow};
use crate::events::{CHANNEL, kind};

/// Which tasks a claim takes.
#[derive(Debug, Clone, Copy)]
pub enum Pick {
    /// Up to this many runnable tasks, oldest due first.
    Next(i64),
    /// This task, if queued, whenever it is due (`errand run` runs its own task).
    Task(Uuid),
}

/// Starts the next attempt of the picked tasks: `running`, `attempts + 1`, a lease for
/// `owner` until `lease` from now, and a `task.started` event each.
pub async fn claim(
    conn: &mut PgConnection,
    pick: Pick,
    owner: &str,
    lease: Duration,
) -> sqlx::Result<Vec<Task>> {
    // Two shapes, so the planner reads the runnable head of `tasks_runnable` or one row.
    let (limit, only, which) = match pick {
        Pick::Next(n) => (n, None, "run_after <= now() AND $4::uuid IS NULL"),
        Pick::Task(id) => (1, Some(id), "id = $4"),
    };
    let rows: Vec<TaskRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "WITH next AS (
            SELECT id FROM tasks
            WHERE status = 'queued' AND NOT cancel_requested AND attempts < max_attempts
              AND {which}
            ORDER BY run_after, id
            LIMIT $1
            FOR UPDATE SKIP LOCKED),
         claimed AS (
            UPDATE tasks t SET status = 'running', attempts = t.attempts + 1,
                started_at = now(), finished_at = NULL, updated_at = now(),
                lease_owner = $2, lease_expires_at = now() + make_interval(secs => $3),
                last_event_seq = t.last_event_seq + 1
            FROM next WHERE t.id = next.id
            RETURNING t.*),
         logged AS (
            INSERT INTO task_events (task_id, seq, type, data)
            SELECT id, last_event_seq, '{started}', jsonb_build_object('attempt', attempts)
            FROM claimed)
         SELECT {COLUMNS} FROM claimed,
         LATERAL (SELECT pg_notify('{CHANNEL}', json_build_object(
            'task_id', id, 'seq', last_event_seq, 'end', false)::text)) announced",
        started = kind::STARTED,
    )))
    .bind(limit)
    .bind(owner)
    .bind(lease.as_secs_f64())
    .bind(only)
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(Task::try_from).collect()
}

/// When the earliest queued task becomes runnable, if any is queued.
pub async fn next_due(
    db: impl PgExecutor<'_>,
) -> sqlx::Result<Option<chrono::DateTime<chrono::Utc>>> {
    sqlx::query_scalar(
        "SELECT min(run_after) FROM tasks
         WHERE status = 'queued' AND NOT cancel_requested AND attempts < max_attempts",
    )
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

/// Tells the worker running `id` (in any process) to check for cancellation now.
pub async fn announce_cancel(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<()> {
    sqlx::query("SELECT pg_notify($1, $2::text)")
        .bind(CANCEL)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
