//! Webhook endpoints in `webhooks`.

use chrono::{TimeDelta, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::errors::WebhookError;
use super::model::{NewWebhook, Webhook, WebhookChange, WebhookEvent, WebhookWithSecret};
use crate::core::Core;
use crate::error::Violation;
use crate::projects::ProjectId;
use crate::projects::limits::{self, Counted};
use crate::signatures::Secret;

const COLUMNS: &str = "id, url, events, description, enabled, disabled_reason, failing_since,
    previous_expires_at AS previous_secret_expires_at, created_at, updated_at";

fn violations(
    core: &Core,
    url: Option<&str>,
    events: Option<&[WebhookEvent]>,
    description: Option<&str>,
) -> Vec<Violation> {
    let mut errors = Vec::new();
    if let Some(why) = url.and_then(|u| crate::fetch::url_problem(u, &core.fetch_allow_hosts)) {
        errors.push(Violation::new("/url", why));
    }
    if events.is_some_and(|e| e.is_empty() || e.len() > 6) {
        errors.push(Violation::new("/events", "1 to 6 event types"));
    }
    if description.is_some_and(|d| d.chars().count() > 500) {
        errors.push(Violation::new("/description", "at most 500 characters"));
    }
    errors
}

fn new_secret() -> anyhow::Result<String> {
    Ok(Secret::generate()?.shown())
}

fn deduplicated(events: &[WebhookEvent]) -> Vec<String> {
    let mut names: Vec<String> = events.iter().map(|e| e.as_str().to_owned()).collect();
    names.sort();
    names.dedup();
    names
}

pub async fn create(
    core: &Core,
    project: ProjectId,
    body: NewWebhook,
) -> Result<WebhookWithSecret, WebhookError> {
    let errors = violations(
        core,
        Some(&body.url),
        Some(&body.events),
        body.description.as_deref(),
    );
    if !errors.is_empty() {
        return Err(WebhookError::Invalid(errors));
    }
    let secret = new_secret()?;
    let mut tx = core.pool.begin().await?;
    let limit = core.webhooks.project_max_webhooks;
    if !limits::room_for_one(&mut tx, project, Counted::Webhooks, limit).await? {
        return Err(WebhookError::TooMany { limit });
    }
    let webhook = sqlx::query_as::<_, Webhook>(sqlx::AssertSqlSafe(format!(
        "INSERT INTO webhooks (id, project_id, url, events, description, secret)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING {COLUMNS}"
    )))
    .bind(Uuid::now_v7())
    .bind(project)
    .bind(&body.url)
    .bind(deduplicated(&body.events))
    .bind(&body.description)
    .bind(&secret)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(WebhookWithSecret { webhook, secret })
}

pub async fn get(
    db: impl sqlx::PgExecutor<'_>,
    project: ProjectId,
    id: Uuid,
) -> Result<Webhook, WebhookError> {
    sqlx::query_as::<_, Webhook>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM webhooks WHERE project_id = $1 AND id = $2"
    )))
    .bind(project)
    .bind(id)
    .fetch_optional(db)
    .await?
    .ok_or(WebhookError::NotFound(id))
}

/// Newest first, older than `before`.
pub async fn list(
    pool: &PgPool,
    project: ProjectId,
    before: Option<Uuid>,
    limit: i64,
) -> Result<Vec<Webhook>, WebhookError> {
    let found = sqlx::query_as::<_, Webhook>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM webhooks
         WHERE project_id = $1 AND ($2::uuid IS NULL OR id < $2) ORDER BY id DESC LIMIT $3"
    )))
    .bind(project)
    .bind(before)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(found)
}

pub async fn update(
    core: &Core,
    project: ProjectId,
    id: Uuid,
    change: WebhookChange,
) -> Result<Webhook, WebhookError> {
    let errors = violations(
        core,
        change.url.as_deref(),
        change.events.as_deref(),
        change.description.as_deref(),
    );
    if !errors.is_empty() {
        return Err(WebhookError::Invalid(errors));
    }
    let mut tx = core.pool.begin().await?;
    let changed = sqlx::query_as::<_, Webhook>(sqlx::AssertSqlSafe(format!(
        "UPDATE webhooks SET url = coalesce($3, url), events = coalesce($4, events),
             description = coalesce($5, description), enabled = coalesce($6, enabled),
             disabled_reason = CASE WHEN $6 IS NULL THEN disabled_reason
                                    WHEN $6 THEN NULL ELSE 'disabled by a PATCH' END,
             failing_since = CASE WHEN $6 THEN NULL ELSE failing_since END,
             updated_at = now()
         WHERE project_id = $1 AND id = $2 RETURNING {COLUMNS}"
    )))
    .bind(project)
    .bind(id)
    .bind(&change.url)
    .bind(change.events.as_deref().map(deduplicated))
    .bind(&change.description)
    .bind(change.enabled)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(WebhookError::NotFound(id))?;
    if change.enabled == Some(false) {
        drop_pending(&mut tx, id, "the endpoint was disabled by a PATCH").await?;
    }
    tx.commit().await?;
    Ok(changed)
}

/// Gives up the pending deliveries of a disabled endpoint (they are not kept waiting for
/// an endpoint that may never come back; `redeliver` sends one again).
pub async fn drop_pending(conn: &mut PgConnection, id: Uuid, why: &str) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE webhook_deliveries SET status = 'failed', last_error = $2, updated_at = now()
         WHERE webhook_id = $1 AND status = 'pending'",
    )
    .bind(id)
    .bind(why)
    .execute(conn)
    .await?;
    Ok(())
}

/// A new secret; the old one keeps signing (a second signature) for
/// `webhooks.rotation_grace_hours`.
pub async fn rotate(
    core: &Core,
    project: ProjectId,
    id: Uuid,
) -> Result<WebhookWithSecret, WebhookError> {
    let secret = new_secret()?;
    let grace = TimeDelta::hours(i64::from(core.webhooks.rotation_grace_hours));
    let webhook = sqlx::query_as::<_, Webhook>(sqlx::AssertSqlSafe(format!(
        "UPDATE webhooks SET previous_secret = secret, previous_expires_at = $4, secret = $3,
             updated_at = now()
         WHERE project_id = $1 AND id = $2 RETURNING {COLUMNS}"
    )))
    .bind(project)
    .bind(id)
    .bind(&secret)
    .bind(Utc::now() + grace)
    .fetch_optional(&core.pool)
    .await?
    .ok_or(WebhookError::NotFound(id))?;
    Ok(WebhookWithSecret { webhook, secret })
}

/// Deletes endpoint `id` with its deliveries.
pub async fn delete(pool: &PgPool, project: ProjectId, id: Uuid) -> Result<(), WebhookError> {
    let done = sqlx::query("DELETE FROM webhooks WHERE project_id = $1 AND id = $2")
        .bind(project)
        .bind(id)
        .execute(pool)
        .await?;
    match done.rows_affected() {
        0 => Err(WebhookError::NotFound(id)),
        _ => Ok(()),
    }
}

/// The project's callback secret (made on first use): a task's `callback_url` deliveries
/// are signed with it.
pub async fn callback_secret(pool: &PgPool, project: ProjectId) -> Result<String, WebhookError> {
    let fresh = new_secret()?;
    let secret = sqlx::query_scalar(
        "WITH made AS (
             INSERT INTO callback_secrets (project_id, secret) VALUES ($1, $2)
             ON CONFLICT (project_id) DO NOTHING RETURNING secret)
         SELECT secret FROM made
         UNION ALL SELECT secret FROM callback_secrets WHERE project_id = $1
         LIMIT 1",
    )
    .bind(project)
    .bind(&fresh)
    .fetch_one(pool)
    .await?;
    Ok(secret)
}
