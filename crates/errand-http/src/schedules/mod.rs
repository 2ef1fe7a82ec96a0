//! `/v1/schedules`: cron schedules that start tasks or post messages, and their fires.

use utoipa_actix_web::service_config::ServiceConfig;

pub mod routes;

/// Registers these routes (their order is the document's).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(routes::create)
        .service(routes::list)
        .service(routes::get)
        .service(routes::update)
        .service(routes::delete)
        .service(routes::fires);
}
