//! The life of a claimed attempt in the worker loop: run it with its lease renewed by the
//! heartbeat, give the lease up if the attempt ended without recording an outcome, and on
//! every heartbeat re-queue the tasks of workers that stopped heartbeating.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt;
use tokio::task::{JoinError, JoinSet};
use tokio::time::{Instant, Interval};

use super::{Runtime, handler, outcome};
use errand_core::tasks::model::Task;
use errand_core::tasks::queue;
use errand_core::telemetry::panic_text;

/// Runs one claimed attempt. Nothing escapes: an attempt that ends without an outcome (a
/// fault while recording it) gives up its lease, so the task is re-queued at once and its
/// next attempt replays the journal.
pub async fn run_task(rt: Arc<Runtime>, task: Task) {
    let watch = rt.signals.watch(task.id);
    let run = AssertUnwindSafe(handler::run_claimed(&rt, &task, &watch)).catch_unwind();
    let fault = match run.await {
        Ok(Ok(())) => return,
        Ok(Err(e)) => format!("{e:#}"),
        Err(panic) => format!("it panicked: {}", panic_text(panic.as_ref())),
    };
    // No longer renewed from here on.
    drop(watch);
    tracing::error!(
        task_id = %task.id,
        attempt = task.attempts,
        "attempt ended without an outcome ({fault}); giving up its lease"
    );
    if let Err(e) = queue::expire(&rt.core.pool, &rt.owner, task.id).await {
        tracing::warn!(task_id = %task.id, error = %e, "cannot give up the lease; it expires by itself");
    }
}

/// Logs a task future that did not end normally (`run_task` catches everything, so this
/// is only a net).
pub fn report(done: Result<(), JoinError>) {
    if let Err(e) = done
        && !e.is_cancelled()
    {
        tracing::error!(error = %e, "task future failed");
    }
}

/// The heartbeat: renew this worker's leases, then re-queue or settle tasks whose leases
/// expired. A failure is logged and tried again at the next beat.
pub async fn beat(rt: &Runtime) {
    renew(rt).await;
    match outcome::reap(rt).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(tasks = n, "re-queued or settled the tasks of lost workers"),
        Err(e) => {
            tracing::warn!(error = %e, "cannot reap expired leases; retrying at the next beat")
        }
    }
}

/// Extends the leases of the attempts this process runs.
pub async fn renew(rt: &Runtime) {
    let ids = rt.signals.running();
    if ids.is_empty() {
        return;
    }
    if let Err(e) = queue::renew(&rt.core.pool, &rt.owner, &ids, rt.lease()).await {
        tracing::warn!(error = %e, "cannot renew leases; retrying at the next beat");
    }
}

/// After shutdown: lets running attempts finish for up to `grace`, renewing their leases
/// meanwhile; then drops the rest (their leases expire and another worker re-runs them).
pub async fn drain(
    rt: &Runtime,
    mut running: JoinSet<()>,
    heartbeat: &mut Interval,
    grace: Duration,
) {
    let deadline = Instant::now() + grace;
    while !running.is_empty() {
        tokio::select! {
            Some(done) = running.join_next() => report(done),
            _ = heartbeat.tick() => renew(rt).await,
            () = tokio::time::sleep_until(deadline) => {
                tracing::warn!(
                    worker = %rt.owner,
                    tasks = running.len(),
                    "shutdown grace period over; running tasks will be re-run after their lease expires"
                );
                running.abort_all();
                while running.join_next().await.is_some() {}
            }
        }
    }
}
