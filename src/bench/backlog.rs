//! 6. A backlog on one thread: `--thread-backlog` tasks queued behind a thread's task that
//!    waits for a person's answer. Other tasks' pickup (submission to claim), one at a time,
//!    is measured before the backlog is queued and with it: a thread's backlog should cost
//!    the claims of everything else nothing.

use std::time::{Duration, Instant};

use futures::{StreamExt, stream};
use serde_json::{Value, json};
use sqlx::PgPool;

use super::stats::{Summary, ms};

/// Tasks measured on each side of the backlog.
const MEASURED: usize = 300;

pub async fn run(
    client: &reqwest::Client,
    pool: &PgPool,
    base: &str,
    backlog: usize,
) -> anyhow::Result<()> {
    super::setup::create_runner(client, base, "bench-other").await?;
    super::setup::create_runner(client, base, "bench-behind").await?;
    super::setup::create_runner_from(
        client,
        base,
        &json!({"name": "bench-holds", "model": "mock", "toolkits": ["ask_human"],
            "input_schema": {"type": "object"},
            "model_settings": {"mock": {"turns": [
                {"tool_calls": [{"name": "ask_human", "arguments": {"question": "Go on?"}}]},
                {"text": "ok"}]}}}),
    )
    .await?;
    let quiet = pickups(client, pool, base).await?;
    let thread = super::setup::create_thread(client, base).await?;
    let holder = submit(client, base, "bench-holds", json!({"thread": thread})).await?;
    wait_for(client, base, &holder, "input_required").await?;
    let queued: Vec<anyhow::Result<String>> = stream::iter(0..backlog)
        .map(|_| submit(client, base, "bench-behind", json!({"thread": thread})))
        .buffer_unordered(16)
        .collect()
        .await;
    let queued = queued.into_iter().collect::<anyhow::Result<Vec<_>>>()?;
    let behind = pickups(client, pool, base).await?;
    // The holder's end passes the turn: the backlog drains behind it.
    client
        .post(format!("{base}/v1/tasks/{holder}/cancel"))
        .json(&json!({}))
        .send()
        .await?
        .error_for_status()?;
    if let Some(last) = queued.last() {
        wait_for(client, base, last, "succeeded").await?;
    }
    println!("\n## A backlog of {backlog} tasks on one thread: other tasks' pickup, one at a time");
    println!("| | tasks | tasks/s | pickup p50 | pickup p99 |");
    println!("|---|---|---|---|---|");
    for (label, (s, rate)) in [("no backlog", quiet), ("with the backlog", behind)] {
        println!(
            "| {label} | {MEASURED} | {rate:.0} | {} | {} |",
            ms(s.p50),
            ms(s.p99)
        );
    }
    Ok(())
}

/// Runs `MEASURED` tasks one after another; their pickups and the rate.
async fn pickups(
    client: &reqwest::Client,
    pool: &PgPool,
    base: &str,
) -> anyhow::Result<(Summary, f64)> {
    let started = Instant::now();
    let mut ids = Vec::with_capacity(MEASURED);
    for _ in 0..MEASURED {
        let task: Value = client
            .post(format!("{base}/v1/runners/bench-other/tasks?wait=30"))
            .json(&json!({"arguments": {}}))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        anyhow::ensure!(task["status"] == "succeeded", "a measured task: {task}");
        ids.push(task["id"].as_str().unwrap_or_default().to_owned());
    }
    let rate = MEASURED as f64 / started.elapsed().as_secs_f64();
    let micros: Vec<i64> = sqlx::query_scalar(
        "SELECT (EXTRACT(EPOCH FROM e.created_at - t.created_at) * 1000000)::int8
         FROM tasks t JOIN task_events e ON e.task_id = t.id AND e.type = 'task.started'
         WHERE t.id = ANY($1::uuid[])",
    )
    .bind(&ids)
    .fetch_all(pool)
    .await?;
    let samples = micros
        .into_iter()
        .map(|m| Duration::from_micros(m.max(0) as u64))
        .collect();
    Ok((Summary::of(samples), rate))
}

async fn submit(
    client: &reqwest::Client,
    base: &str,
    runner: &str,
    extra: Value,
) -> anyhow::Result<String> {
    let mut body = json!({"arguments": {}});
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    let task: Value = client
        .post(format!("{base}/v1/runners/{runner}/tasks"))
        .json(&body)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(task["id"].as_str().unwrap_or_default().to_owned())
}

/// Polls the task until it has `status` (a minute at most).
async fn wait_for(
    client: &reqwest::Client,
    base: &str,
    id: &str,
    status: &str,
) -> anyhow::Result<()> {
    for _ in 0..600 {
        let task: Value = client
            .get(format!("{base}/v1/tasks/{id}"))
            .send()
            .await?
            .json()
            .await?;
        if task["status"] == status {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("task {id} never reached {status}")
}
