//! `/v1/threads`: CRUD, by key, messages and the thread's stream.

use utoipa_actix_web::service_config::ServiceConfig;

pub mod feed;
pub mod routes;

/// Registers these routes (their order is the document's; `by-key` before `{id}`, which
/// would take it for an id).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(routes::create)
        .service(routes::list)
        .service(routes::get_by_key)
        .service(routes::update_by_key)
        .service(routes::delete_by_key)
        .service(routes::get)
        .service(routes::update)
        .service(routes::delete)
        .service(feed::list_messages)
        .service(feed::list_events);
}
