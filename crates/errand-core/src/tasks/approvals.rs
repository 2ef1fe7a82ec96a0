//! Approving tool calls: the answer's shape and checks, and the decisions a task keeps
//! (`tasks.tool_decisions`, by the call's journal step) until its calls have run. The worker
//! asks (`input_required`, kind `approval`) and acts on the decisions; this is the rest.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use super::model::InputRequest;
use crate::error::Violation;

/// The longest reason a denial may give (the model reads it).
pub const MAX_REASON_CHARS: usize = 2000;

/// What an approval's answer must look like.
pub fn answer_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "approve": {"type": "boolean", "description": "Run the call (true) or not (false)."},
            "reason": {"type": "string", "maxLength": MAX_REASON_CHARS,
                "description": "Why not: the model is told."},
            "arguments": {"type": "object",
                "description": "Run it with these arguments instead (valid against the tool's input schema)."}
        },
        "required": ["approve"],
        "additionalProperties": false
    })
}

/// A person's decision on one call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub call_id: String,
    pub request_id: Uuid,
    pub approve: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Arguments to run the call with instead of the model's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arguments: Option<Value>,
    pub decided_at: DateTime<Utc>,
}

impl Decision {
    /// The decision an answer (valid against `answer_schema`) makes on `request`.
    pub fn from_answer(request: &InputRequest, answer: &Value) -> Self {
        let approve = answer["approve"].as_bool().unwrap_or(false);
        Self {
            call_id: request.tool_call_id.clone(),
            request_id: request.request_id,
            approve,
            reason: answer["reason"].as_str().map(str::to_owned),
            arguments: answer.get("arguments").filter(|_| approve).cloned(),
            decided_at: Utc::now(),
        }
    }

    /// What the model is told of a denial.
    pub fn refusal(&self, tool: &str) -> String {
        match &self.reason {
            Some(reason) => format!("not run: a person denied this call of {tool}: {reason}"),
            None => format!("not run: a person denied this call of {tool}"),
        }
    }
}

/// Where an approval's edited arguments break the tool's input schema (pointers under
/// `/answer/arguments`).
pub fn edited_violations(request: &InputRequest, answer: &Value, max: usize) -> Vec<Violation> {
    let (Some(call), Some(arguments)) = (&request.tool_call, answer.get("arguments")) else {
        return Vec::new();
    };
    if answer["approve"] != Value::Bool(true) {
        return vec![Violation::new(
            "/answer/arguments",
            "edited arguments go with approve: true (a denied call does not run)",
        )];
    }
    let Ok(validator) = jsonschema::validator_for(&call.input_schema) else {
        return Vec::new();
    };
    crate::runners::schema::violations_of(&validator, arguments, max)
        .into_iter()
        .map(|v| v.under("/answer/arguments"))
        .collect()
}

/// Keeps `decision` on the task, for the call at journal step `step`.
pub async fn record(
    conn: &mut PgConnection,
    task: Uuid,
    step: i32,
    decision: &Decision,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE tasks SET tool_decisions = tool_decisions || jsonb_build_object($2::text, $3::jsonb)
         WHERE id = $1",
    )
    .bind(task)
    .bind(step.to_string())
    .bind(sqlx::types::Json(decision))
    .execute(conn)
    .await?;
    Ok(())
}

/// The decisions task `task` holds, by journal step.
pub async fn of_task(db: impl PgExecutor<'_>, task: Uuid) -> sqlx::Result<BTreeMap<i32, Decision>> {
    let kept: sqlx::types::Json<BTreeMap<String, Decision>> =
        sqlx::query_scalar("SELECT tool_decisions FROM tasks WHERE id = $1")
            .bind(task)
            .fetch_one(db)
            .await?;
    Ok(kept
        .0
        .into_iter()
        .filter_map(|(step, d)| step.parse().ok().map(|s| (s, d)))
        .collect())
}

/// The answer given to approval `request_id` of `task`, if it was decided (as the answer's
/// JSON, to compare with a repeated answer).
pub async fn answered(
    db: impl PgExecutor<'_>,
    task: Uuid,
    request_id: Uuid,
) -> sqlx::Result<Option<Value>> {
    let decisions = of_task(db, task).await?;
    Ok(decisions
        .into_values()
        .find(|d| d.request_id == request_id)
        .map(|d| {
            let mut answer = json!({"approve": d.approve});
            if let Some(reason) = d.reason {
                answer["reason"] = json!(reason);
            }
            if let Some(arguments) = d.arguments {
                answer["arguments"] = arguments;
            }
            answer
        }))
}
