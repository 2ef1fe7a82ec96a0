//! A question asked below: when a child task (or a child of one) asks a person, the tasks
//! above it wait on that question too. Their streams (and their threads') carry its
//! `task.input_required` with the asking task's `task_id`, a waiting task shows it as its
//! `input_request` (read through `question_below`, see the migration), its thread is
//! `input_required`, and an answer posted to any of them reaches the task that asked.
//!
//! Ancestors are locked top-down before the asking task's row: the parent-then-child lock
//! order of `children`.

use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use super::children;
use super::model::InputRequest;
use crate::events::{self, kind};
use crate::projects::ProjectId;

/// A chain of runners calling runners is at most this deep (`tools.max_task_depth` is
/// bounded well below it); the walks stop there whatever the rows say.
const MAX_DEPTH: i32 = 32;

/// Locks the rows of `task`'s ancestors, the top one first; returns their ids, nearest
/// first (none for a task without a parent).
pub async fn lock_ancestors(conn: &mut PgConnection, task: Uuid) -> sqlx::Result<Vec<Uuid>> {
    let ids: Vec<(Uuid, i32)> = sqlx::query_as(
        "WITH RECURSIVE up(id, n) AS (
            SELECT parent_task_id, 1 FROM tasks WHERE id = $1 AND parent_task_id IS NOT NULL
            UNION ALL
            SELECT t.parent_task_id, up.n + 1 FROM tasks t JOIN up ON t.id = up.id
            WHERE t.parent_task_id IS NOT NULL AND up.n < $2)
         SELECT t.id, up.n FROM up JOIN tasks t ON t.id = up.id
         ORDER BY up.n DESC FOR UPDATE OF t",
    )
    .bind(task)
    .bind(MAX_DEPTH)
    .fetch_all(&mut *conn)
    .await?;
    let mut nearest_first: Vec<(Uuid, i32)> = ids;
    nearest_first.sort_by_key(|(_, n)| *n);
    Ok(nearest_first.into_iter().map(|(id, _)| id).collect())
}

/// Tells each of `ancestors` that `asker` asks `question`, once: an ancestor whose log has
/// the question already (told as it stopped to wait) is not told again.
pub async fn announce(
    conn: &mut PgConnection,
    ancestors: &[Uuid],
    asker: Uuid,
    question: &InputRequest,
) -> sqlx::Result<()> {
    let mut below = question.clone();
    below.task_id = Some(asker);
    for ancestor in ancestors {
        tell(conn, *ancestor, &below).await?;
    }
    Ok(())
}

/// Tells `task`, as it stops to wait for its children, of every question asked below it
/// that it was not told of yet (one may have been asked while it still ran).
pub async fn catch_up(conn: &mut PgConnection, task: Uuid) -> sqlx::Result<()> {
    // The walk is the SQL function `questions_below` (see its migration).
    let pending: Vec<sqlx::types::Json<InputRequest>> =
        sqlx::query_scalar("SELECT q FROM questions_below($1) q")
            .bind(task)
            .fetch_all(&mut *conn)
            .await?;
    for question in pending {
        tell(conn, task, &question.0).await?;
    }
    Ok(())
}

/// Appends `question` (asked below `task`) to `task`'s log unless it is there already.
async fn tell(conn: &mut PgConnection, task: Uuid, question: &InputRequest) -> sqlx::Result<()> {
    let told: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM task_events WHERE task_id = $1 AND type = $2
                        AND data->>'request_id' = $3::text)",
    )
    .bind(task)
    .bind(kind::INPUT_REQUIRED)
    .bind(question.request_id)
    .fetch_one(&mut *conn)
    .await?;
    if !told {
        let data = serde_json::to_value(question).map_err(|e| sqlx::Error::Encode(e.into()))?;
        events::append(conn, task, kind::INPUT_REQUIRED, &data).await?;
    }
    Ok(())
}

/// Tells each of `ancestors` that `asker`'s question `request_id` was answered: each
/// waits for its children again (`task.waiting`, with the children still active).
pub async fn answered(
    conn: &mut PgConnection,
    ancestors: &[Uuid],
    asker: Uuid,
    request_id: Uuid,
) -> sqlx::Result<()> {
    for ancestor in ancestors {
        let children = children::active(&mut *conn, *ancestor).await?;
        let data = json!({"children": children, "answered": request_id, "task_id": asker});
        events::append(conn, *ancestor, kind::WAITING, &data).await?;
    }
    Ok(())
}

/// The task below `root` (in `project`) that asked `request_id`, whether or not it still
/// waits for the answer; `None` when no task below `root` asked it.
pub async fn asker_below(
    conn: &mut PgConnection,
    project: ProjectId,
    root: Uuid,
    request_id: Uuid,
) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar(
        "WITH RECURSIVE below(id, n) AS (
            SELECT id, 1 FROM tasks WHERE parent_task_id = $1 AND project_id = $2
            UNION ALL
            SELECT c.id, b.n + 1 FROM tasks c JOIN below b ON c.parent_task_id = b.id
            WHERE b.n < $4)
         SELECT t.id FROM below b JOIN tasks t ON t.id = b.id
         WHERE t.input_request->>'request_id' = $3::text
         LIMIT 1",
    )
    .bind(root)
    .bind(project)
    .bind(request_id)
    .bind(MAX_DEPTH)
    .fetch_optional(conn)
    .await
}
