//! The trigger routes.

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::Caller;
use crate::body::JsonBody;
use crate::error::{ApiError, Problem, path_id};
use crate::openapi::{BodyErrors, QueryErrors, ServerErrors};
use crate::pagination;
use errand_core::error::ErrorCode;
use errand_core::triggers::model::{
    CreatedTrigger, NewTrigger, Trigger, TriggerPage, TriggerQuery,
};
use errand_core::triggers::store;

fn trigger_id(id: &str) -> Result<Uuid, ApiError> {
    path_id(id, ErrorCode::TriggerNotFound, "trigger")
}

/// Create a trigger
///
/// An inbound webhook: a third party posts JSON to the answer's `url`
/// (`/v1/hooks/{id}`) with no API key, signed as `scheme` says with the `secret` shown
/// here once, and each delivery starts a task of `target.runner` (the body, or the fields
/// `mapping` picks, as its arguments) or posts a message on `target.queue`.
#[utoipa::path(
    operation_id = "createTrigger",
    tag = "triggers",
    request_body = NewTrigger,
    responses(
        (status = 201, description = "Created; `secret` is not shown again", body = CreatedTrigger,
            headers(("Location" = String, description = "URL of the trigger"))),
        (status = 429, description = "The project has `triggers.project_max_triggers` \
            triggers (`quota_exceeded`)", body = Problem,
            content_type = "application/problem+json"),
        BodyErrors, ServerErrors
    )
)]
#[post("/triggers")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<NewTrigger>,
) -> Result<HttpResponse, ApiError> {
    let created = store::create(&state.core, caller.project, body.into_inner()).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/v1/triggers/{}", created.trigger.id),
        ))
        .json(created))
}

/// List triggers
#[utoipa::path(
    operation_id = "listTriggers",
    tag = "triggers",
    params(TriggerQuery),
    responses((status = 200, description = "A page of triggers, newest first",
        body = TriggerPage), QueryErrors, ServerErrors)
)]
#[get("/triggers")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<TriggerQuery>,
) -> Result<web::Json<TriggerPage>, ApiError> {
    let limit = pagination::limit(query.limit, 100, 100)?;
    let after = query.cursor;
    let mut data = store::list(&state.core.pool, caller.project, after, limit + 1).await?;
    let next_cursor = pagination::next(&mut data, limit, |t| t.id.to_string());
    Ok(web::Json(TriggerPage { data, next_cursor }))
}

/// Get a trigger
#[utoipa::path(
    operation_id = "getTrigger",
    tag = "triggers",
    params(("id" = Uuid, Path, description = "The trigger's id")),
    responses((status = 200, description = "The trigger (without its secret)", body = Trigger),
        (status = 404, description = "No such trigger (`trigger_not_found`)", body = Problem,
            content_type = "application/problem+json"),
        ServerErrors)
)]
#[get("/triggers/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<Trigger>, ApiError> {
    let found = store::get(&state.core.pool, caller.project, trigger_id(&id)?).await?;
    Ok(web::Json(found))
}

/// Body of `PATCH /v1/triggers/{id}`.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TriggerChange {
    /// `false` pauses it: its URL answers 404 until it is enabled again.
    pub enabled: bool,
}

/// Enable or disable a trigger
#[utoipa::path(
    operation_id = "updateTrigger",
    tag = "triggers",
    params(("id" = Uuid, Path, description = "The trigger's id")),
    request_body = TriggerChange,
    responses((status = 200, description = "Changed", body = Trigger),
        (status = 404, description = "No such trigger (`trigger_not_found`)", body = Problem,
            content_type = "application/problem+json"),
        BodyErrors, ServerErrors)
)]
#[patch("/triggers/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: JsonBody<TriggerChange>,
) -> Result<web::Json<Trigger>, ApiError> {
    let (pool, id) = (&state.core.pool, trigger_id(&id)?);
    let changed = store::set_enabled(pool, caller.project, id, body.into_inner().enabled).await?;
    Ok(web::Json(changed))
}

/// Delete a trigger
///
/// Its URL answers 404 from now on; the tasks and messages it made stay.
#[utoipa::path(
    operation_id = "deleteTrigger",
    tag = "triggers",
    params(("id" = Uuid, Path, description = "The trigger's id")),
    responses((status = 204, description = "Deleted"),
        (status = 404, description = "No such trigger (`trigger_not_found`)", body = Problem,
            content_type = "application/problem+json"),
        ServerErrors)
)]
#[delete("/triggers/{id}")]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    store::delete(&state.core.pool, caller.project, trigger_id(&id)?).await?;
    Ok(HttpResponse::NoContent().finish())
}
