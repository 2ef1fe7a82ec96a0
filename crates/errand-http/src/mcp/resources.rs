//! The project's tasks as MCP resources, so a client that lost a task handle can find it:
//! `resources/list` lists them newest first (`errand://tasks/{id}`, paginated), and
//! `resources/read` gives one as `GET /v1/tasks/{id}` does. (The tasks extension of
//! 2026-07-28 has no `tasks/list`: SEP-2663 removed it, and a call of it is -32601.)

use rmcp::ErrorData as McpError;
use rmcp::model::{
    ListResourceTemplatesResult, ListResourcesResult, ReadResourceResult, Resource,
    ResourceContents, ResourceTemplate,
};
use uuid::Uuid;

use super::server::internal;
use crate::app::AppState;
use crate::auth::Caller;
use errand_core::tasks::model::{Task, TaskFilter};
use errand_core::tasks::store;

const PREFIX: &str = "errand://tasks/";
const JSON: &str = "application/json";
/// Tasks per `resources/list` page.
const PAGE: i64 = 50;

fn uri(id: Uuid) -> String {
    format!("{PREFIX}{id}")
}

fn resource(task: &Task) -> Resource {
    Resource::new(uri(task.id), format!("task {}", task.id))
        .with_title(format!("{} task, {}", task.runner, task.status.as_str()))
        .with_description(format!(
            "A task of runner {} created at {}; now {}.",
            task.runner,
            task.created_at.to_rfc3339(),
            task.status.as_str()
        ))
        .with_mime_type(JSON)
}

/// `resources/list`: a page of the project's tasks, newest first; the cursor is the last
/// task's id.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    cursor: Option<String>,
) -> Result<ListResourcesResult, McpError> {
    let before = match cursor {
        Some(c) => Some(
            Uuid::parse_str(&c)
                .map_err(|_| McpError::invalid_params(format!("no cursor {c:?}"), None))?,
        ),
        None => None,
    };
    let tasks = store::list(
        &state.core.pool,
        caller.project,
        &TaskFilter::default(),
        before,
        PAGE,
    )
    .await
    .map_err(internal)?;
    let next = (tasks.len() == PAGE as usize)
        .then(|| tasks.last().map(|t| t.id.to_string()))
        .flatten();
    let mut result = ListResourcesResult::with_all_items(tasks.iter().map(resource).collect());
    result.next_cursor = next;
    Ok(result)
}

/// `resources/templates/list`: one template, a task by id.
pub fn templates() -> ListResourceTemplatesResult {
    ListResourceTemplatesResult::with_all_items(vec![
        ResourceTemplate::new(format!("{PREFIX}{{task_id}}"), "task")
            .with_title("An Errand task")
            .with_description("A task of this project by id, as GET /v1/tasks/{id} gives it.")
            .with_mime_type(JSON),
    ])
}

/// `resources/read`: one task of the project.
pub async fn read(
    state: &AppState,
    caller: &Caller,
    requested: &str,
) -> Result<ReadResourceResult, McpError> {
    let not_found = || McpError::resource_not_found(format!("no resource {requested:?}"), None);
    let id = requested
        .strip_prefix(PREFIX)
        .and_then(|id| Uuid::parse_str(id).ok())
        .ok_or_else(not_found)?;
    let task = store::get_in(&state.core.pool, caller.project, id)
        .await
        .map_err(internal)?
        .ok_or_else(not_found)?;
    let text = serde_json::to_string(&task).map_err(internal)?;
    Ok(ReadResourceResult::new(vec![
        ResourceContents::text(text, uri(task.id)).with_mime_type(JSON),
    ]))
}
