//! `/v1/files`: read, seed, list and delete the project's stored files (what the storage
//! toolkit's tools work on).

use utoipa_actix_web::service_config::ServiceConfig;

pub mod routes;

/// Registers these routes (their order is the document's).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(routes::list)
        .service(routes::get)
        .service(routes::write)
        .service(routes::delete);
}
