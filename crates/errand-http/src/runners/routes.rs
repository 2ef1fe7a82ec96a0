//! `/v1/runners` handlers.

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, post, put, web};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::app::AppState;
use crate::auth::Caller;
use crate::body::JsonBody;
use crate::error::{ApiError, ErrorCode, Problem, Violation, violated_constraint};
use crate::openapi::{BodyErrors, NotFound, QueryErrors, ServerErrors};
use errand_core::aliases;
use errand_core::projects::ProjectId;
use errand_core::runners::model::valid_name;
use errand_core::runners::model::{NewRunner, Runner, RunnerDefinition, RunnerInput, RunnerPage};
use errand_core::runners::schema::schema_violations;
use errand_core::runners::store;

/// Checks a definition completely and reports every problem at once.
async fn check(
    state: &AppState,
    project: errand_core::projects::ProjectId,
    input: RunnerInput,
    name: String,
) -> Result<RunnerDefinition, ApiError> {
    let mut errors = input.field_violations(&name);
    let max = state.core.schemas.max_violations();
    errors.extend(schema_violations(&input.input_schema, "/input_schema", max));
    if let Some(output) = &input.output_schema {
        errors.extend(schema_violations(output, "/output_schema", max));
    }
    let model = aliases::resolve(&state.core.pool, &state.core.models, project, &input.model)
        .await?
        .map_err(|e| e.to_string())
        .and_then(|m| {
            state
                .core
                .models
                .resolve(&m.model)
                .map_err(|e| e.to_string())
        });
    match model {
        Ok((provider, _)) => errors.extend(
            provider
                .settings_violations(&input.model_settings)
                .into_iter()
                .map(|v| v.under("/model_settings")),
        ),
        Err(e) => errors.push(Violation::new("/model", e)),
    }
    errors.extend(errand_core::tools::approval::violations(
        &input.approval,
        &input.toolkits,
    ));
    if input.toolkits.len() > MAX_TOOLKITS {
        errors.push(Violation::new(
            "/toolkits",
            format!("at most {MAX_TOOLKITS} tools"),
        ));
    } else {
        errors.extend(
            state
                .core
                .tools
                .toolkit_violations(&state.core.pool, project, &name, &input.toolkits)
                .await?,
        );
    }
    if errors.is_empty() {
        Ok(input.into_definition(name))
    } else {
        Err(invalid_runner(errors))
    }
}

/// Tools one runner may offer its model.
const MAX_TOOLKITS: usize = 64;

/// What a saved runner holds in its transaction: its model alias, checked again under the
/// project's share lock (a concurrent `PUT /v1/models/aliases` that drops it waits, or
/// wins and this save is refused), and the queue it consumes, made so it is listed (with
/// the runner as its consumer) before any message arrives.
async fn bind(
    state: &AppState,
    tx: &mut sqlx::PgConnection,
    project: ProjectId,
    def: &RunnerDefinition,
) -> Result<(), ApiError> {
    if !aliases::hold(&mut *tx, &state.core.models, project, &def.model).await? {
        return Err(invalid_runner(vec![Violation::new(
            "/model",
            format!(
                "the alias {:?} was dropped while the runner was saved",
                def.model
            ),
        )]));
    }
    if let Some(queue) = &def.queue {
        errand_core::queues::store::ensure(tx, project, queue, &state.core.queues).await?;
    }
    Ok(())
}

fn invalid_runner(errors: Vec<Violation>) -> ApiError {
    ApiError::invalid(
        ErrorCode::InvalidRunner,
        format!("the runner definition has {} problem(s)", errors.len()),
        errors,
    )
}

/// Register a runner
///
/// Both schemas are checked against the JSON Schema meta-schema; every problem is reported.
#[utoipa::path(
    operation_id = "createRunner",
    tag = "runners",
    request_body = NewRunner,
    responses(
        (status = 201, description = "Registered at version 1", body = Runner,
            headers(("Location" = String, description = "URL of the runner"))),
        (status = 409, description = "A runner with this name exists (`runner_exists`)",
            body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Its `queue` would be a new queue beyond \
            `queues.project_max_queues` (`quota_exceeded`)", body = Problem,
            content_type = "application/problem+json"),
        BodyErrors, ServerErrors
    )
)]
#[post("/runners")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<RunnerInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
    let Some(name) = input.name.clone() else {
        return Err(invalid_runner(vec![Violation::new("/name", "required")]));
    };
    let def = check(&state, caller.project, input, name).await?;
    let mut tx = state.core.pool.begin().await?;
    let runner = match store::insert(&mut tx, caller.project, &def).await {
        Ok(r) => r,
        Err(e) if violated_constraint(&e) == Some("runners_name_live") => {
            return Err(ApiError::new(
                ErrorCode::RunnerExists,
                format!("a runner named {:?} exists; use PUT to change it", def.name),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    bind(&state, &mut tx, caller.project, &def).await?;
    tx.commit().await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/v1/runners/{}", runner.name)))
        .json(runner))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page: runners after this name.
    #[param(pattern = r"^[a-z0-9][a-z0-9_-]{0,62}$")]
    pub cursor: Option<String>,
}

/// List runners
#[utoipa::path(
    operation_id = "listRunners",
    tag = "runners",
    params(ListQuery),
    responses((status = 200, description = "A page of runners, by name", body = RunnerPage), QueryErrors, ServerErrors)
)]
#[get("/runners")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ListQuery>,
) -> Result<web::Json<RunnerPage>, ApiError> {
    let limit = crate::pagination::limit(query.limit, 20, 100)?;
    let after = query.cursor.as_deref();
    if after.is_some_and(|name| !valid_name(name)) {
        return Err(crate::pagination::invalid_cursor());
    }
    let mut data = store::list(&state.core.pool, caller.project, after, limit + 1).await?;
    let next_cursor = crate::pagination::next(&mut data, limit, |r| r.name.clone());
    Ok(web::Json(RunnerPage { data, next_cursor }))
}

/// Get a runner
#[utoipa::path(
    operation_id = "getRunner",
    tag = "runners",
    params(("name" = String, Path, description = "The runner's name", pattern = r"^[a-z0-9][a-z0-9_-]{0,62}$")),
    responses((status = 200, description = "The runner at its current version", body = Runner), NotFound, ServerErrors)
)]
#[get("/runners/{name}")]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    name: web::Path<String>,
) -> Result<web::Json<Runner>, ApiError> {
    store::get(&state.core.pool, caller.project, path_name(&name)?)
        .await?
        .map(web::Json)
        .ok_or_else(|| runner_not_found(&name))
}

/// Create or replace a runner
///
/// Replacing adds a version (tasks keep the version they were submitted with); a body equal
/// to the current definition changes nothing.
#[utoipa::path(
    operation_id = "replaceRunner",
    tag = "runners",
    params(("name" = String, Path, description = "The runner's name", pattern = r"^[a-z0-9][a-z0-9_-]{0,62}$")),
    request_body = RunnerInput,
    responses(
        (status = 200, description = "Replaced (or unchanged)", body = Runner),
        (status = 201, description = "Created at version 1", body = Runner,
            headers(("Location" = String, description = "URL of the runner"))),
        (status = 409, description = "Created concurrently by another request (`runner_exists`)",
            body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Its `queue` would be a new queue beyond \
            `queues.project_max_queues` (`quota_exceeded`)", body = Problem,
            content_type = "application/problem+json"),
        BodyErrors, ServerErrors
    )
)]
#[put("/runners/{name}")]
pub async fn replace(
    state: web::Data<AppState>,
    caller: Caller,
    name: web::Path<String>,
    body: JsonBody<RunnerInput>,
) -> Result<HttpResponse, ApiError> {
    let name = name.into_inner();
    let input = body.into_inner();
    if input.name.as_ref().is_some_and(|n| *n != name) {
        return Err(invalid_runner(vec![Violation::new(
            "/name",
            format!("must be {name:?}, the name in the path"),
        )]));
    }
    let def = check(&state, caller.project, input, name).await?;
    let mut tx = state.core.pool.begin().await?;
    if let Some((runner, _)) = store::update(&mut tx, caller.project, &def).await? {
        bind(&state, &mut tx, caller.project, &def).await?;
        tx.commit().await?;
        return Ok(HttpResponse::Ok().json(runner));
    }
    let runner = match store::insert(&mut tx, caller.project, &def).await {
        Ok(r) => r,
        // Created concurrently by another request: that one won.
        Err(e) if violated_constraint(&e) == Some("runners_name_live") => {
            return Err(ApiError::new(
                ErrorCode::RunnerExists,
                "the runner was created concurrently; retry the request",
            ));
        }
        Err(e) => return Err(e.into()),
    };
    bind(&state, &mut tx, caller.project, &def).await?;
    tx.commit().await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/v1/runners/{}", runner.name)))
        .json(runner))
}

/// Delete a runner
///
/// Its tasks and versions are kept; queued tasks still run. The name can be registered again.
/// Refused with 409 `tool_in_use` while another runner lists it (`run_<name>_task`).
#[utoipa::path(
    operation_id = "deleteRunner",
    tag = "runners",
    params(("name" = String, Path, description = "The runner's name", pattern = r"^[a-z0-9][a-z0-9_-]{0,62}$")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, description = "Other runners list it as a tool (`tool_in_use`)",
            body = Problem, content_type = "application/problem+json"),
        NotFound, ServerErrors
    )
)]
#[delete("/runners/{name}")]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let name = path_name(&name)?;
    if store::get(&state.core.pool, caller.project, name)
        .await?
        .is_none()
    {
        return Err(runner_not_found(name));
    }
    let tool = errand_core::tools::runner_tool::tool_name(name);
    crate::tools::validate::refuse_if_listed(&state.core.pool, caller.project, &tool).await?;
    if store::delete(&state.core.pool, caller.project, name).await? {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(runner_not_found(name))
    }
}

pub fn runner_not_found(name: &str) -> ApiError {
    ApiError::new(
        ErrorCode::RunnerNotFound,
        format!("no runner named {name:?}"),
    )
}

/// A runner name from a path: a name that is not a slug names no runner (and never
/// reaches the database).
pub fn path_name(name: &str) -> Result<&str, ApiError> {
    if valid_name(name) {
        Ok(name)
    } else {
        Err(runner_not_found(name))
    }
}
