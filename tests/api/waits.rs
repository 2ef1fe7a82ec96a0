//! Waits say the truth: `?wait=` returns when the task settles (ends, or asks a question),
//! and a parent `waiting` for its children has not settled.

use std::time::{Duration, Instant};

use errand::service::Mode;
use serde_json::json;

use crate::helpers::{spawn, test_settings};

#[tokio::test]
async fn a_wait_on_a_parent_waiting_for_its_child_lasts_until_the_parent_ends() {
    let mut settings = test_settings();
    // The hub re-checks watched tasks every second: it once took `waiting` for an end.
    settings.events.heartbeat_seconds = 1;
    let app = spawn(Mode::ALL, settings).await;
    app.create_runner(json!({"name": "slow-helper", "model": "mock",
        "model_settings": {"mock": {"text": "late", "delay_ms": 3500}}}))
        .await;
    app.create_runner(
        json!({"name": "boss", "model": "mock", "toolkits": ["run_slow-helper_task"],
        "model_settings": {"mock": {"turns": [
            {"tool_calls": [{"name": "run_slow-helper_task", "arguments": {}}]},
            {"text": "got: {{tool_result}}"}]}}}),
    )
    .await;
    let parent = app.submit("boss", json!({"arguments": {}})).await;
    let id = parent["id"].as_str().unwrap();
    app.wait_for_status(id, "waiting").await;

    let started = Instant::now();
    let res = app.get(&format!("/v1/tasks/{id}?wait=20")).await;
    let took = started.elapsed();
    let status = res.status();
    let task: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        task["status"], "succeeded",
        "returned after {took:?}: {task}"
    );
    assert_eq!(status, reqwest::StatusCode::OK);
    assert!(took > Duration::from_secs(2), "returned after {took:?}");
}
