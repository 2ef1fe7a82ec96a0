//! The apalis job that carries a task to a worker: only the task id; the task row is the
//! truth. Jobs are pushed inside the caller's transaction, so a task row and its job
//! commit (or roll back) together.

use std::time::Duration;

use apalis::prelude::TaskBuilder;
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TaskJob {
    pub task_id: Uuid,
}

/// Enqueues the job for `task_id` on `queue`, runnable after `delay`.
pub async fn enqueue(
    conn: &mut PgConnection,
    queue: &str,
    task_id: Uuid,
    delay: Duration,
) -> anyhow::Result<()> {
    let payload = serde_json::to_vec(&TaskJob { task_id })?;
    let mut job = TaskBuilder::new(payload);
    if !delay.is_zero() {
        job = job.run_after(delay);
    }
    apalis_postgres::queries::push_tasks(conn, queue, vec![job.build()]).await?;
    Ok(())
}
