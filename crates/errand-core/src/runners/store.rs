//! Runner storage: `runners` holds identity and the current version, `runner_versions`
//! the immutable definitions.

use sqlx::types::Json;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use crate::projects::ProjectId;

use super::model::{Runner, RunnerDefinition};

const SELECT: &str = "SELECT r.id, r.name, v.version, v.title, v.description, v.input_schema,
        v.output_schema, v.rules, v.model, v.model_settings, v.timeout_seconds,
        v.max_attempts, v.labels, v.toolkits, v.approval, v.max_turns, v.repair_turns, v.structured_output,
        v.tool_timeout_seconds, v.context_tokens, v.input_timeout_seconds, v.queue, r.created_at,
        v.created_at AS updated_at
    FROM runners r JOIN runner_versions v ON v.runner_id = r.id";

impl Runner {
    pub fn definition(&self) -> RunnerDefinition {
        RunnerDefinition {
            name: self.name.clone(),
            title: self.title.clone(),
            description: self.description.clone(),
            input_schema: self.input_schema.clone(),
            output_schema: self.output_schema.clone(),
            rules: self.rules.clone(),
            model: self.model.clone(),
            model_settings: self.model_settings.clone(),
            timeout_seconds: self.timeout_seconds,
            max_attempts: self.max_attempts,
            labels: self.labels.clone(),
            toolkits: self.toolkits.clone(),
            approval: self.approval.clone(),
            max_turns: self.max_turns,
            repair_turns: self.repair_turns,
            structured_output: self.structured_output,
            tool_timeout_seconds: self.tool_timeout_seconds,
            context_tokens: self.context_tokens,
            input_timeout_seconds: self.input_timeout_seconds,
            queue: self.queue.clone(),
        }
    }
}

/// The live runner called `name`, at its current version.
pub async fn get(
    db: impl PgExecutor<'_>,
    project: ProjectId,
    name: &str,
) -> sqlx::Result<Option<Runner>> {
    sqlx::query_as::<_, Runner>(sqlx::AssertSqlSafe(format!(
        "{SELECT} AND v.version = r.version
         WHERE r.project_id = $2 AND r.name = $1 AND r.deleted_at IS NULL"
    )))
    .bind(name)
    .bind(project)
    .fetch_optional(db)
    .await
}

/// A specific version, deleted runners included (queued tasks still run on them).
pub async fn get_version(
    db: impl PgExecutor<'_>,
    id: Uuid,
    version: i32,
) -> sqlx::Result<Option<Runner>> {
    sqlx::query_as::<_, Runner>(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE r.id = $1 AND v.version = $2"
    )))
    .bind(id)
    .bind(version)
    .fetch_optional(db)
    .await
}

/// Live runners ordered by name, after the name `after`.
pub async fn list(
    db: impl PgExecutor<'_>,
    project: ProjectId,
    after: Option<&str>,
    limit: i64,
) -> sqlx::Result<Vec<Runner>> {
    sqlx::query_as::<_, Runner>(sqlx::AssertSqlSafe(format!(
        "{SELECT} AND v.version = r.version
         WHERE r.project_id = $3 AND r.deleted_at IS NULL AND ($1::text IS NULL OR r.name > $1)
         ORDER BY r.name LIMIT $2"
    )))
    .bind(after)
    .bind(limit)
    .bind(project)
    .fetch_all(db)
    .await
}

/// Live runners ordered by their tool name (`run_<name>_task`, byte order), after the tool
/// name `after`.
pub async fn list_by_tool_name(
    db: impl PgExecutor<'_>,
    project: ProjectId,
    after: &str,
    limit: i64,
) -> sqlx::Result<Vec<Runner>> {
    sqlx::query_as::<_, Runner>(sqlx::AssertSqlSafe(format!(
        "{SELECT} AND v.version = r.version
         WHERE r.project_id = $3 AND r.deleted_at IS NULL
           AND ('run_' || r.name || '_task') COLLATE \"C\" > $1 COLLATE \"C\"
         ORDER BY ('run_' || r.name || '_task') COLLATE \"C\" LIMIT $2"
    )))
    .bind(after)
    .bind(limit)
    .bind(project)
    .fetch_all(db)
    .await
}

/// Creates a runner at version 1. Fails with the `runners_name_live` constraint when the
/// name is taken.
pub async fn insert(
    conn: &mut PgConnection,
    project: ProjectId,
    def: &RunnerDefinition,
) -> sqlx::Result<Runner> {
    let id = Uuid::now_v7();
    sqlx::query("INSERT INTO runners (id, project_id, name, version) VALUES ($1, $3, $2, 1)")
        .bind(id)
        .bind(&def.name)
        .bind(project)
        .execute(&mut *conn)
        .await?;
    insert_version(&mut *conn, id, 1, def).await?;
    get_version(&mut *conn, id, 1)
        .await?
        .ok_or(sqlx::Error::RowNotFound)
}

/// Adds a version when `def` differs from the current one. Returns the runner and whether
/// a version was added; `None` when there is no live runner of that name.
pub async fn update(
    conn: &mut PgConnection,
    project: ProjectId,
    def: &RunnerDefinition,
) -> sqlx::Result<Option<(Runner, bool)>> {
    let current: Option<(Uuid, i32)> = sqlx::query_as(
        "SELECT id, version FROM runners
         WHERE project_id = $2 AND name = $1 AND deleted_at IS NULL FOR UPDATE",
    )
    .bind(&def.name)
    .bind(project)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((id, version)) = current else {
        return Ok(None);
    };
    let existing = get_version(&mut *conn, id, version)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
    if existing.definition() == *def {
        return Ok(Some((existing, false)));
    }
    let next = version + 1;
    insert_version(&mut *conn, id, next, def).await?;
    sqlx::query("UPDATE runners SET version = $2, updated_at = now() WHERE id = $1")
        .bind(id)
        .bind(next)
        .execute(&mut *conn)
        .await?;
    let runner = get_version(&mut *conn, id, next)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
    Ok(Some((runner, true)))
}

async fn insert_version(
    conn: &mut PgConnection,
    id: Uuid,
    version: i32,
    def: &RunnerDefinition,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO runner_versions (runner_id, version, title, description, input_schema,
            output_schema, rules, model, model_settings, timeout_seconds, max_attempts, labels,
            toolkits, max_turns, repair_turns, structured_output, tool_timeout_seconds,
            context_tokens, input_timeout_seconds, queue, approval)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
            $18, $19, $20, $21)",
    )
    .bind(id)
    .bind(version)
    .bind(&def.title)
    .bind(&def.description)
    .bind(&def.input_schema)
    .bind(&def.output_schema)
    .bind(Json(&def.rules))
    .bind(&def.model)
    .bind(Json(&def.model_settings))
    .bind(def.timeout_seconds)
    .bind(def.max_attempts)
    .bind(Json(&def.labels))
    .bind(Json(&def.toolkits))
    .bind(def.max_turns)
    .bind(def.repair_turns)
    .bind(def.structured_output.as_str())
    .bind(def.tool_timeout_seconds)
    .bind(def.context_tokens)
    .bind(def.input_timeout_seconds)
    .bind(&def.queue)
    .bind(Json(&def.approval))
    .execute(conn)
    .await?;
    Ok(())
}

/// Soft-deletes the live runner; its versions stay for the tasks that used them.
pub async fn delete(db: impl PgExecutor<'_>, project: ProjectId, name: &str) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE runners SET deleted_at = now()
         WHERE project_id = $2 AND name = $1 AND deleted_at IS NULL",
    )
    .bind(name)
    .bind(project)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The live runners whose current version lists `tool` in its toolkits, by name (at most
/// `limit`).
pub async fn listing_tool(
    db: impl PgExecutor<'_>,
    project: ProjectId,
    tool: &str,
    limit: i64,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT r.name FROM runners r
         JOIN runner_versions v ON v.runner_id = r.id AND v.version = r.version
         WHERE r.project_id = $1 AND r.deleted_at IS NULL AND v.toolkits ? $2
         ORDER BY r.name LIMIT $3",
    )
    .bind(project)
    .bind(tool)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// The live runners consuming queue `queue` (at their current version), by name.
pub async fn consuming(
    db: impl PgExecutor<'_>,
    project: ProjectId,
    queue: &str,
) -> sqlx::Result<Vec<Runner>> {
    sqlx::query_as::<_, Runner>(sqlx::AssertSqlSafe(format!(
        "{SELECT} AND v.version = r.version
         WHERE r.project_id = $1 AND r.deleted_at IS NULL AND v.queue = $2
         ORDER BY r.name"
    )))
    .bind(project)
    .bind(queue)
    .fetch_all(db)
    .await
}
