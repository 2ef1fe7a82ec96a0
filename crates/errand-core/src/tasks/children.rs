//! Runners calling runners: a task's model calls `run_<name>_task`, which starts a child
//! task; the parent waits (`waiting`, holding no worker) until its children end, and each
//! child's result becomes the result of the call that started it. A task that ends takes
//! its active children with it (they are cancelled).
//!
//! Locks go parent first, then child, everywhere: a child that ends locks its parent
//! before its own row, so a parent and its child ending at once cannot deadlock. The
//! sweeps, which find child rows first, never wait for a parent (`try_lock_parent`).

use serde_json::{Value, json};
use sqlx::PgConnection;
use uuid::Uuid;

use super::journal::{self, NewStep, TOOL_RESULT};
use super::model::Task;
use super::queued::Queued;
use super::store::{COLUMNS, TaskRow, one};
use super::{cancel, lifecycle};
use crate::events::{self, kind};

const ACTIVE: &str = crate::active_statuses!();

/// The child started by the parent's call at journal index `step`, if there is one.
pub async fn existing(
    conn: &mut PgConnection,
    parent: Uuid,
    step: i32,
) -> sqlx::Result<Option<Task>> {
    let row = sqlx::query_as::<_, TaskRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM tasks WHERE parent_task_id = $1 AND parent_step = $2"
    )))
    .bind(parent)
    .bind(step)
    .fetch_optional(conn)
    .await?;
    one(row)
}

/// The runner names of `task` and its ancestors, nearest first.
pub async fn lineage(conn: &mut PgConnection, task: &Task) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "WITH RECURSIVE up(id, parent_task_id, runner_name, n) AS (
            SELECT id, parent_task_id, runner_name, 0 FROM tasks WHERE id = $1
            UNION ALL
            SELECT t.id, t.parent_task_id, t.runner_name, up.n + 1
            FROM tasks t JOIN up ON t.id = up.parent_task_id WHERE up.n < 20)
         SELECT runner_name FROM up ORDER BY n",
    )
    .bind(task.id)
    .fetch_all(conn)
    .await
}

/// Locks the row of `task`'s parent, if it has one: done before `task`'s own row changes
/// (the lock order of this module).
pub async fn lock_parent(conn: &mut PgConnection, task: Uuid) -> sqlx::Result<()> {
    sqlx::query(
        "SELECT 1 FROM tasks WHERE id = (SELECT parent_task_id FROM tasks WHERE id = $1)
         FOR UPDATE",
    )
    .bind(task)
    .execute(conn)
    .await?;
    Ok(())
}

/// For a sweep that locked child rows first (expired leases, unanswered questions): locks
/// `parent` only if no other transaction holds it. False means it is held — by a cancel
/// cascade that will wait for the child row next — and the caller leaves the child for its
/// next round instead of waiting, which would deadlock. A parent that is gone counts as
/// locked: nothing is left to wait for.
pub async fn try_lock_parent(conn: &mut PgConnection, parent: Uuid) -> sqlx::Result<bool> {
    let locked = sqlx::query("SELECT 1 FROM tasks WHERE id = $1 FOR UPDATE SKIP LOCKED")
        .bind(parent)
        .fetch_optional(&mut *conn)
        .await?;
    if locked.is_some() {
        return Ok(true);
    }
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM tasks WHERE id = $1)")
        .bind(parent)
        .fetch_one(conn)
        .await?;
    Ok(!exists)
}

/// The ids of `parent`'s children that have not ended.
pub async fn active(db: impl sqlx::PgExecutor<'_>, parent: Uuid) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT id FROM tasks WHERE parent_task_id = $1 AND status IN {ACTIVE} ORDER BY id"
    )))
    .bind(parent)
    .fetch_all(db)
    .await
}

// What a task's end means for its family, in the transaction that ends it
// (`ending::take_effect`): its active children are cancelled (`cancel_active`, skipped when
// the update that ended it found none), and — for a child — its result goes to the
// parent's journal as the result of the call that started it, and a parent with no active
// child left is queued to go on (`deliver_to_parent`).

/// Cancels the ended task's active children.
pub async fn cancel_active(conn: &mut PgConnection, done: &Task) -> sqlx::Result<()> {
    for child in active(&mut *conn, done.id).await? {
        // Boxed: cancelling a child ends it, which comes back here for its own children.
        Box::pin(cancel::cancel(conn, done.project, child, false)).await?;
    }
    Ok(())
}

/// For a child: its result goes to its parent.
pub async fn deliver_to_parent(conn: &mut PgConnection, done: &Task) -> sqlx::Result<()> {
    if done.parent_task_id.is_some() {
        deliver(conn, done).await?;
    }
    Ok(())
}

/// A child's parent as it ends: id, attempts, status; and the child's call.
type ParentOf = (Uuid, i32, String, Option<i32>, Option<String>);

/// Writes a child's result into its parent's journal and wakes the parent when no child
/// of it is still active. A parent that ended already takes nothing.
async fn deliver(conn: &mut PgConnection, child: &Task) -> sqlx::Result<()> {
    let row: Option<ParentOf> = sqlx::query_as(
        "SELECT p.id, p.attempts, p.status, c.parent_step, c.parent_call_id
         FROM tasks c JOIN tasks p ON p.id = c.parent_task_id
         WHERE c.id = $1 FOR UPDATE OF p",
    )
    .bind(child.id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((parent, attempts, status, Some(step), call_id)) = row else {
        return Ok(());
    };
    if !matches!(status.as_str(), "queued" | "running" | "waiting") {
        return Ok(());
    }
    let result = child.result_for_caller();
    let response = match &result {
        Ok(output) => json!({"output": output}),
        Err(message) => json!({"error": message}),
    };
    let call_id = call_id.unwrap_or_default();
    let request = json!({"id": call_id, "name": crate::tools::runner_tool::tool_name(&child.runner),
        "arguments": child.arguments.to_string(), "task_id": child.id});
    journal::record_answer(
        conn,
        &NewStep {
            task_id: parent,
            attempt: attempts,
            index: step,
            kind: TOOL_RESULT,
            request: &request,
            response: &response,
            usage: None,
            cost_usd: None,
            started_at: child.created_at,
        },
    )
    .await?;
    let mut completed: Value = response;
    completed["id"] = json!(call_id);
    completed["task_id"] = json!(child.id);
    events::append(conn, parent, kind::TOOL_CALL_COMPLETED, &completed).await?;
    if lifecycle::wake_after_children(conn, parent).await? {
        let queued = Queued::children_done(attempts).data();
        events::append(conn, parent, kind::QUEUED, &queued).await?;
    }
    Ok(())
}
