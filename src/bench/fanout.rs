//! SSE fan-out: N concurrent streams of one task on one `errand api` process. Events are
//! appended to the log here (as a worker would) and timed from their commit to each client.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use serde_json::json;
use sqlx::PgPool;
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;
use uuid::Uuid;

use super::stats::{Summary, mib, ms, rss_bytes};
use super::{BenchArgs, Errand};
use errand_core::events;

/// Streams opened at once while connecting (the listen backlog is finite).
const CONNECTING: usize = 256;

pub async fn run(pool: &PgPool, api: &Errand, args: &BenchArgs) -> anyhow::Result<()> {
    println!();
    println!(
        "## SSE fan-out (one task, {} events {} ms apart, one `errand api` process)",
        args.events, args.interval_ms
    );
    println!(
        "| streams | connect time | events delivered | delivered/s | commit->client p50 | p99 | max | RSS before | RSS with streams | extra per stream |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for &streams in &args.streams {
        one_level(pool, api, args, streams).await?;
        // Let the server drop the closed streams before the next level.
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    Ok(())
}

async fn one_level(
    pool: &PgPool,
    api: &Errand,
    args: &BenchArgs,
    streams: usize,
) -> anyhow::Result<()> {
    let client = super::client(api.key.as_deref())?;
    let runner = format!("fanout_{}", Uuid::now_v7().simple());
    super::setup::create_runner(&client, &api.base, &runner).await?;
    // No worker runs here: the task stays queued and only the appended events flow.
    let task: serde_json::Value = client
        .post(format!("{}/v1/runners/{runner}/tasks", api.base))
        .json(&json!({"arguments": {}}))
        .send()
        .await?
        .json()
        .await?;
    let task_id = Uuid::parse_str(task["id"].as_str().unwrap_or_default())?;
    let url = format!("{}/v1/tasks/{task_id}/events", api.base);
    let first = 2; // seq 1 is task.queued; clients resume after it
    let last = first + args.events as i64 - 1;

    let rss_before = rss_bytes(api.pid()).unwrap_or(0);
    let started = Instant::now();
    let clients = open_streams(&client, &url, streams, last).await?;
    let connect_time = started.elapsed();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_connected = rss_bytes(api.pid()).unwrap_or(0);

    let committed = append_events(pool, task_id, args).await?;
    let mut latencies = Vec::with_capacity(streams * args.events);
    let mut delivered = 0usize;
    let mut last_delivery: Option<Instant> = None;
    for client in clients {
        let received = tokio::time::timeout(Duration::from_secs(120), client).await???;
        for (seq, at) in received {
            if let Some(commit) = committed.get(&seq) {
                latencies.push(at.saturating_duration_since(*commit));
                delivered += 1;
                last_delivery = Some(last_delivery.map_or(at, |l| l.max(at)));
            }
        }
    }
    let first_commit = committed.values().min().copied();
    let span = match (first_commit, last_delivery) {
        (Some(first), Some(last)) => last.saturating_duration_since(first),
        _ => Duration::ZERO,
    };
    let latency = Summary::of(latencies);
    let extra = rss_connected.saturating_sub(rss_before);
    println!(
        "| {streams} | {:.2} s | {delivered} of {} | {:.0} | {} | {} | {} | {} | {} | {:.1} KiB |",
        connect_time.as_secs_f64(),
        streams * args.events,
        delivered as f64 / span.as_secs_f64().max(1e-9),
        ms(latency.p50),
        ms(latency.p99),
        ms(latency.max),
        mib(rss_before),
        mib(rss_connected),
        extra as f64 / streams as f64 / 1024.0,
    );
    Ok(())
}

/// The SSE clients, each once its stream is open (at most `CONNECTING` connecting at
/// once), receiving until seq `last`.
async fn open_streams(
    client: &reqwest::Client,
    url: &str,
    streams: usize,
    last: i64,
) -> anyhow::Result<Vec<JoinHandle<anyhow::Result<Vec<(i64, Instant)>>>>> {
    let connecting = Arc::new(Semaphore::new(CONNECTING));
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::unbounded_channel();
    let clients: Vec<_> = (0..streams)
        .map(|_| {
            let (client, url, connecting, ready) = (
                client.clone(),
                url.to_owned(),
                connecting.clone(),
                ready_tx.clone(),
            );
            tokio::spawn(async move {
                let permit = connecting.acquire_owned().await?;
                let res = client
                    .get(&url)
                    .header("accept", "text/event-stream")
                    .header("last-event-id", "1")
                    .send()
                    .await?;
                anyhow::ensure!(
                    res.status().is_success(),
                    "stream refused: {}",
                    res.status()
                );
                drop(permit);
                let _ = ready.send(());
                receive(res, last).await
            })
        })
        .collect();
    drop(ready_tx);
    for _ in 0..streams {
        anyhow::ensure!(ready_rx.recv().await.is_some(), "a stream failed to open");
    }
    Ok(clients)
}

/// Appends the events one transaction each, `interval_ms` apart; returns each seq's commit
/// time.
async fn append_events(
    pool: &PgPool,
    task_id: Uuid,
    args: &BenchArgs,
) -> anyhow::Result<HashMap<i64, Instant>> {
    let mut committed = HashMap::new();
    let data = json!({"text": "0123456789abcdef0123456789abcdef"});
    for _ in 0..args.events {
        let mut tx = pool.begin().await?;
        let seq = events::append(&mut tx, task_id, events::kind::MESSAGE_DELTA, &data).await?;
        tx.commit().await?;
        committed.insert(seq, Instant::now());
        tokio::time::sleep(Duration::from_millis(args.interval_ms)).await;
    }
    Ok(committed)
}

/// Reads one stream until event `last`; returns when each event id arrived.
async fn receive(res: reqwest::Response, last: i64) -> anyhow::Result<Vec<(i64, Instant)>> {
    let mut body = res.bytes_stream();
    let mut carry = String::new();
    let mut seen = Vec::new();
    while let Some(chunk) = body.next().await {
        let at = Instant::now();
        carry.push_str(&String::from_utf8_lossy(&chunk?));
        while let Some(end) = carry.find("\n\n") {
            let frame: String = carry.drain(..end + 2).collect();
            let id = frame
                .lines()
                .find_map(|l| l.strip_prefix("id: "))
                .and_then(|v| v.parse::<i64>().ok());
            if let Some(id) = id {
                seen.push((id, at));
                if id >= last {
                    return Ok(seen);
                }
            }
        }
    }
    anyhow::bail!("the stream ended before event {last}")
}
