//! Files as the API and the tools show them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::page::named_page;

/// A file with its content.
#[derive(Debug, Clone, Serialize, ToSchema, sqlx::FromRow)]
pub struct StoredFile {
    #[schema(example = "reports/2026-12-04.md")]
    pub path: String,
    /// The text (a `.json` file's is JSON text).
    pub content: String,
    /// From the extension: `application/json`, `text/markdown`, `text/csv`, `text/html`
    /// or `text/plain`.
    pub content_type: String,
    /// Bytes of `content` in UTF-8.
    pub size_bytes: i32,
    /// The task whose model wrote it last; `null` when written over the API.
    pub task_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A file without its content, as lists show it.
#[derive(Debug, Clone, Serialize, ToSchema, sqlx::FromRow)]
pub struct FileInfo {
    pub path: String,
    pub content_type: String,
    pub size_bytes: i32,
    pub task_id: Option<Uuid>,
    pub updated_at: DateTime<Utc>,
}

named_page!(FilePage = CursorPage<FileInfo>, about: Some("One page of files, by path (byte order)."), cursor: Some("Pass as `cursor` for the next page; `null` on the last."));

/// `PUT /v1/files/{path}`: the whole new content.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WriteFile {
    /// The text; for a `.json` file, JSON text or any JSON value (stored as its text).
    #[schema(schema_with = crate::wire_schema::any_value)]
    pub content: Value,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FileQuery {
    /// Only paths starting with this (`reports/` for a folder).
    #[param(
        max_length = 512,
        pattern = r"^([A-Za-z0-9_-][A-Za-z0-9._-]*/)*([A-Za-z0-9_-][A-Za-z0-9._-]*)?$"
    )]
    pub prefix: Option<String>,
    /// Page size, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(min_length = 1, max_length = 512)]
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FileReadQuery {
    /// `raw`: the content itself with its `Content-Type` (for `curl -o`); default: the
    /// file as JSON.
    #[param(inline)]
    pub format: Option<FileFormat>,
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FileFormat {
    Json,
    Raw,
}
