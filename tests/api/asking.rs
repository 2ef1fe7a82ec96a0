//! Tasks that stop to ask a person (`ask_human` → `input_required`): the question and its
//! schema, the answer resuming the task without calling the model again for what came
//! before, a free worker slot while waiting, timeouts, cancellation, a worker lost while
//! the task waits.

use std::time::Duration;

use nix::sys::signal::{Signal, kill};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::fake_openai::{FakeOpenAi, Reply};
use crate::helpers::{
    TestApp, fake_provider, spawn, spawn_api, spawn_app, spawn_with_provider, test_settings,
    violation_pointers,
};
use errand::service::Mode;

fn schema() -> Value {
    json!({"type": "object", "properties": {"ok": {"type": "boolean"}},
           "required": ["ok"], "additionalProperties": false})
}

/// A mock runner that asks whether to ship, then answers with what it was told.
fn asking_runner() -> Value {
    json!({"name": "asks", "model": "mock", "toolkits": ["ask_human"],
    "model_settings": {"mock": {"turns": [
        {"tool_calls": [{"name": "ask_human",
            "arguments": {"question": "Ship it?", "answer_schema": schema()}}]},
        {"text": "You said {{tool_result}}"}
    ]}}})
}

async fn answer(app: &TestApp, task: &str, request: &Value, answer: Value) -> reqwest::Response {
    app.post(
        &format!("/v1/tasks/{task}/input"),
        &json!({"request_id": request, "answer": answer}),
    )
    .await
}

#[tokio::test]
async fn a_question_waits_for_its_answer_and_the_answer_resumes_the_task() {
    let app = spawn_app().await;
    app.create_runner(asking_runner()).await;
    // A wait returns at the question: it is a state the caller must act on. It is not
    // final, so the answer is 202 (200 means final).
    let res = app
        .post("/v1/runners/asks/tasks?wait=20", &json!({"arguments": {}}))
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let waiting: Value = res.json().await.expect("json");
    assert_eq!(waiting["status"], "input_required", "{waiting}");
    let request = &waiting["input_request"];
    assert_eq!(request["question"], "Ship it?");
    assert_eq!(request["schema"], schema());
    let id = waiting["id"].as_str().expect("id");
    // A long-poll on a waiting task returns at once: there is nothing to wait for.
    let start = std::time::Instant::now();
    let polled = app.get_json(&format!("/v1/tasks/{id}?wait=30")).await;
    assert_eq!(polled["status"], "input_required");
    assert!(start.elapsed() < Duration::from_secs(5));
    let events = app.events(id).await;
    let asked = events
        .iter()
        .find(|e| e["type"] == "task.input_required")
        .expect("event");
    assert_eq!(asked["data"]["request_id"], request["request_id"]);

    // The answer is checked against the question's schema.
    let bad = answer(&app, id, &request["request_id"], json!({"ok": "yes"})).await;
    assert_eq!(
        violation_pointers(bad, "invalid_answer").await,
        ["/answer/ok"]
    );
    let unknown = answer(&app, id, &json!(uuid::Uuid::now_v7()), json!({"ok": true})).await;
    assert_eq!(unknown.status(), StatusCode::CONFLICT);
    let problem: Value = unknown.json().await.expect("json");
    assert_eq!(problem["code"], "task_not_waiting");

    let taken = answer(&app, id, &request["request_id"], json!({"ok": true})).await;
    assert_eq!(taken.status(), StatusCode::OK);
    let taken: Value = taken.json().await.expect("json");
    assert_eq!(taken["status"], "queued");
    let done = app
        .wait_for(id, Duration::from_secs(20), |t| t["status"] == "succeeded")
        .await;
    assert_eq!(done["output"], "You said {\"ok\":true}");
    assert_eq!(done["input_request"]["answer"], json!({"ok": true}));
    // Going on after the answer is not a new attempt: one `task.started`, then
    // `task.resumed`, and the attempt counts are those the task had when it asked.
    assert_eq!(done["attempts"], waiting["attempts"], "{done}");
    assert_eq!(done["max_attempts"], waiting["max_attempts"], "{done}");
    assert_eq!(done["started_at"], waiting["started_at"], "{done}");
    let kinds: Vec<String> = app
        .events(id)
        .await
        .iter()
        .map(|e| e["type"].as_str().unwrap_or_default().to_owned())
        .filter(|k| k == "task.started" || k == "task.resumed")
        .collect();
    assert_eq!(kinds, ["task.started", "task.resumed"]);

    // The same answer again is harmless; a different one is a conflict.
    let again = answer(&app, id, &request["request_id"], json!({"ok": true})).await;
    assert_eq!(again.status(), StatusCode::OK);
    let other = answer(&app, id, &request["request_id"], json!({"ok": false})).await;
    assert_eq!(other.status(), StatusCode::CONFLICT);
    let problem: Value = other.json().await.expect("json");
    assert_eq!(problem["code"], "answer_conflict");
    // A task that never asked takes no answer.
    app.create_runner(json!({"name": "echo", "model": "mock"}))
        .await;
    let plain = app.run_to_end("echo", json!({"arguments": {}})).await;
    let res = answer(
        &app,
        plain["id"].as_str().expect("id"),
        &json!(uuid::Uuid::now_v7()),
        json!(1),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn the_model_is_not_called_again_for_the_turns_before_the_answer() {
    let fake = FakeOpenAi::start(vec![
        Reply::tool_calls(&[("call_q", "ask_human", json!({"question": "Which colour?"}))]),
        Reply::text("Blue it is."),
    ])
    .await;
    let app = spawn_with_provider(fake_provider(&fake.url)).await;
    app.create_runner(json!({"name": "colour", "model": "fake/gpt-test",
        "toolkits": ["ask_human"]}))
        .await;
    let task = app
        .submit("colour", json!({"arguments": {"prompt": "Paint"}}))
        .await;
    let id = task["id"].as_str().expect("id");
    let waiting = app.wait_for_status(id, "input_required").await;
    assert!(waiting["input_request"]["schema"].is_null());
    let res = answer(
        &app,
        id,
        &waiting["input_request"]["request_id"],
        json!("blue"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let done = app.wait_for_status(id, "succeeded").await;
    assert_eq!(done["output"], "Blue it is.");
    let sent = fake.received();
    assert_eq!(
        sent.len(),
        2,
        "the first turn was replayed, not called again"
    );
    let last = sent[1].body["messages"].as_array().expect("messages");
    let tool = last.last().expect("tool message");
    assert_eq!(tool["role"], "tool");
    assert_eq!(tool["tool_call_id"], "call_q");
    assert_eq!(tool["content"], "blue");
    let steps = app.get_json(&format!("/v1/tasks/{id}/steps")).await;
    let kinds: Vec<(&str, i64)> = steps["data"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| {
            (
                s["kind"].as_str().expect("kind"),
                s["attempt"].as_i64().expect("n"),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        // Going on after the answer is the same attempt.
        [("model_call", 1), ("tool_result", 1), ("model_call", 1)]
    );
}

#[tokio::test]
async fn a_waiting_task_holds_no_worker_slot() {
    let mut settings = test_settings();
    settings.worker.concurrency = 1;
    let app = spawn(Mode::ALL, settings).await;
    app.create_runner(asking_runner()).await;
    app.create_runner(json!({"name": "echo", "model": "mock"}))
        .await;
    let asking = app.submit("asks", json!({"arguments": {}})).await;
    let id = asking["id"].as_str().expect("id");
    app.wait_for_status(id, "input_required").await;
    // With one slot, this runs only because the waiting task let go of it.
    let other = app.run_to_end("echo", json!({"arguments": {"n": 1}})).await;
    assert_eq!(other["status"], "succeeded");
    assert_eq!(app.task(id).await["status"], "input_required");
}

#[tokio::test]
async fn an_unanswered_question_times_out_and_a_waiting_task_cancels_at_once() {
    let app = spawn_app().await;
    app.create_runner(asking_runner()).await;
    let quick = app
        .submit("asks", json!({"arguments": {}, "input_timeout_seconds": 1}))
        .await;
    let done = app
        .wait_for(
            quick["id"].as_str().expect("id"),
            Duration::from_secs(15),
            |t| t["status"] == "failed",
        )
        .await;
    assert_eq!(done["error"]["code"], "input_timeout", "{done}");

    let thread: Value = app
        .post("/v1/threads", &json!({}))
        .await
        .json()
        .await
        .expect("json");
    let thread = thread["id"].as_str().expect("id");
    let slow = app
        .submit(
            "asks",
            json!({"arguments": {"prompt": "go"}, "thread": thread}),
        )
        .await;
    let id = slow["id"].as_str().expect("id");
    app.wait_for_status(id, "input_required").await;
    let res = app
        .post(&format!("/v1/tasks/{id}/cancel"), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let cancelled: Value = res.json().await.expect("json");
    assert_eq!(cancelled["status"], "cancelled");
    // The thread keeps the question, answered by a result saying it never was.
    let page = app
        .get_json(&format!("/v1/threads/{thread}/messages"))
        .await;
    let roles: Vec<&str> = page["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|m| m["role"].as_str().expect("role"))
        .collect();
    assert_eq!(roles, ["user", "assistant", "tool"]);
    assert!(
        page["data"][2]["content"]
            .as_str()
            .expect("content")
            .starts_with("error: not run")
    );
    let status = app.get_json(&format!("/v1/threads/{thread}")).await;
    assert_eq!(status["status"], "idle");
}

#[tokio::test]
async fn a_task_waits_safely_through_the_loss_of_its_worker() {
    let mut app = spawn_api().await;
    app.create_runner(asking_runner()).await;
    let first = app.spawn_worker_process();
    let task = app.submit("asks", json!({"arguments": {}})).await;
    let id = task["id"].as_str().expect("id");
    let waiting = app.wait_for_status(id, "input_required").await;
    kill(app.worker_pid(first), Signal::SIGKILL).expect("kill");
    let res = answer(
        &app,
        id,
        &waiting["input_request"]["request_id"],
        json!({"ok": false}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    app.spawn_worker_process();
    let done = app
        .wait_for(id, Duration::from_secs(30), |t| t["status"] == "succeeded")
        .await;
    assert_eq!(done["output"], "You said {\"ok\":false}");
}

#[tokio::test]
async fn an_answer_after_the_question_expired_is_refused_and_says_so() {
    let mut app = spawn_api().await;
    app.create_runner(asking_runner()).await;
    let worker = app.spawn_worker_process();
    let task = app
        .submit("asks", json!({"arguments": {}, "input_timeout_seconds": 1}))
        .await;
    let id = task["id"].as_str().expect("id").to_owned();
    let asked = app.wait_for_status(&id, "input_required").await;
    // No worker is left to sweep the question: only the answer's own check can refuse it.
    kill(app.worker_pid(worker), Signal::SIGKILL).expect("kill");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let request = &asked["input_request"]["request_id"];
    let late = answer(&app, &id, request, json!({"ok": true})).await;
    assert_eq!(late.status(), StatusCode::CONFLICT);
    let problem: Value = late.json().await.expect("json");
    assert_eq!(problem["code"], "input_expired", "{problem}");
    assert_eq!(
        app.task(&id).await["status"],
        "input_required",
        "not resumed"
    );

    // A question of a task that has ended since is not "never asked".
    let cancelled = app
        .post(&format!("/v1/tasks/{id}/cancel"), &json!({}))
        .await;
    assert_eq!(cancelled.status(), StatusCode::OK);
    let refused = answer(&app, &id, request, json!({"ok": true})).await;
    let problem: Value = refused.json().await.expect("json");
    assert_eq!(problem["code"], "task_not_waiting", "{problem}");
    let detail = problem["detail"].as_str().unwrap_or_default();
    assert!(
        detail.contains("asked request") && detail.contains("cancelled now"),
        "{detail}"
    );
}

#[tokio::test]
async fn an_expired_question_is_acted_on_within_a_second() {
    let mut settings = test_settings();
    // The heartbeat is far off: only the question check can end the task in time.
    settings.worker.heartbeat_seconds = 20;
    let app = spawn(Mode::ALL, settings).await;
    app.create_runner(asking_runner()).await;
    let task = app
        .submit("asks", json!({"arguments": {}, "input_timeout_seconds": 1}))
        .await;
    let id = task["id"].as_str().expect("id").to_owned();
    let done = app
        .wait_for(&id, Duration::from_secs(10), |t| t["status"] == "failed")
        .await;
    assert_eq!(done["error"]["code"], "input_timeout", "{done}");
    let at = |v: &Value| chrono::DateTime::parse_from_rfc3339(v.as_str().expect("time")).unwrap();
    let late = at(&done["finished_at"]) - at(&done["input_request"]["expires_at"]);
    assert!(
        late < chrono::Duration::milliseconds(1000),
        "acted on {late} after the question expired"
    );
}
