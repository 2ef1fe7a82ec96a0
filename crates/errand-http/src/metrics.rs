//! `/metrics`: the Prometheus text page (`errand_core::metrics`). Behind the key guard with
//! the `read` scope, unless `metrics.public`; a project's key sees its project's series,
//! open mode and an instance admin every project's. Not in the OpenAPI document: it is the
//! operator's, in Prometheus's format, like `/mcp` is MCP's.

use actix_web::{HttpResponse, web};
use errand_core::projects::ProjectId;

use crate::app::AppState;
use crate::auth::Caller;
use crate::error::ApiError;

pub const PATH: &str = "/metrics";

/// The text format's media type.
const TEXT_FORMAT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// `/metrics` for a caller the guard let in.
pub async fn guarded(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let whole = caller.key.is_none() || caller.instance_admin();
    let project = (!whole).then_some((caller.project, caller.project_name.as_str()));
    page(&state, project).await
}

/// `/metrics` with `metrics.public`.
pub async fn public(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    page(&state, None).await
}

async fn page(
    state: &AppState,
    project: Option<(ProjectId, &str)>,
) -> Result<HttpResponse, ApiError> {
    let core = &state.core;
    let text = errand_core::metrics::render(&core.meters, &core.pool, project).await?;
    Ok(HttpResponse::Ok().content_type(TEXT_FORMAT).body(text))
}
