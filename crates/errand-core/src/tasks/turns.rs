//! A thread's turns. A thread runs one task at a time, in submission order. A task
//! submitted while the thread has unsettled tasks waits for its turn (`waits_turn`), which
//! keeps it out of the runnable indexes: a backlog of any length on one thread costs the
//! claim nothing. The turn passes when the thread's oldest unsettled task settles.
//!
//! Both sides decide after taking the thread's row lock (the submission's `task.queued`
//! and the end's events number the thread's log by updating its row), so each sees the
//! other's commit: a task is never left waiting for a turn that already passed. The
//! claim's own check of the thread's turn stays, and `sweep` is the net should a turn
//! ever be missed.

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

const ACTIVE: &str = crate::active_statuses!();

/// Gives the turn to the thread's oldest unsettled task if it waits for one. Call it
/// holding the thread's row lock, in the transaction that settled a task of the thread or
/// queued one that waits. Whether a task got the turn (it is then runnable).
pub async fn pass(conn: &mut PgConnection, thread: Uuid) -> sqlx::Result<bool> {
    let passed = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE tasks t SET waits_turn = false
         FROM (SELECT id, waits_turn FROM tasks
               WHERE thread_id = $1 AND status IN {ACTIVE}
               ORDER BY id LIMIT 1) head
         WHERE t.id = head.id AND head.waits_turn"
    )))
    .bind(thread)
    .execute(conn)
    .await?;
    Ok(passed.rows_affected() > 0)
}

/// After a task of `thread` settled: passes the turn. `logged`: the end's events went to
/// the thread's log, so this transaction holds the thread's row lock and the end's note
/// wakes the workers; otherwise (a superseded task with `thread_discard`) the lock is
/// taken here, and the workers are woken here when a task got the turn.
pub async fn after_end(conn: &mut PgConnection, thread: Uuid, logged: bool) -> sqlx::Result<()> {
    if !logged {
        sqlx::query("SELECT 1 FROM threads WHERE id = $1 FOR UPDATE")
            .bind(thread)
            .execute(&mut *conn)
            .await?;
    }
    if pass(&mut *conn, thread).await? && !logged {
        sqlx::query("SELECT pg_notify($1, '')")
            .bind(crate::events::WORK_CHANNEL)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Gives the turn to every waiting task that has no older unsettled task on its thread;
/// how many. Housekeeping runs it: it finds nothing unless a turn was missed.
pub async fn sweep(pool: &PgPool) -> sqlx::Result<u64> {
    let passed = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE tasks t SET waits_turn = false
         WHERE t.thread_id IS NOT NULL AND t.status IN {ACTIVE} AND t.waits_turn
           AND NOT EXISTS (SELECT 1 FROM tasks o
                           WHERE o.thread_id = t.thread_id AND o.status IN {ACTIVE}
                             AND o.id < t.id)"
    )))
    .execute(pool)
    .await?;
    Ok(passed.rows_affected())
}
