//! 4. A thread's turns: tasks queued on one thread run one after another; the time from a
//!    task's end to its successor's start is the cost of passing the turn (the worker is
//!    woken when a thread's task settles, instead of finding the successor on its fallback
//!    poll).
//! 5. A long thread: a thread of `--thread-messages` messages (written straight into the
//!    database); the time from each task's claim to its model call is what reading the
//!    thread's history costs.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sqlx::PgPool;

use super::stats::{Summary, ms};

pub async fn run(
    client: &reqwest::Client,
    pool: &PgPool,
    base: &str,
    turns: usize,
) -> anyhow::Result<()> {
    super::setup::create_runner(client, base, "bench-turn").await?;
    let thread = super::setup::create_thread(client, base).await?;
    let mut last = String::new();
    for _ in 0..turns {
        let task: Value = client
            .post(format!("{base}/v1/runners/bench-turn/tasks"))
            .json(&json!({"arguments": {}, "thread": thread}))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        last = task["id"].as_str().unwrap_or_default().to_owned();
    }
    let mut ended = Value::Null;
    for _ in 0..10 {
        ended = client
            .get(format!("{base}/v1/tasks/{last}?wait=60"))
            .send()
            .await?
            .json()
            .await?;
        if ended["status"] != "queued" && ended["status"] != "running" {
            break;
        }
    }
    anyhow::ensure!(ended["status"] == "succeeded", "the last turn: {ended}");
    let times: Vec<(DateTime<Utc>, DateTime<Utc>)> = sqlx::query_as(
        "SELECT started_at, finished_at FROM tasks WHERE thread_id = $1::uuid ORDER BY id",
    )
    .bind(&thread)
    .fetch_all(pool)
    .await?;
    let gaps: Vec<Duration> = times
        .windows(2)
        .map(|w| (w[1].0 - w[0].1).to_std().unwrap_or_default())
        .collect();
    let s = Summary::of(gaps);
    println!("\n## A thread's turns: {turns} tasks queued on one thread");
    println!("| predecessor's end -> successor's start | p50 | p95 | p99 | max |");
    println!("|---|---|---|---|---|");
    println!(
        "| {} gaps | {} | {} | {} | {} |",
        times.len().saturating_sub(1),
        ms(s.p50),
        ms(s.p95),
        ms(s.p99),
        ms(s.max)
    );
    Ok(())
}

/// Tasks run on the long thread, one after another.
const LONG_THREAD_TASKS: usize = 20;

pub async fn long_thread(
    client: &reqwest::Client,
    pool: &PgPool,
    base: &str,
    messages: usize,
) -> anyhow::Result<()> {
    super::setup::create_runner(client, base, "bench-long").await?;
    let thread = super::setup::create_thread(client, base).await?;
    // Exchanges of a user message and a reply, as tasks on the thread leave them.
    let count = i32::try_from(messages).unwrap_or(i32::MAX);
    sqlx::query(
        "WITH t AS (UPDATE threads SET message_count = $2 WHERE id = $1::uuid RETURNING project_id)
         INSERT INTO thread_messages (thread_id, seq, project_id, task_id, role, content)
         SELECT $1::uuid, n, t.project_id, gen_random_uuid(),
             CASE WHEN n % 2 = 1 THEN 'user' ELSE 'assistant' END,
             repeat('a message of the long thread ', 8)
         FROM t, generate_series(1, $2) AS n",
    )
    .bind(&thread)
    .bind(count)
    .execute(pool)
    .await?;
    let mut ids = Vec::with_capacity(LONG_THREAD_TASKS);
    for _ in 0..LONG_THREAD_TASKS {
        let task: Value = client
            .post(format!("{base}/v1/runners/bench-long/tasks?wait=30"))
            .json(&json!({"arguments": {}, "thread": thread}))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        anyhow::ensure!(
            task["status"] == "succeeded",
            "a long thread's task: {task}"
        );
        ids.push(task["id"].as_str().unwrap_or_default().to_owned());
    }
    // The claim's `task.started` to the model call's step starting.
    let micros: Vec<i64> = sqlx::query_scalar(
        "SELECT (EXTRACT(EPOCH FROM s.started_at - e.created_at) * 1000000)::int8
         FROM task_events e JOIN task_steps s ON s.task_id = e.task_id AND s.index = 0
         WHERE e.task_id = ANY($1::uuid[]) AND e.type = 'task.started'",
    )
    .bind(&ids)
    .fetch_all(pool)
    .await?;
    let s = Summary::of(
        micros
            .into_iter()
            .map(|m| Duration::from_micros(m.max(0) as u64))
            .collect(),
    );
    println!("\n## A long thread: {messages} messages, {LONG_THREAD_TASKS} tasks on it");
    println!("| claim -> model call | p50 | p95 | max |");
    println!("|---|---|---|---|");
    println!(
        "| {} tasks | {} | {} | {} |",
        LONG_THREAD_TASKS,
        ms(s.p50),
        ms(s.p95),
        ms(s.max)
    );
    Ok(())
}
