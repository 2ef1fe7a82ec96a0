//! Periodic work as apalis workers under the same `Monitor` as the task worker: a
//! backend that yields a tick every `every` (the first at once), and what runs on them:
//! the housekeeping sweep, the queue dispatch round, the schedules' round and the webhook deliveries' round. Sweeps never overlap (the worker runs one at a time) and a
//! failed one is logged and tried again at the next tick.

use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use apalis_core::backend::{Backend, BackendConfig, finalize::Ephemeral};
use apalis_core::layers::Identity;
use apalis_core::task::Task as Job;
use apalis_core::task::builder::TaskBuilder;
use apalis_core::task::data::Data;
use apalis_core::task::task_id::TaskId;
use apalis_core::worker::context::WorkerContext;
use tokio::time::{Interval, MissedTickBehavior};
use tokio_util::sync::CancellationToken;

use super::backend::Never;
use errand_core::housekeeping::{Sweeper, Swept};
use errand_core::queues::dispatch::{Dispatched, Dispatcher};
use errand_core::schedules::firing::{Fired, Scheduler};
use errand_core::webhooks::sending::{Sender, Sent};

/// One tick of a periodic worker.
#[derive(Debug, Clone, Copy)]
pub struct Tick;

pub struct Ticks {
    every: Interval,
}

impl Ticks {
    pub fn every(period: Duration) -> Self {
        let mut every = tokio::time::interval(period.max(Duration::from_millis(1)));
        // After a long sweep, the next waits a whole period (no burst of late ticks).
        every.set_missed_tick_behavior(MissedTickBehavior::Delay);
        Self { every }
    }
}

impl Backend for Ticks {
    type Task = Job<Tick>;
    type Error = Never;

    fn poll_ready(&mut self, _: &mut Context<'_>, _: &WorkerContext) -> Poll<Result<(), Never>> {
        Poll::Ready(Ok(()))
    }

    fn poll_next(
        &mut self,
        cx: &mut Context<'_>,
        _: &WorkerContext,
    ) -> Poll<Option<Result<Job<Tick>, Never>>> {
        self.every.poll_tick(cx).map(|_| {
            let id = TaskId::Uuid(uuid::Uuid::now_v7());
            Some(Ok(TaskBuilder::new(Tick).task_id(id).build()))
        })
    }

    fn poll_close(&mut self, _: &mut Context<'_>, _: &WorkerContext) -> Poll<Result<(), Never>> {
        Poll::Ready(Ok(()))
    }
}

impl BackendConfig for Ticks {
    type Args = Tick;
    type Id = uuid::Uuid;
    type Kind = Ephemeral;
    type Config = ();
    type Layer = Identity;

    fn config(&self) -> &() {
        &()
    }

    fn middleware(&mut self, _: &mut WorkerContext) -> Identity {
        Identity::new()
    }
}

/// The housekeeping handler: one sweep (cut short when the process stops).
pub async fn sweep(
    _: Tick,
    sweeper: Data<Arc<Sweeper>>,
    stop: Data<CancellationToken>,
) -> Result<(), Never> {
    match sweeper.sweep(&stop).await {
        Ok(swept) if swept == Swept::default() => {}
        Ok(swept) => tracing::info!(?swept, "housekeeping removed rows past their retention"),
        Err(e) => tracing::warn!(error = %e, "housekeeping sweep failed; retrying at the next"),
    }
    Ok(())
}

/// The queues handler: one dispatch round (a failed one is logged and tried again at the
/// next tick; its transaction left nothing half done).
pub async fn dispatch(_: Tick, dispatcher: Data<Arc<Dispatcher>>) -> Result<(), Never> {
    match dispatcher.round().await {
        Ok(done) if done == Dispatched::default() => {}
        Ok(done) => tracing::debug!(?done, "queue round"),
        Err(e) => tracing::warn!(error = %e, "queue round failed; retrying at the next"),
    }
    Ok(())
}

/// The schedules handler: one round of due ticks (a failed one is logged and tried again
/// at the next tick; each schedule's fires commit together or not at all).
pub async fn fire(_: Tick, scheduler: Data<Arc<Scheduler>>) -> Result<(), Never> {
    match scheduler.round().await {
        Ok(done) if done == Fired::default() => {}
        Ok(done) => tracing::debug!(?done, "schedule round"),
        Err(e) => tracing::warn!(error = %e, "schedule round failed; retrying at the next"),
    }
    Ok(())
}

/// The webhooks handler: one round of deliveries due (a failed round is logged and tried
/// again at the next tick; a try that was under way is handed back when its lease ends).
pub async fn deliver(_: Tick, sender: Data<Arc<Sender>>) -> Result<(), Never> {
    match sender.round().await {
        Ok(done) if done == Sent::default() => {}
        Ok(done) => tracing::debug!(?done, "webhook round"),
        Err(e) => tracing::warn!(error = %e, "webhook round failed; retrying at the next"),
    }
    Ok(())
}
