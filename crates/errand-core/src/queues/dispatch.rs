//! Runners as queue consumers: each round (every `queues.dispatch_interval_ms`, in every
//! worker process) turns due messages of queues with bound runners into tasks, each in the
//! same transaction as its message's change, so a message becomes exactly one task. A
//! payload that breaks the runner's input schema is dead-lettered with the pointed
//! errors. Runners on one queue take turns. A round also settles messages whose task
//! ended (done, or dead when it did not succeed) and hands back expired leases.

use serde_json::{Value, json};
use sqlx::PgConnection;
use uuid::Uuid;

use super::leasing::{self, FAIR_PICK};
use super::store::QueueRow;
use crate::config::QueueSettings;
use crate::core::Core;
use crate::error::{Coded, Fault};
use crate::runners::model::Runner;
use crate::tasks::errors::SubmitError;
use crate::tasks::model::CreateTask;

/// What one round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Dispatched {
    pub tasks: u64,
    pub dead: u64,
    pub settled: u64,
    pub reclaimed: u64,
}

pub struct Dispatcher {
    pub core: Core,
    pub settings: QueueSettings,
}

/// Messages whose task ended: done when it succeeded, dead (with the task's error) when
/// not.
const SETTLE_FINISHED: &str = concat!(
    "UPDATE queue_messages m SET
         status = CASE WHEN t.status = 'succeeded' THEN 'done' ELSE 'dead' END,
         last_error = CASE WHEN t.status = 'succeeded' THEN m.last_error ELSE jsonb_build_object(
             'code', coalesce(t.error->>'code', t.status),
             'message', coalesce(t.error->>'message', 'the task ended ' || t.status),
             'task_id', t.id) END,
         settled_at = now(), updated_at = now()
     FROM tasks t
     WHERE m.status = 'running' AND t.id = m.task_id AND t.status NOT IN ",
    crate::active_statuses!()
);

/// Queues with a due pending message and a runner bound to them.
const DUE_QUEUES: &str = "SELECT q.id, q.project_id, q.name, q.concurrency_limit,
        q.visibility_timeout_seconds, q.max_deliveries, q.last_receive_at, q.created_at
    FROM queues q
    WHERE EXISTS (SELECT 1 FROM queue_messages m
                  WHERE m.queue_id = q.id AND m.status = 'pending' AND m.run_after <= now())
      AND EXISTS (SELECT 1 FROM runners r
                  JOIN runner_versions v ON v.runner_id = r.id AND v.version = r.version
                  WHERE r.project_id = q.project_id AND r.deleted_at IS NULL AND v.queue = q.name)";

impl Dispatcher {
    /// One round over every queue.
    pub async fn round(&self) -> Result<Dispatched, Fault> {
        let pool = &self.core.pool;
        let mut done = Dispatched {
            settled: sqlx::query(SETTLE_FINISHED)
                .execute(pool)
                .await?
                .rows_affected(),
            ..Dispatched::default()
        };
        let mut conn = pool.acquire().await?;
        done.reclaimed = leasing::reclaim_expired(&mut conn, None).await?;
        drop(conn);
        let queues: Vec<QueueRow> = sqlx::query_as(DUE_QUEUES).fetch_all(pool).await?;
        for queue in queues {
            let (tasks, dead) = self.dispatch(&queue).await?;
            done.tasks += tasks;
            done.dead += dead;
        }
        Ok(done)
    }

    /// Turns up to `dispatch_batch` of `queue`'s due messages into tasks (none when
    /// another process is at it): the tasks made and the messages dead-lettered.
    async fn dispatch(&self, queue: &QueueRow) -> Result<(u64, u64), Fault> {
        let mut tx = self.core.pool.begin().await?;
        if !leasing::lock(&mut tx, queue.id, true).await? {
            return Ok((0, 0));
        }
        let runners =
            crate::runners::store::consuming(&mut *tx, queue.project_id, &queue.name).await?;
        if runners.is_empty() {
            return Ok((0, 0));
        }
        let picked: Vec<(Uuid, i64)> = sqlx::query_as(FAIR_PICK)
            .bind(queue.id)
            .bind(i64::from(queue.concurrency_limit))
            .bind(i64::from(self.settings.dispatch_batch))
            .fetch_all(&mut *tx)
            .await?;
        let submitter = self.core.submitter(queue.project_id);
        let (mut tasks, mut dead) = (0, 0);
        for (id, seq) in picked {
            // Runners take turns by the message's place in the queue.
            let turn = usize::try_from(seq).unwrap_or(0) % runners.len();
            let runner: Runner = runners[turn].clone();
            let (payload, priority): (Value, i16) =
                sqlx::query_as("SELECT payload, priority FROM queue_messages WHERE id = $1")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
            let name = runner.name.clone();
            let body = CreateTask {
                arguments: payload,
                // The task keeps the message's priority.
                priority: u32::try_from(priority).ok(),
                ..CreateTask::default()
            };
            // Each message in a savepoint: a refused one leaves nothing half written.
            let mut one = sqlx::Connection::begin(&mut *tx).await?;
            let submitted = submitter.submit_on(&mut one, runner, body).await;
            match submitted {
                Ok(_) => one.commit().await?,
                Err(_) => one.rollback().await?,
            }
            match submitted {
                Ok(task) => {
                    started(&mut tx, id, task.id, &name).await?;
                    tasks += 1;
                }
                Err(
                    e @ (SubmitError::InvalidArguments { .. } | SubmitError::InvalidBody { .. }),
                ) => {
                    dead_letter(&mut tx, id, &name, &e).await?;
                    dead += 1;
                }
                // The project holds as many queued tasks as it may: the rest wait.
                Err(SubmitError::QueueFull { .. }) => break,
                Err(SubmitError::Fault(fault)) => return Err(fault),
                Err(other) => {
                    dead_letter(&mut tx, id, &name, &other).await?;
                    dead += 1;
                }
            }
        }
        tx.commit().await?;
        if tasks + dead > 0 {
            tracing::info!(queue = %queue.name, tasks, dead, "queue messages dispatched");
        }
        Ok((tasks, dead))
    }
}

async fn started(conn: &mut PgConnection, id: Uuid, task: Uuid, runner: &str) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE queue_messages SET status = 'running', task_id = $2, runner_name = $3,
             deliveries = deliveries + 1, updated_at = now()
         WHERE id = $1",
    )
    .bind(id)
    .bind(task)
    .bind(runner)
    .execute(conn)
    .await?;
    Ok(())
}

/// Dead-letters message `id` with the reason runner `runner` refused its payload.
async fn dead_letter(
    conn: &mut PgConnection,
    id: Uuid,
    runner: &str,
    refused: &SubmitError,
) -> sqlx::Result<()> {
    // The payload is the task's arguments: point into the message.
    let errors: Vec<Value> = refused
        .violations()
        .iter()
        .map(|v| {
            let pointer = match v.pointer.strip_prefix("/arguments") {
                Some(rest) => format!("/payload{rest}"),
                None => v.pointer.clone(),
            };
            json!({"pointer": pointer, "message": v.message})
        })
        .collect();
    let error = json!({
        "code": refused.code().as_str(),
        "message": refused.to_string(),
        "errors": errors,
        "runner": runner,
    });
    sqlx::query(
        "UPDATE queue_messages SET status = 'dead', last_error = $2, runner_name = $3,
             deliveries = deliveries + 1, settled_at = now(), updated_at = now()
         WHERE id = $1",
    )
    .bind(id)
    .bind(error)
    .bind(runner)
    .execute(conn)
    .await?;
    Ok(())
}
