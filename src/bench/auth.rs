//! 3. Unknown tokens: the latency of a real key's requests (`GET /v1/runners`) idle, and
//!    while a flood of random bearer tokens arrives from the same address at a steady rate
//!    (what `auth.unknown_key_lookups_per_second` is for: a flood must not slow real keys).
//!    The flood is paced, not as fast as it can go: on two cores a flood that takes every
//!    cycle slows everything, whatever each refusal costs.

use std::time::{Duration, Instant};

use reqwest::StatusCode;

use super::stats::{Summary, ms};
use super::{BenchArgs, Errand};

/// A real key's requests sampled while idle.
const IDLE_SAMPLES: usize = 500;
/// Clients sending unknown tokens at once.
const FLOOD_CLIENTS: usize = 32;

pub async fn run(api: &Errand, key: &str, args: &BenchArgs) -> anyhow::Result<()> {
    let real = super::client(Some(key))?;
    let url = format!("{}/v1/runners", api.base);
    sample(&real, &url, 50).await?;
    let idle = Summary::of(sample(&real, &url, IDLE_SAMPLES).await?);

    let flood = tokio::spawn(flood(url.clone(), args.bad_tokens, args.bad_token_rate));
    let mut under = Vec::new();
    while !flood.is_finished() {
        under.extend(sample(&real, &url, 10).await?);
    }
    let (refused, limited, took) = flood.await??;
    let under = Summary::of(under);
    println!(
        "\n## Unknown tokens: {} random bearer tokens, {} a second, from {FLOOD_CLIENTS} clients \
         on one address",
        args.bad_tokens, args.bad_token_rate
    );
    println!("| a real key's GET /v1/runners | p50 | p95 | p99 |");
    println!("|---|---|---|---|");
    for (label, s) in [("idle", idle), ("during the flood", under)] {
        println!(
            "| {label} | {} | {} | {} |",
            ms(s.p50),
            ms(s.p95),
            ms(s.p99)
        );
    }
    println!(
        "p95 during the flood / idle: {:.2}×; the flood: {refused} × 401 (looked up or \
         remembered), {limited} × 429 (answered from memory), in {}",
        under.p95.as_secs_f64() / idle.p95.as_secs_f64().max(f64::EPSILON),
        ms(took)
    );
    Ok(())
}

/// `n` sequential requests with the real key; each must succeed.
async fn sample(client: &reqwest::Client, url: &str, n: usize) -> anyhow::Result<Vec<Duration>> {
    let mut samples = Vec::with_capacity(n);
    for _ in 0..n {
        let start = Instant::now();
        let res = client.get(url).send().await?;
        anyhow::ensure!(
            res.status().is_success(),
            "the real key was refused: {}",
            res.status()
        );
        res.bytes().await?;
        samples.push(start.elapsed());
    }
    Ok(samples)
}

/// Sends `total` random tokens, `rate` a second, from `FLOOD_CLIENTS` clients; counts
/// 401s and 429s.
async fn flood(url: String, total: usize, rate: u32) -> anyhow::Result<(usize, usize, Duration)> {
    let client = super::client(None)?;
    let start = Instant::now();
    let gap = Duration::from_secs_f64(1.0 / f64::from(rate.max(1)));
    let mut clients = Vec::new();
    for c in 0..FLOOD_CLIENTS {
        let (client, url) = (client.clone(), url.clone());
        let share = total / FLOOD_CLIENTS + usize::from(c < total % FLOOD_CLIENTS);
        clients.push(tokio::spawn(async move {
            let (mut refused, mut limited) = (0, 0);
            for i in 0..share {
                // Token n of the flood leaves at n × gap, whoever sends it.
                let due = start + gap * u32::try_from(i * FLOOD_CLIENTS + c).unwrap_or(u32::MAX);
                tokio::time::sleep_until(due.into()).await;
                let token = errand_core::keys::generate()?;
                let res = client.get(&url).bearer_auth(token).send().await?;
                match res.status() {
                    StatusCode::UNAUTHORIZED => refused += 1,
                    StatusCode::TOO_MANY_REQUESTS => limited += 1,
                    other => anyhow::bail!("an unknown token got {other}"),
                }
            }
            Ok::<_, anyhow::Error>((refused, limited))
        }));
    }
    let (mut refused, mut limited) = (0, 0);
    for client in clients {
        let (r, l) = client.await??;
        refused += r;
        limited += l;
    }
    Ok((refused, limited, start.elapsed()))
}
