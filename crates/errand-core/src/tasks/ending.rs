//! What follows a task's end, the same whichever way it ended (its attempt's outcome, the
//! cancel of a task that held no worker): its transcript joins its thread, its children
//! are cancelled and its parent gets its result, and its log gets the output and the
//! terminal event — in that order, so whoever is told of the end finds the thread and the
//! parent up to date.

use serde_json::{Value, json};
use sqlx::PgConnection;

use super::model::Task;
use super::{children, transcript, turns};
use crate::events::{self, Notes, Seqs, kind};

/// Takes `done`'s end into effect, in the transaction that wrote it; `partial` is the text
/// a cancelled model call had streamed; `seqs`: what the update that ended it reserved in
/// its log (`lifecycle::finish` does), or counted here; `before`: events logged ahead of
/// the output and the end in the same append (a final model call's, `lifecycle::Charge`).
/// With `later`, the log's notification is left for the caller to announce after its
/// commit. `children`: whether it may have active child tasks (`false` when the update
/// that ended it found none: no lookup).
pub async fn take_effect(
    conn: &mut PgConnection,
    done: &Task,
    partial: Option<&str>,
    seqs: Seqs,
    before: &[(&str, &Value)],
    later: Option<&mut Notes>,
    children: bool,
) -> sqlx::Result<()> {
    transcript::append(conn, done, partial).await?;
    if children {
        children::cancel_active(conn, done).await?;
    }
    children::deliver_to_parent(conn, done).await?;
    let terminal = done.status.terminal_event().unwrap_or(kind::FAILED);
    let output = json!({"output": done.output});
    let end = json!({"task": done});
    let mut logged = Vec::with_capacity(before.len() + 2);
    logged.extend_from_slice(before);
    if done.output.is_some() {
        logged.push((kind::OUTPUT, &output));
    }
    logged.push((terminal, &end));
    let appended = events::append_to(conn, done.id, seqs, &logged, later).await?;
    // The thread's next task may have its turn.
    if let Some(thread) = done.thread_id.filter(|_| done.status.is_final()) {
        let logged = appended.is_some_and(|a| a.thread.is_some());
        turns::after_end(conn, thread, logged).await?;
    }
    Ok(())
}
