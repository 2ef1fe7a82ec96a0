//! Schedules in `schedules`, their fires in `schedule_fires`.

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::errors::ScheduleError;
use super::model::{NewSchedule, Schedule, ScheduleChange, ScheduleFire, Target};
use super::timing::Timing;
use crate::core::Core;
use crate::error::Violation;
use crate::projects::ProjectId;
use crate::projects::limits::{self, Counted};
use crate::targets;

pub const COLUMNS: &str = "id, name, cron, timezone, target, enabled, end_at, missed,
    catch_up_max, overlap, next_fire_at, last_fire_at, missed_ticks, created_at, updated_at";

/// The default of `catch_up_max`.
const CATCH_UP_MAX: u32 = 10;

/// Where `target` does not hold in `project`: an unknown runner, arguments that break its
/// input schema (pointers under `/target/arguments`), a bad queue name.
pub async fn target_violations(
    core: &Core,
    project: ProjectId,
    target: &Target,
) -> Result<Vec<Violation>, ScheduleError> {
    let mut errors = Vec::new();
    match target {
        Target::Runner(t) => {
            match targets::runner(&core.pool, project, &t.runner).await? {
                Err(none) => errors.push(none),
                Ok(runner) => {
                    let submitter = core.submitter(project);
                    let (_, found) = submitter
                        .argument_violations(&runner, t.arguments.clone())
                        .await
                        .map_err(|e| {
                            ScheduleError::Invalid(vec![Violation::new("/target", e.to_string())])
                        })?;
                    errors.extend(found.into_iter().map(|v| v.under("/target")));
                }
            }
            errors.extend(targets::thread(t.thread.as_deref()));
        }
        Target::Queue(t) => {
            errors.extend(targets::queue(&t.queue));
            if t.concurrency_key
                .as_ref()
                .is_some_and(|k| !(1..=255).contains(&k.chars().count()))
            {
                errors.push(Violation::new(
                    "/target/concurrency_key",
                    "1 to 255 characters",
                ));
            }
        }
    }
    Ok(errors)
}

/// The next tick after now, unless disabled or past `end_at`.
fn next_fire(
    timing: &Timing,
    enabled: bool,
    end_at: Option<DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    let next = timing.next_after(Utc::now()).filter(|_| enabled)?;
    match end_at {
        Some(end) if next > end => None,
        _ => Some(next),
    }
}

fn field_violations(
    name: Option<&str>,
    catch_up_max: Option<u32>,
    end_at: Option<DateTime<Utc>>,
) -> Vec<Violation> {
    let mut errors = Vec::new();
    if end_at.is_some_and(|end| end <= Utc::now()) {
        errors.push(Violation::new(
            "/end_at",
            "is past: the schedule would never fire",
        ));
    }
    if name.is_some_and(|n| n.chars().count() > 200) {
        errors.push(Violation::new("/name", "at most 200 characters"));
    }
    if catch_up_max.is_some_and(|n| !(1..=1000).contains(&n)) {
        errors.push(Violation::new("/catch_up_max", "must be 1 to 1000"));
    }
    errors
}

pub async fn create(
    core: &Core,
    project: ProjectId,
    body: NewSchedule,
) -> Result<Schedule, ScheduleError> {
    let zone = body.timezone.clone().unwrap_or_else(|| "UTC".into());
    let mut errors = field_violations(body.name.as_deref(), body.catch_up_max, body.end_at);
    let timing = Timing::parse(&body.cron, &zone)
        .map_err(|e| errors.extend(e))
        .ok();
    errors.extend(target_violations(core, project, &body.target).await?);
    let Some(timing) = timing.filter(|_| errors.is_empty()) else {
        return Err(ScheduleError::Invalid(errors));
    };
    let mut tx = core.pool.begin().await?;
    let limit = core.schedules.project_max_schedules;
    if !limits::room_for_one(&mut tx, project, Counted::Schedules, limit).await? {
        return Err(ScheduleError::TooMany { limit });
    }
    let created = sqlx::query_as::<_, Schedule>(sqlx::AssertSqlSafe(format!(
        "INSERT INTO schedules (id, project_id, name, cron, timezone, target, enabled, end_at,
             missed, catch_up_max, overlap, next_fire_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING {COLUMNS}"
    )))
    .bind(Uuid::now_v7())
    .bind(project)
    .bind(&body.name)
    .bind(body.cron.trim())
    .bind(&zone)
    .bind(Json(&body.target))
    .bind(body.enabled)
    .bind(body.end_at)
    .bind(body.missed.as_str())
    .bind(i32::try_from(body.catch_up_max.unwrap_or(CATCH_UP_MAX)).unwrap_or(i32::MAX))
    .bind(body.overlap.as_str())
    .bind(next_fire(&timing, body.enabled, body.end_at))
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(created)
}

pub async fn get(
    db: impl sqlx::PgExecutor<'_>,
    project: ProjectId,
    id: Uuid,
) -> Result<Schedule, ScheduleError> {
    sqlx::query_as::<_, Schedule>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM schedules WHERE project_id = $1 AND id = $2"
    )))
    .bind(project)
    .bind(id)
    .fetch_optional(db)
    .await?
    .ok_or(ScheduleError::NotFound(id))
}

/// Newest first, after (older than) `before`.
pub async fn list(
    pool: &PgPool,
    project: ProjectId,
    before: Option<Uuid>,
    limit: i64,
) -> Result<Vec<Schedule>, ScheduleError> {
    let found = sqlx::query_as::<_, Schedule>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM schedules
         WHERE project_id = $1 AND ($2::uuid IS NULL OR id < $2) ORDER BY id DESC LIMIT $3"
    )))
    .bind(project)
    .bind(before)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(found)
}

/// Applies `change`; the next tick is computed again from now.
pub async fn update(
    core: &Core,
    project: ProjectId,
    id: Uuid,
    change: ScheduleChange,
) -> Result<Schedule, ScheduleError> {
    let mut tx = core.pool.begin().await?;
    let current = lock(&mut tx, project, id).await?;
    let end_given = change.end_at.flatten();
    let mut errors = field_violations(change.name.as_deref(), change.catch_up_max, end_given);
    let cron = change.cron.clone().unwrap_or(current.cron.clone());
    let zone = change.timezone.clone().unwrap_or(current.timezone.clone());
    let timing = Timing::parse(&cron, &zone)
        .map_err(|e| errors.extend(e))
        .ok();
    let target = change.target.clone().unwrap_or(current.target.clone());
    if change.target.is_some() {
        errors.extend(target_violations(core, project, &target).await?);
    }
    let Some(timing) = timing.filter(|_| errors.is_empty()) else {
        return Err(ScheduleError::Invalid(errors));
    };
    let enabled = change.enabled.unwrap_or(current.enabled);
    let end_at = change.end_at.unwrap_or(current.end_at);
    let updated = sqlx::query_as::<_, Schedule>(sqlx::AssertSqlSafe(format!(
        "UPDATE schedules SET name = coalesce($3, name), cron = $4, timezone = $5, target = $6,
             enabled = $7, end_at = $8, missed = coalesce($9, missed),
             catch_up_max = coalesce($10, catch_up_max), overlap = coalesce($11, overlap),
             next_fire_at = $12, updated_at = now()
         WHERE project_id = $1 AND id = $2 RETURNING {COLUMNS}"
    )))
    .bind(project)
    .bind(id)
    .bind(&change.name)
    .bind(cron.trim())
    .bind(&zone)
    .bind(Json(&target))
    .bind(enabled)
    .bind(end_at)
    .bind(change.missed.map(|m| m.as_str()))
    .bind(
        change
            .catch_up_max
            .map(|n| i32::try_from(n).unwrap_or(i32::MAX)),
    )
    .bind(change.overlap.map(|o| o.as_str()))
    .bind(next_fire(&timing, enabled, end_at))
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(updated)
}

/// Schedule `id` locked for this transaction.
pub async fn lock(
    conn: &mut PgConnection,
    project: ProjectId,
    id: Uuid,
) -> Result<Schedule, ScheduleError> {
    sqlx::query_as::<_, Schedule>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM schedules WHERE project_id = $1 AND id = $2 FOR UPDATE"
    )))
    .bind(project)
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(ScheduleError::NotFound(id))
}

/// Deletes schedule `id` with its fires (the tasks and messages they made stay).
pub async fn delete(pool: &PgPool, project: ProjectId, id: Uuid) -> Result<(), ScheduleError> {
    let done = sqlx::query("DELETE FROM schedules WHERE project_id = $1 AND id = $2")
        .bind(project)
        .bind(id)
        .execute(pool)
        .await?;
    match done.rows_affected() {
        0 => Err(ScheduleError::NotFound(id)),
        _ => Ok(()),
    }
}

/// Fires of schedule `id`, newest first, before the tick `before`.
pub async fn fires(
    pool: &PgPool,
    project: ProjectId,
    id: Uuid,
    before: Option<DateTime<Utc>>,
    limit: i64,
) -> Result<Vec<ScheduleFire>, ScheduleError> {
    get(pool, project, id).await?;
    let found = sqlx::query_as::<_, ScheduleFire>(
        "SELECT fire_at, fired_at, outcome, task_id, message_id, error FROM schedule_fires
         WHERE schedule_id = $1 AND project_id = $2 AND ($3::timestamptz IS NULL OR fire_at < $3)
         ORDER BY fire_at DESC LIMIT $4",
    )
    .bind(id)
    .bind(project)
    .bind(before)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(found)
}
