//! Errand's queue as an apalis backend. The `tasks` row stays the one source of truth:
//! `poll_next` hands out tasks the claim (`SKIP LOCKED`, woken by NOTIFY) has leased to
//! this worker, at most as many as it has free slots; the heartbeat renews those leases
//! and reaps the expired ones of lost workers; the acknowledgement gives up the lease of
//! an attempt that ended without recording its outcome.
//!
//! apalis ends a worker for good on any `Err` from its backend, so none is ever returned:
//! database errors are retried inside the claim loop and the heartbeat.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};

use apalis_core::backend::{Backend, BackendConfig, finalize::Ephemeral};
use apalis_core::error::BoxDynError;
use apalis_core::task::builder::TaskBuilder;
use apalis_core::task::task_id::TaskId;
use apalis_core::task::{ExecutionContext, Task as Job};
use apalis_core::worker::context::WorkerContext;
use apalis_core::worker::ext::ack::{Acknowledge, AcknowledgeLayer};
use futures::FutureExt;
use futures::future::BoxFuture;
use tokio_util::sync::CancellationToken;

use super::claiming::ClaimLoop;
use super::{Runtime, lease};
use errand_core::tasks::lifecycle;
use errand_core::tasks::model::Task;

/// Never constructed: the backend does not fail (see the module's comment).
#[derive(Debug, thiserror::Error)]
#[error("the task queue does not fail")]
pub enum Never {}

pub struct TaskQueue {
    rt: Arc<Runtime>,
    /// Claimed and not yet handed to the worker.
    claimed: VecDeque<Task>,
    claim_loop: Option<ClaimLoop>,
    claiming: Option<BoxFuture<'static, (ClaimLoop, Vec<Task>)>>,
    /// Handed out and not yet acknowledged: counted here rather than read from apalis,
    /// whose count drops a moment before the concurrency permit is released.
    in_flight: Arc<AtomicUsize>,
    /// Ends the claim loop's wait when the worker closes.
    closing: CancellationToken,
    /// Stops the heartbeat once the worker has drained (or is dropped).
    heartbeat: CancellationToken,
}

impl TaskQueue {
    /// The queue of `rt`'s worker; its heartbeat starts now.
    pub fn new(rt: Arc<Runtime>) -> Self {
        let in_flight = Arc::new(AtomicUsize::new(0));
        let closing = CancellationToken::new();
        let heartbeat = CancellationToken::new();
        tokio::spawn(lease::heartbeat(rt.clone(), heartbeat.clone()));
        Self {
            claim_loop: Some(ClaimLoop::new(
                rt.clone(),
                in_flight.clone(),
                closing.clone(),
            )),
            rt,
            claimed: VecDeque::new(),
            claiming: None,
            in_flight,
            closing,
            heartbeat,
        }
    }

    /// Gives back the tasks claimed but never started: queued again with the attempt
    /// they had (`lifecycle::unclaim`); one that cannot be given back (the database is
    /// away) has its lease expire, and runs again after it.
    fn release_unstarted(&mut self) -> Option<BoxFuture<'static, ()>> {
        let tasks: Vec<_> = self.claimed.drain(..).collect();
        if tasks.is_empty() {
            return None;
        }
        let rt = self.rt.clone();
        Some(Box::pin(async move {
            for task in tasks {
                let given_back = async {
                    let mut tx = rt.core.pool.begin().await?;
                    lifecycle::unclaim(&mut tx, &rt.owner, &task).await?;
                    tx.commit().await
                };
                if let Err(e) = given_back.await {
                    tracing::warn!(task_id = %task.id, error = %e, "cannot give back an unstarted task; its lease expires by itself");
                }
            }
        }))
    }

    /// Drives the claim under way, if any, to its end; what it took joins `claimed`.
    fn poll_claiming(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let Some(claiming) = self.claiming.as_mut() else {
            return Poll::Ready(());
        };
        let (claim_loop, tasks) = std::task::ready!(claiming.poll_unpin(cx));
        self.claiming = None;
        self.claim_loop = Some(claim_loop);
        self.claimed.extend(tasks);
        Poll::Ready(())
    }

    fn job(task: Task) -> Job<Task> {
        let id = task.id;
        TaskBuilder::new(task).task_id(TaskId::Uuid(id)).build()
    }
}

impl Drop for TaskQueue {
    /// Dropped without closing (the grace period ran out, or the worker died).
    fn drop(&mut self) {
        self.closing.cancel();
        self.heartbeat.cancel();
        if let Some(release) = self.release_unstarted() {
            tokio::spawn(release);
        }
    }
}

impl Backend for TaskQueue {
    type Task = Job<Task>;
    type Error = Never;

    fn poll_ready(&mut self, _: &mut Context<'_>, _: &WorkerContext) -> Poll<Result<(), Never>> {
        Poll::Ready(Ok(()))
    }

    /// Called once per free slot (the worker's concurrency limit is ready first).
    fn poll_next(
        &mut self,
        cx: &mut Context<'_>,
        _: &WorkerContext,
    ) -> Poll<Option<Result<Job<Task>, Never>>> {
        loop {
            if let Some(task) = self.claimed.pop_front() {
                let busy = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                let slots = self.rt.settings.concurrency;
                self.rt.core.meters.worker_slots(slots, busy);
                return Poll::Ready(Some(Ok(Self::job(task))));
            }
            if self.claiming.is_none() {
                // Closed: nothing more is claimed (apalis polls no further, but an empty
                // claim must not spin here if it did).
                if self.closing.is_cancelled() {
                    return Poll::Pending;
                }
                let Some(claim_loop) = self.claim_loop.take() else {
                    return Poll::Pending;
                };
                self.claiming = Some(claim_loop.next().boxed());
            }
            std::task::ready!(self.poll_claiming(cx));
        }
    }

    /// After the worker drained: a claim under way is finished (its wait ends at once; a
    /// statement already sent may have claimed rows), tasks claimed but never started give
    /// their leases up, and the heartbeat stops.
    fn poll_close(&mut self, cx: &mut Context<'_>, _: &WorkerContext) -> Poll<Result<(), Never>> {
        self.closing.cancel();
        std::task::ready!(self.poll_claiming(cx));
        if let Some(mut release) = self.release_unstarted()
            && Pin::new(&mut release).poll(cx).is_pending()
        {
            // Finishes on its own; the worker's exit need not wait for it.
            tokio::spawn(release);
        }
        self.heartbeat.cancel();
        Poll::Ready(Ok(()))
    }
}

impl BackendConfig for TaskQueue {
    type Args = Task;
    type Id = uuid::Uuid;
    type Kind = Ephemeral;
    type Config = ();
    type Layer = AcknowledgeLayer<GiveUpLease>;

    fn config(&self) -> &() {
        &()
    }

    fn middleware(&mut self, _: &mut WorkerContext) -> Self::Layer {
        AcknowledgeLayer::new(GiveUpLease {
            rt: self.rt.clone(),
            in_flight: self.in_flight.clone(),
        })
    }
}

/// The acknowledgement: an attempt that recorded its outcome needs nothing more; one that
/// ended without (a fault while recording it, or a panic past the attempt's own guard,
/// caught by the worker's catch-panic layer) gives up its lease, so the task is re-queued
/// at once and its next attempt replays the journal.
#[derive(Clone)]
pub struct GiveUpLease {
    rt: Arc<Runtime>,
    in_flight: Arc<AtomicUsize>,
}

impl<Res> Acknowledge<Res> for GiveUpLease {
    type Error = Never;
    type Future = BoxFuture<'static, Result<(), Never>>;

    fn ack(&mut self, res: &Result<Res, BoxDynError>, ctx: &ExecutionContext) -> Self::Future {
        let id = match ctx.task_id() {
            Some(TaskId::Uuid(id)) => *id,
            _ => return futures::future::ok(()).boxed(),
        };
        let busy = self
            .in_flight
            .fetch_sub(1, Ordering::SeqCst)
            .saturating_sub(1);
        let slots = self.rt.settings.concurrency;
        self.rt.core.meters.worker_slots(slots, busy);
        self.rt.signals.task_ended();
        let Err(fault) = res else {
            return futures::future::ok(()).boxed();
        };
        let (rt, fault) = (self.rt.clone(), format!("{fault:#}"));
        async move {
            lease::give_up(&rt, id, &fault).await;
            Ok(())
        }
        .boxed()
    }
}
