//! Waiting for a task to end (or to need its caller) without polling: the process's event
//! hub signals the end, and the task is read again each time.

use std::time::Duration;

use sqlx::PgPool;
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

use super::model::Task;
use super::store;
use crate::events::hub::Hub;

/// Waits until the task ends (or it, or a task below it, asks a question) or `wait` passes, and
/// returns it as it then is; `None` when there is no such task. Ends early when the process
/// shuts down.
pub async fn until_ended(
    hub: &Hub,
    pool: &PgPool,
    id: Uuid,
    wait: Duration,
) -> sqlx::Result<Option<Task>> {
    // Watch before reading, so an end between the two is not missed.
    let mut end = hub.watch_end(id);
    let deadline = tokio::time::sleep(wait);
    tokio::pin!(deadline);
    loop {
        let task = store::get(pool, id).await?;
        if task.as_ref().is_none_or(Task::awaits_caller) {
            return Ok(task);
        }
        tokio::select! {
            () = &mut deadline => return store::get(pool, id).await,
            signal = end.recv() => match signal {
                // Ended, or the hub's listener reconnected: read the task again, watching
                // anew first (a signal is sent once: its channel closes after it).
                Ok(()) | Err(RecvError::Lagged(_)) => end = hub.watch_end(id),
                // The hub stopped: this process is shutting down.
                Err(RecvError::Closed) => return store::get(pool, id).await,
            },
        }
    }
}
