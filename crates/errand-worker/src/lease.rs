//! The life of a claimed attempt: run it with its lease renewed by the heartbeat; and the
//! heartbeat itself, which renews this worker's leases, re-queues the tasks of workers
//! that stopped heartbeating, and ends questions nobody answered in time.

use std::sync::Arc;
use std::time::Duration;

use std::panic::AssertUnwindSafe;

use apalis_core::task::data::Data;
use futures::FutureExt;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;
use uuid::Uuid;

use super::{Runtime, asking, outcome, supervised};
use errand_core::tasks::model::Task;
use errand_core::tasks::queue;
use errand_core::telemetry::panic_text;

/// An attempt that ended without recording its outcome (the acknowledgement then gives
/// its lease up).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct AttemptFault(pub String);

/// The worker's handler: runs one claimed attempt to its recorded end.
/// Past the shutdown grace period the attempt is dropped (its model call abandoned), its
/// lease left to expire: another worker runs it again.
pub async fn run_task(task: Task, rt: Data<Arc<Runtime>>) -> Result<(), AttemptFault> {
    let span = attempt_span(&task);
    let watch = rt.signals.watch(task.id);
    let ran = async {
        tokio::select! {
            ran = supervised::run_claimed(&rt, &task, &watch) => {
                ran.map_err(|e| AttemptFault(format!("{e:#}")))
            }
            () = rt.signals.attempts_dropped() => {
                Err(AttemptFault("dropped: the shutdown grace period is over".into()))
            }
        }
    }
    .instrument(span.clone())
    .await;
    if let Err(fault) = &ran {
        span.record("otel.status_code", "ERROR");
        span.record("error.message", fault.0.as_str());
    }
    ran
}

/// The attempt's span (an OpenTelemetry span when traces are on; the context of the
/// attempt's log lines either way).
fn attempt_span(task: &Task) -> tracing::Span {
    tracing::info_span!(
        "task attempt",
        otel.name = %format_args!("task attempt {}", task.runner),
        otel.kind = "consumer",
        otel.status_code = tracing::field::Empty,
        error.message = tracing::field::Empty,
        task.id = %task.id,
        task.attempt = task.attempts,
        task.resumed = task.resumed,
        errand.runner = %task.runner,
        errand.project = %task.project.0,
    )
}

/// Gives up the lease of an attempt that ended without recording its outcome (`fault`
/// says why), so the task is re-queued at once and its next attempt replays the journal.
pub async fn give_up(rt: &Runtime, id: Uuid, fault: &str) {
    tracing::error!(task_id = %id, "attempt ended without an outcome ({fault}); giving up its lease");
    if let Err(e) = queue::expire(&rt.core.pool, &rt.owner, id).await {
        tracing::warn!(task_id = %id, error = %e, "cannot give up the lease; it expires by itself");
    }
}

/// Beats every `heartbeat_seconds` and checks for expired questions every
/// `question_check_ms`, until `stop` (the worker drained, or was dropped).
pub async fn heartbeat(rt: Arc<Runtime>, stop: CancellationToken) {
    let s = &rt.settings;
    let mut beat = tokio::time::interval(Duration::from_secs(s.heartbeat_seconds));
    let mut questions = tokio::time::interval(Duration::from_millis(s.question_check_ms.max(1)));
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            _ = beat.tick() => {
                guarded("heartbeat", async {
                    self::beat(&rt).await;
                    rt.signals.refresh_limited(&rt.core).await;
                })
                .await;
            }
            _ = questions.tick() => {
                guarded("question expiry", asking::expire_due(&rt.core.pool, &rt.core.meters)).await;
            }
        }
    }
}

/// Runs one beat's `work`; a panic in it is logged and the heartbeat goes on (leases
/// must keep being renewed whatever one beat ran into).
async fn guarded(what: &str, work: impl std::future::Future<Output = ()>) {
    if let Err(panic) = AssertUnwindSafe(work).catch_unwind().await {
        tracing::error!(
            "{what} panicked: {}; trying again at the next beat",
            panic_text(panic.as_ref())
        );
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
    // The net under threads' turns: finds nothing unless a turn was missed.
    match errand_core::tasks::turns::sweep(&rt.core.pool).await {
        Ok(0) => {}
        Ok(n) => {
            tracing::warn!(tasks = n, "gave tasks the thread turn they had missed");
            rt.signals.work.notify_one();
        }
        Err(e) => {
            tracing::warn!(error = %e, "cannot check threads' turns; retrying at the next beat")
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
