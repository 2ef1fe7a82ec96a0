//! Answering a task that waits for a person (`POST /v1/tasks/{id}/input`). The answer is
//! checked against the question's schema, recorded as the result of the model's
//! `ask_human` call (a journaled step, so the resumed attempt replays every step before it
//! without calling the model again) and the task is queued to go on. Answering again with
//! the same answer is harmless; a different one is a conflict.

use chrono::Utc;
use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::errors::AnswerError;
use super::journal::{self, NewStep, TOOL_RESULT};
use super::model::{InputKind, InputRequest, Task, TaskInput, TaskStatus};
use super::queued::Queued;
use super::{approvals, lifecycle, lookup, question_store, relay};
use crate::error::{Fault, Violation};
use crate::events::{self, kind};
use crate::projects::ProjectId;

/// Takes the answer; returns the task as it is afterwards (queued again, or already past
/// that point for a repeated answer). An answer to a question asked below the task (by a
/// child task, or a child of one) goes to the task that asked; the task posted to is
/// returned.
pub async fn answer(
    pool: &PgPool,
    project: ProjectId,
    id: Uuid,
    input: TaskInput,
    max_violations: usize,
) -> Result<Task, AnswerError> {
    let asker =
        relay::asker_below(&mut *pool.acquire().await?, project, id, input.request_id).await?;
    let Some(asker) = asker else {
        return answer_own(pool, project, id, input, max_violations).await;
    };
    answer_own(pool, project, asker, input, max_violations).await?;
    lookup::get_in(pool, project, id)
        .await?
        .ok_or(AnswerError::TaskNotFound(id))
}

/// Takes the answer to a question `id` asked itself.
async fn answer_own(
    pool: &PgPool,
    project: ProjectId,
    id: Uuid,
    input: TaskInput,
    max_violations: usize,
) -> Result<Task, AnswerError> {
    let mut tx = pool.begin().await?;
    // The tasks above first (the lock order of `children`): they are told of the answer.
    let ancestors = relay::lock_ancestors(&mut tx, id).await?;
    let task = question_store::lock(&mut tx, project, id)
        .await?
        .ok_or(AnswerError::TaskNotFound(id))?;
    let pending = task
        .input_request
        .clone()
        .filter(|r| task.status == TaskStatus::InputRequired && r.request_id == input.request_id);
    let Some(request) = pending else {
        return not_pending(&mut tx, task, &input).await;
    };
    check(&request, &input.answer, max_violations)?;
    let resumed = match request.kind {
        InputKind::Question => resume(&mut tx, &task, request, input.answer).await?,
        InputKind::Approval => decide(&mut tx, &task, request, input.answer).await?,
    };
    relay::answered(&mut tx, &ancestors, id, input.request_id).await?;
    tx.commit().await?;
    tracing::info!(task_id = %id, "answer taken; task queued again");
    Ok(resumed)
}

/// An answer to a question the task does not wait on: the same answer again is harmless
/// (the task as it is), a different one a conflict, any other a refusal saying why.
async fn not_pending(
    conn: &mut PgConnection,
    task: Task,
    input: &TaskInput,
) -> Result<Task, AnswerError> {
    let recorded = match journal::recorded_answer(&mut *conn, task.id, input.request_id).await? {
        Some(answer) => Some(answer),
        None => approvals::answered(&mut *conn, task.id, input.request_id).await?,
    };
    match recorded {
        Some(given) if given == input.answer => Ok(task),
        Some(_) => Err(AnswerError::Conflict(input.request_id)),
        None => Err(not_waiting(&task, input.request_id)),
    }
}

/// Whether `answer` may answer `request`: in time (decided under the task's lock, so an
/// answer after `expires_at` never resumes it, whether or not the sweep has ended the task
/// yet) and valid against the question's schema.
fn check(request: &InputRequest, answer: &Value, max_violations: usize) -> Result<(), AnswerError> {
    if request.expires_at <= Utc::now() {
        return Err(AnswerError::Expired {
            request: request.request_id,
            at: request.expires_at,
        });
    }
    let mut errors = match &request.schema {
        Some(schema) => answer_violations(schema, answer, max_violations),
        None => Vec::new(),
    };
    if errors.is_empty() {
        errors = approvals::edited_violations(request, answer, max_violations);
    }
    if errors.is_empty() {
        return Ok(());
    }
    Err(AnswerError::Invalid(errors))
}

/// Records `answer` as the result of the task's `ask_human` call (a journaled step) and
/// queues the task to go on, with its events.
async fn resume(
    conn: &mut PgConnection,
    task: &Task,
    mut request: InputRequest,
    answer: Value,
) -> Result<Task, AnswerError> {
    let id = task.id;
    let mut call = request.call();
    call["request_id"] = json!(request.request_id);
    let response = json!({"output": answer});
    journal::record_answer(
        &mut *conn,
        &NewStep {
            task_id: id,
            attempt: task.attempts,
            index: request.step_index,
            kind: TOOL_RESULT,
            request: &call,
            response: &response,
            usage: None,
            cost_usd: None,
            started_at: request.asked_at,
        },
    )
    .await?;
    request.answer = Some(answer);
    request.answered_at = Some(Utc::now());
    let resumed = lifecycle::resume_answered(&mut *conn, id, &request)
        .await?
        .ok_or_else(|| Fault::bug(format!("waiting task {id} vanished")))?;
    let mut completed = response;
    completed["id"] = json!(request.tool_call_id);
    let queued = Queued::answered(resumed.attempts, request.request_id).data();
    // `task.queued` also wakes the workers.
    events::append_all(
        conn,
        id,
        None,
        &[
            (kind::TOOL_CALL_COMPLETED, &completed),
            (kind::QUEUED, &queued),
        ],
    )
    .await?;
    Ok(resumed)
}

/// Keeps the decision on an approval and queues the task to go on: the worker runs the
/// call (with edited arguments, if given) or tells the model it was denied.
async fn decide(
    conn: &mut PgConnection,
    task: &Task,
    mut request: InputRequest,
    answer: Value,
) -> Result<Task, AnswerError> {
    let id = task.id;
    let decision = approvals::Decision::from_answer(&request, &answer);
    approvals::record(&mut *conn, id, request.step_index, &decision).await?;
    request.answer = Some(answer);
    request.answered_at = Some(decision.decided_at);
    let resumed = lifecycle::resume_answered(&mut *conn, id, &request)
        .await?
        .ok_or_else(|| Fault::bug(format!("waiting task {id} vanished")))?;
    let queued = Queued::answered(resumed.attempts, request.request_id).data();
    // `task.queued` also wakes the workers.
    events::append(conn, id, kind::QUEUED, &queued).await?;
    Ok(resumed)
}

/// Asks question `request_id` of `task` again under a new request id, with `why` the last
/// answer was refused (for a client that cannot be told "try again" otherwise: an MCP
/// client's answer, which must be acknowledged). The question may be one asked below
/// `task`; the tasks above the asker are told. `false` when the question is no longer
/// pending (answered or ended meanwhile): nothing was asked.
pub async fn ask_again(
    pool: &PgPool,
    project: ProjectId,
    task: Uuid,
    request_id: Uuid,
    why: &str,
) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    let asker = relay::asker_below(&mut tx, project, task, request_id)
        .await?
        .unwrap_or(task);
    let ancestors = relay::lock_ancestors(&mut tx, asker).await?;
    let Some(current) = question_store::lock(&mut tx, project, asker)
        .await?
        .and_then(|t| t.input_request)
        .filter(|q| q.request_id == request_id)
    else {
        return Ok(false);
    };
    let asked_again = question_store::ask_again(&mut tx, asker, &current, why).await?;
    if let Some(again) = &asked_again {
        let mut asked = json!({"request_id": again.request_id, "question": again.question,
            "schema": again.schema, "replaces": request_id});
        events::append(&mut tx, asker, kind::INPUT_REQUIRED, &asked).await?;
        asked["task_id"] = json!(asker);
        for ancestor in &ancestors {
            events::append(&mut tx, *ancestor, kind::INPUT_REQUIRED, &asked).await?;
        }
    }
    tx.commit().await?;
    Ok(asked_again.is_some())
}

fn not_waiting(task: &Task, request_id: Uuid) -> AnswerError {
    let status = task.status.as_str();
    let why = match (&task.input_request, task.status) {
        (Some(r), TaskStatus::InputRequired) => {
            format!("it waits for request {}, not {request_id}", r.request_id)
        }
        // It asked this question, then ended (cancelled, timed out) or moved on.
        (Some(r), _) if r.request_id == request_id => {
            format!("it asked request {request_id}, but is {status} now and takes no answer")
        }
        (Some(r), _) => format!(
            "it is {status}; the last question it asked was request {}, not {request_id}",
            r.request_id
        ),
        (None, _) => format!("it is {status} and has asked no question"),
    };
    AnswerError::NotWaiting { task: task.id, why }
}

/// Where `answer` breaks `schema`, with pointers under `/answer`. A schema that does not
/// compile (the worker checks it when the question is asked, so this is rare) takes any
/// answer.
fn answer_violations(
    schema: &serde_json::Value,
    answer: &serde_json::Value,
    max: usize,
) -> Vec<Violation> {
    let Ok(validator) = jsonschema::validator_for(schema) else {
        return Vec::new();
    };
    crate::runners::schema::violations_of(&validator, answer, max)
        .into_iter()
        .map(|v| v.under("/answer"))
        .collect()
}
