//! `/v1/tools`: list every tool of the project (in Errand's, OpenAI's or MCP's shape),
//! register, read, replace and delete HTTP tools, and read a tool's invocations. Invoking
//! is in `invoke.rs`.

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, post, put, web};
use serde_json::Value;

use super::validate::{check, invalid_tool, tool_not_found};
use crate::app::AppState;
use crate::auth::Caller;
use crate::body::JsonBody;
use crate::error::{ApiError, ErrorCode, Problem, Violation};
use crate::openapi::{BodyErrors, NotFound, QueryErrors, ServerErrors};
use crate::pagination;
use errand_core::invocations::{self, InvocationPage, InvocationQuery};
use errand_core::projects::ProjectId;
use errand_core::tools::catalog::Entry;
use errand_core::tools::formats::{ToolEntry, ToolFormat, ToolPage, ToolQuery};
use errand_core::tools::http_tool::{HttpToolDef, HttpToolInput, NewHttpTool};
use errand_core::tools::{runner_tool, store};

/// The caller's tool `name`, or 404.
pub async fn existing(state: &AppState, caller: &Caller, name: &str) -> Result<Entry, ApiError> {
    if name.len() > 100 {
        return Err(tool_not_found(name));
    }
    state
        .core
        .tools
        .find(&state.core.pool, caller.project, name)
        .await?
        .ok_or_else(|| tool_not_found(name))
}

/// How the entry is listed: its read-only flag needs the runner's tools for a runner.
async fn entry(state: &AppState, project: ProjectId, entry: &Entry) -> Result<ToolEntry, ApiError> {
    let read_only = match entry {
        Entry::Runner(runner) => {
            state
                .core
                .tools
                .runner_read_only(&state.core.pool, project, runner)
                .await?
        }
        other => other.offered_read_only(),
    };
    Ok(ToolEntry::new(entry, read_only))
}

/// Up to `limit` of the project's tools named after `after`, by name, and the cursor of
/// the next page (for `/v1/tools` and MCP's `tools/list`).
pub async fn page(
    state: &AppState,
    project: ProjectId,
    after: &str,
    limit: i64,
) -> Result<(Vec<ToolEntry>, Option<String>), ApiError> {
    let mut entries: Vec<Entry> = state
        .core
        .tools
        .project_builtins(&state.core.pool, project)
        .into_iter()
        .filter(|t| t.spec().name.as_str() > after)
        .map(Entry::Builtin)
        .collect();
    entries.extend(
        store::all(&state.core.pool, project)
            .await?
            .into_iter()
            .filter(|d| d.name.as_str() > after)
            .map(|d| Entry::Http(Box::new(d))),
    );
    entries.extend(
        errand_core::runners::store::list_by_tool_name(&state.core.pool, project, after, limit + 1)
            .await?
            .into_iter()
            .map(|r| Entry::Runner(Box::new(r))),
    );
    entries.sort_by(|a, b| a.spec().name.cmp(&b.spec().name));
    entries.truncate(usize::try_from(limit + 1).unwrap_or(usize::MAX));
    let mut listed = Vec::with_capacity(entries.len());
    for e in &entries {
        listed.push(entry(state, project, e).await?);
    }
    let next_cursor = pagination::next(&mut listed, limit, |t| t.name.clone());
    Ok((listed, next_cursor))
}

/// List tools
///
/// Every tool of the project, by name: the built-ins, the HTTP tools it registered and
/// its runners as `run_<name>_task`. `format=openai` gives each as an entry of OpenAI's
/// `tools` array (strict where the schema allows), `format=mcp` as an MCP tool.
#[utoipa::path(
    operation_id = "listTools",
    tag = "tools",
    params(ToolQuery),
    responses((status = 200, description = "A page of tools, by name", body = ToolPage),
        QueryErrors, ServerErrors)
)]
#[get("/tools")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ToolQuery>,
) -> Result<web::Json<ToolPage>, ApiError> {
    let limit = pagination::limit(query.limit, 100, 1000)?;
    if query
        .cursor
        .as_ref()
        .is_some_and(|c| c.is_empty() || c.len() > 100)
    {
        return Err(pagination::invalid_cursor());
    }
    let after = query.cursor.as_deref().unwrap_or("");
    let (listed, next_cursor) = page(&state, caller.project, after, limit).await?;
    let format = query.format.unwrap_or_default();
    let data = listed
        .iter()
        .map(|t| match format {
            ToolFormat::Errand => serde_json::to_value(t).unwrap_or(Value::Null),
            ToolFormat::Openai => t.openai(),
            ToolFormat::Mcp => t.mcp(),
        })
        .collect();
    Ok(web::Json(ToolPage { data, next_cursor }))
}

/// Get a tool
#[utoipa::path(
    operation_id = "getTool",
    tag = "tools",
    params(("name" = String, Path, description = "The tool's name", max_length = 100)),
    responses((status = 200, description = "The tool", body = ToolEntry), NotFound, ServerErrors)
)]
#[get("/tools/{name}")]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    name: web::Path<String>,
) -> Result<web::Json<ToolEntry>, ApiError> {
    let found = existing(&state, &caller, &name).await?;
    Ok(web::Json(entry(&state, caller.project, &found).await?))
}

/// Register an HTTP tool
///
/// A call of the tool sends its arguments as JSON to `url` (a `GET` or `DELETE` as query
/// parameters) through the outbound guard, and takes a JSON answer. Header values may name
/// a secret of the server's `tools.secrets`, which is never stored or shown.
#[utoipa::path(
    operation_id = "createTool",
    tag = "tools",
    request_body = NewHttpTool,
    responses(
        (status = 201, description = "Registered", body = HttpToolDef,
            headers(("Location" = String, description = "URL of the tool"))),
        (status = 409, description = "A tool with this name exists (`tool_exists`)",
            body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "The project holds `tools.project_max_tools` tools \
            (`quota_exceeded`)", body = Problem, content_type = "application/problem+json"),
        BodyErrors, ServerErrors
    )
)]
#[post("/tools")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<HttpToolInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
    let Some(name) = input.name.clone() else {
        return Err(invalid_tool(vec![Violation::new("/name", "required")]));
    };
    check(&state, &caller, &input, &name)?;
    let mut tx = state.core.pool.begin().await?;
    let max = state.core.tools.settings.project_max_tools;
    let created = store::insert(&mut tx, caller.project, &input.as_new(&name), max).await?;
    let Some(tool) = created else {
        return Err(
            if store::get(&mut *tx, caller.project, &name).await?.is_some() {
                ApiError::new(
                    ErrorCode::ToolExists,
                    format!("a tool named {name:?} exists; use PUT to change it"),
                )
            } else {
                ApiError::new(
                    ErrorCode::QuotaExceeded,
                    format!(
                        "the project holds {max} tools, the most tools.project_max_tools allows"
                    ),
                )
            },
        );
    };
    tx.commit().await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/v1/tools/{}", tool.name)))
        .json(tool))
}

/// Built-in and runner tools are not changed here.
fn not_editable(name: &str) -> Option<ApiError> {
    let what = if errand_core::tools::reserved_names().any(|n| n == name) {
        "a built-in tool"
    } else if runner_tool::runner_name(name).is_some() {
        "a runner's tool: change the runner"
    } else {
        return None;
    };
    Some(ApiError::new(
        ErrorCode::ToolNotEditable,
        format!("{name} is {what}"),
    ))
}

/// Replace an HTTP tool
#[utoipa::path(
    operation_id = "replaceTool",
    tag = "tools",
    params(("name" = String, Path, description = "The tool's name", max_length = 100)),
    request_body = HttpToolInput,
    responses(
        (status = 200, description = "Replaced: the new version", body = HttpToolDef),
        (status = 409, description = "A built-in or runner tool (`tool_not_editable`)",
            body = Problem, content_type = "application/problem+json"),
        NotFound, BodyErrors, ServerErrors
    )
)]
#[put("/tools/{name}")]
pub async fn replace(
    state: web::Data<AppState>,
    caller: Caller,
    name: web::Path<String>,
    body: JsonBody<HttpToolInput>,
) -> Result<web::Json<HttpToolDef>, ApiError> {
    if let Some(refused) = not_editable(&name) {
        return Err(refused);
    }
    let input = body.into_inner();
    if input.name.as_ref().is_some_and(|n| *n != *name) {
        return Err(invalid_tool(vec![Violation::new(
            "/name",
            format!("must be {name:?}, the name in the path"),
        )]));
    }
    check(&state, &caller, &input, &name)?;
    let mut tx = state.core.pool.begin().await?;
    let replaced = store::replace(&mut tx, caller.project, &input.as_new(&name))
        .await?
        .ok_or_else(|| tool_not_found(&name))?;
    tx.commit().await?;
    Ok(web::Json(replaced))
}

/// Delete an HTTP tool
///
/// Refused with 409 `tool_in_use` while a runner lists it in its `toolkits`; invocations
/// already recorded are kept.
#[utoipa::path(
    operation_id = "deleteTool",
    tag = "tools",
    params(("name" = String, Path, description = "The tool's name", max_length = 100)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, description = "A built-in or runner tool (`tool_not_editable`), or one \
            that runners list (`tool_in_use`)",
            body = Problem, content_type = "application/problem+json"),
        NotFound, ServerErrors
    )
)]
#[delete("/tools/{name}")]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    if let Some(refused) = not_editable(&name) {
        return Err(refused);
    }
    if name.len() > 100
        || store::get(&state.core.pool, caller.project, &name)
            .await?
            .is_none()
    {
        return Err(tool_not_found(&name));
    }
    super::validate::refuse_if_listed(&state.core.pool, caller.project, &name).await?;
    if !store::delete(&state.core.pool, caller.project, &name).await? {
        return Err(tool_not_found(&name));
    }
    Ok(HttpResponse::NoContent().finish())
}

/// List a tool's invocations
///
/// Every call of the tool, newest first: over HTTP, over MCP and from tasks' models.
#[utoipa::path(
    operation_id = "listToolInvocations",
    tag = "tools",
    params(("name" = String, Path, description = "The tool's name", max_length = 100),
        InvocationQuery),
    responses((status = 200, description = "A page of invocations, newest first",
        body = InvocationPage), NotFound, QueryErrors, ServerErrors)
)]
#[get("/tools/{name}/invocations")]
pub async fn list_invocations(
    state: web::Data<AppState>,
    caller: Caller,
    name: web::Path<String>,
    query: web::Query<InvocationQuery>,
) -> Result<web::Json<InvocationPage>, ApiError> {
    existing(&state, &caller, &name).await?;
    let limit = pagination::limit(query.limit, 20, 100)?;
    let mut data = invocations::list(
        &state.core.pool,
        caller.project,
        &name,
        query.cursor,
        limit + 1,
    )
    .await?;
    let next_cursor = pagination::next(&mut data, limit, |i| i.id.to_string());
    Ok(web::Json(InvocationPage { data, next_cursor }))
}
