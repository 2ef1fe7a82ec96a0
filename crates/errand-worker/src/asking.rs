//! A task that asks a person: the attempt ends by suspending the task on its question
//! (`input_required`, no lease, no worker), and a question nobody answered in time fails
//! its task with `input_timeout`.

use errand_core::metrics::Meters;
use serde_json::json;

use super::finishing::finish;
use super::outcome::failed;
use errand_core::error::ErrorCode;
use errand_core::events::{self, kind};
use errand_core::tasks::model::{InputKind, InputRequest, Task, TaskError, TaskStatus};
use errand_core::tasks::{lifecycle, question_store, relay};

/// Questions failed per heartbeat at most (the rest wait for the next).
const EXPIRE_BATCH: i64 = 100;

/// Suspends the task on `question` with its events; a pending cancellation wins (the task
/// ends `cancelled`). `false` when the attempt no longer owns the task.
pub async fn suspend(
    conn: &mut sqlx::PgConnection,
    meters: &Meters,
    task: &Task,
    question: &InputRequest,
) -> anyhow::Result<bool> {
    // The tasks above first (the lock order of `children`): they wait on the question too.
    let ancestors = match task.parent_task_id {
        Some(_) => relay::lock_ancestors(conn, task.id).await?,
        None => Vec::new(),
    };
    if lifecycle::suspend_for_input(conn, task.id, task.attempts, question)
        .await?
        .is_none()
    {
        let error = TaskError::new(
            ErrorCode::Cancelled,
            "cancelled as it asked for input",
            json!({"attempt": task.attempts, "question": question.question}),
        );
        return finish(
            conn,
            meters,
            task,
            &failed(TaskStatus::Cancelled, error),
            None,
        )
        .await;
    }
    let call = question.call();
    let asked = serde_json::to_value(question)?;
    // A question is the `ask_human` call's start; an approval's call has not started.
    let logged: &[(&str, &serde_json::Value)] = match question.kind {
        InputKind::Question => &[
            (kind::TOOL_CALL_STARTED, &call),
            (kind::INPUT_REQUIRED, &asked),
        ],
        InputKind::Approval => &[(kind::INPUT_REQUIRED, &asked)],
    };
    events::append_all(conn, task.id, None, logged).await?;
    relay::announce(conn, &ancestors, task.id, question).await?;
    tracing::info!(task_id = %task.id, request_id = %question.request_id, "task waits for input");
    Ok(true)
}

/// Fails the waiting tasks whose question ran out of time, in a transaction of its own
/// (every `worker.question_check_ms`); a failure waits for the next check.
pub async fn expire_due(pool: &sqlx::PgPool, meters: &Meters) {
    let result = async {
        let mut tx = pool.begin().await?;
        let n = expire(&mut tx, meters).await?;
        tx.commit().await?;
        anyhow::Ok(n)
    }
    .await;
    match result {
        Ok(0) => {}
        Ok(n) => tracing::info!(tasks = n, "failed tasks whose question ran out of time"),
        Err(e) => tracing::warn!(error = %e, "cannot expire unanswered questions; retrying"),
    }
}

/// Fails the waiting tasks whose question ran out of time; returns how many.
pub async fn expire(conn: &mut sqlx::PgConnection, meters: &Meters) -> anyhow::Result<usize> {
    let expired = question_store::expired(conn, EXPIRE_BATCH).await?;
    for task in &expired {
        let Some(request) = &task.input_request else {
            continue;
        };
        if !super::outcome::parent_free(conn, task).await? {
            continue;
        }
        let error = TaskError::new(
            ErrorCode::InputTimeout,
            format!(
                "nobody answered the question within {} s",
                task.input_timeout_seconds
            ),
            json!({"request_id": request.request_id, "question": request.question,
                "expired_at": request.expires_at}),
        );
        finish(conn, meters, task, &failed(TaskStatus::Failed, error), None).await?;
    }
    Ok(expired.len())
}
