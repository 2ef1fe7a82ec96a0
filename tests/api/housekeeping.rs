//! Nothing grows without bound: finished tasks (with steps and events), deleted runners and
//! idempotency keys go after their retention, in small batches, and the sweep stops
//! promptly when the process does.

use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use reqwest::StatusCode;
use serde_json::{Value, json};

use errand_core::housekeeping::Sweeper;
use tokio_util::sync::CancellationToken;

use crate::helpers::{TestApp, spawn, spawn_api, spawn_app, test_settings};
use errand::service::Mode;

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(&app.pool)
        .await
        .expect("count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finished_tasks_with_their_steps_and_events_go_after_their_retention() {
    let mut settings = test_settings();
    settings.retention.tasks_days = Some(0);
    settings.retention.interval_seconds = 1;
    settings.retention.batch_size = 2;
    let app = spawn(Mode::ALL, settings).await;
    app.create_runner(json!({"name": "done", "model_settings": {"mock": {"text": "ok"}}}))
        .await;
    app.create_runner(
        json!({"name": "slow", "model_settings": {"mock": {"text": "…", "delay_ms": 30_000}}}),
    )
    .await;
    app.create_runner(json!({"name": "gone"})).await;
    let mut finished = Vec::new();
    for _ in 0..3 {
        let done = app.run_to_end("done", json!({})).await;
        finished.push(done["id"].as_str().expect("id").to_owned());
    }
    let slow = app.submit("slow", json!({})).await;
    let slow = slow["id"].as_str().expect("id").to_owned();
    assert_eq!(
        app.delete("/v1/runners/gone").await.status(),
        StatusCode::NO_CONTENT
    );

    let start = Instant::now();
    for id in &finished {
        while app.get(&format!("/v1/tasks/{id}")).await.status() != StatusCode::NOT_FOUND {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "task {id} was kept"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let left = |table: &str| format!("SELECT count(*) FROM {table} WHERE task_id <> '{slow}'");
    assert_eq!(count(&app, &left("task_events")).await, 0);
    assert_eq!(count(&app, &left("task_steps")).await, 0);
    // The running task is kept; so is every live runner; the deleted one (no tasks) goes.
    assert_eq!(app.task(&slow).await["status"], "running");
    while count(&app, "SELECT count(*) FROM runners WHERE name = 'gone'").await > 0 {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the deleted runner was kept"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(count(&app, "SELECT count(*) FROM runners").await, 2);
}

async fn submit_with_key(app: &TestApp, runner: &str, key: &str) -> (StatusCode, Value) {
    let res = app
        .client
        .post(app.url(&format!("/v1/runners/{runner}/tasks")))
        .header("Idempotency-Key", key)
        .json(&json!({"arguments": {}}))
        .send()
        .await
        .expect("request");
    (res.status(), res.json().await.expect("json"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_task_frees_its_idempotency_key_and_a_success_keeps_it() {
    let app = spawn_app().await;
    app.create_runner(json!({"name": "fails", "model_settings": {"mock": {
        "error": {"code": "bad", "message": "no"}}}}))
        .await;
    app.create_runner(json!({"name": "works"})).await;

    let (status, first) = submit_with_key(&app, "fails", "key-1").await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let id = first["id"].as_str().expect("id");
    app.wait_for_status(id, "failed").await;
    let (status, again) = submit_with_key(&app, "fails", "key-1").await;
    assert_eq!(status, StatusCode::ACCEPTED, "a new task: {again}");
    assert_ne!(again["id"], first["id"]);

    let (_, first) = submit_with_key(&app, "works", "key-2").await;
    app.wait_for_status(first["id"].as_str().expect("id"), "succeeded")
        .await;
    let (status, again) = submit_with_key(&app, "works", "key-2").await;
    assert_eq!(status, StatusCode::OK, "a replay: {again}");
    assert_eq!(again["id"], first["id"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idempotency_keys_expire() {
    let mut settings = test_settings();
    settings.retention.idempotency_hours = 0;
    let app = spawn(Mode::ALL, settings).await;
    app.create_runner(json!({"name": "works"})).await;
    let (status, first) = submit_with_key(&app, "works", "key-3").await;
    assert_eq!(status, StatusCode::ACCEPTED);
    // At once past its time: the same key submits a new task.
    let (status, again) = submit_with_key(&app, "works", "key-3").await;
    assert_eq!(status, StatusCode::ACCEPTED, "{again}");
    assert_ne!(again["id"], first["id"]);
}

#[tokio::test]
async fn the_sweep_deletes_in_small_batches_and_stops_promptly_at_shutdown() {
    let mut app = spawn_api().await;
    let runner = app.create_runner(json!({"name": "old"})).await;
    sqlx::query(
        "INSERT INTO tasks (id, runner_id, runner_version, runner_name, arguments, model,
            model_settings, status, max_attempts, timeout_seconds, created_at, finished_at,
            project_id)
         SELECT gen_random_uuid(), $1, 1, 'old', '{}', 'mock', '{}', 'succeeded', 3, 60,
            now() - interval '41 days', now() - interval '40 days',
            (SELECT id FROM projects WHERE name = 'default')
         FROM generate_series(1, 20000)",
    )
    .bind(uuid::Uuid::parse_str(runner["id"].as_str().expect("id")).expect("uuid"))
    .execute(&app.pool)
    .await
    .expect("insert old tasks");
    let worker = app.spawn_worker_process_with(&[], &[("ERRAND_RETENTION_BATCH_SIZE", "10")]);
    let start = Instant::now();
    while count(&app, "SELECT count(*) FROM tasks").await == 20_000 {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{}",
            app.worker_log(worker)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    kill(app.worker_pid(worker), Signal::SIGTERM).expect("SIGTERM");
    let asked = Instant::now();
    app.wait_for_log(worker, "worker stopped", Duration::from_secs(10))
        .await;
    let took = asked.elapsed();
    let left = count(&app, "SELECT count(*) FROM tasks").await;
    assert!(took < Duration::from_secs(3), "the stop took {took:?}");
    assert!(
        left > 0,
        "the sweep finished before the stop; nothing shows it stopped"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_long_revoked_or_expired_are_deleted_and_recent_ones_kept() {
    let mut settings = test_settings();
    settings.retention.keys_days = 30;
    settings.retention.interval_seconds = 1;
    let app = spawn(Mode::ALL, settings).await;
    let (admin, _) =
        crate::keys::make_key(&app, None, json!({"name": "a", "scopes": ["admin"]})).await;
    for name in ["old-revoked", "old-expired", "recent-revoked", "live"] {
        crate::keys::make_key(
            &app,
            Some(&admin),
            json!({"name": name, "scopes": ["read"]}),
        )
        .await;
    }
    sqlx::query(
        "UPDATE api_keys SET
            revoked_at = CASE name WHEN 'old-revoked' THEN now() - interval '31 days'
                                   WHEN 'recent-revoked' THEN now() - interval '29 days' END,
            expires_at = CASE name WHEN 'old-expired' THEN now() - interval '31 days' END",
    )
    .execute(&app.pool)
    .await
    .expect("age the keys");
    let start = Instant::now();
    while count(&app, "SELECT count(*) FROM api_keys").await != 3 {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "old keys were kept"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let left: Vec<String> = sqlx::query_scalar("SELECT name FROM api_keys ORDER BY name")
        .fetch_all(&app.pool)
        .await
        .expect("names");
    assert_eq!(left, ["a", "live", "recent-revoked"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_threads_go_with_their_messages_and_busy_ones_stay() {
    let mut settings = test_settings();
    settings.retention.threads_days = Some(0);
    // Tasks are kept: only the threads' own rule is under test.
    settings.retention.tasks_days = None;
    settings.retention.interval_seconds = 1;
    settings.retention.batch_size = 2;
    let app = spawn(Mode::ALL, settings).await;
    app.create_runner(json!({"name": "talk", "model_settings": {"mock": {"text": "ok"}}}))
        .await;
    app.create_runner(
        json!({"name": "slow", "model_settings": {"mock": {"text": "…", "delay_ms": 30_000}}}),
    )
    .await;
    let mut idle = Vec::new();
    for key in ["a", "b"] {
        // Three exchanges: six messages, more than one batch. (The thread may be swept
        // between them and made anew: the last one is the thread to watch.)
        let mut thread = Value::Null;
        for _ in 0..3 {
            let done = app
                .run_to_end("talk", json!({"thread": key, "if_not_exists": "create"}))
                .await;
            assert_eq!(done["status"], "succeeded");
            thread = done["thread_id"].clone();
        }
        idle.push(thread);
    }
    let busy = app
        .submit("slow", json!({"thread": "busy", "if_not_exists": "create"}))
        .await;
    let start = Instant::now();
    for id in &idle {
        let id = id.as_str().expect("id");
        while app.get(&format!("/v1/threads/{id}")).await.status() != StatusCode::NOT_FOUND {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "thread {id} was kept"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    assert_eq!(count(&app, "SELECT count(*) FROM thread_messages").await, 0);
    let busy_thread = busy["thread_id"].as_str().expect("thread");
    assert_eq!(
        app.get(&format!("/v1/threads/{busy_thread}"))
            .await
            .status(),
        StatusCode::OK
    );
    // The tasks keep their rows.
    assert_eq!(count(&app, "SELECT count(*) FROM tasks").await, 7);
}

/// Submissions on a thread while idle threads are swept as fast as the sweep can go: each
/// one either keeps its thread or starts a new one, and every task ends with its thread in
/// place. (A sweep that checked idleness before a submission's commit and deleted after it
/// left tasks on a thread that no longer existed.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thread_swept_while_a_task_is_submitted_on_it_is_kept_or_made_anew() {
    let mut settings = test_settings();
    settings.retention.threads_days = Some(0);
    settings.retention.tasks_days = None;
    let app = spawn(Mode::ALL, settings.clone()).await;
    app.create_runner(json!({"name": "talk", "model_settings": {"mock": {"text": "ok"}}}))
        .await;
    let sweeper = Sweeper {
        pool: app.pool.clone(),
        retention: settings.retention.clone(),
        events_days: None,
    };
    let stop = CancellationToken::new();
    let sweeping = {
        let stop = stop.clone();
        tokio::spawn(async move {
            let mut threads = 0;
            while !stop.is_cancelled() {
                threads += sweeper.sweep(&stop).await.expect("sweep").threads;
            }
            threads
        })
    };
    for round in 0..60 {
        let task = app
            .submit(
                "talk",
                json!({"thread": "raced", "if_not_exists": "create"}),
            )
            .await;
        let thread = task["thread_id"].as_str().expect("thread").to_owned();
        let done = app
            .wait_for_status(task["id"].as_str().expect("id"), "succeeded")
            .await;
        assert_eq!(done["thread_id"], thread.as_str(), "round {round}");
        // One statement, one snapshot: the sweep may run between two.
        let (kept, messages): (bool, i64) = sqlx::query_as(
            "SELECT EXISTS (SELECT 1 FROM threads WHERE id = $2::uuid),
                    (SELECT count(*) FROM thread_messages WHERE task_id = $1::uuid)",
        )
        .bind(task["id"].as_str())
        .bind(&thread)
        .fetch_one(&app.pool)
        .await
        .expect("thread and messages");
        // Swept after its task ended, the thread takes its messages along; otherwise both stay.
        assert_eq!(kept, messages > 0, "round {round}: {messages} messages");
    }
    stop.cancel();
    assert!(
        sweeping.await.expect("sweeper") > 0,
        "the sweep never removed a thread"
    );
}
