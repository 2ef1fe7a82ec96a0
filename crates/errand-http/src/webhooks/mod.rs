//! `/v1/webhooks`: outbound webhook endpoints (`routes.rs`) and their deliveries
//! (`deliveries.rs`).

use utoipa_actix_web::service_config::ServiceConfig;

pub mod deliveries;
pub mod routes;

/// Registers these routes (their order is the document's).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(deliveries::callback_secret)
        .service(routes::create)
        .service(routes::list)
        .service(routes::get)
        .service(routes::update)
        .service(routes::delete)
        .service(routes::rotate)
        .service(deliveries::list)
        .service(deliveries::get)
        .service(deliveries::redeliver)
        .service(deliveries::task_callback);
}
