//! Live fan-out of task events inside one process. ONE connection LISTENs on the events
//! channel, whose notifications name a task and a seq but carry no data. For the tasks
//! somebody here watches, the hub reads the new rows once per batch of notifications (one
//! query for all of them) and broadcasts each event, rendered once as an SSE frame, to
//! every subscriber in memory. So any API process can stream a task any worker runs, and
//! 10,000 watchers of one task cost one read per event, not 10,000.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tokio::sync::{broadcast, mpsc};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::CHANNEL;
use super::frames::read_until_done;
pub use super::frames::{Fresh, LiveEvent, Log, frame, thread_frame};
use super::notes::{NOTE_BUFFER, Note, listen};

/// Live events of one log, from the moment of subscribing.
pub type Subscription = broadcast::Receiver<Arc<LiveEvent>>;

/// Fires when the task's terminal event is appended (and, to be safe, after the listener
/// reconnected); closed when the hub stops. Costs no read of the log.
pub type EndSignal = broadcast::Receiver<()>;

/// A handle on the process's hub. Cheap to clone.
#[derive(Clone)]
pub struct Hub {
    inner: Arc<Inner>,
}

struct Inner {
    /// `None` once the hub stopped, which closes every subscription.
    watched: Mutex<Option<Watched>>,
    capacity: usize,
    /// The task statuses a wait ends on (the tasks module's one list, passed in: the hub
    /// sits below tasks and does not import it).
    settled: Vec<&'static str>,
}

#[derive(Default)]
struct Watched {
    /// Logs somebody streams.
    streams: HashMap<Log, Channel>,
    /// Tasks whose end somebody waits for.
    ends: HashMap<Uuid, broadcast::Sender<()>>,
}

struct Channel {
    sender: broadcast::Sender<Arc<LiveEvent>>,
    /// The last seq broadcast; `None` before the first (earlier events predate every
    /// subscriber, which read them from the database).
    last: Option<i64>,
}

/// Channels nobody listens to any more are dropped this often.
const SWEEP_EVERY: Duration = Duration::from_secs(10);

/// A re-read after lost notifications sends at most this many of a task's latest events;
/// a subscriber further behind fills the gap from the database itself.
const RESYNC_EVENTS: i64 = 100;

impl Hub {
    /// Connects the listener and starts the hub's two tasks (listen, fan out) on the
    /// current runtime; they stop when `shutdown` fires. `pool` is the hub's own: it holds
    /// the listening connection and reads new events.
    pub async fn start(
        pool: PgPool,
        capacity: usize,
        resync_every: Duration,
        settled: Vec<&'static str>,
        shutdown: CancellationToken,
    ) -> anyhow::Result<(Self, JoinHandle<()>)> {
        let mut listener = PgListener::connect_with(&pool).await?;
        listener.listen(CHANNEL).await?;
        let hub = Self {
            inner: Arc::new(Inner {
                watched: Mutex::new(Some(Watched::default())),
                capacity: capacity.max(1),
                settled,
            }),
        };
        let (notes, received) = mpsc::channel(NOTE_BUFFER);
        let listening = tokio::spawn(listen(listener, notes, shutdown.clone()));
        let fan_out = hub.clone();
        let handle = tokio::spawn(async move {
            fan_out
                .fan_out(pool, received, resync_every, shutdown)
                .await;
            listening.abort();
            // Dropping every sender ends every subscription.
            fan_out.lock().take();
        });
        Ok((hub, handle))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Watched>> {
        self.inner
            .watched
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Live events of `log` appended from now on. Read the backlog from the database
    /// only after subscribing, so nothing falls between the two.
    pub fn subscribe(&self, log: Log) -> Subscription {
        let mut guard = self.lock();
        match guard.as_mut() {
            Some(watched) => watched
                .streams
                .entry(log)
                .or_insert_with(|| Channel {
                    sender: broadcast::channel(self.inner.capacity).0,
                    last: None,
                })
                .sender
                .subscribe(),
            // Stopped: a subscription that is already closed.
            None => broadcast::channel(1).1,
        }
    }

    /// A signal for the end of `task_id` from now on. Check the task only after taking it.
    pub fn watch_end(&self, task_id: Uuid) -> EndSignal {
        let mut guard = self.lock();
        match guard.as_mut() {
            Some(watched) => watched
                .ends
                .entry(task_id)
                .or_insert_with(|| broadcast::channel(1).0)
                .subscribe(),
            None => broadcast::channel(1).1,
        }
    }

    async fn fan_out(
        &self,
        pool: PgPool,
        mut received: mpsc::Receiver<Note>,
        resync_every: Duration,
        shutdown: CancellationToken,
    ) {
        let mut sweep = tokio::time::interval(SWEEP_EVERY);
        // Also a net under lost notifications: a stream or a wait never hangs on one.
        let mut resync = tokio::time::interval(resync_every);
        loop {
            let first = tokio::select! {
                () = shutdown.cancelled() => return,
                _ = sweep.tick() => {
                    if let Some(watched) = self.lock().as_mut() {
                        watched.streams.retain(|_, c| c.sender.receiver_count() > 0);
                        watched.ends.retain(|_, e| e.receiver_count() > 0);
                    }
                    continue;
                }
                _ = resync.tick() => Note::Resync,
                note = received.recv() => match note {
                    Some(note) => note,
                    None => return,
                },
            };
            let mut batch = vec![first];
            while batch.len() < 4096 {
                match received.try_recv() {
                    Ok(note) => batch.push(note),
                    Err(_) => break,
                }
            }
            let (mut wanted, resync_now) = self.wanted(&batch);
            if resync_now {
                tokio::select! {
                    () = shutdown.cancelled() => return,
                    () = self.resync(&pool, &mut wanted) => {}
                }
            }
            if wanted.is_empty() {
                continue;
            }
            let rows = tokio::select! {
                () = shutdown.cancelled() => return,
                rows = read_until_done(&pool, &wanted) => rows,
            };
            self.broadcast(rows);
        }
    }

    /// The tasks watched (streamed or waited for) and the threads streamed; `None` when
    /// the hub has stopped.
    fn watched_ids(&self) -> Option<(Vec<Uuid>, Vec<Uuid>)> {
        let guard = self.lock();
        let w = guard.as_ref()?;
        let logs = w.streams.keys();
        let tasks = logs.clone().filter_map(|l| match l {
            Log::Task(id) => Some(*id),
            Log::Thread(_) => None,
        });
        let threads = logs.filter_map(|l| match l {
            Log::Thread(id) => Some(*id),
            Log::Task(_) => None,
        });
        Some((
            tasks.chain(w.ends.keys().copied()).collect(),
            threads.collect(),
        ))
    }

    /// Per log: its id, last seq, whether (a task) it settled, and whether it is a thread.
    async fn last_seqs(
        &self,
        pool: &PgPool,
        tasks: &[Uuid],
        threads: &[Uuid],
    ) -> sqlx::Result<Vec<(Uuid, i64, bool, bool)>> {
        sqlx::query_as(
            "SELECT id, last_event_seq, status = ANY($3), false
             FROM tasks WHERE id = ANY($1)
             UNION ALL
             SELECT id, last_event_seq, false, true FROM threads WHERE id = ANY($2)",
        )
        .bind(tasks)
        .bind(threads)
        .bind(&self.inner.settled)
        .fetch_all(pool)
        .await
    }

    /// After notifications may have been lost: signals the waiters whose task ended, and
    /// adds to `wanted` every streamed task with events not yet broadcast (at most its
    /// latest `RESYNC_EVENTS`). A failed read is logged; the next resync tries again.
    async fn resync(&self, pool: &PgPool, wanted: &mut HashMap<Log, i64>) {
        let Some((tasks, threads)) = self.watched_ids() else {
            return;
        };
        if tasks.is_empty() && threads.is_empty() {
            return;
        }
        let rows = match self.last_seqs(pool, &tasks, &threads).await {
            Ok(rows) => rows,
            Err(e) => {
                tracing::warn!(error = %e, "cannot re-check watched tasks; trying again later");
                return;
            }
        };
        let mut guard = self.lock();
        let Some(watched) = guard.as_mut() else {
            return;
        };
        // A thread asked about but not found was deleted (its notice may have been lost).
        for id in &threads {
            if !rows
                .iter()
                .any(|(found, _, _, thread)| *thread && found == id)
            {
                close_thread(&mut watched.streams, *id);
            }
        }
        for (id, last_seq, ended, thread) in rows {
            if ended && let Some(signal) = watched.ends.remove(&id) {
                let _ = signal.send(());
            }
            let log = if thread {
                Log::Thread(id)
            } else {
                Log::Task(id)
            };
            let Some(channel) = watched.streams.get(&log) else {
                continue;
            };
            let sent = channel.last.unwrap_or(0);
            if last_seq > sent {
                let after = sent.max(last_seq - RESYNC_EVENTS);
                wanted
                    .entry(log)
                    .and_modify(|a| *a = (*a).min(after))
                    .or_insert(after);
            }
        }
    }

    /// Signals the ends in the batch, and returns for each streamed log in it the seq
    /// after which to read, and whether a resync is needed.
    fn wanted(&self, batch: &[Note]) -> (HashMap<Log, i64>, bool) {
        let mut wanted = HashMap::new();
        let mut resync = false;
        let mut guard = self.lock();
        let Some(watched) = guard.as_mut() else {
            return (wanted, false);
        };
        for note in batch {
            let channels = &watched.streams;
            match *note {
                Note::Resync => resync = true,
                Note::ThreadDeleted(id) => close_thread(&mut watched.streams, id),
                Note::Appended {
                    task_id,
                    seq,
                    end,
                    thread,
                } => {
                    if end && let Some(signal) = watched.ends.remove(&task_id) {
                        let _ = signal.send(());
                    }
                    let logs = std::iter::once((Log::Task(task_id), seq))
                        .chain(thread.map(|(id, seq)| (Log::Thread(id), seq)));
                    for (log, seq) in logs {
                        let Some(channel) = channels.get(&log) else {
                            continue;
                        };
                        if channel.last.is_some_and(|last| seq <= last) {
                            continue;
                        }
                        let after = channel.last.unwrap_or(seq - 1);
                        wanted
                            .entry(log)
                            .and_modify(|a: &mut i64| *a = (*a).min(after))
                            .or_insert(after);
                    }
                }
            }
        }
        (wanted, resync)
    }

    fn broadcast(&self, rows: Vec<Fresh>) {
        let mut guard = self.lock();
        let Some(channels) = guard.as_mut().map(|w| &mut w.streams) else {
            return;
        };
        for row in rows {
            let log = row.log();
            let Some(channel) = channels.get_mut(&log) else {
                continue;
            };
            let event = Arc::new(row.live());
            if channel.last.is_some_and(|last| event.seq <= last) {
                continue;
            }
            channel.last = Some(event.seq);
            let terminal = event.terminal;
            // No receivers is not an error: the sweep drops the channel later.
            let _ = channel.sender.send(event);
            if terminal {
                // Nothing follows a terminal event; subscribers still get what is buffered.
                channels.remove(&log);
            }
        }
    }
}

/// Ends every stream on the deleted thread `id` with its last frame.
fn close_thread(streams: &mut HashMap<Log, Channel>, id: Uuid) {
    if let Some(channel) = streams.remove(&Log::Thread(id)) {
        let _ = channel.sender.send(Arc::new(LiveEvent::thread_deleted(id)));
    }
}
