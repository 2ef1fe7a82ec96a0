//! One fault never stops the worker: a hostile `Retry-After`, a panicking task; a worker
//! that stops anyway is noticed (readiness, exit status). Cancellation wins over a retry
//! and over an outcome that arrives at the same moment.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::fake_openai::{FakeOpenAi, Reply};
use crate::helpers::{TestApp, fake_provider, spawn, spawn_api, spawn_app, test_settings};
use errand::service::Mode;

/// A mock task on this app succeeds: the worker still takes work.
async fn a_normal_task_succeeds(app: &TestApp) {
    app.create_runner(json!({"name": "normal", "model_settings": {"mock": {"text": "fine"}}}))
        .await;
    let done = app.run_to_end("normal", json!({})).await;
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
    let done = app.run_to_end("limited", json!({})).await;
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
    let done = app.run_to_end("buggy", json!({})).await;
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

/// Ends every connection to this test's database but the caller's, as a PostgreSQL
/// restart or failover does.
async fn cut_connections(app: &TestApp) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid()) cut",
    )
    .fetch_one(&app.pool)
    .await
    .expect("terminate backends")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cutting_every_database_connection_mid_run_repeatedly_loses_no_task() {
    let app = spawn_app().await;
    app.create_runner(json!({"name": "steady", "model_settings": {"mock": {
        "text": "survived the cuts", "delay_ms": 1500
    }}}))
    .await;
    let mut ids = Vec::new();
    for _ in 0..10 {
        let task = app.submit("steady", json!({})).await;
        ids.push(task["id"].as_str().expect("id").to_owned());
    }
    app.wait_for_status(&ids[0], "running").await;
    let mut cut = 0;
    for _ in 0..5 {
        cut += cut_connections(&app).await;
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    assert!(cut >= 5, "the worker held connections to cut ({cut})");
    let mut first_attempt = 0;
    for id in &ids {
        let done = app
            .wait_for(id, Duration::from_secs(60), |t| {
                !matches!(t["status"].as_str(), Some("queued" | "running"))
            })
            .await;
        assert_eq!(done["status"], "succeeded", "{done}");
        assert_eq!(done["output"], "survived the cuts");
        if done["attempts"] == 1 {
            first_attempt += 1;
        }
    }
    // Writes waited for the database instead of giving the attempt up.
    assert!(
        first_attempt >= 8,
        "only {first_attempt} of 10 on their first attempt"
    );
    let running: i64 = sqlx::query_scalar("SELECT count(*) FROM tasks WHERE status = 'running'")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(running, 0);
    a_normal_task_succeeds(&app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_reaches_the_running_attempt_by_notification() {
    let mut settings = test_settings();
    // Polling would take a minute: only the notification can be this quick.
    settings.worker.cancel_check_ms = 60_000;
    let app = spawn(Mode::ALL, settings).await;
    app.create_runner(json!({"name": "slow", "model_settings": {"mock": {
        "text": "never finished", "delay_ms": 20_000
    }}}))
    .await;
    let task = app.submit("slow", json!({})).await;
    let id = task["id"].as_str().expect("id");
    app.wait_for_status(id, "running").await;
    let asked = Instant::now();
    let res = app
        .post(&format!("/v1/tasks/{id}/cancel"), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let res = app.get(&format!("/v1/tasks/{id}?wait=20")).await;
    let done: Value = res.json().await.expect("json");
    assert_eq!(done["status"], "cancelled", "{done}");
    assert!(
        asked.elapsed() < Duration::from_secs(3),
        "took {:?}",
        asked.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_that_lands_while_an_attempt_fails_retryably_wins_over_the_retry() {
    let app = spawn_api().await;
    app.create_runner(json!({"name": "flaky", "model_settings": {"mock": {
        "delay_ms": 800,
        "error": {"code": "overloaded", "message": "try again", "retryable": true}
    }}}))
    .await;
    // `errand run` listens for no notifications; with a slow poll its attempt cannot notice
    // the cancel before it fails, so the retry path meets the pending cancellation.
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_errand"))
        .args(["run", "--runner", "flaky", "--input", "{}"])
        .env("DATABASE_URL", &app.database_url)
        .env("ERRAND_WORKER_CANCEL_CHECK_MS", "60000")
        .env("NO_COLOR", "1")
        .env_remove("RUST_LOG")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn errand run");
    let start = Instant::now();
    let id = loop {
        let page = app.get_json("/v1/tasks?status=running").await;
        if let Some(id) = page["data"][0]["id"].as_str() {
            break id.to_owned();
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the task never ran"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let res = app
        .post(&format!("/v1/tasks/{id}/cancel"), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let out = tokio::time::timeout(Duration::from_secs(20), child.wait_with_output())
        .await
        .expect("errand run must not wait for ever on a cancelled task")
        .expect("output");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let done = app.task(&id).await;
    assert_eq!(done["status"], "cancelled", "{done}");
    assert_eq!(done["attempts"], 1, "{done}");
    // What the attempt ended with is kept.
    assert_eq!(done["error"]["details"]["outcome"], "failed", "{done}");
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
