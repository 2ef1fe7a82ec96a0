//! One fault never stops the worker: a hostile `Retry-After`, a panicking task; a worker
//! that stops anyway is noticed (readiness, exit status). Cancellation wins over a retry
//! and over an outcome that arrives at the same moment.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::fake_openai::{FakeOpenAi, Reply};
use crate::helpers::{TestApp, fake_provider, spawn, spawn_api, spawn_app, test_settings};
use errand::service::Mode;

async fn run_to_end(app: &TestApp, runner: &str, body: Value) -> Value {
    let task = app.submit(runner, body).await;
    let id = task["id"].as_str().expect("id");
    app.wait_for(id, Duration::from_secs(30), |t| {
        !matches!(t["status"].as_str(), Some("queued" | "running"))
    })
    .await
}

/// A mock task on this app succeeds: the worker still takes work.
async fn a_normal_task_succeeds(app: &TestApp) {
    app.create_runner(json!({"name": "normal", "model_settings": {"mock": {"text": "fine"}}}))
        .await;
    let done = run_to_end(app, "normal", json!({})).await;
    assert_eq!(done["status"], "succeeded", "{done}");
    assert_eq!(done["output"], "fine");
}

#[tokio::test]
async fn a_retry_after_of_inf_is_clamped_and_the_worker_goes_on() {
    let fake = FakeOpenAi::start(vec![
        Reply::status(429, &[("Retry-After", "inf")], "slow down forever"),
        Reply::text("made it"),
    ])
    .await;
    let mut settings = test_settings();
    settings
        .providers
        .insert("fake".into(), fake_provider(&fake.url));
    let app = spawn(Mode::ALL, settings).await;
    app.create_runner(json!({"name": "limited", "model": "fake/gpt-test"}))
        .await;

    let started = Instant::now();
    let done = run_to_end(&app, "limited", json!({})).await;
    assert_eq!(done["status"], "succeeded", "{done}");
    assert_eq!(done["output"], "made it");
    // An infinite wait outlasts any deadline: the task was re-queued, waiting the longest
    // back-off the settings allow (1 s in tests), not for ever.
    assert_eq!(done["attempts"], 2, "{done}");
    assert!(started.elapsed() < Duration::from_secs(10));
    let id = done["id"].as_str().expect("id");
    let requeued: Vec<Value> = app
        .events(id)
        .await
        .into_iter()
        .filter(|e| e["type"] == "task.queued" && e["data"]["attempt"] == 2)
        .collect();
    assert_eq!(requeued.len(), 1);
    assert_eq!(requeued[0]["data"]["retry_in_ms"], 1000, "{requeued:?}");
    assert_eq!(
        requeued[0]["data"]["error"]["details"]["retry_after_ms"],
        86_400_000
    );
    a_normal_task_succeeds(&app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_task_fails_alone_and_the_worker_goes_on() {
    let app = spawn_app().await;
    app.create_runner(json!({"name": "buggy", "model_settings": {"mock": {"panic": "boom"}}}))
        .await;
    let done = run_to_end(&app, "buggy", json!({})).await;
    assert_eq!(done["status"], "failed", "{done}");
    assert_eq!(done["attempts"], 1, "a panic is not retried: {done}");
    assert_eq!(done["error"]["code"], "internal_error");
    let message = done["error"]["message"].as_str().expect("message");
    assert!(
        message.contains("panicked") && message.contains("boom"),
        "{message}"
    );
    a_normal_task_succeeds(&app).await;
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_worker_that_stops_fails_readiness_and_exits_non_zero() {
    let mut app = spawn_api().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let serve = app.spawn_process("serve", &["--port", &port.to_string()], &[]);
    let base = format!("http://127.0.0.1:{port}");
    let start = Instant::now();
    while app
        .client
        .get(format!("{base}/readyz"))
        .send()
        .await
        .map_or(true, |r| r.status() != StatusCode::OK)
    {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{}",
            app.worker_log(serve)
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    app.wait_for_log(serve, "worker started", Duration::from_secs(10))
        .await;
    // apalis stops its worker for good when its heartbeat finds the worker's row gone
    // (as after an operator's cleanup); the process must not idle on as if ready.
    sqlx::query("DELETE FROM apalis.workers")
        .execute(&app.pool)
        .await
        .expect("delete the worker rows");
    let status = app.wait_for_exit(serve, Duration::from_secs(30)).await;
    let log = app.worker_log(serve);
    assert!(
        !status.success(),
        "serve must exit non-zero when its worker stops:\n{log}"
    );
    assert!(log.contains("worker stopped unexpectedly"), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_cancelled_while_its_attempt_fails_retryably_ends_cancelled() {
    let mut settings = test_settings();
    // The running attempt does not notice the cancel by polling before it fails.
    settings.worker.cancel_check_ms = 60_000;
    let app = spawn(Mode::ALL, settings).await;
    app.create_runner(json!({"name": "flaky", "model_settings": {"mock": {
        "delay_ms": 800,
        "error": {"code": "overloaded", "message": "try again", "retryable": true}
    }}}))
    .await;
    let task = app.submit("flaky", json!({})).await;
    let id = task["id"].as_str().expect("id");
    app.wait_for_status(id, "running").await;
    let res = app
        .post(&format!("/v1/tasks/{id}/cancel"), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);

    let res = app.get(&format!("/v1/tasks/{id}?wait=20")).await;
    let done: Value = res.json().await.expect("json");
    assert_eq!(done["status"], "cancelled", "{done}");
    assert_eq!(done["attempts"], 1, "{done}");
    assert_eq!(done["error"]["code"], "cancelled");
    // What the attempt ended with is kept.
    assert_eq!(
        done["error"]["details"]["error"]["code"], "model_error",
        "{done}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancels_at_any_moment_end_as_the_cancel_answer_said() {
    let app = spawn_app().await;
    let mut runners = Vec::new();
    for delay in [0, 20, 60] {
        let name = format!("quick-{delay}");
        app.create_runner(
            json!({"name": name, "model_settings": {"mock": {"text": "done", "delay_ms": delay}}}),
        )
        .await;
        runners.push(name);
    }
    let mut answers = Vec::new();
    for i in 0..36u64 {
        let runner = &runners[(i % 3) as usize];
        let task = app.submit(runner, json!({})).await;
        let id = task["id"].as_str().expect("id").to_owned();
        // Cancel at moments spread over queued, running and ending.
        tokio::time::sleep(Duration::from_millis((i * 7) % 90)).await;
        let res = app
            .post(&format!("/v1/tasks/{id}/cancel"), &json!({}))
            .await;
        answers.push((id, res.status()));
    }
    let mut seen = std::collections::BTreeMap::new();
    for (id, answer) in answers {
        let done = app
            .wait_for(&id, Duration::from_secs(20), |t| {
                !matches!(t["status"].as_str(), Some("queued" | "running"))
            })
            .await;
        let status = done["status"].as_str().expect("status").to_owned();
        match answer {
            StatusCode::OK | StatusCode::ACCEPTED => {
                assert_eq!(status, "cancelled", "cancel answered {answer}: {done}");
            }
            StatusCode::CONFLICT => assert_eq!(status, "succeeded", "{done}"),
            other => panic!("unexpected cancel answer {other}"),
        }
        *seen.entry(answer.as_u16()).or_insert(0) += 1;
    }
    assert!(
        seen.len() >= 2,
        "the cancels all landed in one state: {seen:?}"
    );
}
