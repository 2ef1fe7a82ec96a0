//! The background worker: an apalis worker on the PostgreSQL queue (woken by
//! LISTEN/NOTIFY, with interval polling as a fallback) that runs each task's attempt.

mod attempt;
pub mod handler;
pub mod job;
pub mod oneshot;
mod outcome;
mod steps;

use std::sync::Arc;
use std::time::Duration;

use apalis::prelude::{BackendExt, BoxDynError, Data, WorkerBuilder, WorkerBuilderExt};
use apalis_postgres::{Config, PostgresStorage};
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

use crate::config::{EventSettings, WorkerSettings};
use crate::llm::ModelRegistry;
use crate::runners::schema::SchemaCache;
use crate::runners::versions::VersionCache;
use crate::tools::ToolRegistry;

pub use job::TaskJob;

/// What a running task needs; shared by every task of a worker.
pub struct Runtime {
    pub pool: PgPool,
    pub schemas: Arc<SchemaCache>,
    pub models: Arc<ModelRegistry>,
    pub tools: Arc<ToolRegistry>,
    pub runners: VersionCache,
    pub settings: WorkerSettings,
    pub events: EventSettings,
}

async fn run_job(job: TaskJob, rt: Data<Arc<Runtime>>) -> Result<(), BoxDynError> {
    use futures::FutureExt;
    // The attempt itself is guarded (a panic fails its task); this keeps a panic in the
    // bookkeeping around it from reaching the worker, which would stop it.
    let run = std::panic::AssertUnwindSafe(handler::execute(&rt, job.task_id)).catch_unwind();
    match run.await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => {
            tracing::error!(task_id = %job.task_id, error = ?e, "task job failed; apalis retries it");
            Err(BoxDynError::from(format!("{e:#}")))
        }
        Err(_) => {
            tracing::error!(task_id = %job.task_id, "task job panicked; apalis retries it");
            Err(BoxDynError::from("task job panicked"))
        }
    }
}

/// Runs a worker until `shutdown` fires, then lets running tasks finish for up to `grace`;
/// tasks still running after that are dropped and re-run elsewhere once the lease expires.
pub async fn run(
    rt: Arc<Runtime>,
    name: String,
    shutdown: CancellationToken,
    grace: Duration,
) -> anyhow::Result<()> {
    let s = &rt.settings;
    let config = Config::default()
        .queue(&s.queue)
        .batch_size(s.concurrency.min(50))
        .heartbeat_interval(Duration::from_secs(s.heartbeat_seconds))
        .missed_heartbeats(s.missed_heartbeats)
        // A fetched job is already marked with this worker (`Queued`, `lock_by`), which is
        // all the orphan sweep needs; the extra `Running` write per job buys nothing, as
        // the task row's fenced claim is what makes an attempt exclusive.
        .lock_tasks(false);
    let backend = PostgresStorage::<TaskJob>::new(&rt.pool)
        .with_config(config)
        .with_pubsub()
        .poll_with_interval(Duration::from_millis(s.poll_interval_ms));
    let worker = WorkerBuilder::new(name.as_str())
        .backend(backend)
        .concurrency(s.concurrency)
        .data(rt.clone())
        .build(run_job);
    tracing::info!(worker = %name, queue = %s.queue, "worker started");
    let stop = shutdown.clone();
    let running = worker.run_with_ctx(move |ctx| {
        let stop = stop.clone();
        async move {
            stop.cancelled().await;
            ctx.stop()?;
            Ok(())
        }
    });
    let expired = async {
        shutdown.cancelled().await;
        tokio::time::sleep(grace).await;
    };
    tokio::select! {
        result = running => result.map_err(|e| anyhow::anyhow!("worker stopped: {e}"))?,
        () = expired => tracing::warn!(
            worker = %name,
            "shutdown grace period over; running tasks will be re-run after their lease expires"
        ),
    }
    tracing::info!(worker = %name, "worker stopped");
    Ok(())
}

/// A name unique to this worker instance: apalis fences acknowledgements by worker name.
pub fn unique_name() -> String {
    let id = uuid::Uuid::now_v7().simple().to_string();
    format!("errand-{}-{}", std::process::id(), &id[id.len() - 8..])
}
