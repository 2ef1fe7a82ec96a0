//! The MCP handler: `tools/list` is the project's tool registry, `tools/call` runs a tool
//! (recorded as an `mcp` invocation). A runner's tool called by a client that declared the
//! tasks extension answers at once with a task handle — the Errand task, committed before
//! the answer — and the client follows it with `tasks/get`; other clients wait up to
//! `mcp.call_wait_seconds`, then get a result naming the task.

use std::time::Duration;

use rmcp::ErrorData as McpError;
use rmcp::handler::server::ServerHandler;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, CancelTaskParams, ContentBlock,
    CreateTaskResult, GetTaskParams, GetTaskResult, Implementation, InitializeResult,
    ListResourceTemplatesResult, ListResourcesResult, ListToolsResult, PaginatedRequestParams,
    ReadResourceRequestParams, ReadResourceResponse, ServerCapabilities, ServerConfig, Tool,
    UpdateTaskParams,
};
use rmcp::service::{RequestContext, RoleServer};
use serde_json::{Value, json};

use super::{McpCaller, progress, resources, tasks};
use crate::app::AppState;
use crate::auth::{Caller, Scope};
use crate::error::Coded;
use errand_core::config::McpSettings;
use errand_core::invocations::Source;
use errand_core::invocations::invoke::{InvokeError, InvokeResult, InvokeTool, Invoker};
use errand_core::tasks::model::{Task, TaskStatus};
use errand_core::tools::catalog::Entry;

/// How long an ended task's last progress notification may take to go out before the
/// call's result.
const LAST_PROGRESS: Duration = Duration::from_millis(200);

#[derive(Clone)]
pub struct ErrandMcp {
    pub(super) state: AppState,
    pub(super) settings: McpSettings,
}

impl ErrandMcp {
    pub fn new(state: AppState, settings: McpSettings) -> Self {
        Self { state, settings }
    }
}

/// The caller the adapter put into the request, holding at least `scope`.
pub(super) fn caller(ctx: &RequestContext<RoleServer>, scope: Scope) -> Result<Caller, McpError> {
    let caller = ctx
        .extensions
        .get::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<McpCaller>())
        .map(|c| c.caller.clone())
        .ok_or_else(|| McpError::internal_error("the request carries no caller", None))?;
    if caller.scope < scope {
        return Err(McpError::invalid_request(
            format!("this needs an API key with the `{}` scope", scope.as_str()),
            None,
        ));
    }
    Ok(caller)
}

/// A refused invocation as MCP sees it: a fault of the server is a protocol error; a
/// refusal of the call (bad arguments, a full queue) a tool error the model can read and
/// act on, naming its code and every violation.
pub(super) fn refused(e: InvokeError) -> Result<CallToolResult, McpError> {
    let code = e.code();
    if code.status().is_none_or(|s| s >= 500) {
        return Err(McpError::internal_error(e.to_string(), None));
    }
    let mut refusal = json!({"code": code.as_str(), "title": code.title(),
        "detail": e.to_string()});
    if !e.violations().is_empty() {
        refusal["errors"] = json!(e.violations());
    }
    Ok(CallToolResult::error(vec![ContentBlock::text(
        refusal.to_string(),
    )]))
}

pub(super) fn internal(e: impl std::fmt::Display) -> McpError {
    McpError::internal_error(e.to_string(), None)
}

/// A finished invocation as a tool result: structured when the output is an object.
fn result_of(done: &InvokeResult) -> CallToolResult {
    match (&done.output, &done.error) {
        (_, Some(error)) => CallToolResult::error(vec![ContentBlock::text(error.clone())]),
        (Some(output @ Value::Object(_)), None) => CallToolResult::structured(output.clone()),
        (Some(Value::String(text)), None) => {
            CallToolResult::success(vec![ContentBlock::text(text.clone())])
        }
        (Some(output), None) => {
            CallToolResult::success(vec![ContentBlock::text(output.to_string())])
        }
        (None, None) => CallToolResult::success(Vec::new()),
    }
}

/// The answer to a blocking call whose task did not end in time: an error result naming
/// the task, its state, the time waited, and how to follow it.
fn still_open(task: &Task, waited: Duration) -> CallToolResult {
    let note = json!({"task_id": task.id, "status": task.status,
        "follow": format!("GET /v1/tasks/{}?wait=60", task.id)});
    let state = match task.status {
        TaskStatus::InputRequired => "waiting for a person's answer".to_owned(),
        _ if task.awaits_caller() => "waiting for a person's answer to a child task".to_owned(),
        other => format!("still {}", other.as_str()),
    };
    CallToolResult::error(vec![ContentBlock::text(format!(
        "Task {} of runner {} is {state} after {:.1} s. Follow it with GET \
         /v1/tasks/{}?wait=60 on this server (or call the tool with the MCP tasks extension). \
         {note}",
        task.id,
        task.runner,
        waited.as_secs_f64(),
        task.id
    ))])
}

impl ErrandMcp {
    /// Runs `entry` for `caller`, waiting up to `wait` for a runner's task; a call that
    /// asked for progress gets the task's events while it waits.
    async fn invoke(
        &self,
        caller: &Caller,
        entry: Entry,
        arguments: Value,
        wait: Option<Duration>,
        ctx: &RequestContext<RoleServer>,
    ) -> Result<InvokeResult, InvokeError> {
        let task_started = tokio::sync::watch::Sender::new(None);
        let invoker = Invoker {
            core: &self.state.core,
            hub: &self.state.hub,
            project: caller.project,
            project_name: &caller.project_name,
            source: Source::Mcp,
            caller: caller
                .key
                .map_or_else(|| "open".to_owned(), |k| k.to_string()),
            started: Some(&task_started),
        };
        let body = InvokeTool {
            arguments,
            ..InvokeTool::default()
        };
        let forwarding = match (ctx.meta.get_progress_token(), wait) {
            (Some(token), Some(_)) => Some(tokio::spawn(progress::forward(
                self.state.hub.clone(),
                self.state.core.pool.clone(),
                ctx.peer.clone(),
                token,
                task_started.subscribe(),
            ))),
            _ => None,
        };
        let done = invoker.invoke(entry, body, None, wait).await;
        if let Some(mut forwarding) = forwarding {
            // A task that ended has its last event on the way: let it go out first.
            let ended = done
                .as_ref()
                .ok()
                .and_then(|d| d.task.as_ref())
                .is_some_and(|t| t.status.is_final());
            if !ended
                || tokio::time::timeout(LAST_PROGRESS, &mut forwarding)
                    .await
                    .is_err()
            {
                forwarding.abort();
            }
        }
        done
    }
}

impl ServerHandler for ErrandMcp {
    fn get_info(&self) -> ServerConfig {
        InitializeResult::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .enable_tasks()
                .build(),
        )
        .with_server_info(Implementation::new("errand", env!("CARGO_PKG_VERSION")))
        .with_instructions(
            "Errand's tools: built-ins, the project's HTTP tools, and every runner as \
             run_<name>_task (a durable task; with the tasks extension, follow it with tasks/get).",
        )
    }

    async fn list_tools(
        &self,
        request: Option<PaginatedRequestParams>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        let caller = caller(&ctx, Scope::Read)?;
        let after = request.and_then(|r| r.cursor).unwrap_or_default();
        let (listed, next) = crate::tools::routes::page(&self.state, caller.project, &after, 100)
            .await
            .map_err(internal)?;
        // `ask_human` is the worker's way to suspend a task: no MCP call can run it.
        let tools = listed
            .iter()
            .filter(|t| t.name != errand_core::tools::ask_human::NAME)
            .map(|t| serde_json::from_value::<Tool>(t.mcp()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(internal)?;
        let mut result = ListToolsResult::with_all_items(tools);
        result.next_cursor = next;
        Ok(result)
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let caller = caller(&ctx, Scope::Write)?;
        let found = self
            .state
            .core
            .tools
            .find(&self.state.core.pool, caller.project, &request.name)
            .await
            .map_err(internal)?;
        let Some(entry) = found else {
            return Err(McpError::invalid_params(
                format!("no tool named {:?}", request.name),
                None,
            ));
        };
        let as_task = matches!(entry, Entry::Runner(_))
            && ctx
                .client_capabilities()
                .is_some_and(|c| c.supports_tasks());
        let wait = match (&entry, as_task) {
            (Entry::Runner(_), false) => Some(Duration::from_secs(self.settings.call_wait_seconds)),
            _ => None,
        };
        let arguments = Value::Object(request.arguments.unwrap_or_default());
        let started = std::time::Instant::now();
        let done = self.invoke(&caller, entry, arguments, wait, &ctx).await;
        let done = match done {
            Ok(done) => done,
            Err(e) => return refused(e).map(CallToolResponse::Complete),
        };
        match &done.task {
            // Durable already: the task row committed before this answer.
            Some(task) if as_task => Ok(CallToolResponse::Task(CreateTaskResult::new(
                tasks::handle(task, &self.settings, &self.state),
            ))),
            // Not an answer: `isError`, which SDKs accept without `structuredContent` (a
            // success would have to match the runner's output schema).
            Some(task) if !done.finished() => Ok(CallToolResponse::Complete(still_open(
                task,
                started.elapsed(),
            ))),
            _ => Ok(CallToolResponse::Complete(result_of(&done))),
        }
    }

    async fn list_resources(
        &self,
        request: Option<PaginatedRequestParams>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, McpError> {
        let caller = caller(&ctx, Scope::Read)?;
        resources::list(&self.state, &caller, request.and_then(|r| r.cursor)).await
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, McpError> {
        caller(&ctx, Scope::Read)?;
        Ok(resources::templates())
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        ctx: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, McpError> {
        let caller = caller(&ctx, Scope::Read)?;
        Ok(resources::read(&self.state, &caller, &request.uri)
            .await?
            .into())
    }

    async fn get_task(
        &self,
        request: GetTaskParams,
        ctx: RequestContext<RoleServer>,
    ) -> Result<GetTaskResult, McpError> {
        let caller = caller(&ctx, Scope::Read)?;
        tasks::get(self, &caller, &request.task_id).await
    }

    async fn update_task(
        &self,
        request: UpdateTaskParams,
        ctx: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        let caller = caller(&ctx, Scope::Write)?;
        tasks::update(self, &caller, request).await
    }

    async fn cancel_task(
        &self,
        request: CancelTaskParams,
        ctx: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        let caller = caller(&ctx, Scope::Write)?;
        tasks::cancel(self, &caller, &request.task_id).await
    }
}
