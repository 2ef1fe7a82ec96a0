//! Streamed model text as `message.delta` events: coalesced (one event per
//! `events.delta_flush_ms` or `events.delta_flush_bytes`), written while the attempt owns
//! the task, and kept whole as the partial output in case the task is cancelled mid-call.

use std::time::Duration;

use serde_json::{Value, json};
use sqlx::PgPool;
use tokio::sync::mpsc;
use tokio::time::Instant;
use uuid::Uuid;

use super::carry::Partial;
use super::patience::persist;
use errand_core::config::EventSettings;
use errand_core::db;
use errand_core::events::{self, Announcer, Notes, Seqs, kind};
use errand_core::llm::Delta;

/// Where streamed text goes: the log, then this process's announcer.
#[derive(Clone)]
pub struct Sink {
    pub pool: PgPool,
    pub announcer: Announcer,
}

/// When streamed text is logged.
#[derive(Debug, Clone, Copy)]
pub struct Flush {
    every: Duration,
    bytes: usize,
}

impl From<&EventSettings> for Flush {
    fn from(s: &EventSettings) -> Self {
        Self {
            every: Duration::from_millis(s.delta_flush_ms),
            bytes: s.delta_flush_bytes.max(1),
        }
    }
}

/// Logs streamed text as `message.delta` events, coalesced: one event per `flush.every`
/// or per `flush.bytes`, whichever comes first. Returns the text not yet logged when the
/// call ends, which the caller logs with the step. Keeps all the text of the call in
/// `partial`. A `Reset` (the call is being retried) voids the text so far and, when some
/// was logged, logs a delta with `reset: true`.
pub async fn forward_deltas(
    sink: Sink,
    flush: Flush,
    (task_id, attempt): (Uuid, i32),
    mut pieces: mpsc::Receiver<Delta>,
    partial: Partial,
) -> anyhow::Result<String> {
    let mut pending = String::new();
    let mut due: Option<Instant> = None;
    let mut logged = false;
    loop {
        // `None` here means the flush is due.
        let piece = match due {
            Some(at) => tokio::select! {
                piece = pieces.recv() => Some(piece),
                () = tokio::time::sleep_until(at) => None,
            },
            None => Some(pieces.recv().await),
        };
        let flush_now = match piece {
            None => true,
            Some(None) => return Ok(pending),
            Some(Some(Delta::Text(text))) => {
                partial.push_text(&text);
                pending.push_str(&text);
                due.get_or_insert_with(|| Instant::now() + flush.every);
                pending.len() >= flush.bytes
            }
            Some(Some(Delta::Reset)) => {
                partial.clear_text();
                pending.clear();
                due = None;
                if std::mem::take(&mut logged) {
                    let data = json!({"text": "", "reset": true});
                    if !log_progress(&sink, task_id, attempt, &data).await? {
                        return drain(pieces, partial).await;
                    }
                }
                false
            }
        };
        if flush_now && !pending.is_empty() {
            let data = json!({"text": std::mem::take(&mut pending)});
            if !log_progress(&sink, task_id, attempt, &data).await? {
                return drain(pieces, partial).await;
            }
            logged = true;
            due = None;
        }
    }
}

/// One `message.delta`; `false` when the attempt no longer owns the task or is being
/// cancelled (the step's fence, or the cancellation watch, then stops the attempt).
/// Waits for the database if it is away: a delta is progress worth keeping.
pub async fn log_progress(
    sink: &Sink,
    task_id: Uuid,
    attempt: i32,
    data: &Value,
) -> anyhow::Result<bool> {
    persist("logging streamed text", || async {
        let mut tx = sink.pool.begin().await?;
        db::relax_durability(&mut tx).await?;
        let mut notes = Notes::default();
        let logged = [(kind::MESSAGE_DELTA, data)];
        let seq = events::append_to(
            &mut tx,
            task_id,
            Seqs::Counted(Some(attempt)),
            &logged,
            Some(&mut notes),
        )
        .await?;
        tx.commit().await?;
        sink.announcer.announce(notes).await;
        Ok(seq.is_some())
    })
    .await
}

/// Stopping (cancelled or superseded): keep the text as the partial output, log no more.
async fn drain(mut pieces: mpsc::Receiver<Delta>, partial: Partial) -> anyhow::Result<String> {
    while let Some(piece) = pieces.recv().await {
        match piece {
            Delta::Text(text) => partial.push_text(&text),
            Delta::Reset => partial.clear_text(),
        }
    }
    Ok(String::new())
}
