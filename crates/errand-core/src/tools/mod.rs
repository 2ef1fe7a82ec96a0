//! Tools: what a runner offers its model as functions, what `/v1/tools` lists and invokes,
//! and what MCP clients call. Three kinds (see `catalog.rs`):
//! - built in: `calculator` and `current_time`, which need no network, `http_fetch`
//!   (through the outbound guard), `ask_human`, which suspends the task until a person
//!   answers, and the `storage` toolkit's file tools (`storage.rs`);
//! - HTTP tools a project registers (`http_tool.rs`, stored by `store.rs`);
//! - every runner, as `run_<name>_task` (`runner_tool.rs`).

pub mod approval;
pub mod ask_human;
pub mod calculator;
pub mod catalog;
pub mod clock;
pub mod formats;
pub mod http_fetch;
pub mod http_tool;
pub mod runner_tool;
mod scrub;
pub mod storage;
pub mod store;

use std::collections::BTreeMap;
use std::sync::Arc;

use futures::future::BoxFuture;
use serde_json::Value;

use crate::conversation::{ToolInfo, ToolSpec};

pub trait Tool: Send + Sync {
    fn spec(&self) -> ToolSpec;

    /// Whether calling it changes nothing outside Errand: only these are offered to a
    /// `read_only` task.
    fn read_only(&self) -> bool {
        false
    }

    /// Runs one call. An `Err` is a message for the model (bad arguments, a failed
    /// lookup), not a failure of the task.
    fn call(&self, arguments: Value) -> BoxFuture<'_, Result<Value, String>>;
}

/// The built-in tools' names: what a runner's `toolkits` may list.
pub const BUILTIN_NAMES: &[&str] = &["ask_human", "calculator", "current_time", "http_fetch"];

pub use crate::ids::TOOL_NAME_PATTERN;

/// Every name the built-ins take, which no HTTP tool may: the registry's tools, the
/// storage toolkit's tools, and `storage` itself.
pub fn reserved_names() -> impl Iterator<Item = &'static str> {
    BUILTIN_NAMES
        .iter()
        .chain(storage::NAMES)
        .copied()
        .chain([storage::TOOLKIT])
}

/// The tools this process can run, by name.
pub struct ToolRegistry {
    tools: BTreeMap<String, Arc<dyn Tool>>,
}

impl ToolRegistry {
    /// The built-in tools; `http_fetch` goes through `fetcher`.
    pub fn with_builtins(fetcher: Arc<crate::fetch::Fetcher>) -> Self {
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

    pub fn all(&self) -> impl Iterator<Item = &Arc<dyn Tool>> {
        self.tools.values()
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_names_are_the_builtins() {
        let fetcher = crate::fetch::Fetcher::new(&Default::default()).expect("fetcher");
        let registry = ToolRegistry::with_builtins(Arc::new(fetcher));
        assert_eq!(registry.names(), BUILTIN_NAMES);
    }
}
