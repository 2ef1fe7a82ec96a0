//! Liveness and readiness.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok`, or what is not ready.
    pub status: String,
}

/// Liveness: the process answers
#[utoipa::path(
    operation_id = "getHealth",
    tag = "operations",
    responses((status = 200, description = "The process is up", body = Health))
)]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok".into(),
    })
}

/// Readiness: the database is reachable and migrated, and the worker (where this process
/// runs one) is running
#[utoipa::path(
    operation_id = "getReadiness",
    tag = "operations",
    responses(
        (status = 200, description = "Ready to serve", body = Health),
        (status = 503, description = "Database unreachable or not migrated, or the worker stopped", body = Health)
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let worker_stopped = state
        .worker_alive
        .as_ref()
        .is_some_and(|alive| !alive.load(std::sync::atomic::Ordering::SeqCst));
    if worker_stopped {
        return HttpResponse::ServiceUnavailable().json(Health {
            status: "worker stopped".into(),
        });
    }
    let status = match errand_core::db::migrations_applied(&state.core.pool).await {
        Ok(true) => {
            return HttpResponse::Ok().json(Health {
                status: "ok".into(),
            });
        }
        Ok(false) => "migrations pending".to_owned(),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            "database unreachable".to_owned()
        }
    };
    HttpResponse::ServiceUnavailable().json(Health { status })
}
