//! Tasks over HTTP: submission, reads, cancel, answers, `?wait=` and streams, event and step pages, batches.

use utoipa_actix_web::service_config::ServiceConfig;

pub mod batches;
pub mod live;
pub mod log_routes;
pub mod routes;
pub mod stats;

/// Registers these routes (their order is the document's).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(routes::create)
        .service(routes::list)
        .service(routes::get)
        .service(routes::cancel)
        .service(routes::answer_input)
        .service(batches::get)
        .service(batches::cancel)
        .service(log_routes::list_events)
        .service(log_routes::list_steps)
        .service(stats::get);
}
