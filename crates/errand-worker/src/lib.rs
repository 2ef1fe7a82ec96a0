//! The background worker: claims runnable tasks from the `tasks` table (woken by NOTIFY,
//! with a timer for delayed retries and a fallback poll), runs up to `concurrency` attempts
//! at once, renews their leases with its heartbeat, and re-queues the tasks of workers
//! whose leases expired. The loop never ends on a database error: it backs off (bounded)
//! and tries again, so a PostgreSQL restart costs a pause, not the worker.

mod asking;
mod attempt;
mod delegating;
mod deltas;
pub mod handler;
mod lease;
pub mod oneshot;
mod opening;
mod outcome;
mod patience;
mod signals;
mod steps;
mod tool_turn;

use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use errand_core::config::{EventSettings, LimitsSettings, WorkerSettings};
use errand_core::runners::versions::VersionCache;
use errand_core::tasks::lifecycle::{self, Pick};
use errand_core::tasks::model::Task;
use errand_core::tasks::queue;

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

/// Runs the worker until `shutdown` fires, then lets running tasks finish for up to
/// `grace` (renewing their leases); tasks still running after that are dropped and re-run
/// elsewhere once their lease expires.
pub async fn run(
    rt: Arc<Runtime>,
    shutdown: CancellationToken,
    grace: Duration,
) -> anyhow::Result<()> {
    let s = &rt.settings;
    let mut running: JoinSet<()> = JoinSet::new();
    let mut heartbeat = tokio::time::interval(Duration::from_secs(s.heartbeat_seconds));
    let mut questions = tokio::time::interval(Duration::from_millis(s.question_check_ms.max(1)));
    let poll = Duration::from_millis(s.poll_interval_ms);
    let mut claimer = Claimer::default();
    let mut failures = 0u32;
    // Claim when there may be work: at start, on a wake-up, on a timer, or when the last
    // claim filled every free slot. New work always announces itself (NOTIFY), so a
    // finished task alone is no reason to look — unless projects' running tasks are
    // limited, when it may let a held-back task start (checked again every heartbeat).
    let mut look = true;
    let mut limited = queue::limited(&rt.core.pool, rt.core.project_max_running)
        .await
        .unwrap_or(true);
    let mut idle_until = Instant::now() + poll;
    tracing::info!(worker = %rt.owner, concurrency = s.concurrency, "worker started");
    while !shutdown.is_cancelled() {
        let free = s.concurrency.saturating_sub(running.len());
        if rt
            .signals
            .limits_changed
            .swap(false, std::sync::atomic::Ordering::SeqCst)
        {
            limited = queue::limited(&rt.core.pool, rt.core.project_max_running)
                .await
                .unwrap_or(true);
        }
        if look && free > 0 {
            idle_until = Instant::now() + poll;
            match claimer.claim(&rt, free, limited).await {
                Ok((tasks, next_due)) => {
                    failures = 0;
                    look = tasks.len() == free;
                    for task in tasks {
                        running.spawn(lease::run_task(rt.clone(), task));
                    }
                    if let Some(due) = next_due {
                        idle_until = idle_until.min(due);
                    }
                    if look {
                        continue;
                    }
                }
                Err(e) => {
                    failures += 1;
                    let wait = patience::backoff(failures);
                    tracing::warn!(error = %e, retry_in_ms = wait.as_millis() as u64, "cannot claim tasks; retrying");
                    idle_until = Instant::now() + wait;
                }
            }
        }
        tokio::select! {
            () = shutdown.cancelled() => {}
            () = rt.signals.work.notified() => look = true,
            Some(done) = running.join_next(), if !running.is_empty() => {
                lease::report(done);
                look |= limited;
            }
            _ = questions.tick() => asking::expire_due(&rt.core.pool).await,
            _ = heartbeat.tick() => {
                lease::beat(&rt).await;
                limited = queue::limited(&rt.core.pool, rt.core.project_max_running)
                    .await
                    .unwrap_or(limited);
            }
            () = tokio::time::sleep_until(idle_until) => look = true,
        }
    }
    lease::drain(&rt, running, &mut heartbeat, grace).await;
    tracing::info!(worker = %rt.owner, "worker stopped");
    Ok(())
}

/// The claim loop's own connection, with `synchronous_commit = off` for the session: a
/// claim lost in a crash only means the task is claimed again after its lease, so a claim
/// is one autocommit statement that waits for no WAL flush. Re-opened after an error.
#[derive(Default)]
struct Claimer {
    conn: Option<sqlx::PgConnection>,
    /// Whether more than one project had queued tasks at the last claim: then claims are
    /// fair (`Pick::Fair`), else the fast `Pick::Oldest` (one project cannot be unfair to
    /// itself). A new project's first tasks wait at most one claim for the switch.
    several_projects: bool,
}

impl Claimer {
    /// Claims up to `free` runnable tasks; when it got none, also when the next delayed
    /// one becomes due (so the loop can sleep until then).
    async fn claim(
        &mut self,
        rt: &Runtime,
        free: usize,
        limited: bool,
    ) -> anyhow::Result<(Vec<Task>, Option<Instant>)> {
        let result = self.try_claim(rt, free, limited).await;
        if result.is_err() {
            self.conn = None;
        }
        result
    }

    async fn try_claim(
        &mut self,
        rt: &Runtime,
        free: usize,
        limited: bool,
    ) -> anyhow::Result<(Vec<Task>, Option<Instant>)> {
        let conn = match &mut self.conn {
            Some(conn) => conn,
            None => {
                let mut conn = rt.core.pool.acquire().await?.detach();
                sqlx::query("SET synchronous_commit = off")
                    .execute(&mut conn)
                    .await?;
                self.conn.insert(conn)
            }
        };
        let limit = i64::try_from(free).unwrap_or(i64::MAX);
        let pick = if self.several_projects || limited {
            Pick::Fair {
                limit,
                max_running: rt.core.project_max_running,
            }
        } else {
            Pick::Oldest(limit)
        };
        let claimed = lifecycle::claim(conn, pick, &rt.owner, rt.lease()).await?;
        if !claimed.tasks.is_empty() {
            self.several_projects = claimed.several_projects;
        }
        let tasks = claimed.tasks;
        let next_due = if tasks.is_empty() {
            queue::next_due(&mut *conn).await?.map(|at| {
                let wait = (at - chrono::Utc::now()).to_std().unwrap_or(Duration::ZERO);
                Instant::now() + wait
            })
        } else {
            None
        };
        for task in &tasks {
            tracing::info!(task_id = %task.id, attempt = task.attempts, runner = %task.runner, "task started");
        }
        Ok((tasks, next_due))
    }
}

/// A name unique to this worker instance: the owner of its leases.
pub fn unique_name() -> String {
    let id = uuid::Uuid::now_v7().simple().to_string();
    format!("errand-{}-{}", std::process::id(), &id[id.len() - 8..])
}
