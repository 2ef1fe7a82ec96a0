//! The worker's one listening connection: wake-ups when a task is queued, and cancellation
//! requests for the tasks this process runs. Notifications only say "look now"; the task
//! rows say what is true. After the connection was lost (notifications may have been
//! missed) the worker is woken and every running task checks its row, so a lost
//! notification costs latency, never a stuck task. The connection is re-established with
//! bounded back-off for as long as the worker runs.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use errand_core::tasks::queue::{self, CANCEL, LIMITS_CHANGED, WORK};

/// Running tasks by id, each with the signal that makes it check its row.
type Running = Arc<Mutex<HashMap<Uuid, Arc<Notify>>>>;

#[derive(Clone, Default)]
pub struct Signals {
    /// Fired when a task may have become runnable. `notify_one` keeps a permit, so a
    /// wake-up that arrives while the worker is busy claiming is not lost.
    pub work: Arc<Notify>,
    /// Set when a project's running limit was set: the claim loop re-reads whether any
    /// limit exists before it claims again.
    pub limits_changed: Arc<AtomicBool>,
    /// Whether any project's running tasks are limited: then claims are fair, and a
    /// finished task may let a held-back one start (re-read every heartbeat).
    limited: Arc<AtomicBool>,
    /// Cancelled when the shutdown grace period is over: running attempts stop.
    drop_attempts: CancellationToken,
    running: Running,
}

/// A running task's registration: `checked` resolves when it should look at its row
/// (a cancellation was requested, or notifications may have been missed).
pub struct Watch {
    id: Uuid,
    signal: Arc<Notify>,
    running: Running,
}

impl Watch {
    pub async fn checked(&self) {
        self.signal.notified().await;
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        lock(&self.running).remove(&self.id);
    }
}

fn lock(running: &Running) -> std::sync::MutexGuard<'_, HashMap<Uuid, Arc<Notify>>> {
    running
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Signals {
    /// Listens until `shutdown` fires.
    pub fn start(pool: PgPool, shutdown: CancellationToken) -> (Self, JoinHandle<()>) {
        let signals = Self::default();
        let handle = tokio::spawn(signals.clone().listen(pool, shutdown));
        (signals, handle)
    }

    /// Resolves when running attempts must stop (the shutdown grace period is over).
    pub async fn attempts_dropped(&self) {
        self.drop_attempts.cancelled().await;
    }

    /// Stops every running attempt of this process.
    pub fn drop_attempts(&self) {
        self.drop_attempts.cancel();
    }

    pub fn limited(&self) -> bool {
        self.limited.load(Ordering::SeqCst)
    }

    /// Reads again whether any project's running tasks are limited (kept as it was when
    /// the database cannot say).
    pub async fn refresh_limited(&self, core: &errand_core::Core) {
        let now = self.limited();
        let limited = queue::limited(&core.pool, core.project_max_running)
            .await
            .unwrap_or(now);
        self.limited.store(limited, Ordering::SeqCst);
    }

    /// A task this process ran has ended: under running limits, a held-back task may
    /// start now.
    pub fn task_ended(&self) {
        if self.limited() {
            self.work.notify_one();
        }
    }

    /// Registers a task this process runs.
    pub fn watch(&self, id: Uuid) -> Watch {
        let signal = Arc::new(Notify::new());
        lock(&self.running).insert(id, signal.clone());
        Watch {
            id,
            signal,
            running: self.running.clone(),
        }
    }

    /// The tasks this process runs.
    pub fn running(&self) -> Vec<Uuid> {
        lock(&self.running).keys().copied().collect()
    }

    /// Wakes the worker and has every running task check its row.
    fn recheck_all(&self) {
        self.work.notify_one();
        for signal in lock(&self.running).values() {
            signal.notify_one();
        }
    }

    async fn listen(self, pool: PgPool, shutdown: CancellationToken) {
        let mut wait = Duration::from_millis(100);
        let mut listener = loop {
            let connected = async {
                let mut listener = PgListener::connect_with(&pool).await?;
                listener.listen_all([WORK, CANCEL]).await?;
                Ok::<_, sqlx::Error>(listener)
            };
            match connected.await {
                Ok(listener) => break listener,
                Err(e) => {
                    tracing::warn!(error = %e, "worker cannot listen for notifications yet; retrying");
                    if pause(&shutdown, &mut wait).await {
                        return;
                    }
                }
            }
        };
        // Whatever was announced before we listened.
        self.recheck_all();
        loop {
            let received = tokio::select! {
                () = shutdown.cancelled() => return,
                r = listener.try_recv() => r,
            };
            match received {
                Ok(Some(note)) => {
                    wait = Duration::from_millis(100);
                    if note.channel() == CANCEL {
                        if let Ok(id) = note.payload().parse::<Uuid>()
                            && let Some(signal) = lock(&self.running).get(&id)
                        {
                            signal.notify_one();
                        }
                    } else {
                        if note.payload() == LIMITS_CHANGED {
                            self.limits_changed.store(true, Ordering::SeqCst);
                        }
                        self.work.notify_one();
                    }
                }
                // The connection was lost; the next `try_recv` reconnects. Anything sent
                // meanwhile is unknown: look at everything again.
                Ok(None) => {
                    tracing::warn!("worker notification listener reconnecting");
                    self.recheck_all();
                }
                Err(e) => {
                    tracing::warn!(error = %e, "worker notification listener cannot reconnect yet");
                    self.recheck_all();
                    if pause(&shutdown, &mut wait).await {
                        return;
                    }
                }
            }
        }
    }
}

/// Sleeps `wait` (doubling it up to 5 s for next time); `true` when shutting down.
async fn pause(shutdown: &CancellationToken, wait: &mut Duration) -> bool {
    let now = *wait;
    *wait = (*wait * 2).min(Duration::from_secs(5));
    tokio::select! {
        () = shutdown.cancelled() => true,
        () = tokio::time::sleep(now) => false,
    }
}
