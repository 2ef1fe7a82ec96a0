use std::time::Duration;

use nix::sys::signal::{Signal, kill};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{spawn_api, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attempt_past_its_timeout_is_timed_out() {
    let app = spawn_app().await;
    app.create_runner(json!({"name": "slow", "timeout_seconds": 1,
        "model_settings": {"mock": {"text": "late", "delay_ms": 5000}}}))
        .await;
    let t = app.submit("slow", json!({})).await;
    let done = app
        .wait_for_status(t["id"].as_str().unwrap(), "timed_out")
        .await;
    assert_eq!(done["error"]["code"], "timeout");
    assert_eq!(done["attempts"], 1);
    let events = app.events(t["id"].as_str().unwrap()).await;
    assert_eq!(events.last().unwrap()["type"], "task.timed_out");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_queued_task_never_runs() {
    let mut app = spawn_api().await;
    app.create_runner(json!({"name": "r"})).await;
    let t = app.submit("r", json!({"arguments": {"a": 1}})).await;
    let id = t["id"].as_str().unwrap();
    let res = app
        .post(&format!("/v1/tasks/{id}/cancel"), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let cancelled: Value = res.json().await.unwrap();
    assert_eq!(cancelled["status"], "cancelled");

    // A worker now drains the queue: the cancelled task is skipped.
    let w = app.spawn_worker_process();
    let later = app.submit("r", json!({"arguments": {"a": 2}})).await;
    app.wait_for_status(later["id"].as_str().unwrap(), "succeeded")
        .await;
    let queued: i64 = sqlx::query_scalar("SELECT count(*) FROM tasks WHERE status = 'queued'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let task = app.task(id).await;
    assert_eq!(task["status"], "cancelled");
    assert_eq!(task["attempts"], 0, "never started: {task}");
    assert!(task["output"].is_null());
    let kinds: Vec<Value> = app
        .events(id)
        .await
        .iter()
        .map(|e| e["type"].clone())
        .collect();
    assert_eq!(kinds, vec![json!("task.queued"), json!("task.cancelled")]);
    assert_eq!(queued, 0, "nothing is left in the queue");

    // Cancelling again: the task already ended.
    let res = app
        .post(&format!("/v1/tasks/{id}/cancel"), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let problem: Value = res.json().await.unwrap();
    assert_eq!(problem["code"], "task_finished");
    let _ = w;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_task_is_cancelled_once_its_worker_stops() {
    let app = spawn_app().await;
    app.create_runner(
        json!({"name": "long", "model_settings": {"mock": {"text": "…", "delay_ms": 20000}}}),
    )
    .await;
    let t = app.submit("long", json!({})).await;
    let id = t["id"].as_str().unwrap();
    app.wait_for_status(id, "running").await;
    let res = app
        .post(&format!("/v1/tasks/{id}/cancel"), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let requested: Value = res.json().await.unwrap();
    assert_eq!(requested["cancel_requested"], true);
    let done = app
        .wait_for(id, Duration::from_secs(5), |t| t["status"] == "cancelled")
        .await;
    assert_eq!(done["error"]["code"], "cancelled");
    app.stop().await;
}

/// Waits until the task runs attempt `n`.
async fn running_attempt(app: &crate::helpers::TestApp, id: &str, n: i64) {
    app.wait_for(id, Duration::from_secs(30), |t| {
        t["status"] == "running" && t["attempts"] == n
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_worker_s_task_runs_again_on_another_worker() {
    let mut app = spawn_api().await;
    app.create_runner(
        json!({"name": "crashy", "model_settings": {"mock": {"attempts": [
            {"text": "never finished", "delay_ms": 30000},
            {"text": "done on the second attempt"}
        ]}}}),
    )
    .await;
    let first = app.spawn_worker_process();
    let t = app.submit("crashy", json!({})).await;
    let id = t["id"].as_str().unwrap();
    running_attempt(&app, id, 1).await;

    kill(app.worker_pid(first), Signal::SIGKILL).unwrap();
    app.spawn_worker_process();
    let done = app
        .wait_for(id, Duration::from_secs(30), |t| t["status"] == "succeeded")
        .await;
    assert_eq!(done["attempts"], 2);
    assert_eq!(done["output"], "done on the second attempt");
    let starts = app
        .events(id)
        .await
        .iter()
        .filter(|e| e["type"] == "task.started")
        .count();
    assert_eq!(starts, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_worker_cannot_overwrite_a_newer_attempt() {
    let mut app = spawn_api().await;
    app.create_runner(
        json!({"name": "fenced", "model_settings": {"mock": {"attempts": [
            {"text": "stale result from attempt 1", "delay_ms": 2000},
            {"text": "result of attempt 2"}
        ]}}}),
    )
    .await;
    let stale = app.spawn_worker_process();
    let t = app.submit("fenced", json!({})).await;
    let id = t["id"].as_str().unwrap();
    running_attempt(&app, id, 1).await;

    // Freeze the first worker mid-task: its lease expires and another worker takes over.
    kill(app.worker_pid(stale), Signal::SIGSTOP).unwrap();
    app.spawn_worker_process();
    let done = app
        .wait_for(id, Duration::from_secs(30), |t| t["status"] == "succeeded")
        .await;
    assert_eq!(done["attempts"], 2);

    // Wake the stale worker: it finishes its attempt and tries to record it.
    kill(app.worker_pid(stale), Signal::SIGCONT).unwrap();
    app.wait_for_log(stale, "attempt superseded", Duration::from_secs(20))
        .await;

    let after = app.task(id).await;
    assert_eq!(after["status"], "succeeded");
    assert_eq!(after["output"], "result of attempt 2");
    assert_eq!(after["attempts"], 2);
    assert_eq!(after["finished_at"], done["finished_at"]);
    let terminal = app
        .events(id)
        .await
        .iter()
        .filter(|e| e["type"] == "task.succeeded")
        .count();
    assert_eq!(terminal, 1);
}

/// A task a closing worker claimed but never started goes back to the queue with the
/// attempt it had: the next worker runs it as attempt 1, not as a lost worker's retry.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unstarted_claim_is_given_back_without_spending_an_attempt() {
    use errand_core::tasks::lifecycle::{self, Pick};
    let mut app = spawn_api().await;
    app.create_runner(json!({"name": "once", "max_attempts": 1}))
        .await;
    let t = app.submit("once", json!({"arguments": {"a": 1}})).await;
    let id: uuid::Uuid = t["id"].as_str().unwrap().parse().unwrap();
    let mut conn = app.pool.acquire().await.unwrap();
    let claimed = lifecycle::claim(
        &mut conn,
        Pick::Task(id),
        "closing",
        Duration::from_secs(60),
    )
    .await
    .unwrap();
    let task = claimed.tasks.into_iter().next().expect("claimed");
    assert_eq!(task.attempts, 1);
    // Another owner cannot give it back; its owner can, once.
    assert!(
        !lifecycle::unclaim(&mut conn, "someone else", &task)
            .await
            .unwrap()
    );
    assert!(
        lifecycle::unclaim(&mut conn, "closing", &task)
            .await
            .unwrap()
    );
    assert!(
        !lifecycle::unclaim(&mut conn, "closing", &task)
            .await
            .unwrap()
    );
    drop(conn);
    let queued = app.task(t["id"].as_str().unwrap()).await;
    assert_eq!(queued["status"], "queued", "{queued}");
    assert_eq!(queued["attempts"], 0, "{queued}");
    // With one attempt allowed, the task still runs, and succeeds.
    app.spawn_worker_process();
    let done = app
        .wait_for_status(t["id"].as_str().unwrap(), "succeeded")
        .await;
    assert_eq!(done["attempts"], 1, "{done}");
    let types: Vec<Value> = app
        .events(t["id"].as_str().unwrap())
        .await
        .into_iter()
        .map(|e| e["type"].clone())
        .collect();
    assert_eq!(
        types[..4],
        [
            json!("task.queued"),
            json!("task.started"),
            json!("task.queued"),
            json!("task.started")
        ],
        "{types:?}"
    );
    app.stop().await;
}
