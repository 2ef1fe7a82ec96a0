//! `ask_human`: the model asks a person a question and the task waits for the answer
//! (`input_required`). The worker never runs this tool: a call to it suspends the task,
//! and the answer given through `POST /v1/tasks/{id}/input` becomes the call's result.

use futures::FutureExt;
use futures::future::BoxFuture;
use serde_json::{Value, json};

use super::Tool;
use crate::conversation::ToolSpec;

pub const NAME: &str = "ask_human";

/// The longest question accepted, in characters.
pub const MAX_QUESTION_CHARS: usize = 4000;

pub struct AskHuman;

/// What a valid call asks.
#[derive(Debug, Clone, PartialEq)]
pub struct Ask {
    pub question: String,
    /// JSON Schema the answer must satisfy, when the model gave one.
    pub schema: Option<Value>,
}

/// The question in a call's arguments, or a message telling the model what is wrong.
pub fn parse(arguments: &str) -> Result<Ask, String> {
    let value: Value = serde_json::from_str(arguments)
        .map_err(|e| format!("the arguments are not valid JSON: {e}"))?;
    let question = match value.get("question") {
        Some(Value::String(q)) if !q.trim().is_empty() => q.clone(),
        _ => return Err("`question` must be a non-empty string".into()),
    };
    if question.chars().count() > MAX_QUESTION_CHARS {
        return Err(format!(
            "`question` must be at most {MAX_QUESTION_CHARS} characters"
        ));
    }
    let schema = match value.get("answer_schema") {
        None | Some(Value::Null) => None,
        Some(s @ Value::Object(_)) => Some(s.clone()),
        Some(_) => return Err("`answer_schema` must be a JSON Schema object".into()),
    };
    Ok(Ask { question, schema })
}

impl Tool for AskHuman {
    fn read_only(&self) -> bool {
        true
    }

    fn spec(&self) -> ToolSpec {
        ToolSpec {
            name: NAME.into(),
            description: "Ask a person a question and wait for the answer. Use it when you \
                          need a decision, an approval or facts only a person has."
                .into(),
            parameters: json!({
                "type": "object",
                "properties": {
                    "question": {"type": "string", "description": "What to ask, self-contained."},
                    "answer_schema": {
                        "type": "object",
                        "description": "Optional JSON Schema the answer must satisfy."
                    }
                },
                "required": ["question"],
                "additionalProperties": false
            }),
        }
    }

    fn call(&self, _arguments: Value) -> BoxFuture<'_, Result<Value, String>> {
        // Reached only if a worker ran it as an ordinary tool, which it never does.
        async { Err("ask_human is answered by a person, not run".to_owned()) }.boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_are_checked() {
        let ask = parse(r#"{"question":"Ship it?","answer_schema":{"type":"boolean"}}"#);
        assert_eq!(
            ask,
            Ok(Ask {
                question: "Ship it?".into(),
                schema: Some(json!({"type": "boolean"}))
            })
        );
        assert!(parse(r#"{"question":""}"#).is_err());
        assert!(parse(r#"{"question":"x","answer_schema":3}"#).is_err());
        assert!(parse("not json").is_err());
    }
}
