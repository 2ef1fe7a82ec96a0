//! Every runner is a tool, `run_<name>_task`: its input schema is the runner's, and calling
//! it runs a task of the runner (over HTTP or MCP, a task the caller can follow; from a
//! task's model, a child task the parent waits for).

use serde_json::{Value, json};

use crate::conversation::ToolSpec;
use crate::runners::model::{Runner, valid_name};

const PREFIX: &str = "run_";
const SUFFIX: &str = "_task";

/// The tool name of runner `runner`.
pub fn tool_name(runner: &str) -> String {
    format!("{PREFIX}{runner}{SUFFIX}")
}

/// The runner a tool name stands for, when it has the `run_<name>_task` shape.
pub fn runner_name(tool: &str) -> Option<&str> {
    tool.strip_prefix(PREFIX)?
        .strip_suffix(SUFFIX)
        .filter(|name| valid_name(name))
}

/// The spec a model (or a client) sees: the runner's description and input schema.
pub fn spec(runner: &Runner) -> ToolSpec {
    let description = if runner.description.trim().is_empty() {
        format!(
            "Run the {} runner as a task and return its output.",
            runner.title
        )
    } else {
        runner.description.clone()
    };
    ToolSpec {
        name: tool_name(&runner.name),
        description,
        parameters: runner.input_schema.clone(),
    }
}

/// What a finished child task gives its parent's model: the output, or why it failed.
pub fn result_of(task: &crate::tasks::model::Task) -> Result<Value, String> {
    match (&task.output, &task.error) {
        (Some(output), None) => Ok(output.clone()),
        (_, Some(error)) => Err(format!(
            "task {} of runner {} ended {}: {} ({})",
            task.id,
            task.runner,
            task.status.as_str(),
            error.message,
            error.code
        )),
        (None, None) => Ok(json!(null)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        assert_eq!(tool_name("summarize"), "run_summarize_task");
        assert_eq!(runner_name("run_summarize_task"), Some("summarize"));
        assert_eq!(runner_name("run_a_task_task"), Some("a_task"));
        assert_eq!(runner_name("run__task"), None);
        assert_eq!(runner_name("calculator"), None);
    }
}
