//! Per-project counts of a kind of resource (`*.project_max_*`), checked in the transaction
//! that adds one. Additions of one kind in one project take turns (an advisory lock held
//! to the end of the transaction), so concurrent requests cannot all count the same number
//! and together pass the limit.

use sqlx::PgConnection;

use super::ProjectId;

/// The kinds with a per-project limit: each is a table with a `project_id`.
#[derive(Debug, Clone, Copy)]
pub enum Counted {
    Queues,
    Schedules,
    Triggers,
    Webhooks,
}

impl Counted {
    fn table(self) -> &'static str {
        match self {
            Self::Queues => "queues",
            Self::Schedules => "schedules",
            Self::Triggers => "triggers",
            Self::Webhooks => "webhooks",
        }
    }
}

/// Whether the project may add one more of `kind` (it has fewer than `limit`). Waits for
/// other additions of the kind in the project, and holds them off until the caller's
/// transaction ends.
pub async fn room_for_one(
    conn: &mut PgConnection,
    project: ProjectId,
    kind: Counted,
    limit: u32,
) -> sqlx::Result<bool> {
    let table = kind.table();
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1 || ':' || $2::text, 0))")
        .bind(table)
        .bind(project)
        .execute(&mut *conn)
        .await?;
    let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT count(*) FROM {table} WHERE project_id = $1"
    )))
    .bind(project)
    .fetch_one(&mut *conn)
    .await?;
    Ok(count < i64::from(limit))
}
