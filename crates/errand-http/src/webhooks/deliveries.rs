//! A webhook endpoint's deliveries.

use actix_web::{get, post, web};

use super::routes::webhook_id;
use crate::app::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, Problem, path_id};
use crate::openapi::{QueryErrors, ServerErrors};
use crate::pagination;
use errand_core::error::ErrorCode;
use errand_core::webhooks::deliveries;
use errand_core::webhooks::model::{Delivery, DeliveryDetail, DeliveryPage, DeliveryQuery};

/// List an endpoint's deliveries
///
/// Newest first, each with its status, tries, the last status code and error.
#[utoipa::path(
    operation_id = "listWebhookDeliveries",
    tag = "webhooks",
    params(("id" = Uuid, Path, description = "The endpoint's id"), DeliveryQuery),
    responses((status = 200, description = "A page of deliveries", body = DeliveryPage),
        (status = 404, description = "No such endpoint (`webhook_not_found`)", body = Problem,
            content_type = "application/problem+json"),
        QueryErrors, ServerErrors)
)]
#[get("/webhooks/{id}/deliveries")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    query: web::Query<DeliveryQuery>,
) -> Result<web::Json<DeliveryPage>, ApiError> {
    let limit = pagination::limit(query.limit, 100, 100)?;
    let status = query.status.as_deref();
    if status.is_some_and(|s| !["pending", "sending", "succeeded", "failed"].contains(&s)) {
        return Err(ApiError::bad_request(
            "status is one of pending, sending, succeeded, failed",
        ));
    }
    let (pool, id) = (&state.core.pool, webhook_id(&id)?);
    let before = query.cursor;
    let mut data = deliveries::list(pool, caller.project, id, status, before, limit + 1).await?;
    let next_cursor = pagination::next(&mut data, limit, |d| d.id.to_string());
    Ok(web::Json(DeliveryPage { data, next_cursor }))
}

/// Get a delivery
///
/// With every try: when, the status code, the start of the answer, or why there was none.
#[utoipa::path(
    operation_id = "getWebhookDelivery",
    tag = "webhooks",
    params(("id" = Uuid, Path, description = "The endpoint's id"),
        ("delivery_id" = Uuid, Path, description = "The delivery's id")),
    responses((status = 200, description = "The delivery and its tries", body = DeliveryDetail),
        (status = 404, description = "No such endpoint or delivery (`webhook_not_found`, \
            `delivery_not_found`)", body = Problem, content_type = "application/problem+json"),
        ServerErrors)
)]
#[get("/webhooks/{id}/deliveries/{delivery_id}")]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<web::Json<DeliveryDetail>, ApiError> {
    let (webhook, delivery) = ids(&path)?;
    let found = deliveries::get(&state.core.pool, caller.project, webhook, delivery).await?;
    Ok(web::Json(found))
}

/// Redeliver
///
/// Sends the delivery again now, with the same `webhook-id`, and a new
/// `webhooks.give_up_after_hours`; one being sent is left as it is.
#[utoipa::path(
    operation_id = "redeliverWebhookDelivery",
    tag = "webhooks",
    params(("id" = Uuid, Path, description = "The endpoint's id"),
        ("delivery_id" = Uuid, Path, description = "The delivery's id")),
    responses((status = 202, description = "Pending again", body = Delivery),
        (status = 404, description = "No such endpoint or delivery (`webhook_not_found`, \
            `delivery_not_found`)", body = Problem, content_type = "application/problem+json"),
        ServerErrors)
)]
#[post("/webhooks/{id}/deliveries/{delivery_id}/redeliver")]
pub async fn redeliver(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<actix_web::HttpResponse, ApiError> {
    let (webhook, delivery) = ids(&path)?;
    let core = &state.core;
    let again = deliveries::redeliver(
        &core.pool,
        &core.webhooks,
        caller.project,
        webhook,
        delivery,
    )
    .await?;
    Ok(actix_web::HttpResponse::Accepted().json(again))
}

fn ids(path: &(String, String)) -> Result<(uuid::Uuid, uuid::Uuid), ApiError> {
    let webhook = webhook_id(&path.0)?;
    let delivery = path_id(&path.1, ErrorCode::DeliveryNotFound, "delivery")?;
    Ok((webhook, delivery))
}

/// A project's callback secret.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct CallbackSecret {
    /// `whsec_…`: verify the deliveries to tasks' `callback_url` with it.
    pub secret: String,
}

/// Get the callback secret
///
/// The secret that signs every delivery to a task's `callback_url` (Standard Webhooks),
/// made on first use. `POST`, so it takes the `write` scope.
#[utoipa::path(
    operation_id = "getCallbackSecret",
    tag = "webhooks",
    responses((status = 200, description = "The project's callback secret",
        body = CallbackSecret), ServerErrors)
)]
#[post("/callback-secret")]
pub async fn callback_secret(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<CallbackSecret>, ApiError> {
    let secret =
        errand_core::webhooks::store::callback_secret(&state.core.pool, caller.project).await?;
    Ok(web::Json(CallbackSecret { secret }))
}

/// Get a task's callback delivery
///
/// The delivery of the task's end to its `callback_url`, with every try.
#[utoipa::path(
    operation_id = "getTaskCallback",
    tag = "webhooks",
    params(("id" = Uuid, Path, description = "The task's id")),
    responses((status = 200, description = "The delivery and its tries", body = DeliveryDetail),
        (status = 404, description = "No such task (`task_not_found`), or no delivery yet: \
            the task has not ended or has no `callback_url` (`delivery_not_found`)",
            body = Problem, content_type = "application/problem+json"),
        ServerErrors)
)]
#[get("/tasks/{id}/callback")]
pub async fn task_callback(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<DeliveryDetail>, ApiError> {
    let task = crate::tasks::routes::existing_task(&state, &caller, &id)
        .await?
        .id;
    deliveries::of_task(&state.core.pool, caller.project, task)
        .await?
        .map(web::Json)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::DeliveryNotFound,
                format!("task {task} has no callback delivery (yet)"),
            )
        })
}
