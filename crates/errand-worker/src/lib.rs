//! The background worker, on apalis: Errand's queue is an apalis backend (`backend.rs`)
//! that claims runnable tasks from the `tasks` table (woken by NOTIFY, with a timer for
//! delayed retries and a fallback poll, `claiming.rs`); an apalis worker runs up to
//! `concurrency` attempts at once under a `Monitor` with graceful shutdown; a heartbeat
//! renews their leases and re-queues the tasks of workers whose leases expired. Nothing
//! ends on a database error: the claim backs off (bounded) and tries again, so a
//! PostgreSQL restart costs a pause, not the worker.

mod approving;
mod asking;
mod attempt;
mod backend;
mod carry;
mod claiming;
mod delegating;
mod deltas;
mod finishing;

mod lease;
pub mod oneshot;
mod opening;
mod outcome;
mod patience;
mod signals;
mod steps;
mod supervised;
mod ticks;
mod tool_turn;

use std::sync::Arc;
use std::time::Duration;

use std::any::Any;

use apalis::layers::WorkerBuilderExt;
use apalis::layers::catch_panic::CatchPanicLayer;
use apalis_core::monitor::Monitor;
use apalis_core::worker::builder::WorkerBuilder;
use apalis_core::worker::event::Event;
use apalis_core::worker::ext::parallelize::ParallelizeExt;
use tokio_util::sync::CancellationToken;

use backend::TaskQueue;
use errand_core::config::{EventSettings, LimitsSettings, WorkerSettings};
use errand_core::housekeeping::Sweeper;
use errand_core::queues::dispatch::Dispatcher;
use errand_core::runners::model::MAX_TIMEOUT_SECONDS;
use errand_core::runners::versions::VersionCache;
use errand_core::schedules::firing::Scheduler;
use errand_core::telemetry::panic_text;
use errand_core::webhooks::sending::Sender;

use errand_core::Core;
pub use signals::Signals;

/// What a running task needs; shared by every task of a worker.
pub struct Runtime {
    /// The domain's state, on the worker's pool.
    pub core: Core,
    pub runners: VersionCache,
    pub settings: WorkerSettings,
    pub events: EventSettings,
    pub limits: LimitsSettings,
    /// This worker's name: the owner of the leases it takes.
    pub owner: String,
    /// Cancellation and wake-up notifications of this process.
    pub signals: Signals,
}

impl Runtime {
    /// How long a claimed attempt is held without a heartbeat.
    pub fn lease(&self) -> Duration {
        let beats = u32::try_from(self.settings.missed_heartbeats).unwrap_or(u32::MAX);
        Duration::from_secs(self.settings.heartbeat_seconds).saturating_mul(beats)
    }
}

/// The periodic work beside the task worker, each an apalis worker of its own.
pub struct Periodic {
    /// The retention sweep, every `retention.interval_seconds`.
    pub sweeper: Sweeper,
    /// Queue messages into tasks of their runners, every `queues.dispatch_interval_ms`.
    pub dispatcher: Dispatcher,
    /// Schedules' due ticks, every `schedules.tick_interval_ms`.
    pub scheduler: Scheduler,
    /// Outbound webhook deliveries due, every `webhooks.tick_interval_ms`.
    pub sender: Sender,
    pub deliveries_every: Duration,
}

/// Runs the worker until `shutdown` fires, then lets running tasks finish for up to
/// `grace` (their leases renewed); tasks still running after that are dropped and re-run
/// elsewhere once their lease expires. The task worker is an apalis worker on Errand's
/// queue (`backend::TaskQueue`) under a `Monitor`; it ends only with the process: a
/// worker that stops by itself is an error (the process then fails its readiness).
pub async fn run(
    rt: Arc<Runtime>,
    periodic: Periodic,
    shutdown: CancellationToken,
    grace: Duration,
) -> anyhow::Result<()> {
    rt.signals.refresh_limited(&rt.core).await;
    let died = CancellationToken::new();
    let monitor = monitor(&rt, periodic, &shutdown, &died);
    let context = monitor.context();
    tracing::info!(worker = %rt.owner, concurrency = rt.settings.concurrency, "worker started");
    let running = monitor.run();
    tokio::pin!(running);
    let by_itself = tokio::select! {
        ended = &mut running => {
            ended?;
            true
        }
        () = died.cancelled() => true,
        () = shutdown.cancelled() => false,
    };
    let _ = context.shutdown();
    let drained = tokio::time::timeout(grace, &mut running).await;
    if drained.is_err() {
        tracing::warn!(
            worker = %rt.owner,
            "shutdown grace period over; running tasks will be re-run after their lease expires"
        );
        rt.signals.drop_attempts();
    }
    anyhow::ensure!(!by_itself, "a worker stopped by itself");
    if let Ok(ended) = drained {
        ended?;
    }
    tracing::info!(worker = %rt.owner, "worker stopped");
    Ok(())
}

/// The longest an attempt may hold a worker slot, whatever happens inside it: the longest
/// runner timeout, plus time to record the outcome through a database restart. An attempt
/// ends itself at its own deadline (`timed_out`); this bounds one that cannot (its lease is
/// then given up, and the task runs again).
const BACKSTOP: Duration = Duration::from_secs(MAX_TIMEOUT_SECONDS as u64 + 600);

/// The monitor and its workers. A worker that ends while the process is not stopping
/// (an error, a panic in its own loop) cancels `died`, and is not restarted: the process
/// stops and its readiness says so, rather than run on with half a worker.
fn monitor(
    rt: &Arc<Runtime>,
    periodic: Periodic,
    shutdown: &CancellationToken,
    died: &CancellationToken,
) -> Monitor {
    let sweeps = Duration::from_secs(periodic.sweeper.retention.interval_seconds);
    let rounds = Duration::from_millis(periodic.dispatcher.settings.dispatch_interval_ms);
    let sweeper = Arc::new(periodic.sweeper);
    let dispatcher = Arc::new(periodic.dispatcher);
    let fires = Duration::from_millis(periodic.scheduler.core.schedules.tick_interval_ms);
    let scheduler = Arc::new(periodic.scheduler);
    let deliveries = periodic.deliveries_every;
    let sender = Arc::new(periodic.sender);
    Monitor::new()
        // The task worker: at most `concurrency` attempts at once, each on its own tokio
        // task and within `BACKSTOP`; a panic past an attempt's own guard is caught; the
        // acknowledgement gives the lease of either up (`backend::GiveUpLease`).
        .register({
            let rt = rt.clone();
            move |_restarts| {
                WorkerBuilder::new(rt.owner.as_str())
                    .backend(TaskQueue::new(rt.clone()))
                    .concurrency(rt.settings.concurrency)
                    .parallelize(tokio::spawn)
                    .timeout(BACKSTOP)
                    .layer(CatchPanicLayer::with_panic_handler(
                        |panic: &Box<dyn Any + Send>| {
                            lease::AttemptFault(format!(
                                "it panicked: {}",
                                panic_text(panic.as_ref())
                            ))
                        },
                    ))
                    .data(rt.clone())
                    .build(lease::run_task)
            }
        })
        // The retention sweep, every `retention.interval_seconds`.
        .register({
            let stop = shutdown.clone();
            move |_restarts| {
                WorkerBuilder::new("housekeeping")
                    .backend(ticks::Ticks::every(sweeps))
                    .concurrency(1)
                    .data(sweeper.clone())
                    .data(stop.clone())
                    .build(ticks::sweep)
            }
        })
        // Queue messages into tasks, every `queues.dispatch_interval_ms`.
        .register(move |_restarts| {
            WorkerBuilder::new("queues")
                .backend(ticks::Ticks::every(rounds))
                .concurrency(1)
                .data(dispatcher.clone())
                .build(ticks::dispatch)
        })
        // Schedules' due ticks, every `schedules.tick_interval_ms`.
        .register(move |_restarts| {
            WorkerBuilder::new("schedules")
                .backend(ticks::Ticks::every(fires))
                .concurrency(1)
                .data(scheduler.clone())
                .build(ticks::fire)
        })
        // Outbound webhook deliveries due, every `webhooks.tick_interval_ms`.
        .register(move |_restarts| {
            WorkerBuilder::new("webhooks")
                .backend(ticks::Ticks::every(deliveries))
                .concurrency(1)
                .data(sender.clone())
                .build(ticks::deliver)
        })
        .should_restart({
            let died = died.clone();
            move |worker, error| {
                tracing::error!(worker = %worker.name(), error = %error, "worker stopped by itself");
                died.cancel();
                false
            }
        })
        .on_event({
            let (died, shutdown) = (died.clone(), shutdown.clone());
            move |worker, event| match event {
                Event::Error(e) => {
                    tracing::error!(worker = %worker.name(), error = %e, "worker error");
                }
                Event::Exit if !shutdown.is_cancelled() => {
                    tracing::error!(worker = %worker.name(), "worker exited by itself");
                    died.cancel();
                }
                _ => {}
            }
        })
}

/// A name unique to this worker instance: the owner of its leases.
pub fn unique_name() -> String {
    let id = uuid::Uuid::now_v7().simple().to_string();
    format!("errand-{}-{}", std::process::id(), &id[id.len() - 8..])
}
