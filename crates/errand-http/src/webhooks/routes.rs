//! The webhook endpoint routes.

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
use errand_core::webhooks::model::{
    NewWebhook, Webhook, WebhookChange, WebhookPage, WebhookQuery, WebhookWithSecret,
};
use errand_core::webhooks::store;

pub(super) fn webhook_id(id: &str) -> Result<Uuid, ApiError> {
    path_id(id, ErrorCode::WebhookNotFound, "webhook")
}

/// Create a webhook endpoint
///
/// Errand POSTs each event of `events` to `url`, signed per Standard Webhooks
/// (`webhook-id`, `webhook-timestamp`, `webhook-signature` with the `secret` shown here
/// once). A delivery is written in the transaction of the change it announces, so none is
/// lost or invented; it is retried with exponential back-off and jitter (honouring
/// `Retry-After`) for `webhooks.give_up_after_hours` (72). A 410 disables the endpoint, as
/// does failing for `webhooks.disable_after_hours` (120), with the reason.
#[utoipa::path(
    operation_id = "createWebhook",
    tag = "webhooks",
    request_body = NewWebhook,
    responses(
        (status = 201, description = "Created; `secret` is not shown again",
            body = WebhookWithSecret,
            headers(("Location" = String, description = "URL of the endpoint"))),
        (status = 429, description = "The project has `webhooks.project_max_webhooks` \
            endpoints (`quota_exceeded`)", body = Problem,
            content_type = "application/problem+json"),
        BodyErrors, ServerErrors
    )
)]
#[post("/webhooks")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<NewWebhook>,
) -> Result<HttpResponse, ApiError> {
    let made = store::create(&state.core, caller.project, body.into_inner()).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/v1/webhooks/{}", made.webhook.id),
        ))
        .json(made))
}

/// List webhook endpoints
#[utoipa::path(
    operation_id = "listWebhooks",
    tag = "webhooks",
    params(WebhookQuery),
    responses((status = 200, description = "A page of endpoints, newest first",
        body = WebhookPage), QueryErrors, ServerErrors)
)]
#[get("/webhooks")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<WebhookQuery>,
) -> Result<web::Json<WebhookPage>, ApiError> {
    let limit = pagination::limit(query.limit, 100, 100)?;
    let pool = &state.core.pool;
    let mut data = store::list(pool, caller.project, query.cursor, limit + 1).await?;
    let next_cursor = pagination::next(&mut data, limit, |w| w.id.to_string());
    Ok(web::Json(WebhookPage { data, next_cursor }))
}

/// Get a webhook endpoint
#[utoipa::path(
    operation_id = "getWebhook",
    tag = "webhooks",
    params(("id" = Uuid, Path, description = "The endpoint's id")),
    responses((status = 200, description = "The endpoint (without its secret)", body = Webhook),
        (status = 404, description = "No such endpoint (`webhook_not_found`)", body = Problem,
            content_type = "application/problem+json"),
        ServerErrors)
)]
#[get("/webhooks/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<Webhook>, ApiError> {
    let found = store::get(&state.core.pool, caller.project, webhook_id(&id)?).await?;
    Ok(web::Json(found))
}

/// Change a webhook endpoint
///
/// `enabled: true` turns a disabled endpoint on again (clearing its `disabled_reason`);
/// `false` turns it off and gives up its pending deliveries.
#[utoipa::path(
    operation_id = "updateWebhook",
    tag = "webhooks",
    params(("id" = Uuid, Path, description = "The endpoint's id")),
    request_body = WebhookChange,
    responses((status = 200, description = "Changed", body = Webhook),
        (status = 404, description = "No such endpoint (`webhook_not_found`)", body = Problem,
            content_type = "application/problem+json"),
        BodyErrors, ServerErrors)
)]
#[patch("/webhooks/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: JsonBody<WebhookChange>,
) -> Result<web::Json<Webhook>, ApiError> {
    let id = webhook_id(&id)?;
    let changed = store::update(&state.core, caller.project, id, body.into_inner()).await?;
    Ok(web::Json(changed))
}

/// Delete a webhook endpoint
///
/// With its deliveries.
#[utoipa::path(
    operation_id = "deleteWebhook",
    tag = "webhooks",
    params(("id" = Uuid, Path, description = "The endpoint's id")),
    responses((status = 204, description = "Deleted"),
        (status = 404, description = "No such endpoint (`webhook_not_found`)", body = Problem,
            content_type = "application/problem+json"),
        ServerErrors)
)]
#[delete("/webhooks/{id}")]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    store::delete(&state.core.pool, caller.project, webhook_id(&id)?).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Rotate a webhook endpoint's secret
///
/// A new secret, shown this once. For `webhooks.rotation_grace_hours` (24) each delivery
/// carries a second signature made with the old secret, so a receiver can switch over.
#[utoipa::path(
    operation_id = "rotateWebhookSecret",
    tag = "webhooks",
    params(("id" = Uuid, Path, description = "The endpoint's id")),
    responses((status = 200, description = "Rotated; `secret` is not shown again",
            body = WebhookWithSecret),
        (status = 404, description = "No such endpoint (`webhook_not_found`)", body = Problem,
            content_type = "application/problem+json"),
        ServerErrors)
)]
#[post("/webhooks/{id}/rotate-secret")]
pub async fn rotate(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<WebhookWithSecret>, ApiError> {
    let rotated = store::rotate(&state.core, caller.project, webhook_id(&id)?).await?;
    Ok(web::Json(rotated))
}
