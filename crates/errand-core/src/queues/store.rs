//! Queue rows: made on first use (a message, a runner naming the queue, or `PUT`), listed
//! with their depth and consumers.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use super::errors::QueueError;
use super::model::{Consumers, Queue, QueueDepth, QueueSettingsInput};
use crate::config::QueueSettings;
use crate::error::Violation;
use crate::ids::valid_name;
use crate::projects::ProjectId;
use crate::projects::limits::{self, Counted};

/// A queue as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QueueRow {
    pub id: Uuid,
    pub project_id: ProjectId,
    pub name: String,
    pub concurrency_limit: i32,
    pub visibility_timeout_seconds: i32,
    pub max_deliveries: i32,
    pub last_receive_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, project_id, name, concurrency_limit, visibility_timeout_seconds,
    max_deliveries, last_receive_at, created_at";

/// `name` if it can name a queue.
pub fn checked_name(name: &str) -> Result<&str, QueueError> {
    match valid_name(name) {
        true => Ok(name),
        // A name that is no slug names no queue (and never reaches the database).
        false => Err(QueueError::QueueNotFound(name.to_owned())),
    }
}

pub async fn find(
    db: impl PgExecutor<'_>,
    project: ProjectId,
    name: &str,
) -> Result<QueueRow, QueueError> {
    let name = checked_name(name)?;
    sqlx::query_as::<_, QueueRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM queues WHERE project_id = $1 AND name = $2"
    )))
    .bind(project)
    .bind(name)
    .fetch_optional(db)
    .await?
    .ok_or_else(|| QueueError::QueueNotFound(name.to_owned()))
}

/// The queue `name`, made with the default settings if it does not exist (within the
/// project's `queues.project_max_queues`); a name that is no slug is refused.
pub async fn ensure(
    conn: &mut PgConnection,
    project: ProjectId,
    name: &str,
    settings: &QueueSettings,
) -> Result<QueueRow, QueueError> {
    if !valid_name(name) {
        return Err(QueueError::BadName(name.to_owned()));
    }
    match find(&mut *conn, project, name).await {
        Err(QueueError::QueueNotFound(_)) => {}
        found => return found,
    }
    let limit = settings.project_max_queues;
    if !limits::room_for_one(&mut *conn, project, Counted::Queues, limit).await? {
        return Err(QueueError::TooManyQueues { limit });
    }
    sqlx::query(
        "INSERT INTO queues (id, project_id, name, concurrency_limit,
             visibility_timeout_seconds, max_deliveries)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (project_id, name) DO NOTHING",
    )
    .bind(Uuid::now_v7())
    .bind(project)
    .bind(name)
    .bind(as_i32(settings.default_concurrency_limit))
    .bind(as_i32(settings.default_visibility_timeout_seconds))
    .bind(as_i32(settings.default_max_deliveries))
    .execute(&mut *conn)
    .await?;
    find(&mut *conn, project, name).await
}

fn as_i32(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Where `input` is out of range.
pub fn violations(input: &QueueSettingsInput) -> Vec<Violation> {
    let mut errors = Vec::new();
    let mut check = |value: Option<u32>, pointer: &str, max: u32| {
        if value.is_some_and(|v| !(1..=max).contains(&v)) {
            errors.push(Violation::new(pointer, format!("must be 1 to {max}")));
        }
    };
    check(input.concurrency_limit, "/concurrency_limit", 10_000);
    check(
        input.visibility_timeout_seconds,
        "/visibility_timeout_seconds",
        43_200,
    );
    check(input.max_deliveries, "/max_deliveries", 100);
    errors
}

/// Sets up queue `name` with `input` (what it omits keeps its value); whether it is new.
pub async fn configure(
    conn: &mut PgConnection,
    project: ProjectId,
    name: &str,
    input: &QueueSettingsInput,
    settings: &QueueSettings,
) -> Result<(QueueRow, bool), QueueError> {
    let errors = violations(input);
    if !errors.is_empty() {
        return Err(QueueError::Invalid(errors));
    }
    let existed = find(&mut *conn, project, name).await.is_ok();
    let row = ensure(conn, project, name, settings).await?;
    let row = sqlx::query_as::<_, QueueRow>(sqlx::AssertSqlSafe(format!(
        "UPDATE queues SET concurrency_limit = coalesce($2, concurrency_limit),
             visibility_timeout_seconds = coalesce($3, visibility_timeout_seconds),
             max_deliveries = coalesce($4, max_deliveries), updated_at = now()
         WHERE id = $1 RETURNING {COLUMNS}"
    )))
    .bind(row.id)
    .bind(input.concurrency_limit.map(as_i32))
    .bind(input.visibility_timeout_seconds.map(as_i32))
    .bind(input.max_deliveries.map(as_i32))
    .fetch_one(&mut *conn)
    .await?;
    Ok((row, !existed))
}

/// Queues by name, after `after`.
pub async fn list(
    db: &sqlx::PgPool,
    project: ProjectId,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<Queue>, QueueError> {
    let rows = sqlx::query_as::<_, QueueRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM queues WHERE project_id = $1 AND ($2::text IS NULL OR name > $2)
         ORDER BY name LIMIT $3"
    )))
    .bind(project)
    .bind(after)
    .bind(limit)
    .fetch_all(db)
    .await?;
    let mut queues = Vec::with_capacity(rows.len());
    for row in rows {
        queues.push(view(db, row).await?);
    }
    Ok(queues)
}

/// `row` with its depth and consumers.
pub async fn view(db: &sqlx::PgPool, row: QueueRow) -> Result<Queue, QueueError> {
    let (pending, delayed, leased, running, dead, oldest): (i64, i64, i64, i64, i64, Option<f64>) =
        sqlx::query_as(
            "SELECT count(*) FILTER (WHERE status = 'pending'),
                count(*) FILTER (WHERE status = 'pending' AND run_after > now()),
                count(*) FILTER (WHERE status = 'leased'),
                count(*) FILTER (WHERE status = 'running'),
                count(*) FILTER (WHERE status = 'dead'),
                extract(epoch FROM now() - min(greatest(created_at, run_after))
                    FILTER (WHERE status = 'pending' AND run_after <= now()))::float8
         FROM queue_messages WHERE queue_id = $1 AND status <> 'done'",
        )
        .bind(row.id)
        .fetch_one(db)
        .await?;
    let runners: Vec<String> = crate::runners::store::consuming(db, row.project_id, &row.name)
        .await?
        .into_iter()
        .map(|r| r.name)
        .collect();
    Ok(Queue {
        name: row.name,
        concurrency_limit: row.concurrency_limit,
        visibility_timeout_seconds: row.visibility_timeout_seconds,
        max_deliveries: row.max_deliveries,
        depth: QueueDepth {
            pending,
            delayed,
            leased,
            running,
            dead,
        },
        oldest_pending_age_seconds: oldest,
        consumers: Consumers {
            runners,
            last_receive_at: row.last_receive_at,
        },
        created_at: row.created_at,
    })
}

/// Deletes queue `name` with its messages, unless runners consume it or messages of it
/// are leased or running.
pub async fn delete(
    conn: &mut PgConnection,
    project: ProjectId,
    name: &str,
) -> Result<(), QueueError> {
    let row = find(&mut *conn, project, name).await?;
    sqlx::query("SELECT 1 FROM queues WHERE id = $1 FOR UPDATE")
        .bind(row.id)
        .execute(&mut *conn)
        .await?;
    let runners = crate::runners::store::consuming(&mut *conn, project, name).await?;
    let busy = |why: String| QueueError::QueueBusy {
        queue: name.to_owned(),
        why,
    };
    if !runners.is_empty() {
        let names: Vec<String> = runners.into_iter().map(|r| r.name).collect();
        return Err(busy(format!(
            "runners consume it ({}): change their `queue` first",
            names.join(", ")
        )));
    }
    let working: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM queue_messages
         WHERE queue_id = $1 AND status IN ('leased', 'running')",
    )
    .bind(row.id)
    .fetch_one(&mut *conn)
    .await?;
    if working > 0 {
        return Err(busy(format!(
            "{working} of its messages are leased or running"
        )));
    }
    sqlx::query("DELETE FROM queue_messages WHERE queue_id = $1")
        .bind(row.id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM queues WHERE id = $1")
        .bind(row.id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
