//! The hub's listening connection: notifications of appended events, forwarded to the
//! fan-out task over a bounded channel. Nothing here may block the connection (a listener
//! that stops reading makes PostgreSQL queue notifications for everyone), so when the
//! channel is full notes are dropped and a `Resync` follows as soon as there is room: the
//! fan-out then re-reads what it watches, and nothing is lost.

use std::time::Duration;

use sqlx::postgres::PgListener;
use tokio::sync::mpsc::{self, error::TrySendError};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// Notes waiting for the fan-out task at most.
pub const NOTE_BUFFER: usize = 8192;

pub enum Note {
    Appended {
        task_id: Uuid,
        seq: i64,
        end: bool,
        /// The task's thread and the event's seq in the thread's log.
        thread: Option<(Uuid, i64)>,
    },
    /// Notifications may have been lost (the connection dropped, or the channel was full):
    /// re-check every watched task.
    Resync,
    /// A thread was deleted: its streams end.
    ThreadDeleted(Uuid),
}

/// Forwards notifications until `shutdown` fires or the fan-out is gone.
pub async fn listen(
    mut listener: PgListener,
    notes: mpsc::Sender<Note>,
    shutdown: CancellationToken,
) {
    let mut owed = false;
    loop {
        let received = tokio::select! {
            () = shutdown.cancelled() => return,
            r = listener.try_recv() => r,
        };
        let note = match received {
            Ok(Some(notification)) => match parse(notification.payload()) {
                Some(note) => note,
                None => {
                    tracing::warn!(payload = notification.payload(), "unknown notification");
                    continue;
                }
            },
            Ok(None) => {
                tracing::warn!("event listener reconnected; re-reading watched tasks");
                Note::Resync
            }
            Err(e) => {
                tracing::warn!(error = %e, "event listener lost its connection; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
                Note::Resync
            }
        };
        if std::mem::take(&mut owed) && !send(&notes, Note::Resync, &mut owed) {
            return;
        }
        if !send(&notes, note, &mut owed) {
            return;
        }
    }
}

/// Sends without waiting; a full channel drops the note and owes a `Resync`. `false` when
/// the fan-out is gone.
fn send(notes: &mpsc::Sender<Note>, note: Note, owed: &mut bool) -> bool {
    match notes.try_send(note) {
        Ok(()) => true,
        Err(TrySendError::Full(_)) => {
            *owed = true;
            true
        }
        Err(TrySendError::Closed(_)) => false,
    }
}

fn parse(payload: &str) -> Option<Note> {
    #[derive(serde::Deserialize)]
    struct Deleted {
        thread_deleted: Uuid,
    }
    if let Ok(deleted) = serde_json::from_str::<Deleted>(payload) {
        return Some(Note::ThreadDeleted(deleted.thread_deleted));
    }
    #[derive(serde::Deserialize)]
    struct Payload {
        task_id: Uuid,
        seq: i64,
        #[serde(default)]
        end: bool,
        #[serde(default)]
        thread_id: Option<Uuid>,
        #[serde(default)]
        thread_seq: Option<i64>,
    }
    let p: Payload = serde_json::from_str(payload).ok()?;
    Some(Note::Appended {
        task_id: p.task_id,
        seq: p.seq,
        end: p.end,
        thread: p.thread_id.zip(p.thread_seq),
    })
}
