//! Announcing appended events after their transaction commits, from one connection.
//!
//! A NOTIFY inside a transaction makes its commit take PostgreSQL's one notification-queue
//! lock and hold it through the commit's WAL flush, so every notifying commit in the
//! database waits for the one before it: measured, ~18 of 64 busy backends sat in that
//! wait and no two commits shared a flush. The hot paths (submit, claim, a model call's
//! step, the outcome, streamed text, tool calls) therefore append without notifying and
//! hand their notes to this process's `Announcer`, which sends everything gathered since
//! its last send as one statement: one pass through the lock for many commits, the
//! workers' wake-ups folded into one.
//!
//! A note goes out only after its rows are committed, so a listener reading the log on
//! it finds them. A process that dies between a commit and its note loses that note; the
//! events stay in the log, and the hubs' periodic re-read of what they watch (their net
//! under lost notifications) delivers them.

use sqlx::PgPool;
use tokio::sync::mpsc;
use uuid::Uuid;

use super::{CHANNEL, WORK_CHANNEL};

/// Notes waiting for the announcer at most; a committer finding it full waits for room
/// (nothing is dropped).
pub const ANNOUNCE_BUFFER: usize = 8192;
/// Notifications sent in one statement at most.
const BATCH: usize = 1024;
/// Sends of one batch tried before it is given up (the database is away: listeners lose
/// their connections too, and re-read what they watch when back).
const TRIES: u32 = 4;

/// What one append announces: the task's last seq, whether it settled, its thread's seq,
/// and whether workers should look for work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub task_id: Uuid,
    pub seq: i64,
    pub end: bool,
    pub thread: Option<(Uuid, i64)>,
    pub wake: bool,
}

impl Note {
    /// The payload the hub's listener parses (`notes::parse`).
    fn payload(&self) -> String {
        serde_json::json!({
            "task_id": self.task_id,
            "seq": self.seq,
            "end": self.end,
            "thread_id": self.thread.map(|t| t.0),
            "thread_seq": self.thread.map(|t| t.1),
        })
        .to_string()
    }
}

/// The notes of one transaction, to announce once it has committed.
#[derive(Debug, Default)]
#[must_use = "notes are announced after the commit"]
pub struct Notes(pub(crate) Vec<Note>);

impl Notes {
    pub fn push(&mut self, note: Note) {
        self.0.push(note);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Sends this process's notes (cheap to clone: a channel's sender).
#[derive(Clone)]
pub struct Announcer {
    notes: mpsc::Sender<Note>,
}

impl Announcer {
    /// Starts the sending task on `pool` (on the current Tokio runtime); it ends when the
    /// last `Announcer` is dropped.
    pub fn start(pool: PgPool) -> Self {
        let (notes, received) = mpsc::channel(ANNOUNCE_BUFFER);
        tokio::spawn(send_loop(pool, received));
        Self { notes }
    }

    /// Announces a committed transaction's notes.
    pub async fn announce(&self, notes: Notes) {
        for note in notes.0 {
            // Closed only when the runtime shuts down: nobody is listening then.
            let _ = self.notes.send(note).await;
        }
    }
}

async fn send_loop(pool: PgPool, mut received: mpsc::Receiver<Note>) {
    let mut batch = Vec::with_capacity(BATCH);
    while received.recv_many(&mut batch, BATCH).await > 0 {
        let (channels, payloads) = statement_arguments(&batch);
        batch.clear();
        for attempt in 1..=TRIES {
            let sent = sqlx::query(
                "SELECT pg_notify(c, p) FROM unnest($1::text[], $2::text[]) AS n(c, p)",
            )
            .bind(&channels)
            .bind(&payloads)
            .execute(&pool)
            .await;
            match sent {
                Ok(_) => break,
                Err(e) if attempt == TRIES => {
                    tracing::warn!(error = %e, notes = payloads.len(), "cannot announce events; listeners re-read on reconnecting");
                }
                Err(_) => {
                    tokio::time::sleep(std::time::Duration::from_millis(50 << attempt)).await;
                }
            }
        }
    }
}

/// One notification per note, and one wake-up for the workers if any note asks for it.
fn statement_arguments(batch: &[Note]) -> (Vec<&'static str>, Vec<String>) {
    let mut channels = Vec::with_capacity(batch.len() + 1);
    let mut payloads = Vec::with_capacity(batch.len() + 1);
    for note in batch {
        channels.push(CHANNEL);
        payloads.push(note.payload());
    }
    if batch.iter().any(|n| n.wake) {
        channels.push(WORK_CHANNEL);
        payloads.push(String::new());
    }
    (channels, payloads)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_wakes_the_workers_once() {
        let note = |wake| Note {
            task_id: Uuid::nil(),
            seq: 1,
            end: false,
            thread: None,
            wake,
        };
        let (channels, payloads) = statement_arguments(&[note(true), note(false), note(true)]);
        assert_eq!(channels, [CHANNEL, CHANNEL, CHANNEL, WORK_CHANNEL]);
        assert_eq!(payloads[3], "");
        let (channels, _) = statement_arguments(&[note(false)]);
        assert_eq!(channels, [CHANNEL]);
    }

    #[test]
    fn the_payload_is_what_the_listener_reads() {
        let id = Uuid::now_v7();
        let thread = Uuid::now_v7();
        let note = Note {
            task_id: id,
            seq: 7,
            end: true,
            thread: Some((thread, 3)),
            wake: false,
        };
        let parsed: serde_json::Value = serde_json::from_str(&note.payload()).unwrap();
        assert_eq!(
            parsed,
            serde_json::json!({"task_id": id, "seq": 7, "end": true, "thread_id": thread, "thread_seq": 3})
        );
    }
}
