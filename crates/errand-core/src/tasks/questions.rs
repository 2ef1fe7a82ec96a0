//! What a task asks a person — a question (`ask_human`) or an approval of a tool call (a
//! runner's `approval`) — and the answer's body.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

/// What a task asks a person: a question (the `ask_human` tool), or approval of a tool call
/// (`kind: approval`, the answer `{"approve": true}`, `{"approve": false, "reason": "…"}` or
/// `{"approve": true, "arguments": {…}}` to run it with edited arguments).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InputRequest {
    /// Pass back with the answer.
    pub request_id: Uuid,
    /// `question` or `approval`.
    #[serde(default)]
    pub kind: InputKind,
    pub question: String,
    /// JSON Schema the answer must satisfy; `null`: any JSON.
    #[schema(schema_with = crate::wire_schema::any_value)]
    pub schema: Option<Value>,
    /// The model's tool call that asked.
    pub tool_call_id: String,
    /// The journal step the answer becomes.
    pub step_index: i32,
    pub asked_at: DateTime<Utc>,
    /// When the task fails with `input_timeout` if no answer came.
    pub expires_at: DateTime<Utc>,
    /// The answer, once given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(schema_with = crate::wire_schema::any_value)]
    pub answer: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_at: Option<DateTime<Utc>>,
    /// The task that asked, when it is not this one: a child task (or a child of one) of
    /// this waiting task. Answer here or on that task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_id: Option<Uuid>,
    /// For an approval: the call that waits for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_call: Option<PendingCall>,
}

/// What a task asks a person.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    /// The model asked a question (`ask_human`): the answer is its result.
    #[default]
    Question,
    /// A call of a tool the runner's `approval` names waits to run.
    Approval,
}

/// A tool call that waits for approval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PendingCall {
    /// The tool, as the model named it.
    pub name: String,
    /// The arguments the model gave.
    #[schema(schema_with = crate::wire_schema::any_value)]
    pub arguments: Value,
    /// The tool's input schema: edited arguments must satisfy it.
    #[schema(schema_with = crate::wire_schema::any_value)]
    pub input_schema: Value,
}

impl InputRequest {
    /// Whether this is a question asked below the task that shows it, still unanswered.
    pub fn asked_below(&self) -> bool {
        self.task_id.is_some() && self.answer.is_none()
    }
}

/// Body of `POST /v1/tasks/{id}/input`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskInput {
    /// The `request_id` of the task's `input_request`.
    pub request_id: Uuid,
    /// The answer: any JSON that satisfies the question's schema.
    #[schema(schema_with = crate::wire_schema::any_value)]
    pub answer: Value,
}

impl InputRequest {
    /// The model's `ask_human` call that asked this, as the journal and the
    /// `tool_call.*` events describe a call.
    pub fn call(&self) -> Value {
        serde_json::json!({
            "id": self.tool_call_id,
            "name": crate::tools::ask_human::NAME,
            "arguments": {"question": self.question, "answer_schema": self.schema},
        })
    }
}
