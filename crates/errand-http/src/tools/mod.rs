//! `/v1/tools`: HTTP tools, listings, direct invocation, the record of calls.

use utoipa_actix_web::service_config::ServiceConfig;

pub mod calling;
pub mod routes;
pub mod validate;

/// Registers these routes (their order is the document's).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(routes::list)
        .service(routes::create)
        .service(routes::get)
        .service(routes::replace)
        .service(routes::delete)
        .service(calling::invoke)
        .service(routes::list_invocations);
}
