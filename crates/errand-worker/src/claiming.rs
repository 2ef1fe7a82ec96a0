//! Claiming runnable tasks: when to look (a wake-up, a delayed task coming due, the
//! fallback poll), how many (the worker's free slots), and riding out an absent database
//! (a failed claim is tried again with bounded back-off; it never ends the worker).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::{Runtime, patience};
use errand_core::tasks::lifecycle::{self, Pick};
use errand_core::tasks::model::Task;
use errand_core::tasks::queue;

/// The claim loop's state between batches.
pub struct ClaimLoop {
    rt: Arc<Runtime>,
    claimer: Claimer,
    /// Whether there may be work: at start, after a wake-up or a timer, or when the last
    /// claim filled every free slot.
    look: bool,
    idle_until: Instant,
    failures: u32,
    /// Tasks the worker runs (handed out, not yet acknowledged): the claim takes its
    /// concurrency less these.
    in_flight: Arc<AtomicUsize>,
    /// The worker closes: stop waiting (a claim already sent completes).
    closing: CancellationToken,
}

impl ClaimLoop {
    pub fn new(rt: Arc<Runtime>, in_flight: Arc<AtomicUsize>, closing: CancellationToken) -> Self {
        Self {
            rt,
            claimer: Claimer::default(),
            look: true,
            idle_until: Instant::now(),
            failures: 0,
            in_flight,
            closing,
        }
    }

    /// Waits for the next claimed tasks (at least one, unless the worker closes). New work
    /// always announces itself (NOTIFY), so between claims it sleeps until a wake-up, the
    /// next delayed task's time, or the fallback poll.
    pub async fn next(mut self) -> (Self, Vec<Task>) {
        let poll = Duration::from_millis(self.rt.settings.poll_interval_ms);
        loop {
            if self.closing.is_cancelled() {
                return (self, Vec::new());
            }
            // Claimed only with a free permit: one, at least.
            let running = self.in_flight.load(Ordering::SeqCst);
            let free = self.rt.settings.concurrency.saturating_sub(running).max(1);
            if self.rt.signals.limits_changed.swap(false, Ordering::SeqCst) {
                self.rt.signals.refresh_limited(&self.rt.core).await;
            }
            if self.look {
                self.idle_until = Instant::now() + poll;
                let limited = self.rt.signals.limited();
                match self.claimer.claim(&self.rt, free, limited).await {
                    Ok((tasks, next_due)) => {
                        self.failures = 0;
                        self.look = tasks.len() == free;
                        if let Some(due) = next_due {
                            self.idle_until = self.idle_until.min(due);
                        }
                        if !tasks.is_empty() {
                            return (self, tasks);
                        }
                    }
                    Err(e) => {
                        self.failures += 1;
                        let wait = patience::backoff(self.failures);
                        tracing::warn!(error = %e, retry_in_ms = wait.as_millis() as u64, "cannot claim tasks; retrying");
                        self.idle_until = Instant::now() + wait;
                        self.look = false;
                    }
                }
            }
            tokio::select! {
                () = self.rt.signals.work.notified() => {}
                () = tokio::time::sleep_until(self.idle_until) => {}
                () = self.closing.cancelled() => return (self, Vec::new()),
            }
            self.look = true;
        }
    }
}

/// The claim's own connection, with `synchronous_commit = off` for the session: a claim
/// lost in a crash only means the task is claimed again after its lease, so a claim is one
/// autocommit statement that waits for no WAL flush. Re-opened after an error.
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
        // The claim commits as it returns (autocommit).
        rt.core.announcer.announce(claimed.notes).await;
        let tasks = claimed.tasks;
        let next_due = if tasks.is_empty() {
            queue::next_due(&mut *conn, rt.core.priority_aging.max_lead())
                .await?
                .map(|at| {
                    let wait = (at - chrono::Utc::now()).to_std().unwrap_or(Duration::ZERO);
                    Instant::now() + wait
                })
        } else {
            None
        };
        let now = chrono::Utc::now();
        for task in &tasks {
            tracing::info!(task_id = %task.id, attempt = task.attempts, runner = %task.runner, "task started");
            // A first attempt waited since its submission (a retry since its back-off ended,
            // which the task does not carry: not counted).
            if task.attempts == 1 && !task.resumed {
                let waited = (now - task.created_at).to_std().unwrap_or_default();
                rt.core.meters.task_picked_up(waited);
            }
        }
        Ok((tasks, next_due))
    }
}
