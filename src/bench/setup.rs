//! What the benchmarks make through the API before they measure: runners and threads.

use serde_json::{Value, json};

/// Registers the benchmark's `mock` runner.
pub async fn create_runner(client: &reqwest::Client, base: &str, name: &str) -> anyhow::Result<()> {
    let body: Value = json!({
        "name": name,
        "title": "Bench",
        "description": "Answers at once",
        "input_schema": {"type": "object"},
        "model": "mock",
        "model_settings": {"mock": {"text": "ok"}}
    });
    create_runner_from(client, base, &body).await
}

/// Creates an empty thread; its id.
pub async fn create_thread(client: &reqwest::Client, base: &str) -> anyhow::Result<String> {
    let thread: Value = client
        .post(format!("{base}/v1/threads"))
        .json(&json!({}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(thread["id"].as_str().unwrap_or_default().to_owned())
}

/// Creates the runner `body` describes.
pub async fn create_runner_from(
    client: &reqwest::Client,
    base: &str,
    body: &Value,
) -> anyhow::Result<()> {
    let res = client
        .post(format!("{base}/v1/runners"))
        .json(body)
        .send()
        .await?;
    anyhow::ensure!(
        res.status().is_success(),
        "cannot create the runner: {}",
        res.status()
    );
    Ok(())
}
