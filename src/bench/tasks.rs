//! Submit -> succeeded at several concurrency levels.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sqlx::PgPool;
use uuid::Uuid;

use super::BenchArgs;
use super::stats::{Summary, ms};

/// Database activity counters: transactions committed, WAL flushes.
#[derive(Debug, Clone, Copy)]
struct Counters {
    commits: i64,
    wal_syncs: i64,
}

async fn counters(pool: &PgPool) -> anyhow::Result<Counters> {
    // Backends report their statistics up to a second late.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    sqlx::query("SELECT pg_stat_clear_snapshot()")
        .execute(pool)
        .await?;
    let commits: i64 = sqlx::query_scalar(
        "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()",
    )
    .fetch_one(pool)
    .await?;
    let wal_syncs: i64 = sqlx::query_scalar("SELECT wal_sync FROM pg_stat_wal")
        .fetch_one(pool)
        .await?;
    Ok(Counters { commits, wal_syncs })
}

pub async fn run(
    client: &reqwest::Client,
    pool: &PgPool,
    base: &str,
    args: &BenchArgs,
) -> anyhow::Result<()> {
    let runner = format!("bench_{}", Uuid::now_v7().simple());
    super::create_runner(client, base, &runner).await?;
    let url = format!("{base}/v1/runners/{runner}/tasks?wait=30");
    // Warm-up: connections, caches, the worker's first polls.
    submit_many(client, &url, 16, 200).await?;

    println!();
    println!("## submit -> succeeded (`mock` tasks, POST ?wait=30)");
    println!(
        "| concurrency | tasks | tasks/s | latency p50 | p99 | pickup p50 | pickup p99 | transactions/task | WAL flushes/task |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for &concurrency in &args.concurrency {
        let tasks = args.tasks;
        let before = counters(pool).await?;
        let started = Instant::now();
        let (latencies, ids) = submit_many(client, &url, concurrency, tasks).await?;
        let wall = started.elapsed();
        let after = counters(pool).await?;
        let latency = Summary::of(latencies);
        let pickup = Summary::of(pickups(pool, &ids).await?);
        let per_task = |a: i64, b: i64| (a - b) as f64 / tasks as f64;
        println!(
            "| {concurrency} | {tasks} | {:.0} | {} | {} | {} | {} | {:.1} | {:.2} |",
            tasks as f64 / wall.as_secs_f64(),
            ms(latency.p50),
            ms(latency.p99),
            ms(pickup.p50),
            ms(pickup.p99),
            per_task(after.commits, before.commits),
            per_task(after.wal_syncs, before.wal_syncs),
        );
    }
    Ok(())
}

/// Submits `tasks` tasks from `concurrency` loops; every one must come back succeeded.
async fn submit_many(
    client: &reqwest::Client,
    url: &str,
    concurrency: usize,
    tasks: usize,
) -> anyhow::Result<(Vec<Duration>, Vec<Uuid>)> {
    let next = Arc::new(AtomicUsize::new(0));
    let loops = (0..concurrency.max(1)).map(|_| {
        let (client, url, next) = (client.clone(), url.to_owned(), next.clone());
        tokio::spawn(async move {
            let mut results = Vec::new();
            while next.fetch_add(1, Ordering::Relaxed) < tasks {
                let start = Instant::now();
                let res = client
                    .post(&url)
                    .json(&json!({"arguments": {}}))
                    .send()
                    .await?;
                let status = res.status();
                let task: Value = res.json().await?;
                let elapsed = start.elapsed();
                anyhow::ensure!(
                    status == reqwest::StatusCode::OK && task["status"] == "succeeded",
                    "task did not succeed in time: {status} {task}"
                );
                let id = task["id"].as_str().and_then(|s| Uuid::parse_str(s).ok());
                results.push((elapsed, id.unwrap_or_default()));
            }
            anyhow::Ok(results)
        })
    });
    let mut latencies = Vec::with_capacity(tasks);
    let mut ids = Vec::with_capacity(tasks);
    for handle in loops.collect::<Vec<_>>() {
        for (latency, id) in handle.await?? {
            latencies.push(latency);
            ids.push(id);
        }
    }
    Ok((latencies, ids))
}

/// Queued -> started of each task, from the times the log recorded.
async fn pickups(pool: &PgPool, ids: &[Uuid]) -> anyhow::Result<Vec<Duration>> {
    let micros: Vec<i64> = sqlx::query_scalar(
        "SELECT (EXTRACT(EPOCH FROM s.created_at - q.created_at) * 1000000)::int8
         FROM task_events q
         JOIN task_events s ON s.task_id = q.task_id AND s.type = 'task.started'
         WHERE q.task_id = ANY($1) AND q.seq = 1",
    )
    .bind(ids)
    .fetch_all(pool)
    .await?;
    Ok(micros
        .into_iter()
        .map(|m| Duration::from_micros(m.max(0) as u64))
        .collect())
}
