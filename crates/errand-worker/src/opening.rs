//! The conversation an attempt starts from: the runner's rules, the thread's history
//! trimmed to the runner's budget, and the task's own message.

use serde_json::json;

use super::Runtime;
use super::patience::persist;
use errand_core::conversation::{self as message, ChatMessage};
use errand_core::events::{self, kind};
use errand_core::runners::model::Runner;
use errand_core::tasks::model::Task;
use errand_core::threads::history;

/// The rules and the task's extra rules, the thread's history (if the task is on one),
/// then the user turn; and where the task's own messages start. (When the output schema
/// cannot be sent as `json_schema`, the provider adds it to the instructions itself.)
///
/// The history is trimmed to the runner's `context_tokens` after the rules and the user
/// turn are counted; a trim is logged (`thread.history_trimmed`) on the first attempt.
/// Nothing else writes to the thread while its task runs, so every attempt reads the
/// same history.
pub async fn open(
    rt: &Runtime,
    task: &Task,
    runner: &Runner,
) -> anyhow::Result<(Vec<ChatMessage>, usize)> {
    let mut messages = message::opening(&runner.rules, &task.rules, &task.arguments);
    let mut task_start = messages.len() - 1;
    let Some(thread) = task.thread_id else {
        return Ok((messages, task_start));
    };
    let fixed: usize = messages.iter().map(history::estimate).sum();
    let budget = usize::try_from(runner.context_tokens)
        .unwrap_or(0)
        .saturating_sub(fixed);
    let history = history::load(&rt.core.pool, thread, budget).await?;
    if history.dropped > 0 && task.attempts == 1 && !task.resumed {
        let data = json!({
            "dropped_messages": history.dropped,
            "kept_messages": history.messages.len(),
            "estimated_tokens": history.tokens + fixed,
            "context_tokens": runner.context_tokens,
        });
        persist("logging a history trim", || async {
            let mut tx = rt.core.pool.begin().await?;
            events::append_for_attempt(
                &mut tx,
                task.id,
                task.attempts,
                kind::HISTORY_TRIMMED,
                &data,
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
        .await?;
    }
    let kept = history.messages.len();
    messages.splice(task_start..task_start, history.messages);
    task_start += kept;
    Ok((messages, task_start))
}
