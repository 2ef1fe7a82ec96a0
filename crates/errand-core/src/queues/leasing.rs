//! External consumers: `receive` leases messages for the queue's visibility timeout, `ack`
//! finishes one, `nack` hands it back (with back-off) or dead-letters it after
//! `max_deliveries`; a lease that expires hands the message out again. The pick is the
//! same one bound runners use (`FAIR_PICK`), under the same per-queue lock, so a
//! concurrency key's limit holds across both.

use chrono::Utc;
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::errors::QueueError;
use super::messages::{COLUMNS, FROM};
use super::model::{AckMessage, Message, MessageStatus, NackMessage, ReceivedMessage};
use super::store::{self, QueueRow};
use crate::config::QueueSettings;
use crate::projects::ProjectId;

/// Up to `$3` due pending messages of queue `$1`, in priority-with-aging order (`rank_at`,
/// see `tasks::priority`), then oldest first, taking turns across
/// concurrency keys (each key's first, then each key's second, …), leaving out those that
/// would put a key over `$2` messages leased or running.
pub const FAIR_PICK: &str = "WITH busy AS (
        SELECT concurrency_key, count(*) AS n FROM queue_messages
        WHERE queue_id = $1 AND status IN ('leased', 'running') AND concurrency_key IS NOT NULL
        GROUP BY concurrency_key),
    ready AS (
        SELECT id, seq, concurrency_key,
               row_number() OVER (PARTITION BY concurrency_key ORDER BY rank_at, seq) AS turn,
               rank_at
        FROM queue_messages
        WHERE queue_id = $1 AND status = 'pending' AND run_after <= now())
    SELECT r.id, r.seq FROM ready r LEFT JOIN busy b ON b.concurrency_key = r.concurrency_key
    WHERE r.concurrency_key IS NULL OR r.turn + coalesce(b.n, 0) <= $2
    ORDER BY r.turn, r.rank_at, r.seq LIMIT $3";

/// Takes queue `queue`'s lock for this transaction (`false`: another holds it, with `try`).
pub async fn lock(conn: &mut PgConnection, queue: Uuid, try_only: bool) -> sqlx::Result<bool> {
    let sql = match try_only {
        true => "SELECT pg_try_advisory_xact_lock(hashtextextended('queue:' || $1::text, 0))",
        false => {
            "SELECT true FROM pg_advisory_xact_lock(hashtextextended('queue:' || $1::text, 0))"
        }
    };
    sqlx::query_scalar(sql).bind(queue).fetch_one(conn).await
}

/// Hands back the messages whose lease expired (of queue `queue`, or of all): pending
/// again, or dead when they were delivered `max_deliveries` times.
pub async fn reclaim_expired(conn: &mut PgConnection, queue: Option<Uuid>) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "UPDATE queue_messages m SET
             status = CASE WHEN m.deliveries >= q.max_deliveries THEN 'dead' ELSE 'pending' END,
             settled_at = CASE WHEN m.deliveries >= q.max_deliveries THEN now() END,
             last_error = jsonb_build_object(
                 'code', CASE WHEN m.deliveries >= q.max_deliveries
                         THEN 'max_deliveries' ELSE 'lease_expired' END,
                 'message', 'the lease expired without an ack or nack (delivery '
                            || m.deliveries || ' of ' || q.max_deliveries || ')'),
             receipt = NULL, lease_expires_at = NULL, updated_at = now()
         FROM queues q
         WHERE q.id = m.queue_id AND m.status = 'leased' AND m.lease_expires_at < now()
           AND ($1::uuid IS NULL OR m.queue_id = $1)",
    )
    .bind(queue)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Leases up to `max` messages of queue `name` to an external consumer; empty when none
/// is ready.
pub async fn receive(
    pool: &PgPool,
    project: ProjectId,
    name: &str,
    max: u32,
) -> Result<Vec<ReceivedMessage>, QueueError> {
    let mut tx = pool.begin().await?;
    let queue = store::find(&mut *tx, project, name).await?;
    lock(&mut tx, queue.id, false).await?;
    reclaim_expired(&mut tx, Some(queue.id)).await?;
    let picked: Vec<(Uuid, i64)> = sqlx::query_as(FAIR_PICK)
        .bind(queue.id)
        .bind(i64::from(queue.concurrency_limit))
        .bind(i64::from(max))
        .fetch_all(&mut *tx)
        .await?;
    let ids: Vec<Uuid> = picked.into_iter().map(|(id, _)| id).collect();
    let leased: Vec<(Uuid, Uuid)> = sqlx::query_as(
        "UPDATE queue_messages SET status = 'leased', deliveries = deliveries + 1,
             receipt = gen_random_uuid(), updated_at = now(),
             lease_expires_at = now() + make_interval(secs => $2)
         WHERE id = ANY($1) RETURNING id, receipt",
    )
    .bind(&ids)
    .bind(f64::from(queue.visibility_timeout_seconds))
    .fetch_all(&mut *tx)
    .await?;
    sqlx::query("UPDATE queues SET last_receive_at = now() WHERE id = $1")
        .bind(queue.id)
        .execute(&mut *tx)
        .await?;
    let mut messages = by_ids(&mut tx, &queue, &ids).await?;
    tx.commit().await?;
    // In the order picked: keys taking turns.
    messages.sort_by_key(|m| ids.iter().position(|id| *id == m.id));
    Ok(messages
        .into_iter()
        .filter_map(|message| {
            let receipt = leased.iter().find(|(id, _)| *id == message.id)?.1;
            Some(ReceivedMessage { message, receipt })
        })
        .collect())
}

async fn by_ids(
    conn: &mut PgConnection,
    queue: &QueueRow,
    ids: &[Uuid],
) -> sqlx::Result<Vec<Message>> {
    sqlx::query_as::<_, Message>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE m.queue_id = $1 AND m.id = ANY($2) ORDER BY m.seq"
    )))
    .bind(queue.id)
    .bind(ids)
    .fetch_all(conn)
    .await
}

/// The refusal for a message whose lease `receipt` does not hold.
async fn not_held(
    conn: &mut PgConnection,
    queue: &QueueRow,
    id: Uuid,
) -> Result<QueueError, QueueError> {
    let found = by_ids(conn, queue, &[id]).await?;
    Ok(match found.first() {
        None => QueueError::MessageNotFound {
            queue: queue.name.clone(),
            id,
        },
        Some(_) => QueueError::LeaseLost(id),
    })
}

/// Acks message `id`: done. Acking again with the same receipt answers the same.
pub async fn ack(
    pool: &PgPool,
    project: ProjectId,
    name: &str,
    id: Uuid,
    body: &AckMessage,
) -> Result<Message, QueueError> {
    let mut tx = pool.begin().await?;
    let queue = store::find(&mut *tx, project, name).await?;
    let acked = sqlx::query(
        "UPDATE queue_messages SET status = 'done', settled_at = coalesce(settled_at, now()),
             lease_expires_at = NULL, updated_at = now()
         WHERE queue_id = $1 AND id = $2 AND receipt = $3 AND status IN ('leased', 'done')",
    )
    .bind(queue.id)
    .bind(id)
    .bind(body.receipt)
    .execute(&mut *tx)
    .await?;
    if acked.rows_affected() == 0 {
        return Err(not_held(&mut tx, &queue, id).await?);
    }
    let message = by_ids(&mut tx, &queue, &[id]).await?.pop();
    tx.commit().await?;
    message.ok_or(QueueError::LeaseLost(id))
}

/// Nacks message `id`: pending again after a delay, or dead after `max_deliveries`.
pub async fn nack(
    pool: &PgPool,
    settings: &QueueSettings,
    project: ProjectId,
    name: &str,
    id: Uuid,
    body: &NackMessage,
) -> Result<Message, QueueError> {
    if body.delay_seconds.is_some_and(|d| d > 86_400)
        || body
            .reason
            .as_ref()
            .is_some_and(|r| r.chars().count() > 2000)
    {
        return Err(QueueError::Invalid(vec![crate::error::Violation::new(
            "",
            "delay_seconds is at most 86400 and reason at most 2000 characters",
        )]));
    }
    let mut tx = pool.begin().await?;
    let queue = store::find(&mut *tx, project, name).await?;
    let held: Option<i32> = sqlx::query_scalar(
        "SELECT deliveries FROM queue_messages
         WHERE queue_id = $1 AND id = $2 AND receipt = $3 AND status = 'leased' FOR UPDATE",
    )
    .bind(queue.id)
    .bind(id)
    .bind(body.receipt)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(deliveries) = held else {
        return Err(not_held(&mut tx, &queue, id).await?);
    };
    let dead = deliveries >= queue.max_deliveries;
    let delay = body
        .delay_seconds
        .unwrap_or_else(|| backoff(settings, deliveries));
    let reason = body.reason.clone().unwrap_or_else(|| "nacked".into());
    let error = json!({
        "code": if dead { "max_deliveries" } else { "nacked" },
        "message": reason,
    });
    sqlx::query(
        "UPDATE queue_messages SET status = $3, receipt = NULL, lease_expires_at = NULL,
             run_after = now() + make_interval(secs => $4), last_error = $5,
             settled_at = CASE WHEN $3 = 'dead' THEN now() END, updated_at = now()
         WHERE queue_id = $1 AND id = $2",
    )
    .bind(queue.id)
    .bind(id)
    .bind(if dead { "dead" } else { "pending" })
    .bind(f64::from(delay))
    .bind(error)
    .execute(&mut *tx)
    .await?;
    let message = by_ids(&mut tx, &queue, &[id]).await?.pop();
    tx.commit().await?;
    message.ok_or(QueueError::LeaseLost(id))
}

/// The wait before a nacked message is handed out again: `nack_backoff_seconds` doubled
/// for each delivery after the first, at most `nack_backoff_max_seconds`, with up to a
/// tenth of jitter so nacked messages do not return together.
fn backoff(settings: &QueueSettings, deliveries: i32) -> u32 {
    let doublings = u32::try_from(deliveries.saturating_sub(1))
        .unwrap_or(0)
        .min(20);
    let base = settings
        .nack_backoff_seconds
        .saturating_mul(1 << doublings)
        .min(settings.nack_backoff_max_seconds);
    let jitter = (Utc::now().timestamp_subsec_nanos() % 1000) * (base / 10).max(1) / 1000;
    base.saturating_add(jitter)
        .min(settings.nack_backoff_max_seconds)
}

/// Makes dead letters of queue `name` pending again (those in `ids`, or all), with their
/// deliveries counted from zero.
pub async fn redrive(
    pool: &PgPool,
    project: ProjectId,
    name: &str,
    ids: Option<&[Uuid]>,
) -> Result<u64, QueueError> {
    let queue = store::find(pool, project, name).await?;
    let done = sqlx::query(
        "UPDATE queue_messages SET status = 'pending', deliveries = 0, run_after = now(),
             receipt = NULL, task_id = NULL, runner_name = NULL, settled_at = NULL,
             updated_at = now()
         WHERE queue_id = $1 AND status = $2 AND ($3::uuid[] IS NULL OR id = ANY($3))",
    )
    .bind(queue.id)
    .bind(MessageStatus::Dead.as_str())
    .bind(ids)
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_its_cap() {
        let settings = QueueSettings::default();
        assert_eq!(backoff(&settings, 1), 1);
        let third = backoff(&settings, 3);
        assert!((4..=5).contains(&third), "{third}");
        assert_eq!(backoff(&settings, 30), settings.nack_backoff_max_seconds);
    }
}
