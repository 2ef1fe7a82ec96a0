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
    /// Up to this many runnable tasks, fairly across projects: each project's oldest due
    /// first, one project's first, then every project's second, and so on; a project at its
    /// running limit gives none. `max_running` is the limit of projects without their own
    /// (0: none).
    Next { limit: i64, max_running: u32 },
    /// This task, if queued, whenever it is due (`errand run` runs its own task).
    Task(Uuid),
}

/// Runnable rows of each project with any, at most its allowance. Each row's turn is its
/// project's running tasks plus its rank in the project, and the claim takes the lowest
/// turns: a project with fewer tasks running goes first, so one project's backlog cannot
/// starve another's tasks. A project's running count is read in the claim's snapshot:
/// claims of one worker process never overlap, and two processes claiming in the same
/// instant can together pass a project's limit by at most one claim of the other.
const FAIR: &str = "
    picked AS (
        SELECT c.id, c.run_after, l.running
            + row_number() OVER (PARTITION BY p.id ORDER BY c.run_after, c.id) AS turn
        FROM projects p
        CROSS JOIN LATERAL (
            SELECT coalesce(p.max_running_tasks, $5) AS cap,
                (SELECT count(*) FROM tasks r
                 WHERE r.project_id = p.id AND r.status = 'running') AS running) l
        CROSS JOIN LATERAL (
            SELECT t.id, t.run_after FROM tasks t
            WHERE t.project_id = p.id AND t.status = 'queued' AND NOT t.cancel_requested
              AND t.attempts < t.max_attempts AND t.run_after <= now()
            ORDER BY t.run_after, t.id
            LIMIT CASE WHEN l.cap = 0 THEN $1 ELSE greatest(0, least($1, l.cap - l.running)) END
            FOR UPDATE OF t SKIP LOCKED) c
        WHERE EXISTS (
            SELECT 1 FROM tasks q
            WHERE q.project_id = p.id AND q.status = 'queued' AND q.run_after <= now())),
    next AS (SELECT id FROM picked ORDER BY turn, run_after, id LIMIT $1)";

/// One task by id.
const ONE: &str = "
    next AS (
        SELECT id FROM tasks
        WHERE status = 'queued' AND NOT cancel_requested AND attempts < max_attempts
          AND id = $4 AND $5::int IS NOT NULL
        LIMIT $1
        FOR UPDATE SKIP LOCKED)";

/// Starts the next attempt of the picked tasks: `running`, `attempts + 1`, a lease for
/// `owner` until `lease` from now, and a `task.started` event each.
pub async fn claim(
    conn: &mut PgConnection,
    pick: Pick,
    owner: &str,
    lease: Duration,
) -> sqlx::Result<Vec<Task>> {
    let (limit, only, max_running, next) = match pick {
        Pick::Next { limit, max_running } => (limit, None, max_running, FAIR),
        Pick::Task(id) => (1, Some(id), 0, ONE),
    };
    let rows: Vec<TaskRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "WITH {next},
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
    .bind(i32::try_from(max_running).unwrap_or(i32::MAX))
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(Task::try_from).collect()
}

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
/// brings them).
pub async fn next_due(
    db: impl PgExecutor<'_>,
) -> sqlx::Result<Option<chrono::DateTime<chrono::Utc>>> {
    sqlx::query_scalar(
        "SELECT min(run_after) FROM tasks
         WHERE status = 'queued' AND NOT cancel_requested AND attempts < max_attempts
           AND run_after > now()",
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
