//! Every runner is a tool, `run_<name>_task`: its input schema is the runner's, and calling
//! it runs a task of the runner (over HTTP or MCP, a task the caller can follow; from a
//! task's model, a child task the parent waits for).
//!
//! Tool callers (MCP clients, model APIs) need an object schema: a runner whose input
//! schema is anything else (`{"type": "string"}`, or one without `type`) is offered as
//! `{"input": <its schema>}`, and a call's `input` is what the task gets.

use serde_json::{Value, json};

use crate::conversation::ToolSpec;
use crate::error::Violation;
use crate::runners::model::{Runner, valid_name};

/// The key a wrapped input is passed under.
pub const WRAPPED: &str = "input";

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
        parameters: parameters(&runner.input_schema),
    }
}

/// Whether a runner's input schema is offered wrapped: an object schema not of
/// `"type": "object"` (`true`/`false` are listed as object schemas as they are).
pub fn wraps(schema: &Value) -> bool {
    matches!(schema, Value::Object(s) if s.get("type") != Some(&json!("object")))
}

/// The tool's parameters for a runner's input schema.
pub fn parameters(schema: &Value) -> Value {
    if wraps(schema) {
        json!({"type": "object", "properties": {WRAPPED: schema}, "required": [WRAPPED],
               "additionalProperties": false})
    } else {
        schema.clone()
    }
}

/// The task's arguments from a call's: its `input` when the schema is wrapped. A wrapped
/// call without `input` is the violation to report.
pub fn arguments(schema: &Value, mut given: Value) -> Result<Value, Violation> {
    if !wraps(schema) {
        return Ok(given);
    }
    match given.as_object_mut().and_then(|o| o.remove(WRAPPED)) {
        Some(input) => Ok(input),
        None => Err(Violation::new(
            format!("/{WRAPPED}"),
            "required: this runner's input is not an object, so a call passes it as `input`",
        )),
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
