//! `GET /v1/models`: the configured providers and their models.

use actix_web::{get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::auth::Caller;
use crate::openapi::ServerErrors;
use errand_core::conversation::ToolInfo;
use errand_core::llm::ProviderInfo;

/// The providers a runner's `model` can name.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModelList {
    pub data: Vec<ProviderInfo>,
    /// Tools a runner can list in `toolkits`.
    pub toolkits: Vec<ToolInfo>,
}

/// List model providers
///
/// The built-in `mock` and every configured OpenAI-compatible provider, with the models and
/// prices its settings name. API keys are never shown.
#[utoipa::path(
    operation_id = "listModels",
    tag = "models",
    responses((status = 200, description = "The configured providers", body = ModelList), ServerErrors)
)]
#[get("/models")]
pub async fn list(caller: Caller, state: web::Data<AppState>) -> web::Json<ModelList> {
    web::Json(ModelList {
        data: state.core.models.infos(),
        toolkits: state
            .core
            .tools
            .project_builtins(&state.core.pool, caller.project)
            .iter()
            .map(|t| {
                let spec = t.spec();
                ToolInfo {
                    name: spec.name,
                    description: spec.description,
                    input_schema: spec.parameters,
                }
            })
            .collect(),
    })
}
