//! Storage of a project's HTTP tools.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::types::Json;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use super::http_tool::{HeaderValue, HttpMethod, HttpToolDef};
use crate::projects::ProjectId;

const COLUMNS: &str = "id, name, description, input_schema, output_schema, url, method, headers,
    timeout_seconds, read_only, version, created_at, updated_at";

#[derive(sqlx::FromRow)]
struct ToolRow {
    id: Uuid,
    name: String,
    description: String,
    input_schema: Value,
    output_schema: Option<Value>,
    url: String,
    method: String,
    headers: Json<BTreeMap<String, HeaderValue>>,
    timeout_seconds: i32,
    read_only: bool,
    version: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<ToolRow> for HttpToolDef {
    fn from(r: ToolRow) -> Self {
        Self {
            id: r.id,
            name: r.name,
            description: r.description,
            input_schema: r.input_schema,
            output_schema: r.output_schema,
            url: r.url,
            // The table's check allows only these.
            method: HttpMethod::parse(&r.method).unwrap_or_default(),
            headers: r.headers.0,
            timeout_seconds: r.timeout_seconds,
            read_only: r.read_only,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// What a new or replaced tool holds.
pub struct NewTool<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub input_schema: &'a Value,
    pub output_schema: Option<&'a Value>,
    pub url: &'a str,
    pub method: HttpMethod,
    pub headers: &'a BTreeMap<String, HeaderValue>,
    pub timeout_seconds: i32,
    pub read_only: bool,
}

type ToolQuery<'q> = sqlx::query::QueryAs<'q, sqlx::Postgres, ToolRow, sqlx::postgres::PgArguments>;

/// Binds `t`'s definition, `description` to `read_only`, in the order of `NewTool`.
fn bind_definition<'q>(query: ToolQuery<'q>, t: &NewTool<'q>) -> ToolQuery<'q> {
    query
        .bind(t.description)
        .bind(t.input_schema)
        .bind(t.output_schema)
        .bind(t.url)
        .bind(t.method.as_str())
        .bind(Json(t.headers))
        .bind(t.timeout_seconds)
        .bind(t.read_only)
}

pub async fn get(
    db: impl PgExecutor<'_>,
    project: ProjectId,
    name: &str,
) -> sqlx::Result<Option<HttpToolDef>> {
    let row = sqlx::query_as::<_, ToolRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM tools WHERE project_id = $1 AND name = $2"
    )))
    .bind(project)
    .bind(name)
    .fetch_optional(db)
    .await?;
    Ok(row.map(HttpToolDef::from))
}

/// The project's tools named in `names`.
pub async fn get_many(
    db: impl PgExecutor<'_>,
    project: ProjectId,
    names: &[String],
) -> sqlx::Result<Vec<HttpToolDef>> {
    let rows = sqlx::query_as::<_, ToolRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM tools WHERE project_id = $1 AND name = ANY($2) ORDER BY name"
    )))
    .bind(project)
    .bind(names)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(HttpToolDef::from).collect())
}

/// All the project's tools (at most `tools.project_max_tools`), by name.
pub async fn all(db: impl PgExecutor<'_>, project: ProjectId) -> sqlx::Result<Vec<HttpToolDef>> {
    let rows = sqlx::query_as::<_, ToolRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM tools WHERE project_id = $1 ORDER BY name"
    )))
    .bind(project)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(HttpToolDef::from).collect())
}

/// Inserts the tool if the name is free and the project holds fewer than `max` tools;
/// `None` otherwise (the caller tells which).
pub async fn insert(
    conn: &mut PgConnection,
    project: ProjectId,
    t: &NewTool<'_>,
    max: u32,
) -> sqlx::Result<Option<HttpToolDef>> {
    let query = sqlx::query_as::<_, ToolRow>(sqlx::AssertSqlSafe(format!(
        "INSERT INTO tools (id, project_id, name, description, input_schema, output_schema, url,
            method, headers, timeout_seconds, read_only)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11
         WHERE (SELECT count(*) FROM tools WHERE project_id = $2) < $12
         ON CONFLICT (project_id, name) DO NOTHING
         RETURNING {COLUMNS}"
    )))
    .bind(Uuid::now_v7())
    .bind(project)
    .bind(t.name);
    let row = bind_definition(query, t)
        .bind(i64::from(max))
        .fetch_optional(conn)
        .await?;
    Ok(row.map(HttpToolDef::from))
}

/// Replaces the tool's definition (a new version); `None` when there is no such tool.
pub async fn replace(
    conn: &mut PgConnection,
    project: ProjectId,
    t: &NewTool<'_>,
) -> sqlx::Result<Option<HttpToolDef>> {
    let query = sqlx::query_as::<_, ToolRow>(sqlx::AssertSqlSafe(format!(
        "UPDATE tools SET description = $3, input_schema = $4, output_schema = $5, url = $6,
            method = $7, headers = $8, timeout_seconds = $9, read_only = $10,
            version = version + 1, updated_at = now()
         WHERE project_id = $1 AND name = $2
         RETURNING {COLUMNS}"
    )))
    .bind(project)
    .bind(t.name);
    let row = bind_definition(query, t).fetch_optional(conn).await?;
    Ok(row.map(HttpToolDef::from))
}

pub async fn delete(db: impl PgExecutor<'_>, project: ProjectId, name: &str) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM tools WHERE project_id = $1 AND name = $2")
        .bind(project)
        .bind(name)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}
