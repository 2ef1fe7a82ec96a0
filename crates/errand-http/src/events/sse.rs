//! One log's events (a task's, or a thread's) as a Server-Sent Events stream: the backlog after a seq from the
//! database, then live events from the hub, with no gap and no duplicate. The subscription
//! is taken before the backlog is read, and events are de-duplicated by seq; a gap (a
//! lagging subscriber, a lost notification) is filled from the database.

use std::collections::VecDeque;
use std::time::Duration;

use bytes::Bytes;
use futures::Stream;
use sqlx::PgPool;
use tokio::sync::broadcast::error::RecvError;
use tokio::time::{Interval, MissedTickBehavior};

use errand_core::events::hub::{LiveEvent, Log, Subscription, frame, thread_frame};
use errand_core::events::kind;

/// Events read from the database at a time.
const PAGE: i64 = 500;

const HEARTBEAT: &[u8] = b": keep-alive\n\n";

pub struct Tail {
    live: Subscription,
    pool: PgPool,
    log: Log,
    /// The last seq sent (or skipped by the client's `Last-Event-ID`).
    last: i64,
    /// The database holds events newer than `last` that live delivery will not bring.
    behind: bool,
    /// The task had ended when the stream opened: once the database is drained, stop even
    /// without a terminal event (retention may have deleted the log).
    ended: bool,
    /// The terminal event is queued; close after it.
    done: bool,
    queue: VecDeque<Bytes>,
    heartbeat: Interval,
    /// Bytes of event data read from the database at a time.
    page_bytes: usize,
}

impl Tail {
    /// `live` must be subscribed before this reads anything. Reads the first page of the
    /// backlog.
    pub async fn open(
        live: Subscription,
        pool: PgPool,
        log: Log,
        after: i64,
        ended: bool,
        heartbeat: Duration,
        page_bytes: usize,
    ) -> sqlx::Result<Self> {
        let mut heartbeat =
            tokio::time::interval_at(tokio::time::Instant::now() + heartbeat, heartbeat);
        heartbeat.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut tail = Self {
            live,
            pool,
            log,
            last: after,
            behind: true,
            ended,
            done: false,
            queue: VecDeque::new(),
            heartbeat,
            page_bytes,
        };
        tail.read_backlog().await?;
        Ok(tail)
    }

    /// Nothing will ever be sent: the task ended and every event is at or before `after`.
    pub fn is_exhausted(&self) -> bool {
        self.queue.is_empty() && !self.behind && (self.ended || self.done)
    }

    pub fn into_stream(self) -> impl Stream<Item = Result<Bytes, actix_web::Error>> {
        futures::stream::unfold(self, |mut tail| async move {
            tail.next_frame().await.map(|frame| (Ok(frame), tail))
        })
    }

    async fn next_frame(&mut self) -> Option<Bytes> {
        loop {
            if let Some(frame) = self.queue.pop_front() {
                return Some(frame);
            }
            if self.done {
                return None;
            }
            if self.behind {
                if let Err(e) = self.read_backlog().await {
                    // The client reconnects with Last-Event-ID and loses nothing.
                    tracing::warn!(log = ?self.log, error = %e, "event stream ends: cannot read events");
                    return None;
                }
                continue;
            }
            if self.ended {
                return None;
            }
            tokio::select! {
                received = self.live.recv() => match received {
                    Ok(event) => self.take_live(&event),
                    Err(RecvError::Lagged(_)) => self.behind = true,
                    // The hub stopped: this process is shutting down.
                    Err(RecvError::Closed) => return None,
                },
                _ = self.heartbeat.tick() => return Some(Bytes::from_static(HEARTBEAT)),
            }
        }
    }

    fn take_live(&mut self, event: &LiveEvent) {
        if event.gone {
            self.queue.push_back(event.frame.clone());
            self.done = true;
            self.behind = false;
            return;
        }
        if event.seq <= self.last {
            return;
        }
        if event.seq > self.last + 1 {
            // Something between was missed live; the database has it (and this one).
            self.behind = true;
            return;
        }
        self.last = event.seq;
        self.done = event.terminal;
        self.queue.push_back(event.frame.clone());
    }

    async fn read_backlog(&mut self) -> sqlx::Result<()> {
        let task_id = match self.log {
            Log::Task(id) => id,
            Log::Thread(id) => {
                let page = errand_core::events::list_thread(
                    &self.pool,
                    id,
                    self.last,
                    PAGE,
                    self.page_bytes,
                )
                .await?;
                self.behind = page.more;
                for event in &page.events {
                    self.last = event.thread_seq;
                    self.queue.push_back(thread_frame(event));
                }
                return Ok(());
            }
        };
        let page = errand_core::events::list(&self.pool, task_id, self.last, PAGE, self.page_bytes)
            .await?;
        self.behind = page.more;
        for event in &page.events {
            self.last = event.seq;
            self.queue.push_back(frame(event));
            if kind::is_terminal(&event.kind) {
                self.done = true;
                self.behind = false;
                break;
            }
        }
        Ok(())
    }
}
