//! Threads idle past `retention.threads_days` go with their messages. Each one is deleted
//! under the lock submissions on it take (`store::lock_submissions`), its idleness checked
//! again after the lock: a task submitted at the same moment either keeps the thread, or
//! finds it gone and starts a new one, never a thread whose history vanished under it.

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::store::{lock_submissions, remove};

/// Threads unchanged for `$1` days with no task queued, running or waiting.
const IDLE: &str = concat!(
    "SELECT id FROM threads t
     WHERE t.updated_at < now() - make_interval(days => $1)
       AND NOT EXISTS (SELECT 1 FROM tasks a WHERE a.thread_id = t.id AND a.status IN ",
    crate::active_statuses!(),
    ")"
);

/// Threads and messages one sweep removed.
#[derive(Debug, Default, Clone, Copy)]
pub struct Removed {
    pub threads: u64,
    pub messages: u64,
}

/// Deletes up to `limit` idle threads, each in its own transaction.
pub async fn sweep(pool: &PgPool, days: i32, limit: i64) -> sqlx::Result<Removed> {
    let candidates: Vec<Uuid> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "{IDLE} ORDER BY t.updated_at LIMIT $2"
    )))
    .bind(days)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let mut removed = Removed::default();
    for id in candidates {
        let mut tx = pool.begin().await?;
        if let Some(messages) = delete_if_idle(&mut tx, id, days).await? {
            removed.threads += 1;
            removed.messages += messages;
        }
        tx.commit().await?;
    }
    Ok(removed)
}

/// Deletes the thread if it is still idle once no submission can reach it; returns how
/// many messages went with it.
async fn delete_if_idle(conn: &mut PgConnection, id: Uuid, days: i32) -> sqlx::Result<Option<u64>> {
    lock_submissions(&mut *conn, id).await?;
    let still_idle: Option<Uuid> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "{IDLE} AND t.id = $2 FOR UPDATE"
    )))
    .bind(days)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    if still_idle.is_none() {
        return Ok(None);
    }
    let messages = sqlx::query("DELETE FROM thread_messages WHERE thread_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    remove(conn, id).await?;
    Ok(Some(messages))
}
