//! `GET /v1/models`, `GET/PUT /v1/models/aliases`.

use utoipa_actix_web::service_config::ServiceConfig;

pub mod routes;

/// Registers these routes (their order is the document's).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(routes::list)
        .service(routes::get_aliases)
        .service(routes::put_aliases);
}
