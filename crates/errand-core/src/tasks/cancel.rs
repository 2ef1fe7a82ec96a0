//! Cancelling a task: a queued or waiting task ends at once (with its event, and its
//! transcript on its thread); a running one is asked to stop, and its worker ends it.
//! Used by `POST /v1/tasks/{id}/cancel` and by the `interrupt`/`rollback` strategies of a
//! submission on a busy thread.

use sqlx::PgConnection;
use uuid::Uuid;

use super::model::Task;
use super::{children, ending, lifecycle, queue};
use crate::events::Seqs;
use crate::projects::ProjectId;

/// Cancels the caller's task `id` inside the caller's transaction; `discard`: the task
/// appends nothing to its thread.
pub async fn cancel(
    conn: &mut PgConnection,
    project: ProjectId,
    id: Uuid,
    discard: bool,
) -> sqlx::Result<Cancelled> {
    cancel_as(conn, project, id, discard, None).await
}

/// Cancels task `id` for a newer submission on its thread (`interrupt`, or with `discard`
/// `rollback`): its error names `successor` (`details.superseded_by`), and a rolled-back
/// task's events leave the thread's log (they stay in the task's own).
pub async fn supersede(
    conn: &mut PgConnection,
    project: ProjectId,
    id: Uuid,
    discard: bool,
    successor: Uuid,
) -> sqlx::Result<Cancelled> {
    if discard {
        sqlx::query(
            "UPDATE task_events SET thread_id = NULL, thread_seq = NULL
             WHERE task_id = $1 AND thread_id IS NOT NULL",
        )
        .bind(id)
        .execute(&mut *conn)
        .await?;
    }
    cancel_as(conn, project, id, discard, Some(successor)).await
}

async fn cancel_as(
    conn: &mut PgConnection,
    project: ProjectId,
    id: Uuid,
    discard: bool,
    successor: Option<Uuid>,
) -> sqlx::Result<Cancelled> {
    // A child's parent is locked before the child (see `children`).
    children::lock_parent(conn, id).await?;
    let cancelled = lifecycle::cancel(conn, project, id, discard, successor).await?;
    match &cancelled {
        Cancelled::Now(task) => {
            ending::take_effect(conn, task, None, Seqs::Counted(None), &[], None, true).await?
        }
        // Reaches the running attempt at once, in whichever process runs it.
        Cancelled::Requested(task) => queue::announce_cancel(conn, task.id).await?,
        Cancelled::Finished(_) | Cancelled::Missing => {}
    }
    Ok(cancelled)
}

/// Result of a cancel request.
pub enum Cancelled {
    /// It was queued or waiting for input: now `cancelled`, it will never run again.
    Now(Task),
    /// It is running: the worker has been asked to stop.
    Requested(Task),
    /// Already finished; nothing changed.
    Finished(Task),
    Missing,
}
