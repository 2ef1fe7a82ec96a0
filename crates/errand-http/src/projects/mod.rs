//! `/v1/projects`.

use utoipa_actix_web::service_config::ServiceConfig;

pub mod routes;

/// Registers these routes (their order is the document's).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(routes::create).service(routes::list);
}
