//! Files in `files`, one row per project and path. Writes take a per-project lock so the
//! project's totals hold exactly under concurrent writes.

use serde_json::Value;
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use super::errors::StorageError;
use super::model::{FileInfo, StoredFile};
use super::path;
use crate::config::StorageSettings;
use crate::error::Violation;
use crate::projects::ProjectId;

const COLUMNS: &str = "path, content, content_type, size_bytes, task_id, created_at, updated_at";

/// `path` as a checked file path.
pub fn checked(file: &str) -> Result<&str, StorageError> {
    match path::problem(file) {
        Some(problem) => Err(StorageError::InvalidPath(problem)),
        None => Ok(file),
    }
}

pub async fn get(
    db: impl PgExecutor<'_>,
    project: ProjectId,
    file: &str,
) -> Result<StoredFile, StorageError> {
    let file = checked(file)?;
    sqlx::query_as::<_, StoredFile>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM files WHERE project_id = $1 AND path = $2"
    )))
    .bind(project)
    .bind(file)
    .fetch_optional(db)
    .await?
    .ok_or_else(|| StorageError::NotFound(file.to_owned()))
}

/// Files whose path starts with `prefix`, after `after`, in byte order.
pub async fn list(
    db: impl PgExecutor<'_>,
    project: ProjectId,
    prefix: &str,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<FileInfo>, StorageError> {
    if let Some(problem) = path::prefix_problem(prefix) {
        return Err(StorageError::InvalidPath(problem));
    }
    let found = sqlx::query_as::<_, FileInfo>(
        "SELECT path, content_type, size_bytes, task_id, updated_at FROM files
         WHERE project_id = $1 AND left(path, length($2)) = $2
           AND ($3::text IS NULL OR path COLLATE \"C\" > $3 COLLATE \"C\")
         ORDER BY path COLLATE \"C\" LIMIT $4",
    )
    .bind(project)
    .bind(prefix)
    .bind(after)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(found)
}

/// The text stored for `content` at `file`: a string as it is (JSON text for a `.json`
/// file), or for a `.json` file any other JSON value, written out.
fn text_of(file: &str, content: Value) -> Result<String, StorageError> {
    let json_file = path::content_type(file) == "application/json";
    let refused = |message: &str| StorageError::InvalidContent {
        path: file.to_owned(),
        errors: vec![Violation::new("/content", message)],
    };
    match content {
        Value::String(text) => {
            if json_file && let Err(e) = serde_json::from_str::<Value>(&text) {
                return Err(refused(&format!("a .json file must hold JSON: {e}")));
            }
            if text.contains('\0') {
                return Err(refused("must not contain NUL characters"));
            }
            Ok(text)
        }
        other if json_file => Ok(serde_json::to_string_pretty(&other).unwrap_or_default()),
        _ => Err(refused(
            "must be a string (only a .json file takes another JSON value)",
        )),
    }
}

/// Writes `content` at `file` (replacing what was there); `task` is the task whose model
/// writes it. Returns the file and whether it is new.
pub async fn write(
    pool: &PgPool,
    limits: &StorageSettings,
    project: ProjectId,
    file: &str,
    content: Value,
    task: Option<Uuid>,
) -> Result<(StoredFile, bool), StorageError> {
    let file = checked(file)?;
    let text = text_of(file, content)?;
    let size = text.len();
    if size > limits.max_file_bytes as usize {
        return Err(StorageError::FileTooLarge {
            size,
            max: limits.max_file_bytes,
        });
    }
    let mut tx = pool.begin().await?;
    // One writer per project at a time: the totals below stay true when it commits.
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('files:' || $1::text, 0))")
        .bind(project)
        .execute(&mut *tx)
        .await?;
    let (bytes, files, old): (i64, i64, Option<i64>) = sqlx::query_as(
        "SELECT coalesce(sum(size_bytes), 0)::bigint, count(*),
                max(size_bytes) FILTER (WHERE path = $2)::bigint
         FROM files WHERE project_id = $1",
    )
    .bind(project)
    .bind(file)
    .fetch_one(&mut *tx)
    .await?;
    let bytes = bytes - old.unwrap_or(0) + size as i64;
    let files = files + i64::from(old.is_none());
    if bytes > i64::try_from(limits.project_max_bytes).unwrap_or(i64::MAX)
        || files > i64::from(limits.project_max_files)
    {
        return Err(StorageError::StorageFull {
            bytes,
            files,
            max_bytes: limits.project_max_bytes,
            max_files: limits.project_max_files,
        });
    }
    let stored = sqlx::query_as::<_, StoredFile>(sqlx::AssertSqlSafe(format!(
        "INSERT INTO files (project_id, path, content, content_type, size_bytes, task_id)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (project_id, path) DO UPDATE SET content = excluded.content,
             content_type = excluded.content_type, size_bytes = excluded.size_bytes,
             task_id = excluded.task_id, updated_at = now()
         RETURNING {COLUMNS}"
    )))
    .bind(project)
    .bind(file)
    .bind(&text)
    .bind(path::content_type(file))
    .bind(i32::try_from(size).unwrap_or(i32::MAX))
    .bind(task)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok((stored, old.is_none()))
}

/// Deletes the file at `file`; `NotFound` when there is none.
pub async fn delete(
    db: impl PgExecutor<'_>,
    project: ProjectId,
    file: &str,
) -> Result<(), StorageError> {
    let file = checked(file)?;
    let done = sqlx::query("DELETE FROM files WHERE project_id = $1 AND path = $2")
        .bind(project)
        .bind(file)
        .execute(db)
        .await?;
    match done.rows_affected() {
        0 => Err(StorageError::NotFound(file.to_owned())),
        _ => Ok(()),
    }
}
