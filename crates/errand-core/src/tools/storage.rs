//! The `storage` toolkit: `read_file`, `list_files`, `write_file` and `delete_file` on the
//! project's files. A runner lists `storage` for all four (a `read_only` task gets only
//! the two that read), or names single tools. Each call is bound to one project (and the
//! task that calls, which a written file records).

use std::sync::Arc;

use futures::FutureExt;
use futures::future::BoxFuture;
use serde_json::{Value, json};
use sqlx::PgPool;
use uuid::Uuid;

use super::Tool;
use crate::config::StorageSettings;
use crate::conversation::ToolSpec;
use crate::projects::ProjectId;
use crate::storage::{path, store};

/// The toolkit's name in a runner's `toolkits`.
pub const TOOLKIT: &str = "storage";

/// The tools' names, by name.
pub const NAMES: &[&str] = &["delete_file", "list_files", "read_file", "write_file"];

/// The storage tools a runner's toolkit entry `name` stands for: all of them for
/// `storage`, one for a tool's own name, none otherwise.
pub fn expand(name: &str) -> Vec<&'static str> {
    match name {
        TOOLKIT => NAMES.to_vec(),
        _ => NAMES.iter().copied().filter(|n| *n == name).collect(),
    }
}

/// Files one `list_files` call shows at most.
const LIST_MAX: i64 = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Read,
    List,
    Write,
    Delete,
}

/// One of the toolkit's tools, bound to a project.
pub struct StorageTool {
    op: Op,
    pool: PgPool,
    limits: StorageSettings,
    project: ProjectId,
    task: Option<Uuid>,
}

/// The tool called `name` for `project` (and the calling `task`), if it is one of these.
pub fn tool(
    name: &str,
    pool: &PgPool,
    limits: &StorageSettings,
    project: ProjectId,
    task: Option<Uuid>,
) -> Option<Arc<dyn Tool>> {
    let op = match name {
        "read_file" => Op::Read,
        "list_files" => Op::List,
        "write_file" => Op::Write,
        "delete_file" => Op::Delete,
        _ => return None,
    };
    Some(Arc::new(StorageTool {
        op,
        pool: pool.clone(),
        limits: limits.clone(),
        project,
        task,
    }))
}

fn path_parameter(what: &str) -> Value {
    json!({
        "type": "string",
        "description": format!("{what}, like reports/2026-12-04.md (letters, digits, '.', '_', '-', '/' between names)"),
        "pattern": path::PATH_PATTERN,
        "maxLength": path::MAX_PATH,
    })
}

impl StorageTool {
    fn parameters(&self) -> Value {
        match self.op {
            Op::Read | Op::Delete => json!({
                "type": "object",
                "properties": {"path": path_parameter("The file's path")},
                "required": ["path"],
                "additionalProperties": false
            }),
            Op::List => json!({
                "type": "object",
                "properties": {
                    "prefix": {"type": "string", "description": "Only paths starting with this, like reports/", "maxLength": path::MAX_PATH}
                },
                "additionalProperties": false
            }),
            Op::Write => json!({
                "type": "object",
                "properties": {
                    "path": path_parameter("Where to write"),
                    "content": {"type": "string", "description": "The whole text of the file (JSON text for a .json file)"}
                },
                "required": ["path", "content"],
                "additionalProperties": false
            }),
        }
    }

    async fn run(&self, arguments: Value) -> Result<Value, String> {
        let text = |key: &str| arguments.get(key).and_then(Value::as_str);
        let file = || text("path").ok_or_else(|| "path is required".to_owned());
        let (pool, project) = (&self.pool, self.project);
        let done = match self.op {
            Op::Read => store::get(pool, project, file()?).await.map(|f| {
                json!({"path": f.path, "content": f.content, "content_type": f.content_type,
                       "size_bytes": f.size_bytes, "updated_at": f.updated_at})
            }),
            Op::List => {
                let prefix = text("prefix").unwrap_or("");
                let found = store::list(pool, project, prefix, None, LIST_MAX + 1).await;
                found.map(|mut files| {
                    let truncated = files.len() > LIST_MAX as usize;
                    files.truncate(LIST_MAX as usize);
                    let files: Vec<Value> = files
                        .into_iter()
                        .map(|f| json!({"path": f.path, "size_bytes": f.size_bytes, "updated_at": f.updated_at}))
                        .collect();
                    json!({"files": files, "truncated": truncated})
                })
            }
            Op::Write => {
                let content = arguments.get("content").cloned().unwrap_or(Value::Null);
                let written =
                    store::write(pool, &self.limits, project, file()?, content, self.task).await;
                written.map(|(f, created)| {
                    json!({"path": f.path, "size_bytes": f.size_bytes, "created": created})
                })
            }
            Op::Delete => store::delete(pool, project, file()?)
                .await
                .map(|()| json!({"deleted": true})),
        };
        done.map_err(|e| e.to_string())
    }
}

impl Tool for StorageTool {
    fn spec(&self) -> ToolSpec {
        let (name, description) = match self.op {
            Op::Read => (
                "read_file",
                "Read a file of the project's storage: its text and size.",
            ),
            Op::List => (
                "list_files",
                "List the project's stored files (paths and sizes), by path.",
            ),
            Op::Write => (
                "write_file",
                "Write a text or JSON file to the project's storage, replacing any file at that path.",
            ),
            Op::Delete => ("delete_file", "Delete a file from the project's storage."),
        };
        ToolSpec {
            name: name.into(),
            description: description.into(),
            parameters: self.parameters(),
        }
    }

    fn read_only(&self) -> bool {
        matches!(self.op, Op::Read | Op::List)
    }

    fn call(&self, arguments: Value) -> BoxFuture<'_, Result<Value, String>> {
        self.run(arguments).boxed()
    }
}
