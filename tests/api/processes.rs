//! Events across processes: `errand api` and `errand worker` as separate child processes
//! on one database, and event retention run by a worker process.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{echo_runner, spawn_api, spawn_app};
use crate::sse_client::{SseStream, ids, log_ids};

const LIMIT: Duration = Duration::from_secs(30);

#[tokio::test]
async fn an_api_process_streams_a_task_that_a_worker_process_runs() {
    // The in-process app only prepares the database; both parts under test are children.
    let mut app = spawn_api().await;
    let api = app.spawn_api_process(&[]).await;
    app.spawn_worker_process();

    let client = &app.client;
    let mut runner = echo_runner("remote");
    runner["output_schema"] = Value::Null;
    runner["model_settings"] = json!({"mock": {"text": "from another process", "delay_ms": 800}});
    let res = client
        .post(format!("{api}/v1/runners"))
        .json(&runner)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);

    let mut sse = SseStream::open(
        client
            .post(format!("{api}/v1/runners/remote/tasks?stream=true"))
            .json(&json!({"arguments": {"text": "hi"}})),
    )
    .await;
    assert_eq!(sse.status, StatusCode::OK);
    let frames = sse.rest(LIMIT).await;
    let last = frames.last().expect("events");
    assert_eq!(last.event, "task.succeeded", "{frames:?}");
    assert_eq!(last.data["data"]["task"]["output"], "from another process");
    assert!(frames.iter().any(|f| f.event == "task.started"));
    assert!(frames.iter().filter(|f| f.event == "message.delta").count() >= 2);

    let id = last.data["data"]["task"]["id"].as_str().unwrap();
    assert_eq!(ids(&frames), log_ids(&app.events(id).await));
    assert!(
        app.worker_log(1).contains("task finished"),
        "the worker process ran it"
    );
}

#[tokio::test]
async fn a_worker_deletes_event_logs_past_their_retention() {
    let mut app = spawn_app().await;
    app.create_runner(echo_runner("kept")).await;
    let task = app
        .submit("kept", json!({"arguments": {"text": "x"}}))
        .await;
    let id = task["id"].as_str().unwrap();
    app.wait_for_status(id, "succeeded").await;
    let mut slow = echo_runner("slow");
    slow["output_schema"] = Value::Null;
    slow["model_settings"] = json!({"mock": {"text": "late", "delay_ms": 20000}});
    app.create_runner(slow).await;
    let running = app
        .submit("slow", json!({"arguments": {"text": "y"}}))
        .await;
    let running = running["id"].as_str().unwrap();
    assert!(!app.events(id).await.is_empty());

    // Retention 0 days: every finished task's log goes at the worker's first sweep.
    let worker = app.spawn_worker_process_with(&[], &[("ERRAND_EVENTS_RETENTION_DAYS", "0")]);
    let start = std::time::Instant::now();
    while !app.events(id).await.is_empty() {
        assert!(start.elapsed() < LIMIT, "{}", app.worker_log(worker));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        app.task(id).await["status"],
        "succeeded",
        "the task row stays"
    );
    // A stream of a finished task with no events left ends at once.
    let sse = SseStream::open(app.client.get(app.url(&format!("/v1/tasks/{id}/events")))).await;
    assert_eq!(sse.status, StatusCode::NO_CONTENT);
    // Unfinished tasks keep their logs.
    assert!(!app.events(running).await.is_empty());
}
