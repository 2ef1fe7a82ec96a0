//! `/v1/runners` handlers.

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, post, put, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::model::{Runner, RunnerDefinition, RunnerInput, RunnerPage};
use super::schema::schema_violations;
use super::store;
use crate::app::AppState;
use crate::error::{ApiError, Problem, Violation, violated_constraint};
use crate::openapi::{BodyErrors, NotFound, QueryErrors, ServerErrors};

/// Checks a definition completely and reports every problem at once.
fn check(state: &AppState, input: RunnerInput, name: String) -> Result<RunnerDefinition, ApiError> {
    let mut errors = input.field_violations(&name);
    errors.extend(schema_violations(&input.input_schema, "/input_schema"));
    if let Some(output) = &input.output_schema {
        errors.extend(schema_violations(output, "/output_schema"));
    }
    match state.models.resolve(&input.model) {
        Ok((provider, _)) => errors.extend(
            provider
                .settings_violations(&input.model_settings)
                .into_iter()
                .map(|v| Violation {
                    pointer: format!("/model_settings{}", v.pointer),
                    message: v.message,
                }),
        ),
        Err(e) => errors.push(Violation {
            pointer: "/model".into(),
            message: e.to_string(),
        }),
    }
    for (i, toolkit) in input.toolkits.iter().enumerate() {
        if state.tools.get(toolkit).is_none() {
            errors.push(Violation {
                pointer: format!("/toolkits/{i}"),
                message: format!(
                    "unknown toolkit {toolkit:?}; available: {}",
                    state.tools.names().join(", ")
                ),
            });
        }
    }
    if errors.is_empty() {
        Ok(input.into_definition(name))
    } else {
        Err(ApiError::Validation {
            code: "invalid_runner",
            message: format!("the runner definition has {} problem(s)", errors.len()),
            errors,
        })
    }
}

fn runner_not_found(name: &str) -> ApiError {
    ApiError::not_found("runner_not_found", format!("runner {name:?}"))
}

/// Register a runner
///
/// Both schemas are checked against the JSON Schema meta-schema; every problem is reported.
#[utoipa::path(
    tag = "runners",
    request_body = RunnerInput,
    responses(
        (status = 201, description = "Registered at version 1", body = Runner,
            headers(("Location" = String, description = "URL of the runner"))),
        (status = 409, description = "A runner with this name exists (`runner_exists`)",
            body = Problem, content_type = "application/problem+json"),
        BodyErrors, ServerErrors
    )
)]
#[post("/runners")]
pub async fn create(
    state: web::Data<AppState>,
    body: web::Json<RunnerInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
    let Some(name) = input.name.clone() else {
        return Err(ApiError::Validation {
            code: "invalid_runner",
            message: "the runner definition has 1 problem(s)".into(),
            errors: vec![Violation {
                pointer: "/name".into(),
                message: "required".into(),
            }],
        });
    };
    let def = check(&state, input, name)?;
    let mut tx = state.pool.begin().await?;
    let runner = match store::insert(&mut tx, &def).await {
        Ok(r) => r,
        Err(e) if violated_constraint(&e) == Some("runners_name_live") => {
            return Err(ApiError::conflict(
                "runner_exists",
                format!("a runner named {:?} exists; use PUT to change it", def.name),
            ));
        }
        Err(e) => return Err(e.into()),
    };
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
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// List runners
#[utoipa::path(
    tag = "runners",
    params(ListQuery),
    responses((status = 200, description = "A page of runners, by name", body = RunnerPage), QueryErrors, ServerErrors)
)]
#[get("/runners")]
pub async fn list(
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<web::Json<RunnerPage>, ApiError> {
    let limit = crate::pagination::limit(query.limit, 20, 100)?;
    let after = query
        .cursor
        .as_deref()
        .map(crate::pagination::decode)
        .transpose()?;
    let mut data = store::list(&state.pool, after.as_deref(), limit + 1).await?;
    let next_cursor = crate::pagination::next(&mut data, limit, |r| r.name.clone());
    Ok(web::Json(RunnerPage { data, next_cursor }))
}

/// Get a runner
#[utoipa::path(
    tag = "runners",
    params(("name" = String, Path, description = "The runner's name")),
    responses((status = 200, description = "The runner at its current version", body = Runner), NotFound, ServerErrors)
)]
#[get("/runners/{name}")]
pub async fn get(
    state: web::Data<AppState>,
    name: web::Path<String>,
) -> Result<web::Json<Runner>, ApiError> {
    store::get(&state.pool, &name)
        .await?
        .map(web::Json)
        .ok_or_else(|| runner_not_found(&name))
}

/// Create or replace a runner
///
/// Replacing adds a version (tasks keep the version they were submitted with); a body equal
/// to the current definition changes nothing.
#[utoipa::path(
    tag = "runners",
    params(("name" = String, Path, description = "The runner's name")),
    request_body = RunnerInput,
    responses(
        (status = 200, description = "Replaced (or unchanged)", body = Runner),
        (status = 201, description = "Created at version 1", body = Runner,
            headers(("Location" = String, description = "URL of the runner"))),
        BodyErrors, ServerErrors
    )
)]
#[put("/runners/{name}")]
pub async fn replace(
    state: web::Data<AppState>,
    name: web::Path<String>,
    body: web::Json<RunnerInput>,
) -> Result<HttpResponse, ApiError> {
    let name = name.into_inner();
    let input = body.into_inner();
    if input.name.as_ref().is_some_and(|n| *n != name) {
        return Err(ApiError::Validation {
            code: "invalid_runner",
            message: "the body's name differs from the path".into(),
            errors: vec![Violation {
                pointer: "/name".into(),
                message: format!("must be {name:?}, the name in the path"),
            }],
        });
    }
    let def = check(&state, input, name)?;
    let mut tx = state.pool.begin().await?;
    if let Some((runner, _)) = store::update(&mut tx, &def).await? {
        tx.commit().await?;
        return Ok(HttpResponse::Ok().json(runner));
    }
    let runner = match store::insert(&mut tx, &def).await {
        Ok(r) => r,
        // Created concurrently by another request: that one won.
        Err(e) if violated_constraint(&e) == Some("runners_name_live") => {
            return Err(ApiError::conflict(
                "runner_exists",
                "the runner was created concurrently; retry the request",
            ));
        }
        Err(e) => return Err(e.into()),
    };
    tx.commit().await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/v1/runners/{}", runner.name)))
        .json(runner))
}

/// Delete a runner
///
/// Its tasks and versions are kept; queued tasks still run. The name can be registered again.
#[utoipa::path(
    tag = "runners",
    params(("name" = String, Path, description = "The runner's name")),
    responses((status = 204, description = "Deleted"), NotFound, ServerErrors)
)]
#[delete("/runners/{name}")]
pub async fn delete(
    state: web::Data<AppState>,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    if store::delete(&state.pool, &name).await? {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(runner_not_found(&name))
    }
}
