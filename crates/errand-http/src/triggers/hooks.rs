//! `POST /v1/hooks/{id}`: where a third party delivers to a trigger. No API key: the
//! trigger's scheme and secret admit a delivery (401 with nothing stored otherwise), and
//! its delivery id makes a replay create nothing new.

use actix_web::{HttpRequest, HttpResponse, post, web};

use crate::app::AppState;
use crate::body::RawJson;
use crate::error::{ApiError, Problem, path_id};
use crate::openapi::{BodyErrors, ServerErrors};
use errand_core::error::ErrorCode;
use errand_core::triggers::model::Delivered;
use errand_core::triggers::receive as delivery;

/// Deliver to a trigger
///
/// The sender posts JSON here with no API key, signed as the trigger's `scheme` says:
/// `standard-webhooks` (`webhook-id`, `webhook-timestamp` within 5 minutes,
/// `webhook-signature`), `github` (`X-Hub-Signature-256`; `X-GitHub-Delivery` is the
/// delivery id), `hmac-sha256` (a hex HMAC of the body in the trigger's header) or `none`.
/// A delivery id seen before (`webhook-id`, `X-GitHub-Delivery`, or for the other schemes
/// `Idempotency-Key`) answers 200 with what the first delivery made.
#[utoipa::path(
    operation_id = "deliverToTrigger",
    tag = "triggers",
    params(("id" = Uuid, Path, description = "The trigger's id")),
    request_body(content = serde_json::Value, description = "The sender's JSON body",
        content_type = "application/json"),
    responses(
        (status = 202, description = "Accepted: a task started or a message posted",
            body = Delivered),
        (status = 200, description = "A replay of a delivery already received: nothing new \
            was made (`Idempotent-Replayed: true`)", body = Delivered),
        (status = 401, description = "The signature is missing, malformed or wrong, or the \
            timestamp is stale (`signature_invalid`); nothing was stored", body = Problem,
            content_type = "application/problem+json"),
        (status = 404, description = "No such trigger, or it is disabled \
            (`trigger_not_found`), or its runner is gone (`runner_not_found`)", body = Problem,
            content_type = "application/problem+json"),
        (status = 409, description = "The task's thread is busy (`thread_busy`)",
            body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "The project's queued tasks or the queue are full \
            (`quota_exceeded`); `Retry-After` says when to retry", body = Problem,
            content_type = "application/problem+json"),
        BodyErrors, ServerErrors
    ),
    security(())
)]
#[post("/{id}")]
pub async fn deliver(
    state: web::Data<AppState>,
    id: web::Path<String>,
    req: HttpRequest,
    body: RawJson,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id, ErrorCode::TriggerNotFound, "trigger")?;
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let now = chrono::Utc::now().timestamp();
    let delivered = delivery::receive(&state.core, id, header, &body.0, now).await?;
    Ok(match delivered.replayed {
        true => HttpResponse::Ok()
            .insert_header(("Idempotent-Replayed", "true"))
            .json(delivered),
        false => HttpResponse::Accepted().json(delivered),
    })
}
