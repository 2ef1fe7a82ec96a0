//! 4. A thread's turns: tasks queued on one thread run one after another; the time from a
//!    task's end to its successor's start is the cost of passing the turn (the worker is
//!    woken when a thread's task settles, instead of finding the successor on its fallback
//!    poll).

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
    super::create_runner(client, base, "bench-turn").await?;
    let thread: Value = client
        .post(format!("{base}/v1/threads"))
        .json(&json!({}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let thread = thread["id"].as_str().unwrap_or_default().to_owned();
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
