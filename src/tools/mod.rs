//! Tools a runner offers its model as functions. A runner lists them in `toolkits`; the
//! worker executes the calls the model makes. Built in: `calculator` and `current_time`,
//! which need no network, `http_fetch` (through the outbound guard), and `ask_human`, which
//! suspends the task until a person answers.

pub mod ask_human;
pub mod calculator;
pub mod clock;
pub mod http_fetch;

use std::collections::BTreeMap;
use std::sync::Arc;

use futures::future::BoxFuture;
use serde_json::Value;

use crate::conversation::{ToolInfo, ToolSpec};

pub trait Tool: Send + Sync {
    fn spec(&self) -> ToolSpec;

    /// Runs one call. An `Err` is a message for the model (bad arguments, a failed
    /// lookup), not a failure of the task.
    fn call(&self, arguments: Value) -> BoxFuture<'_, Result<Value, String>>;
}

/// The built-in tools' names: what a runner's `toolkits` may list.
pub const BUILTIN_NAMES: &[&str] = &["ask_human", "calculator", "current_time", "http_fetch"];

/// `toolkits` in the OpenAPI document: an array of the built-in tool names.
pub fn toolkits_schema() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(BUILTIN_NAMES.iter().copied())),
        )
        .build()
}

/// The tools this process can run, by name.
pub struct ToolRegistry {
    tools: BTreeMap<String, Arc<dyn Tool>>,
}

impl ToolRegistry {
    /// The built-in tools, `http_fetch` guarded as `fetch` says.
    pub fn from_settings(fetch: &crate::config::FetchSettings) -> anyhow::Result<Self> {
        Ok(Self::with_builtins(Arc::new(crate::fetch::Fetcher::new(
            fetch,
        )?)))
    }

    /// The built-in tools; `http_fetch` goes through `fetcher`.
    fn with_builtins(fetcher: Arc<crate::fetch::Fetcher>) -> Self {
        let mut tools: BTreeMap<String, Arc<dyn Tool>> = BTreeMap::new();
        for tool in [
            Arc::new(calculator::Calculator) as Arc<dyn Tool>,
            Arc::new(clock::CurrentTime),
            Arc::new(ask_human::AskHuman),
            Arc::new(http_fetch::HttpFetch { fetcher }),
        ] {
            tools.insert(tool.spec().name, tool);
        }
        Self { tools }
    }

    pub fn get(&self, name: &str) -> Option<Arc<dyn Tool>> {
        self.tools.get(name).cloned()
    }

    pub fn infos(&self) -> Vec<ToolInfo> {
        self.tools
            .values()
            .map(|t| {
                let spec = t.spec();
                ToolInfo {
                    name: spec.name,
                    description: spec.description,
                    input_schema: spec.parameters,
                }
            })
            .collect()
    }

    pub fn names(&self) -> Vec<String> {
        self.tools.keys().cloned().collect()
    }

    /// The tools a runner's `toolkits` name, or the first unknown name.
    pub fn resolve(&self, toolkits: &[String]) -> Result<Vec<Arc<dyn Tool>>, String> {
        toolkits
            .iter()
            .map(|name| self.get(name).ok_or_else(|| name.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_names_are_the_builtins() {
        let registry = ToolRegistry::from_settings(&Default::default()).expect("registry");
        assert_eq!(registry.names(), BUILTIN_NAMES);
    }
}
