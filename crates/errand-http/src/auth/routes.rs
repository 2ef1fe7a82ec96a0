//! `/v1/api-keys`: an admin key manages its project's keys; an admin key of `default` (or
//! open mode) those of any project.

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{Caller, Scope};
use crate::app::AppState;
use crate::body::JsonBody;
use crate::error::{ApiError, ErrorCode, Violation};
use crate::openapi::{BodyErrors, NotFound, QueryErrors, ServerErrors};
use crate::projects::routes::project_not_found;
use errand_core::keys::{self, ApiKey, ApiKeyPage, NewKey};
use errand_core::projects::{self, ProjectId};

/// `POST /v1/api-keys`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApiKey {
    /// The project's name; default: the caller's.
    #[schema(pattern = r"^[a-z0-9][a-z0-9_-]{0,62}$")]
    pub project: Option<String>,
    /// What the key is for (1 to 200 characters).
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// `read` (GET and streams), `write` (also create, replace, submit, cancel), `admin`
    /// (also keys and projects); each includes the ones before it.
    #[schema(min_items = 1)]
    pub scopes: Vec<Scope>,
    /// When the key stops working (in the future); none: never (until revoked).
    pub expires_at: Option<DateTime<Utc>>,
}

/// A new key: the only time its plaintext is shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedApiKey {
    #[serde(flatten)]
    pub api_key: ApiKey,
    /// The key itself. Store it now: only its hash is kept.
    pub key: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ApiKeyQuery {
    /// Whose keys (an admin of `default` may name any project); default: the caller's.
    #[param(pattern = r"^[a-z0-9][a-z0-9_-]{0,62}$")]
    pub project: Option<String>,
    /// Page size, 1 to 100 (default 100).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<Uuid>,
}

/// The project `name` as the caller may see it: its own, or any for an admin of `default`.
/// Another project is simply not found.
async fn visible_project(
    state: &AppState,
    caller: &Caller,
    name: Option<&str>,
) -> Result<ProjectId, ApiError> {
    let Some(name) = name.filter(|n| *n != caller.project_name) else {
        return Ok(caller.project);
    };
    if !caller.instance_admin() {
        return Err(project_not_found(name));
    }
    projects::store::by_name(&state.core.pool, name)
        .await?
        .map(|p| ProjectId(p.id))
        .ok_or_else(|| project_not_found(name))
}

/// Create an API key
///
/// The answer carries the key in `key`, the only time it is shown.
#[utoipa::path(
    operation_id = "createApiKey",
    tag = "projects",
    request_body = CreateApiKey,
    responses(
        (status = 201, description = "Created; `key` is the key itself", body = CreatedApiKey,
            headers(("Location" = String, description = "URL of the key list"))),
        (status = 404, description = "No such project (`project_not_found`)",
            body = crate::error::Problem, content_type = "application/problem+json"),
        BodyErrors, ServerErrors
    )
)]
#[post("/api-keys")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<CreateApiKey>,
) -> Result<HttpResponse, ApiError> {
    // Also checked from the route; checked here too, so a routing change cannot open it.
    caller.require(Scope::Admin)?;
    let input = body.into_inner();
    let mut errors = Vec::new();
    if !(1..=200).contains(&input.name.chars().count()) {
        errors.push(Violation::new("/name", "1 to 200 characters"));
    }
    if input.scopes.is_empty() {
        errors.push(Violation::new("/scopes", "at least one scope"));
    }
    if input.expires_at.is_some_and(|at| at <= Utc::now()) {
        errors.push(Violation::new("/expires_at", "must be in the future"));
    }
    if !errors.is_empty() {
        let detail = "the key has problems";
        return Err(ApiError::invalid(ErrorCode::InvalidBody, detail, errors));
    }
    let project = visible_project(&state, &caller, input.project.as_deref()).await?;
    let max = i64::from(state.quotas.project_max_keys);
    if keys::count_in(&state.core.pool, project).await? >= max {
        return Err(ApiError::new(
            ErrorCode::QuotaExceeded,
            format!("the project holds {max} keys already (quotas.project_max_keys)"),
        ));
    }
    let plaintext = keys::generate().map_err(ApiError::internal)?;
    let new = NewKey {
        project,
        name: &input.name,
        scopes: &input.scopes,
        expires_at: input.expires_at,
        seeded: false,
    };
    let api_key = keys::insert(&state.core.pool, &new, &plaintext)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("a fresh key collided")))?;
    state.auth.open.close();
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, "/v1/api-keys"))
        .json(CreatedApiKey {
            api_key,
            key: plaintext,
        }))
}

/// List API keys
///
/// Never shows a key itself: `prefix` tells them apart.
#[utoipa::path(
    operation_id = "listApiKeys",
    tag = "projects",
    params(ApiKeyQuery),
    responses((status = 200, description = "The project's keys, oldest first", body = ApiKeyPage),
        (status = 404, description = "No such project (`project_not_found`)",
            body = crate::error::Problem, content_type = "application/problem+json"),
        QueryErrors, ServerErrors)
)]
#[get("/api-keys")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ApiKeyQuery>,
) -> Result<web::Json<ApiKeyPage>, ApiError> {
    caller.require(Scope::Admin)?;
    let limit = crate::pagination::limit(query.limit, 100, 100)?;
    let project = visible_project(&state, &caller, query.project.as_deref()).await?;
    let mut data = keys::list(&state.core.pool, project, query.cursor, limit + 1).await?;
    let next_cursor = crate::pagination::next(&mut data, limit, |k| k.id.to_string());
    Ok(web::Json(ApiKeyPage { data, next_cursor }))
}

/// Revoke an API key
///
/// It stops working at once in this process and within `auth.key_cache_seconds` in others.
/// Revoking a revoked key changes nothing.
#[utoipa::path(
    operation_id = "revokeApiKey",
    tag = "projects",
    params(("id" = Uuid, Path, description = "The key's id")),
    responses((status = 200, description = "Revoked", body = ApiKey), NotFound, ServerErrors)
)]
#[delete("/api-keys/{id}")]
pub async fn revoke(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<ApiKey>, ApiError> {
    caller.require(Scope::Admin)?;
    let not_found = || {
        ApiError::new(
            ErrorCode::ApiKeyNotFound,
            format!("no API key with id {:?}", id.as_str()),
        )
    };
    let uuid = Uuid::parse_str(&id).map_err(|_| not_found())?;
    let scope = (!caller.instance_admin()).then_some(caller.project);
    let (api_key, hash) = keys::revoke(&state.core.pool, scope, uuid)
        .await?
        .ok_or_else(not_found)?;
    state.auth.forget(&hash);
    Ok(web::Json(api_key))
}
