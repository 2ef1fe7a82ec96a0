//! Cancelling a task: a queued or waiting task ends at once (with its event, and its
//! transcript on its thread); a running one is asked to stop, and its worker ends it.
//! Used by `POST /v1/tasks/{id}/cancel` and by the `interrupt`/`rollback` strategies of a
//! submission on a busy thread.

use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use super::store::{self, Cancelled};
use super::{queue, transcript};
use crate::events::{self, kind};
use crate::projects::ProjectId;

/// Cancels the caller's task `id` inside the caller's transaction; `discard`: the task
/// appends nothing to its thread.
pub async fn cancel(
    conn: &mut PgConnection,
    project: ProjectId,
    id: Uuid,
    discard: bool,
) -> sqlx::Result<Cancelled> {
    let cancelled = store::cancel(conn, project, id, discard).await?;
    match &cancelled {
        Cancelled::Now(task) => {
            events::append(conn, task.id, kind::CANCELLED, &json!({"task": task})).await?;
            transcript::append(conn, task, None).await?;
        }
        // Reaches the running attempt at once, in whichever process runs it.
        Cancelled::Requested(task) => queue::announce_cancel(conn, task.id).await?,
        Cancelled::Finished(_) | Cancelled::Missing => {}
    }
    Ok(cancelled)
}
