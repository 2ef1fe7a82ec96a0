//! Posting, reading, listing and deleting a queue's messages.

use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use super::errors::QueueError;
use super::model::{Message, MessageStatus, PostMessage};
use super::store::{self, QueueRow};
use crate::core::Core;
use crate::error::Violation;
use crate::projects::ProjectId;
use crate::tasks::idempotency::request_hash;
use crate::tasks::priority;

/// A message's columns for `Message`, from `queue_messages m JOIN queues q`.
pub const COLUMNS: &str = "m.id, q.name AS queue, m.payload, m.status, m.concurrency_key,
    m.run_after, m.priority, m.deliveries, m.lease_expires_at, m.task_id, m.runner_name AS runner,
    m.last_error, m.created_at, m.updated_at";
pub const FROM: &str = "queue_messages m JOIN queues q ON q.id = m.queue_id";

fn violations(body: &PostMessage) -> Vec<Violation> {
    let mut errors = Vec::new();
    if let Some(key) = &body.concurrency_key
        && !(1..=255).contains(&key.chars().count())
    {
        errors.push(Violation::new("/concurrency_key", "1 to 255 characters"));
    }
    errors
}

/// Posts `body` to queue `name` (made if new). With an idempotency `key`, the same
/// request again returns the message it made (`true`: a replay).
pub async fn post(
    core: &Core,
    project: ProjectId,
    name: &str,
    body: &PostMessage,
    key: Option<&str>,
) -> Result<(Message, bool), QueueError> {
    let mut tx = core.pool.begin().await?;
    let posted = post_on(&mut tx, core, project, name, body, key).await?;
    tx.commit().await?;
    Ok(posted)
}

/// `post` inside the caller's transaction `tx` (a schedule's fire records the message).
pub async fn post_on(
    tx: &mut sqlx::PgConnection,
    core: &Core,
    project: ProjectId,
    name: &str,
    body: &PostMessage,
    key: Option<&str>,
) -> Result<(Message, bool), QueueError> {
    let errors = violations(body);
    if !errors.is_empty() {
        return Err(QueueError::Invalid(errors));
    }
    let priority = priority::or_default(body.priority);
    let settings = &core.queues;
    let hash = key.map(|_| request_hash(name, &serde_json::to_value(body).unwrap_or_default()));
    let queue = store::ensure(&mut *tx, project, name, settings).await?;
    // Posts to one queue count and insert in turn, so together they cannot pass the limit.
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('queue_messages:' || $1::text, 0))")
        .bind(queue.id)
        .execute(&mut *tx)
        .await?;
    // A retried post answers with its message even when the queue has filled since.
    if let Some(id) = replay(&mut *tx, &queue, key, hash.as_deref()).await? {
        return Ok((get_in(&mut *tx, &queue, id).await?, true));
    }
    let waiting: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM queue_messages WHERE queue_id = $1 AND status IN ('pending', 'leased')",
    )
    .bind(queue.id)
    .fetch_one(&mut *tx)
    .await?;
    if waiting >= i64::from(settings.max_pending) {
        return Err(QueueError::QueueFull {
            queue: queue.name,
            limit: settings.max_pending,
        });
    }
    let inserted: Option<Uuid> = sqlx::query_scalar(
        "INSERT INTO queue_messages (id, project_id, queue_id, payload, concurrency_key,
             idempotency_key, request_hash, run_after, priority, priority_lead_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, coalesce($8, now()), $9, $10)
         ON CONFLICT (queue_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
         RETURNING id",
    )
    .bind(Uuid::now_v7())
    .bind(project)
    .bind(queue.id)
    .bind(&body.payload)
    .bind(&body.concurrency_key)
    .bind(key)
    .bind(&hash)
    .bind(body.run_after)
    .bind(i16::from(priority))
    .bind(core.priority_aging.lead_ms(priority))
    .fetch_optional(&mut *tx)
    .await?;
    // The post holds the queue's lock, so its key cannot have been taken since the check.
    let (id, replayed) = match inserted {
        Some(id) => (id, false),
        None => match replay(&mut *tx, &queue, key, hash.as_deref()).await? {
            Some(id) => (id, true),
            None => {
                return Err(anyhow::anyhow!("an idempotency key vanished under its lock").into());
            }
        },
    };
    let message = get_in(&mut *tx, &queue, id).await?;
    Ok((message, replayed))
}

/// The message holding idempotency `key`, if any (the key's earlier post); refused when
/// another request made it.
async fn replay(
    tx: &mut sqlx::PgConnection,
    queue: &QueueRow,
    key: Option<&str>,
    hash: Option<&str>,
) -> Result<Option<Uuid>, QueueError> {
    let Some(key_given) = key else {
        return Ok(None);
    };
    let found: Option<(Uuid, Option<String>)> = sqlx::query_as(
        "SELECT id, request_hash FROM queue_messages WHERE queue_id = $1 AND idempotency_key = $2",
    )
    .bind(queue.id)
    .bind(key_given)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((id, stored)) = found else {
        return Ok(None);
    };
    if stored.as_deref() != hash {
        return Err(QueueError::KeyReused {
            key: key_given.to_owned(),
            message: id,
        });
    }
    Ok(Some(id))
}

async fn get_in(
    db: impl PgExecutor<'_>,
    queue: &QueueRow,
    id: Uuid,
) -> Result<Message, QueueError> {
    sqlx::query_as::<_, Message>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE m.queue_id = $1 AND m.id = $2"
    )))
    .bind(queue.id)
    .bind(id)
    .fetch_optional(db)
    .await?
    .ok_or_else(|| QueueError::MessageNotFound {
        queue: queue.name.clone(),
        id,
    })
}

/// Message `id` of queue `name`.
pub async fn get(
    pool: &PgPool,
    project: ProjectId,
    name: &str,
    id: Uuid,
) -> Result<Message, QueueError> {
    let queue = store::find(pool, project, name).await?;
    get_in(pool, &queue, id).await
}

/// Messages of queue `name` in `status` (all when `None`), oldest first, after the
/// message numbered `after`; each with its number (the cursor of the next page).
pub async fn list(
    pool: &PgPool,
    project: ProjectId,
    name: &str,
    status: Option<MessageStatus>,
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<(i64, Message)>, QueueError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        seq: i64,
        #[sqlx(flatten)]
        message: Message,
    }
    let queue = store::find(pool, project, name).await?;
    let rows = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(format!(
        "SELECT m.seq, {COLUMNS} FROM {FROM}
         WHERE m.queue_id = $1 AND ($2::text IS NULL OR m.status = $2)
           AND ($3::bigint IS NULL OR m.seq > $3)
         ORDER BY m.seq LIMIT $4"
    )))
    .bind(queue.id)
    .bind(status.map(MessageStatus::as_str))
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.seq, r.message)).collect())
}

/// Deletes message `id` if it is pending or dead.
pub async fn delete(
    pool: &PgPool,
    project: ProjectId,
    name: &str,
    id: Uuid,
) -> Result<(), QueueError> {
    let queue = store::find(pool, project, name).await?;
    let deleted = sqlx::query(
        "DELETE FROM queue_messages WHERE queue_id = $1 AND id = $2
         AND status IN ('pending', 'dead')",
    )
    .bind(queue.id)
    .bind(id)
    .execute(pool)
    .await?;
    if deleted.rows_affected() == 1 {
        return Ok(());
    }
    let message = get_in(pool, &queue, id).await?;
    Err(QueueError::WrongStatus {
        id,
        status: message.status,
        action: "deleted (only pending and dead messages can)",
    })
}
