//! `/v1/triggers` (inbound webhooks, managed with an API key) and `/v1/hooks/{id}`, where
//! a third party posts without one (`hooks.rs`; registered outside the authenticated
//! `/v1` scope, so the trigger's signature is what admits a delivery).

use utoipa_actix_web::service_config::ServiceConfig;

pub mod hooks;
pub mod routes;

/// Registers the managed routes (their order is the document's).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(routes::create)
        .service(routes::list)
        .service(routes::get)
        .service(routes::update)
        .service(routes::delete);
}

/// Registers the public delivery route (inside a `/v1/hooks` scope).
pub fn configure_hooks(cfg: &mut ServiceConfig) {
    cfg.service(hooks::deliver);
}
