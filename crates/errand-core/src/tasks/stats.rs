//! A project's recent tasks counted by status and by minute: the dashboard's overview.
//! Read from the `tasks_status` index alone (project, status, id; ids are UUIDv7, so the
//! id says when a task was made), and bounded: at most `MAX_COUNTED` of the newest tasks are
//! counted per status, and `capped` says when a count stopped there.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::model::TaskStatus;
use crate::projects::ProjectId;

/// Tasks counted per status at most.
pub const MAX_COUNTED: i64 = 100_000;
/// The longest window, in minutes (a day).
pub const MAX_WINDOW_MINUTES: u32 = 1440;

/// A project's tasks made since `since`, by the status each has now.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TaskStats {
    pub since: DateTime<Utc>,
    /// Every status, with how many of the window's tasks are in it now.
    #[schema(value_type = BTreeMap<String, i64>)]
    pub by_status: BTreeMap<&'static str, i64>,
    /// The same per minute the tasks were made in, oldest first; minutes without tasks
    /// are left out.
    pub per_minute: Vec<Minute>,
    /// A status had more than 100,000 tasks in the window: its counts are of the newest.
    pub capped: bool,
}

/// One minute of `TaskStats`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Minute {
    /// The minute's start.
    pub minute: DateTime<Utc>,
    #[schema(value_type = BTreeMap<String, i64>)]
    pub by_status: BTreeMap<&'static str, i64>,
}

/// The smallest UUIDv7 of `at`'s millisecond: ids at or above it were made at or after it.
fn first_id_at(at: DateTime<Utc>) -> Uuid {
    let millis = u64::try_from(at.timestamp_millis()).unwrap_or(0);
    uuid::Builder::from_unix_timestamp_millis(millis, &[0; 10]).into_uuid()
}

/// The project's tasks made in the last `minutes` minutes.
pub async fn recent(
    db: &sqlx::PgPool,
    project: ProjectId,
    minutes: u32,
) -> sqlx::Result<TaskStats> {
    let since = Utc::now() - TimeDelta::minutes(i64::from(minutes.min(MAX_WINDOW_MINUTES)));
    // Per status, the newest tasks' minute (from the id's first 48 bits: Unix milliseconds).
    let rows: Vec<(String, i64, i64, i64)> = sqlx::query_as(
        "SELECT s.status, m.minute, count(*), max(s.n)
         FROM unnest($3::text[]) AS s0(status),
         LATERAL (SELECT t.status, t.id, count(*) OVER () AS n FROM (
                      SELECT status, id FROM tasks
                      WHERE project_id = $1 AND status = s0.status AND id >= $2
                      ORDER BY id DESC LIMIT $4) t) s,
         LATERAL (SELECT ('x' || substr(replace(s.id::text, '-', ''), 1, 12))::bit(48)::bigint
                         / 60000 AS minute) m
         GROUP BY s.status, m.minute ORDER BY m.minute",
    )
    .bind(project)
    .bind(first_id_at(since))
    .bind(
        TaskStatus::ALL
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(MAX_COUNTED)
    .fetch_all(db)
    .await?;
    let mut stats = TaskStats {
        since,
        by_status: TaskStatus::ALL.iter().map(|s| (s.as_str(), 0)).collect(),
        per_minute: Vec::new(),
        capped: false,
    };
    for (status, minute, count, counted) in rows {
        let Some(status) = TaskStatus::ALL.iter().find(|s| s.as_str() == status) else {
            continue;
        };
        let status = status.as_str();
        *stats.by_status.entry(status).or_default() += count;
        stats.capped |= counted >= MAX_COUNTED;
        let start = DateTime::from_timestamp(minute * 60, 0).unwrap_or(since);
        match stats.per_minute.last_mut() {
            Some(last) if last.minute == start => {
                *last.by_status.entry(status).or_default() += count;
            }
            _ => stats.per_minute.push(Minute {
                minute: start,
                by_status: BTreeMap::from([(status, count)]),
            }),
        }
    }
    Ok(stats)
}
