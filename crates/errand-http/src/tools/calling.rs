//! `POST /v1/tools/{name}/invoke`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::routes::existing;
use crate::app::AppState;
use crate::auth::Caller;
use crate::body::JsonBody;
use crate::error::{ApiError, Problem};
use crate::openapi::{BodyErrors, NotFound, ServerErrors};
use crate::tasks::live;
use errand_core::invocations::Source;
use errand_core::invocations::invoke::{InvokeResult, InvokeTool, Invoker};

/// Query of `POST /v1/tools/{name}/invoke`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InvokeQuery {
    /// A runner tool: wait up to this many seconds (at most `server.max_wait_seconds`,
    /// default 60) for its task to end.
    #[param(minimum = 0, maximum = 60)]
    pub wait: Option<u64>,
}

/// Invoke a tool
///
/// Checks the arguments against the tool's input schema (422 with a pointer for each
/// violation) and runs the tool: 200 with its `output`, or its `error` when the tool
/// failed. A runner's tool (`run_<name>_task`) creates a task: 200 with the task's output
/// when it ends within `?wait=N` (or `Prefer: wait=N`), else 202 with the task to follow.
/// `Idempotency-Key` makes a runner tool's invocation safe to repeat.
#[utoipa::path(
    operation_id = "invokeTool",
    tag = "tools",
    params(
        ("name" = String, Path, description = "The tool's name", max_length = 100),
        InvokeQuery,
        ("Idempotency-Key" = Option<String>, Header,
            description = "A runner tool: the same key and body return the same task",
            min_length = 1, max_length = 255, pattern = r"^[!-~]{1,255}$"),
        ("Prefer" = Option<String>, Header, description = "`wait=N`: like `?wait=N`")
    ),
    request_body = InvokeTool,
    responses(
        (status = 200, description = "The tool finished: its output, or its error",
            body = InvokeResult),
        (status = 202, description = "A runner tool's task has not ended yet", body = InvokeResult,
            headers(("Location" = String, description = "URL of the task"))),
        (status = 409, description = "`ask_human` cannot be invoked (`tool_not_invocable`), or \\
            the Idempotency-Key was used with a different request (`idempotency_key_reused`)",
            body = Problem, content_type = "application/problem+json"),
        NotFound, BodyErrors, ServerErrors
    )
)]
#[post("/tools/{name}/invoke")]
pub async fn invoke(
    state: web::Data<AppState>,
    caller: Caller,
    name: web::Path<String>,
    query: web::Query<InvokeQuery>,
    req: HttpRequest,
    body: JsonBody<InvokeTool>,
) -> Result<HttpResponse, ApiError> {
    let entry = existing(&state, &caller, &name).await?;
    let key = crate::headers::idempotency_key(&req)?;
    let max = state.streams.max_wait;
    let wait = live::query_wait(query.wait, max)?.or(live::prefer_wait(&req, max));
    let invoker = Invoker {
        core: &state.core,
        hub: &state.hub,
        project: caller.project,
        project_name: &caller.project_name,
        source: Source::Api,
        caller: caller
            .key
            .map_or_else(|| "open".to_owned(), |k| k.to_string()),
        started: None,
    };
    let _slot = match wait {
        Some(_) => Some(state.auth.limiter.open_stream(caller.limit_key())?),
        None => None,
    };
    let result = invoker
        .invoke(entry, body.into_inner(), key.as_deref(), wait)
        .await?;
    let mut response = if result.finished() {
        HttpResponse::Ok()
    } else {
        HttpResponse::Accepted()
    };
    if let Some(task) = &result.task {
        response.insert_header((header::LOCATION, format!("/v1/tasks/{}", task.id)));
    }
    Ok(response.json(result))
}
