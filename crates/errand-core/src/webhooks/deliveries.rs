//! A webhook's deliveries: listed with how their tries went, one with every try, and
//! sending one again.

use sqlx::PgPool;
use uuid::Uuid;

use super::errors::WebhookError;
use super::model::{Attempt, Delivery, DeliveryDetail};
use super::store;
use crate::config::WebhookSettings;
use crate::projects::ProjectId;

const COLUMNS: &str = "id, event_type, payload, status, attempts, next_attempt_at,
    last_status_code, last_error, created_at, delivered_at";

/// Newest first, older than delivery `before`.
pub async fn list(
    pool: &PgPool,
    project: ProjectId,
    webhook: Uuid,
    status: Option<&str>,
    before: Option<Uuid>,
    limit: i64,
) -> Result<Vec<Delivery>, WebhookError> {
    store::get(pool, project, webhook).await?;
    let found = sqlx::query_as::<_, Delivery>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM webhook_deliveries
         WHERE project_id = $1 AND webhook_id = $2 AND ($3::text IS NULL OR status = $3)
           AND ($4::uuid IS NULL OR (created_at, id) <
               (SELECT created_at, id FROM webhook_deliveries WHERE id = $4 AND webhook_id = $2))
         ORDER BY created_at DESC, id DESC LIMIT $5"
    )))
    .bind(project)
    .bind(webhook)
    .bind(status)
    .bind(before)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(found)
}

async fn one(
    pool: &PgPool,
    project: ProjectId,
    webhook: Uuid,
    id: Uuid,
) -> Result<Delivery, WebhookError> {
    store::get(pool, project, webhook).await?;
    sqlx::query_as::<_, Delivery>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM webhook_deliveries
         WHERE project_id = $1 AND webhook_id = $2 AND id = $3"
    )))
    .bind(project)
    .bind(webhook)
    .bind(id)
    .fetch_optional(pool)
    .await?
    .ok_or(WebhookError::DeliveryNotFound(id))
}

/// Delivery `id` with every try, oldest first.
pub async fn get(
    pool: &PgPool,
    project: ProjectId,
    webhook: Uuid,
    id: Uuid,
) -> Result<DeliveryDetail, WebhookError> {
    let delivery = one(pool, project, webhook, id).await?;
    let attempt_log = attempts(pool, id).await?;
    Ok(DeliveryDetail {
        delivery,
        attempt_log,
    })
}

/// Sends delivery `id` again, now, with the same `webhook-id` (a receiver that saw it
/// drops it), and a new `webhooks.give_up_after_hours`. One being sent stays as it is.
pub async fn redeliver(
    pool: &PgPool,
    settings: &WebhookSettings,
    project: ProjectId,
    webhook: Uuid,
    id: Uuid,
) -> Result<Delivery, WebhookError> {
    one(pool, project, webhook, id).await?;
    sqlx::query(
        "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now(),
             give_up_at = now() + make_interval(hours => $3), updated_at = now()
         WHERE project_id = $1 AND id = $2 AND status <> 'sending'",
    )
    .bind(project)
    .bind(id)
    .bind(i32::try_from(settings.give_up_after_hours).unwrap_or(i32::MAX))
    .execute(pool)
    .await?;
    one(pool, project, webhook, id).await
}

/// The latest delivery to task `task`'s `callback_url`, with every try; `None` before the
/// task ended (or without a `callback_url`).
pub async fn of_task(
    pool: &PgPool,
    project: ProjectId,
    task: Uuid,
) -> Result<Option<DeliveryDetail>, WebhookError> {
    let found = sqlx::query_as::<_, Delivery>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM webhook_deliveries
         WHERE project_id = $1 AND task_id = $2 ORDER BY created_at DESC LIMIT 1"
    )))
    .bind(project)
    .bind(task)
    .fetch_optional(pool)
    .await?;
    let Some(delivery) = found else {
        return Ok(None);
    };
    let attempt_log = attempts(pool, delivery.id).await?;
    Ok(Some(DeliveryDetail {
        delivery,
        attempt_log,
    }))
}

async fn attempts(pool: &PgPool, id: Uuid) -> sqlx::Result<Vec<Attempt>> {
    sqlx::query_as::<_, Attempt>(
        "SELECT n, attempted_at, status_code, response, error, duration_ms
         FROM webhook_attempts WHERE delivery_id = $1 ORDER BY n",
    )
    .bind(id)
    .fetch_all(pool)
    .await
}
