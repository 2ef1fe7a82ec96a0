//! `GET /v1/models`: the configured providers, their models and the aliases in force;
//! `GET/PUT /v1/models/aliases`: the project's own aliases.

use actix_web::{get, put, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::auth::Caller;
use crate::body::JsonBody;
use crate::error::ApiError;
use crate::openapi::{BodyErrors, ServerErrors};
use errand_core::aliases::{self, AliasInfo, AliasSet};
use errand_core::conversation::ToolInfo;
use errand_core::llm::ProviderInfo;

/// The providers a runner's `model` can name.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModelList {
    pub data: Vec<ProviderInfo>,
    /// Names usable wherever a model is: the project's own and the server's.
    pub aliases: Vec<AliasInfo>,
    /// Tools a runner can list in `toolkits`.
    pub toolkits: Vec<ToolInfo>,
}

/// List model providers
///
/// The built-in `mock` and every configured OpenAI-compatible provider, with the models and
/// prices its settings name, and the model aliases in force for the caller's project. API
/// keys are never shown.
#[utoipa::path(
    operation_id = "listModels",
    tag = "models",
    responses((status = 200, description = "The configured providers", body = ModelList), ServerErrors)
)]
#[get("/models")]
pub async fn list(
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<web::Json<ModelList>, ApiError> {
    let own = aliases::of_project(&state.core.pool, caller.project).await?;
    Ok(web::Json(ModelList {
        data: state.core.models.infos(),
        aliases: aliases::in_force(&state.core.models, &own),
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
    }))
}

/// The project's model aliases, and every alias in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct AliasList {
    /// The project's own: alias name → model.
    pub aliases: std::collections::BTreeMap<String, String>,
    /// The project's and the server's (`[models.aliases]`) it does not override.
    pub in_force: Vec<AliasInfo>,
}

async fn alias_list(state: &AppState, caller: &Caller) -> Result<AliasList, ApiError> {
    let own = aliases::of_project(&state.core.pool, caller.project).await?;
    Ok(AliasList {
        in_force: aliases::in_force(&state.core.models, &own),
        aliases: own,
    })
}

/// Get model aliases
///
/// The project's own aliases (`standard` → `openai/gpt-4.1-mini`) and every alias in force,
/// the server's included.
#[utoipa::path(
    operation_id = "getModelAliases",
    tag = "models",
    responses((status = 200, description = "The aliases", body = AliasList), ServerErrors)
)]
#[get("/models/aliases")]
pub async fn get_aliases(
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<web::Json<AliasList>, ApiError> {
    Ok(web::Json(alias_list(&state, &caller).await?))
}

/// Replace model aliases
///
/// Replaces the project's aliases. Each names a model of a configured provider (`mock` or
/// `provider/model`); an alias cannot shadow a provider's name, and one a runner still
/// names as its model cannot be dropped (unless the server defines it). A project alias
/// overrides the server's of the same name. Runners naming an alias follow it; tasks keep
/// the model their alias resolved to when they were queued.
#[utoipa::path(
    operation_id = "replaceModelAliases",
    tag = "models",
    request_body = AliasSet,
    responses((status = 200, description = "The aliases now", body = AliasList), BodyErrors, ServerErrors)
)]
#[put("/models/aliases")]
pub async fn put_aliases(
    caller: Caller,
    state: web::Data<AppState>,
    body: JsonBody<AliasSet>,
) -> Result<web::Json<AliasList>, ApiError> {
    aliases::replace(
        &state.core.pool,
        &state.core.models,
        caller.project,
        &body.into_inner(),
    )
    .await?;
    Ok(web::Json(alias_list(&state, &caller).await?))
}
