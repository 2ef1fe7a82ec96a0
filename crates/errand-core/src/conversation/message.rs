//! The conversation a model sees: messages, the tool calls a model makes, and the tools
//! it is offered. Provider-neutral; each provider maps these to its wire format.

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
    Tool,
}

/// A function call the model asked for; `arguments` is the JSON text as the model wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolCall {
    pub id: String,
    pub name: String,
    pub arguments: String,
}

impl ToolCall {
    /// The arguments as JSON (none written: `{}`), or what the model is told is wrong.
    pub fn parsed_arguments(&self) -> Result<serde_json::Value, String> {
        match self.arguments.trim() {
            "" => Ok(serde_json::json!({})),
            text => serde_json::from_str(text)
                .map_err(|e| format!("the arguments are not valid JSON: {e}")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub role: Role,
    pub content: String,
    /// Assistant turns: the calls the model made.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<ToolCall>,
    /// Tool turns: the call this message answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_call_id: Option<String>,
}

impl ChatMessage {
    pub fn system(content: impl Into<String>) -> Self {
        Self::plain(Role::System, content.into())
    }

    pub fn user(content: impl Into<String>) -> Self {
        Self::plain(Role::User, content.into())
    }

    pub fn assistant(content: impl Into<String>, tool_calls: Vec<ToolCall>) -> Self {
        Self {
            tool_calls,
            ..Self::plain(Role::Assistant, content.into())
        }
    }

    pub fn tool(call_id: impl Into<String>, content: impl Into<String>) -> Self {
        Self {
            tool_call_id: Some(call_id.into()),
            ..Self::plain(Role::Tool, content.into())
        }
    }

    fn plain(role: Role, content: String) -> Self {
        Self {
            role,
            content,
            tool_calls: Vec::new(),
            tool_call_id: None,
        }
    }
}

/// A function the model may call.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ToolSpec {
    pub name: String,
    pub description: String,
    /// JSON Schema of the arguments object.
    pub parameters: Value,
}

/// The opening of a task's conversation: the runner's rules and the task's extra rules as
/// the system prompt, the arguments as the user turn (a string `prompt` argument is used as
/// the text; otherwise the arguments as JSON).
pub fn opening(rules: &[String], extra_rules: &[String], arguments: &Value) -> Vec<ChatMessage> {
    let mut messages = Vec::new();
    let system: Vec<&str> = rules
        .iter()
        .chain(extra_rules)
        .map(String::as_str)
        .collect();
    if !system.is_empty() {
        messages.push(ChatMessage::system(system.join("\n")));
    }
    let content = match arguments.get("prompt") {
        Some(Value::String(prompt)) => prompt.clone(),
        _ => arguments.to_string(),
    };
    messages.push(ChatMessage::user(content));
    messages
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn prompt_argument_is_the_user_text() {
        let m = opening(
            &["Be brief.".into()],
            &["Use French.".into()],
            &json!({"prompt": "Hi"}),
        );
        assert_eq!(m[0].content, "Be brief.\nUse French.");
        assert_eq!(m[1], ChatMessage::user("Hi"));
        let m = opening(&[], &[], &json!({"n": 1}));
        assert_eq!(m, vec![ChatMessage::user("{\"n\":1}")]);
    }
}
