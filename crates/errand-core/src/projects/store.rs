//! Project storage.

use sqlx::PgExecutor;
use uuid::Uuid;

use super::{NewProject, Project, ProjectId};

const COLUMNS: &str = "id, name, max_running_tasks, max_queued_tasks, created_at";

#[derive(sqlx::FromRow)]
struct ProjectRow {
    id: Uuid,
    name: String,
    max_running_tasks: Option<i32>,
    max_queued_tasks: Option<i32>,
    created_at: chrono::DateTime<chrono::Utc>,
}

impl From<ProjectRow> for Project {
    fn from(r: ProjectRow) -> Self {
        Project {
            id: r.id,
            name: r.name,
            max_running_tasks: r.max_running_tasks,
            max_queued_tasks: r.max_queued_tasks,
            created_at: r.created_at,
        }
    }
}

/// Creates a project; `None` when the name is taken.
pub async fn insert(db: impl PgExecutor<'_>, p: &NewProject) -> sqlx::Result<Option<Project>> {
    sqlx::query_as::<_, ProjectRow>(sqlx::AssertSqlSafe(format!(
        "INSERT INTO projects (id, name, max_running_tasks, max_queued_tasks)
         VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING RETURNING {COLUMNS}"
    )))
    .bind(Uuid::now_v7())
    .bind(&p.name)
    // Both were checked to fit (at most 10,000,000).
    .bind(p.max_running_tasks.map(|n| n as i32))
    .bind(p.max_queued_tasks.map(|n| n as i32))
    .fetch_optional(db)
    .await
    .map(|r| r.map(Project::from))
}

/// The project called `name`, creating it (with the server's limits) if missing.
pub async fn ensure(db: impl PgExecutor<'_>, name: &str) -> sqlx::Result<Project> {
    sqlx::query_as::<_, ProjectRow>(sqlx::AssertSqlSafe(format!(
        "WITH made AS (
            INSERT INTO projects (id, name) VALUES ($1, $2)
            ON CONFLICT (name) DO NOTHING RETURNING {COLUMNS})
         SELECT {COLUMNS} FROM made
         UNION ALL SELECT {COLUMNS} FROM projects WHERE name = $2"
    )))
    .bind(Uuid::now_v7())
    .bind(name)
    .fetch_one(db)
    .await
    .map(Project::from)
}

pub async fn by_name(db: impl PgExecutor<'_>, name: &str) -> sqlx::Result<Option<Project>> {
    sqlx::query_as::<_, ProjectRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM projects WHERE name = $1"
    )))
    .bind(name)
    .fetch_optional(db)
    .await
    .map(|r| r.map(Project::from))
}

pub async fn by_id(db: impl PgExecutor<'_>, id: ProjectId) -> sqlx::Result<Option<Project>> {
    sqlx::query_as::<_, ProjectRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM projects WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(db)
    .await
    .map(|r| r.map(Project::from))
}

/// Every project, by name (a page of up to `limit` after `after`).
pub async fn list(
    db: impl PgExecutor<'_>,
    after: Option<&str>,
    limit: i64,
) -> sqlx::Result<Vec<Project>> {
    sqlx::query_as::<_, ProjectRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM projects WHERE ($1::text IS NULL OR name > $1)
         ORDER BY name LIMIT $2"
    )))
    .bind(after)
    .bind(limit)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(Project::from).collect())
}

pub async fn count(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM projects")
        .fetch_one(db)
        .await
}
