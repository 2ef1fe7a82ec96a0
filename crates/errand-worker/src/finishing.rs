//! Ending a task from its attempt: the outcome written (fenced on the attempt; a pending
//! cancel wins), the final model call's usage and events with it when its step commits in
//! the same transaction, what follows the end (`ending::take_effect`), and the meters.

use super::carry::PendingStep;
use errand_core::events::Notes;
use errand_core::metrics::Meters;
use errand_core::tasks::lifecycle::{self, Outcome};
use errand_core::tasks::model::Task;
use errand_core::tasks::{children, ending};

/// Records the outcome and its events, and appends the task's transcript to its thread
/// (with `partial`, the text a cancelled model call had streamed); `false` when the attempt
/// no longer owns the task.
pub async fn finish(
    conn: &mut sqlx::PgConnection,
    meters: &Meters,
    task: &Task,
    outcome: &Outcome,
    partial: Option<&str>,
) -> anyhow::Result<bool> {
    let ended = Ended {
        outcome,
        partial,
        step: None,
        later: None,
    };
    finish_noted(conn, meters, task, ended).await
}

/// How an attempt ended: its outcome, the text a cancelled model call had streamed, and
/// where the notifications go when the caller announces them after its commit (`None`:
/// sent in the transaction).
pub struct Ended<'a> {
    pub outcome: &'a Outcome,
    pub partial: Option<&'a str>,
    /// The final model call's step, journaled in this transaction: its usage and events
    /// go with the end's.
    pub step: Option<&'a PendingStep>,
    pub later: Option<&'a mut Notes>,
}

/// `finish`, with the notifications left to the caller when `ended.later` says so.
pub async fn finish_noted(
    conn: &mut sqlx::PgConnection,
    meters: &Meters,
    task: &Task,
    ended: Ended<'_>,
) -> anyhow::Result<bool> {
    let Ended {
        outcome,
        partial,
        step,
        later,
    } = ended;
    if task.parent_task_id.is_some() {
        // A child's parent is locked before the child (see `tasks::children`).
        children::lock_parent(conn, task.id).await?;
    }
    let events = step.map(PendingStep::events).unwrap_or_default();
    let charge = step.map(|s| s.charge(events.len()));
    let (id, attempt) = (task.id, task.attempts);
    let Some(finished) = lifecycle::finish(conn, id, attempt, outcome, charge.as_ref()).await?
    else {
        return Ok(false);
    };
    let done = finished.task;
    let before: Vec<(&str, &serde_json::Value)> = events.iter().map(|(k, v)| (*k, v)).collect();
    let children = finished.active_children;
    ending::take_effect(
        conn,
        &done,
        partial,
        finished.seqs,
        &before,
        later,
        children,
    )
    .await?;
    let project = meters.project_name(&mut *conn, task.project).await?;
    let ran = done
        .started_at
        .zip(done.finished_at)
        .and_then(|(start, end)| (end - start).to_std().ok());
    meters.task_ended(&project, &task.runner, done.status.as_str(), ran);
    tracing::info!(
        status = done.status.as_str(),
        attempt = task.attempts,
        "task finished"
    );
    Ok(true)
}
