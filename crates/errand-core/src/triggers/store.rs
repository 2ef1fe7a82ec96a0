//! Triggers in `triggers`.

use sqlx::PgPool;
use sqlx::types::Json;
use uuid::Uuid;

use super::errors::TriggerError;
use super::model::{CreatedTrigger, NewTrigger, Scheme, Trigger, TriggerTarget};
use crate::core::Core;
use crate::error::Violation;
use crate::projects::ProjectId;
use crate::projects::limits::{self, Counted};
use crate::signatures::Secret;
use crate::targets;

pub const COLUMNS: &str = "id, name, target, scheme, signature_header, mapping, enabled,
    deliveries, last_delivery_at, created_at, updated_at";

/// Where a trigger is posted to.
pub fn url(id: Uuid) -> String {
    format!("/v1/hooks/{id}")
}

fn with_url(mut trigger: Trigger) -> Trigger {
    trigger.url = url(trigger.id);
    trigger
}

/// What is wrong with `body` in `project` (an unknown runner, a bad queue name, a header
/// or secret the scheme does not take, a pointer that is not one).
async fn violations(
    core: &Core,
    project: ProjectId,
    body: &NewTrigger,
) -> Result<Vec<Violation>, TriggerError> {
    let mut errors = Vec::new();
    if body.name.as_ref().is_some_and(|n| n.chars().count() > 200) {
        errors.push(Violation::new("/name", "at most 200 characters"));
    }
    match &body.target {
        TriggerTarget::Runner(t) => {
            errors.extend(targets::runner(&core.pool, project, &t.runner).await?.err());
            errors.extend(targets::thread(t.thread.as_deref()));
        }
        TriggerTarget::Queue(t) => errors.extend(targets::queue(&t.queue)),
    }
    let header_ok = |h: &String| {
        (1..=100).contains(&h.len()) && h.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    match (body.scheme, &body.signature_header) {
        (Scheme::HmacSha256, None) => errors.push(Violation::new(
            "/signature_header",
            "hmac-sha256 needs the header that carries the signature",
        )),
        (Scheme::HmacSha256, Some(h)) if !header_ok(h) => errors.push(Violation::new(
            "/signature_header",
            "a header name: 1 to 100 letters, digits and dashes",
        )),
        (Scheme::HmacSha256, Some(_)) | (_, None) => {}
        (_, Some(_)) => errors.push(Violation::new(
            "/signature_header",
            "only hmac-sha256 reads a header of your choosing",
        )),
    }
    match (body.scheme, &body.secret) {
        (Scheme::Github | Scheme::HmacSha256, Some(s))
            if !(16..=200).contains(&s.chars().count()) =>
        {
            errors.push(Violation::new("/secret", "16 to 200 characters"));
        }
        (Scheme::StandardWebhooks | Scheme::None, Some(_)) => errors.push(Violation::new(
            "/secret",
            "only github and hmac-sha256 take a secret of your choosing",
        )),
        _ => {}
    }
    for (name, pointer) in body.mapping.iter().flatten() {
        if !(pointer.is_empty() || pointer.starts_with('/')) || pointer.len() > 1000 {
            let at = format!("/mapping/{}", crate::json::pointer_token(name));
            errors.push(Violation::new(
                at,
                "a JSON pointer (\"\" or starting with /)",
            ));
        }
    }
    if body.mapping.as_ref().is_some_and(|m| m.len() > 100) {
        errors.push(Violation::new("/mapping", "at most 100 names"));
    }
    Ok(errors)
}

/// The secret a new trigger keeps, as stored and as shown.
fn secret_for(body: &NewTrigger) -> Result<Option<String>, TriggerError> {
    let generated = || Secret::generate().map(|s| s.shown());
    Ok(match body.scheme {
        Scheme::None => None,
        Scheme::StandardWebhooks => Some(generated()?),
        Scheme::Github | Scheme::HmacSha256 => match &body.secret {
            Some(s) => Some(s.clone()),
            None => Some(generated()?),
        },
    })
}

pub async fn create(
    core: &Core,
    project: ProjectId,
    body: NewTrigger,
) -> Result<CreatedTrigger, TriggerError> {
    let errors = violations(core, project, &body).await?;
    if !errors.is_empty() {
        return Err(TriggerError::Invalid(errors));
    }
    let secret = secret_for(&body)?;
    let random = crate::ids::random_bytes::<16>()?;
    let mut tx = core.pool.begin().await?;
    let limit = core.triggers.project_max_triggers;
    if !limits::room_for_one(&mut tx, project, Counted::Triggers, limit).await? {
        return Err(TriggerError::TooMany { limit });
    }
    // A random id: for `none` the URL is all a sender needs, so it must not be guessable.
    let created = sqlx::query_as::<_, Trigger>(sqlx::AssertSqlSafe(format!(
        "INSERT INTO triggers (id, project_id, name, target, scheme, signature_header, secret,
             mapping)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {COLUMNS}"
    )))
    .bind(uuid::Builder::from_random_bytes(random).into_uuid())
    .bind(project)
    .bind(&body.name)
    .bind(Json(&body.target))
    .bind(body.scheme.as_str())
    .bind(&body.signature_header)
    .bind(&secret)
    .bind(body.mapping.as_ref().map(Json))
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(CreatedTrigger {
        trigger: with_url(created),
        secret,
    })
}

pub async fn get(pool: &PgPool, project: ProjectId, id: Uuid) -> Result<Trigger, TriggerError> {
    sqlx::query_as::<_, Trigger>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM triggers WHERE project_id = $1 AND id = $2"
    )))
    .bind(project)
    .bind(id)
    .fetch_optional(pool)
    .await?
    .map(with_url)
    .ok_or(TriggerError::NotFound(id))
}

/// Newest first, after (older than) trigger `after`.
pub async fn list(
    pool: &PgPool,
    project: ProjectId,
    after: Option<Uuid>,
    limit: i64,
) -> Result<Vec<Trigger>, TriggerError> {
    let found = sqlx::query_as::<_, Trigger>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM triggers
         WHERE project_id = $1 AND ($2::uuid IS NULL OR (created_at, id) <
             (SELECT created_at, id FROM triggers WHERE project_id = $1 AND id = $2))
         ORDER BY created_at DESC, id DESC LIMIT $3"
    )))
    .bind(project)
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(found.into_iter().map(with_url).collect())
}

/// Turns trigger `id` on or off (a disabled trigger's URL answers 404).
pub async fn set_enabled(
    pool: &PgPool,
    project: ProjectId,
    id: Uuid,
    enabled: bool,
) -> Result<Trigger, TriggerError> {
    sqlx::query_as::<_, Trigger>(sqlx::AssertSqlSafe(format!(
        "UPDATE triggers SET enabled = $3, updated_at = now()
         WHERE project_id = $1 AND id = $2 RETURNING {COLUMNS}"
    )))
    .bind(project)
    .bind(id)
    .bind(enabled)
    .fetch_optional(pool)
    .await?
    .map(with_url)
    .ok_or(TriggerError::NotFound(id))
}

/// Deletes trigger `id` and its deliveries' record (the tasks and messages stay).
pub async fn delete(pool: &PgPool, project: ProjectId, id: Uuid) -> Result<(), TriggerError> {
    let done = sqlx::query("DELETE FROM triggers WHERE project_id = $1 AND id = $2")
        .bind(project)
        .bind(id)
        .execute(pool)
        .await?;
    match done.rows_affected() {
        0 => Err(TriggerError::NotFound(id)),
        _ => Ok(()),
    }
}
