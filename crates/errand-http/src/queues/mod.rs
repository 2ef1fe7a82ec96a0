//! `/v1/queues`: queues and their messages (`routes.rs`), and the external consumers'
//! receive, ack, nack and redrive (`consuming.rs`).

use errand_core::error::ErrorCode;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::ApiError;

pub mod consuming;
pub mod routes;

/// Registers these routes (their order is the document's).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(routes::list)
        .service(routes::get)
        .service(routes::configure)
        .service(routes::delete)
        .service(routes::post_message)
        .service(routes::list_messages)
        .service(routes::get_message)
        .service(routes::delete_message)
        .service(consuming::receive)
        .service(consuming::ack)
        .service(consuming::nack)
        .service(consuming::list_dead_letters)
        .service(consuming::redrive);
}

/// A message's queue and id from the path (a malformed id names no message).
fn message_path((name, id): (String, String)) -> Result<(String, uuid::Uuid), ApiError> {
    let id = crate::error::path_id(&id, ErrorCode::MessageNotFound, "message")?;
    Ok((name, id))
}
