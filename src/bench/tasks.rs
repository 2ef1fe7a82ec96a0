//! Submit -> succeeded at several concurrency levels, in three shapes: a plain task (one
//! model call), a task on a new thread (create the thread, then the task), and a task
//! whose model calls a tool before it answers (two model calls and a tool call).

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

/// What each submission of the benchmark is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `POST …/tasks?wait=`: one model call.
    Plain,
    /// `POST /v1/threads`, then the task on it (`?wait=`).
    Thread,
    /// The model calls `calculator`, then answers: two model calls and a tool call.
    Tool,
}

impl Shape {
    fn title(self) -> &'static str {
        match self {
            Shape::Plain => "submit -> succeeded (`mock` tasks, POST ?wait=30)",
            Shape::Thread => {
                "thread + task -> succeeded (POST /v1/threads, then the task on it, ?wait=30)"
            }
            Shape::Tool => "a tool call: model -> `calculator` -> model -> succeeded (?wait=30)",
        }
    }

    fn runner(self, name: &str) -> Value {
        let mock = match self {
            Shape::Plain | Shape::Thread => json!({"text": "ok"}),
            Shape::Tool => json!({"turns": [
                {"tool_calls": [{"name": "calculator", "arguments": {"expression": "6 * 7"}}]},
                {"text": "42"}
            ]}),
        };
        json!({"name": name, "title": "Bench", "description": "Answers at once",
               "input_schema": {"type": "object"}, "model": "mock",
               "toolkits": if self == Shape::Tool { json!(["calculator"]) } else { json!([]) },
               "model_settings": {"mock": mock}})
    }
}

pub async fn run(
    client: &reqwest::Client,
    pool: &PgPool,
    base: &str,
    args: &BenchArgs,
    shape: Shape,
) -> anyhow::Result<()> {
    let runner = format!("bench_{}", Uuid::now_v7().simple());
    super::setup::create_runner_from(client, base, &shape.runner(&runner)).await?;
    let submit = Submit {
        client: client.clone(),
        base: base.to_owned(),
        url: format!("{base}/v1/runners/{runner}/tasks?wait=30"),
        shape,
    };
    // Warm-up: connections, caches, the worker's first polls.
    submit_many(&submit, 16, 200).await?;

    println!();
    println!("## {}", shape.title());
    println!(
        "| concurrency | tasks | tasks/s | latency p50 | p99 | pickup p50 | pickup p99 | transactions/task | WAL flushes/task |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for &concurrency in &args.concurrency {
        let tasks = args.tasks;
        let before = counters(pool).await?;
        let started = Instant::now();
        let (latencies, ids) = submit_many(&submit, concurrency, tasks).await?;
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

/// One submission of the benchmark.
#[derive(Clone)]
struct Submit {
    client: reqwest::Client,
    base: String,
    url: String,
    shape: Shape,
}

impl Submit {
    /// Submits one task (on a new thread, for `Thread`) and waits for its end; the task's
    /// id, or an error unless it succeeded.
    async fn once(&self) -> anyhow::Result<Uuid> {
        let mut body = json!({"arguments": {}});
        if self.shape == Shape::Thread {
            body["thread"] = json!(super::setup::create_thread(&self.client, &self.base).await?);
        }
        let res = self.client.post(&self.url).json(&body).send().await?;
        let status = res.status();
        let task: Value = res.json().await?;
        anyhow::ensure!(
            status == reqwest::StatusCode::OK && task["status"] == "succeeded",
            "task did not succeed in time: {status} {task}"
        );
        let id = task["id"].as_str().and_then(|s| Uuid::parse_str(s).ok());
        Ok(id.unwrap_or_default())
    }
}

/// Submits `tasks` tasks from `concurrency` loops; every one must come back succeeded.
async fn submit_many(
    submit: &Submit,
    concurrency: usize,
    tasks: usize,
) -> anyhow::Result<(Vec<Duration>, Vec<Uuid>)> {
    let next = Arc::new(AtomicUsize::new(0));
    let loops = (0..concurrency.max(1)).map(|_| {
        let (submit, next) = (submit.clone(), next.clone());
        tokio::spawn(async move {
            let mut results = Vec::new();
            while next.fetch_add(1, Ordering::Relaxed) < tasks {
                let start = Instant::now();
                let id = submit.once().await?;
                results.push((start.elapsed(), id));
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
