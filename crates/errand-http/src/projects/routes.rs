//! `/v1/projects`: the `default` project's admin keys (and open mode) manage every project;
//! another project's admin key sees its own project only.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::app::AppState;
use crate::auth::{Caller, Scope};
use crate::body::JsonBody;
use crate::error::{ApiError, ErrorCode, Problem};
use crate::openapi::{BodyErrors, QueryErrors, ServerErrors};
use errand_core::projects::{NewProject, ProjectPage, store};
use errand_core::runners::model::valid_name;

/// Create a project
///
/// Needs an admin key of the `default` project. Give the new project keys with
/// `POST /v1/api-keys`.
#[utoipa::path(
    operation_id = "createProject",
    tag = "projects",
    request_body = NewProject,
    responses(
        (status = 201, description = "Created", body = errand_core::projects::Project,
            headers(("Location" = String, description = "URL of the project list"))),
        (status = 409, description = "A project with this name exists (`project_exists`)",
            body = Problem, content_type = "application/problem+json"),
        BodyErrors, ServerErrors
    )
)]
#[post("/projects")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<NewProject>,
) -> Result<HttpResponse, ApiError> {
    // Also checked from the route; checked here too, so a routing change cannot open it.
    caller.require(Scope::Admin)?;
    if !caller.instance_admin() {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "only an admin key of the `default` project creates projects",
        ));
    }
    let input = body.into_inner();
    let errors = input.violations();
    if !errors.is_empty() {
        return Err(ApiError::invalid(
            ErrorCode::InvalidBody,
            "the project has problems",
            errors,
        ));
    }
    let max = i64::from(state.quotas.max_projects);
    if store::count(&state.core.pool).await? >= max {
        return Err(ApiError::new(
            ErrorCode::QuotaExceeded,
            format!("the server holds {max} projects already (quotas.max_projects)"),
        ));
    }
    let project = store::insert(&state.core.pool, &input)
        .await?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::ProjectExists,
                format!("a project named {:?} exists", input.name),
            )
        })?;
    if project.max_running_tasks.is_some() {
        // Workers claim the fast way while no limit exists: tell them one does.
        errand_core::tasks::queue::announce_limits(&state.core.pool).await?;
    }
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, "/v1/projects"))
        .json(project))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ProjectQuery {
    /// Page size, 1 to 100 (default 100).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// The last name of the previous page: projects after it.
    #[param(pattern = r"^[a-z0-9][a-z0-9_-]{0,62}$")]
    pub cursor: Option<String>,
}

/// List projects
///
/// Every project for an admin key of `default`; the key's own project for others.
#[utoipa::path(
    operation_id = "listProjects",
    tag = "projects",
    params(ProjectQuery),
    responses((status = 200, description = "Projects by name", body = ProjectPage),
        QueryErrors, ServerErrors)
)]
#[get("/projects")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ProjectQuery>,
) -> Result<web::Json<ProjectPage>, ApiError> {
    caller.require(Scope::Admin)?;
    let limit = crate::pagination::limit(query.limit, 100, 100)?;
    let after = query.cursor.as_deref();
    if after.is_some_and(|name| !valid_name(name)) {
        return Err(crate::pagination::invalid_cursor());
    }
    let mut data = if caller.instance_admin() {
        store::list(&state.core.pool, after, limit + 1).await?
    } else {
        let own = store::by_id(&state.core.pool, caller.project).await?;
        own.into_iter()
            .filter(|p| after.is_none_or(|a| p.name.as_str() > a))
            .collect()
    };
    let next_cursor = crate::pagination::next(&mut data, limit, |p| p.name.clone());
    Ok(web::Json(ProjectPage { data, next_cursor }))
}

pub fn project_not_found(name: &str) -> ApiError {
    ApiError::new(
        ErrorCode::ProjectNotFound,
        format!("no project named {name:?}"),
    )
}
