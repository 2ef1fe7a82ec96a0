//! The catalog: every tool a project can use, by name — the built-ins, the project's HTTP
//! tools and its runners as `run_<name>_task` — for the worker (what a task's model is
//! offered), `/v1/tools` and MCP.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;
use sqlx::PgPool;

use super::http_tool::{HeaderValue, HttpTool, HttpToolDef};
use super::storage as storage_tools;
use super::{Tool, ToolRegistry, runner_tool, store};
use crate::config::{FetchSettings, StorageSettings, ToolSettings};
use crate::conversation::ToolSpec;
use crate::error::Violation;
use crate::fetch::Fetcher;
use crate::projects::ProjectId;
use crate::runners::model::Runner;

/// The longest tool name model APIs take (OpenAI's and Anthropic's function names).
const MAX_MODEL_TOOL_NAME: usize = 64;

/// One tool of a project.
#[derive(Clone)]
pub enum Entry {
    Builtin(Arc<dyn Tool>),
    Http(Box<HttpToolDef>),
    Runner(Box<Runner>),
}

impl Entry {
    pub fn spec(&self) -> ToolSpec {
        match self {
            Self::Builtin(tool) => tool.spec(),
            Self::Http(def) => ToolSpec {
                name: def.name.clone(),
                description: def.description.clone(),
                parameters: def.input_schema.clone(),
            },
            Self::Runner(runner) => runner_tool::spec(runner),
        }
    }

    pub fn output_schema(&self) -> Option<&Value> {
        match self {
            Self::Builtin(_) => None,
            Self::Http(def) => def.output_schema.as_ref(),
            Self::Runner(runner) => runner.output_schema.as_ref(),
        }
    }

    /// Whether a `read_only` task is offered it: built-in and HTTP tools marked read-only,
    /// and every runner tool (the child task runs read-only too).
    pub fn offered_read_only(&self) -> bool {
        match self {
            Self::Builtin(tool) => tool.read_only(),
            Self::Http(def) => def.read_only,
            Self::Runner(_) => true,
        }
    }
}

/// The tools of one task's model, by name: those the worker runs, and the runners it
/// starts child tasks of.
#[derive(Default)]
pub struct Toolbox {
    pub tools: BTreeMap<String, Arc<dyn Tool>>,
    pub runners: BTreeMap<String, Runner>,
}

impl Toolbox {
    pub fn specs(&self) -> Vec<ToolSpec> {
        let mut specs: Vec<ToolSpec> = self.tools.values().map(|t| t.spec()).collect();
        specs.extend(self.runners.values().map(runner_tool::spec));
        specs.sort_by(|a, b| a.name.cmp(&b.name));
        specs
    }
}

pub struct Catalog {
    builtins: ToolRegistry,
    fetcher: Arc<Fetcher>,
    pub settings: ToolSettings,
    pub storage: StorageSettings,
}

impl Catalog {
    pub fn new(
        fetch: &FetchSettings,
        settings: &ToolSettings,
        storage: &StorageSettings,
    ) -> anyhow::Result<Self> {
        let fetcher = Arc::new(Fetcher::new(fetch)?);
        Ok(Self {
            builtins: ToolRegistry::with_builtins(fetcher.clone()),
            fetcher,
            settings: settings.clone(),
            storage: storage.clone(),
        })
    }

    pub fn builtins(&self) -> &ToolRegistry {
        &self.builtins
    }

    /// Every built-in tool as `project` sees it: the registry's and the storage toolkit's
    /// (bound to the project), by name.
    pub fn project_builtins(&self, pool: &PgPool, project: ProjectId) -> Vec<Arc<dyn Tool>> {
        let mut all: Vec<Arc<dyn Tool>> = self.builtins.all().cloned().collect();
        all.extend(
            storage_tools::NAMES
                .iter()
                .filter_map(|n| storage_tools::tool(n, pool, &self.storage, project, None)),
        );
        all.sort_by_key(|t| t.spec().name);
        all
    }

    /// The storage tool `name` of `project`, called by `task`.
    fn storage_tool(
        &self,
        pool: &PgPool,
        project: ProjectId,
        name: &str,
        task: Option<uuid::Uuid>,
    ) -> Option<Arc<dyn Tool>> {
        storage_tools::tool(name, pool, &self.storage, project, task)
    }

    /// The tool called `name` in `project`.
    pub async fn find(
        &self,
        pool: &PgPool,
        project: ProjectId,
        name: &str,
    ) -> sqlx::Result<Option<Entry>> {
        if let Some(tool) = self.builtins.get(name) {
            return Ok(Some(Entry::Builtin(tool)));
        }
        if let Some(tool) = self.storage_tool(pool, project, name, None) {
            return Ok(Some(Entry::Builtin(tool)));
        }
        if let Some(runner) = runner_tool::runner_name(name) {
            let found = crate::runners::store::get(pool, project, runner).await?;
            return Ok(found.map(|r| Entry::Runner(Box::new(r))));
        }
        let found = store::get(pool, project, name).await?;
        Ok(found.map(|d| Entry::Http(Box::new(d))))
    }

    /// The tools `toolkits` names, for task `task` of `project` (only those offered to a
    /// read-only task when `read_only`); `Err` names the first that does not exist.
    pub async fn toolbox(
        &self,
        pool: &PgPool,
        project: ProjectId,
        toolkits: &[String],
        read_only: bool,
        task: Option<uuid::Uuid>,
    ) -> anyhow::Result<Result<Toolbox, String>> {
        let mut toolbox = Toolbox::default();
        let mut project_name = None;
        for name in toolkits {
            let storage = storage_tools::expand(name);
            if !storage.is_empty() {
                for tool_name in storage {
                    let tool = self.storage_tool(pool, project, tool_name, task);
                    if let Some(tool) = tool.filter(|t| !read_only || t.read_only()) {
                        toolbox.tools.insert(tool_name.to_owned(), tool);
                    }
                }
                continue;
            }
            let Some(entry) = self.find(pool, project, name).await? else {
                return Ok(Err(name.clone()));
            };
            if read_only && !entry.offered_read_only() {
                continue;
            }
            match entry {
                Entry::Builtin(tool) => {
                    toolbox.tools.insert(name.clone(), tool);
                }
                Entry::Http(def) => {
                    if project_name.is_none() {
                        project_name = Some(self.project_name(pool, project).await?);
                    }
                    let tool = self.http_tool(*def, project_name.as_deref().unwrap_or_default());
                    toolbox.tools.insert(name.clone(), Arc::new(tool));
                }
                Entry::Runner(runner) => {
                    toolbox.runners.insert(name.clone(), *runner);
                }
            }
        }
        Ok(Ok(toolbox))
    }

    pub async fn project_name(&self, pool: &PgPool, project: ProjectId) -> sqlx::Result<String> {
        let found = crate::projects::store::by_id(pool, project).await?;
        Ok(found.map(|p| p.name).unwrap_or_default())
    }

    /// `def` ready to call from project `project_name`, its secrets read from the settings
    /// (a secret that is missing or not this project's is sent as nothing: the tool's
    /// server refuses the call, and nothing leaks).
    pub fn http_tool(&self, def: HttpToolDef, project_name: &str) -> HttpTool {
        let mut headers = Vec::new();
        let mut secrets = Vec::new();
        for (name, value) in &def.headers {
            match value {
                HeaderValue::Text(text) => headers.push((name.clone(), text.clone())),
                HeaderValue::Secret(r) => {
                    let value = self
                        .settings
                        .secrets
                        .get(&r.secret)
                        .filter(|s| s.usable_by(project_name, &def.url))
                        .and_then(|s| s.value());
                    if let Some(value) = value {
                        headers.push((name.clone(), value.to_owned()));
                        secrets.push(value.to_owned());
                    }
                }
            }
        }
        HttpTool {
            def,
            fetcher: self.fetcher.clone(),
            headers,
            secrets,
        }
    }

    /// Whether a secret called `name` exists for project `project_name` and URL `url`.
    pub fn secret_usable(&self, name: &str, project_name: &str, url: &str) -> bool {
        self.settings
            .secrets
            .get(name)
            .is_some_and(|s| s.usable_by(project_name, url))
    }

    /// Whether calling runner `runner`'s tool can change nothing outside Errand: every tool
    /// it offers, and every tool of the runners it calls, is read-only.
    pub async fn runner_read_only(
        &self,
        pool: &PgPool,
        project: ProjectId,
        runner: &Runner,
    ) -> sqlx::Result<bool> {
        let mut stack = vec![(runner.toolkits.clone(), 0u32)];
        let mut seen = vec![runner.name.clone()];
        while let Some((toolkits, depth)) = stack.pop() {
            for name in &toolkits {
                if name == storage_tools::TOOLKIT {
                    return Ok(false);
                }
                match self.find(pool, project, name).await? {
                    Some(Entry::Builtin(t)) if t.read_only() => {}
                    Some(Entry::Http(d)) if d.read_only => {}
                    Some(Entry::Runner(r)) if depth < self.settings.max_task_depth => {
                        if !seen.contains(&r.name) {
                            seen.push(r.name.clone());
                            stack.push((r.toolkits.clone(), depth + 1));
                        }
                    }
                    _ => return Ok(false),
                }
            }
        }
        Ok(true)
    }

    /// What is wrong with runner `runner`'s `toolkits` in `project`: names of no tool, and
    /// runner tools that lead back to the runner (a cycle), each at its pointer.
    pub async fn toolkit_violations(
        &self,
        pool: &PgPool,
        project: ProjectId,
        runner: &str,
        toolkits: &[String],
    ) -> sqlx::Result<Vec<Violation>> {
        let mut errors = Vec::new();
        for (i, name) in toolkits.iter().enumerate() {
            let at = format!("/toolkits/{i}");
            if runner_tool::runner_name(name) == Some(runner) {
                errors.push(Violation::new(
                    at,
                    format!("{name} is this runner itself: a cycle"),
                ));
                continue;
            }
            if name == storage_tools::TOOLKIT {
                continue;
            }
            match self.find(pool, project, name).await? {
                None => errors.push(Violation::new(
                    at,
                    format!(
                        "no tool {name:?}: use a built-in ({}), the storage toolkit \
                         ({}: {}), an HTTP tool of the project, or run_<runner>_task",
                        self.builtins.names().join(", "),
                        storage_tools::TOOLKIT,
                        storage_tools::NAMES.join(", ")
                    ),
                )),
                Some(Entry::Runner(_)) if name.len() > MAX_MODEL_TOOL_NAME => {
                    errors.push(Violation::new(
                        at,
                        format!(
                            "{name} is {} characters and models take tool names of at most \
                             {MAX_MODEL_TOOL_NAME} (run_<name>_task allows runner names of up to \
                             {} characters): name the runner shorter",
                            name.len(),
                            MAX_MODEL_TOOL_NAME - "run__task".len()
                        ),
                    ));
                }
                Some(Entry::Runner(target)) => {
                    if let Some(path) = self.path_back(pool, project, runner, &target).await? {
                        errors.push(Violation::new(
                            at,
                            format!("{name} leads back to this runner: a cycle ({path})"),
                        ));
                    }
                }
                Some(_) => {}
            }
        }
        Ok(errors)
    }

    /// The chain of runner names from `start` back to `runner`, if its tools lead there.
    async fn path_back(
        &self,
        pool: &PgPool,
        project: ProjectId,
        runner: &str,
        start: &Runner,
    ) -> sqlx::Result<Option<String>> {
        // Depth-first over runner tools; each runner is expanded once.
        let mut stack = vec![(start.clone(), vec![runner.to_owned(), start.name.clone()])];
        let mut seen = vec![start.name.clone()];
        while let Some((current, path)) = stack.pop() {
            for name in &current.toolkits {
                let Some(next) = runner_tool::runner_name(name) else {
                    continue;
                };
                if next == runner {
                    let mut path = path.clone();
                    path.push(runner.to_owned());
                    return Ok(Some(path.join(" → ")));
                }
                if seen.iter().any(|s| s == next) {
                    continue;
                }
                seen.push(next.to_owned());
                if let Some(found) = crate::runners::store::get(pool, project, next).await? {
                    let mut path = path.clone();
                    path.push(next.to_owned());
                    stack.push((found, path));
                }
            }
        }
        Ok(None)
    }
}
