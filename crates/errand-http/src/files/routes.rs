//! The file routes. A file's path is the rest of the URL after `/v1/files/`, segments and
//! all (`/v1/files/reports/2026-12-04.md`), percent-decoded: generated clients encode a
//! path parameter's `/` as `%2F`, and that names the same file. Dot segments are refused,
//! never resolved.

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, put, web};

use crate::app::AppState;
use crate::auth::Caller;
use crate::body::JsonBody;
use crate::error::{ApiError, Problem};
use crate::openapi::{BodyErrors, QueryErrors, ServerErrors};
use crate::pagination;
use errand_core::storage::model::{FileFormat, FileQuery, FileReadQuery};
use errand_core::storage::{FilePage, StoredFile, WriteFile, store};

/// List files
///
/// The project's files by path (byte order), without their content; `prefix` keeps those
/// under a folder (`reports/`).
#[utoipa::path(
    operation_id = "listFiles",
    tag = "files",
    params(FileQuery),
    responses((status = 200, description = "A page of files", body = FilePage),
        (status = 422, description = "The prefix is no path (`invalid_path`)", body = Problem,
            content_type = "application/problem+json"),
        QueryErrors, ServerErrors)
)]
#[get("/files")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<FileQuery>,
) -> Result<web::Json<FilePage>, ApiError> {
    let limit = pagination::limit(query.limit, 100, 1000)?;
    let cursor = pagination::text_cursor(query.cursor.as_deref(), 512)?;
    let prefix = query.prefix.as_deref().unwrap_or("");
    let mut data = store::list(&state.core.pool, caller.project, prefix, cursor, limit + 1).await?;
    let next_cursor = pagination::next(&mut data, limit, |f| f.path.clone());
    Ok(web::Json(FilePage { data, next_cursor }))
}

/// What a raw file may do in a browser: show itself, with inline styles and data images,
/// in a sandbox (no scripts, an opaque origin).
const RAW_POLICY: &str = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/// Get a file
///
/// The file with its content as JSON, or with `format=raw` the content itself under the
/// file's `Content-Type`, with `X-Content-Type-Options: nosniff` and a sandboxing
/// `Content-Security-Policy` (an HTML file shows without running scripts).
#[utoipa::path(
    operation_id = "getFile",
    tag = "files",
    params(("path" = String, Path, description = "The file's path, `/`-separated",
        pattern = r"^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$",
        max_length = 512), FileReadQuery),
    responses(
        (status = 200, description = "The file (with `format=raw`, its content alone)",
            content((StoredFile = "application/json"), (String = "text/plain"))),
        (status = 404, description = "No such file (`file_not_found`)", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Not a file path (`invalid_path`)", body = Problem,
            content_type = "application/problem+json"),
        QueryErrors, ServerErrors
    )
)]
#[get("/files/{path:.*}")]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    query: web::Query<FileReadQuery>,
) -> Result<HttpResponse, ApiError> {
    let file = store::get(&state.core.pool, caller.project, &path).await?;
    Ok(match query.format.unwrap_or(FileFormat::Json) {
        FileFormat::Json => HttpResponse::Ok().json(file),
        // What a task wrote is untrusted: an HTML file renders without scripts, in a sandbox
        // of its own origin, never as the API's page.
        FileFormat::Raw => HttpResponse::Ok()
            .insert_header((
                header::CONTENT_TYPE,
                format!("{}; charset=utf-8", file.content_type),
            ))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .insert_header((header::CONTENT_SECURITY_POLICY, RAW_POLICY))
            .body(file.content),
    })
}

/// Write a file
///
/// Creates the file or replaces its whole content. A `.json` file must hold JSON (text, or
/// any JSON value). Sizes are bounded by `storage.max_file_bytes` per file and
/// `storage.project_max_bytes` and `storage.project_max_files` per project.
#[utoipa::path(
    operation_id = "writeFile",
    tag = "files",
    params(("path" = String, Path, description = "The file's path, `/`-separated",
        pattern = r"^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$",
        max_length = 512)),
    request_body = WriteFile,
    responses(
        (status = 200, description = "Replaced", body = StoredFile),
        (status = 201, description = "Created", body = StoredFile,
            headers(("Location" = String, description = "URL of the file"))),
        (status = 413, description = "The file is over `storage.max_file_bytes` \
            (`file_too_large`), or the project's files would be over its storage limits \
            (`storage_full`); or the body is over `server.body_limit`", body = Problem,
            content_type = "application/problem+json"),
        BodyErrors, ServerErrors
    )
)]
#[put("/files/{path:.*}")]
pub async fn write(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: JsonBody<WriteFile>,
) -> Result<HttpResponse, ApiError> {
    let limits = &state.core.tools.storage;
    let content = body.into_inner().content;
    let (file, created) = store::write(
        &state.core.pool,
        limits,
        caller.project,
        &path,
        content,
        None,
    )
    .await?;
    Ok(match created {
        true => HttpResponse::Created()
            .insert_header((header::LOCATION, format!("/v1/files/{}", file.path)))
            .json(file),
        false => HttpResponse::Ok().json(file),
    })
}

/// Delete a file
#[utoipa::path(
    operation_id = "deleteFile",
    tag = "files",
    params(("path" = String, Path, description = "The file's path, `/`-separated",
        pattern = r"^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$",
        max_length = 512)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such file (`file_not_found`)", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Not a file path (`invalid_path`)", body = Problem,
            content_type = "application/problem+json"),
        ServerErrors
    )
)]
#[delete("/files/{path:.*}")]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    store::delete(&state.core.pool, caller.project, &path).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[cfg(test)]
mod tests {
    use errand_core::storage::path::{MAX_PATH, PATH_PATTERN};
    use serde_json::Value;

    /// The pattern and length the document states for `{path}` are the ones the server
    /// checks (the committed document matches the handlers; a test of the root checks it).
    #[test]
    fn documented_pattern_is_the_checked_one() {
        let doc: Value =
            serde_json::from_str(include_str!("../../../../openapi/openapi.json")).expect("json");
        let item = &doc["paths"]["/v1/files/{path}"];
        let mut checked = 0;
        for (_, op) in item.as_object().expect("operations") {
            for param in op["parameters"].as_array().expect("parameters") {
                if param["name"] == "path" {
                    assert_eq!(param["schema"]["pattern"], PATH_PATTERN);
                    assert_eq!(param["schema"]["maxLength"], MAX_PATH);
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 3, "getFile, writeFile and deleteFile");
    }
}
