//! Threads keep their promises at the edges: no key can pass for an id.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{echo_runner, spawn_api, violation_pointers};

#[tokio::test]
async fn a_thread_key_that_reads_as_a_uuid_is_refused() {
    let app = spawn_api().await;
    let existing: Value = app
        .post("/v1/threads", &json!({"key": "support/1"}))
        .await
        .json()
        .await
        .unwrap();
    let id = existing["id"].as_str().unwrap();
    let uuid = uuid::Uuid::now_v7().to_string();
    for key in [
        uuid.clone(),
        uuid.to_uppercase(),
        uuid.replace('-', ""),
        format!("urn:uuid:{uuid}"),
    ] {
        let made = app.post("/v1/threads", &json!({"key": key})).await;
        assert_eq!(
            violation_pointers(made, "invalid_body").await,
            ["/key"],
            "{key}"
        );
        let renamed = app
            .client
            .patch(app.url(&format!("/v1/threads/{id}")))
            .json(&json!({"key": key}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            violation_pointers(renamed, "invalid_body").await,
            ["/key"],
            "{key}"
        );
    }

    // `if_not_exists: create` finds a thread by id but never makes one named like an id.
    app.create_runner(echo_runner("echo")).await;
    let missing = app
        .post(
            "/v1/runners/echo/tasks",
            &json!({"arguments": {"text": "x"}, "thread": uuid, "if_not_exists": "create"}),
        )
        .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let problem: Value = missing.json().await.unwrap();
    assert_eq!(problem["code"], "thread_not_found");
    let found = app
        .post(
            "/v1/runners/echo/tasks",
            &json!({"arguments": {"text": "x"}, "thread": id, "if_not_exists": "create"}),
        )
        .await;
    assert_eq!(found.status(), StatusCode::ACCEPTED);
    let threads: i64 = sqlx::query_scalar("SELECT count(*) FROM threads")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(threads, 1);
}

/// `started_at` − predecessor's `finished_at`, for each task after the first.
fn gaps(tasks: &[Value]) -> Vec<chrono::Duration> {
    let at = |t: &Value, field: &str| {
        chrono::DateTime::parse_from_rfc3339(t[field].as_str().unwrap_or_else(|| panic!("{t}")))
            .unwrap()
    };
    tasks
        .windows(2)
        .map(|w| at(&w[1], "started_at") - at(&w[0], "finished_at"))
        .collect()
}

#[tokio::test]
async fn a_thread_s_next_task_starts_as_soon_as_its_predecessor_ends() {
    let mut settings = crate::helpers::test_settings();
    // The fallback poll is far off: only a wake-up can start a successor promptly.
    settings.worker.poll_interval_ms = 10_000;
    let app = crate::helpers::spawn(errand::service::Mode::ALL, settings).await;
    app.create_runner(json!({"name": "turn", "model": "mock",
        "model_settings": {"mock": {"text": "done", "delay_ms": 300}}}))
        .await;
    let thread: Value = app
        .post("/v1/threads", &json!({}))
        .await
        .json()
        .await
        .unwrap();
    let thread = thread["id"].as_str().unwrap();
    let mut ids = Vec::new();
    for _ in 0..4 {
        let task = app
            .submit("turn", json!({"arguments": {}, "thread": thread}))
            .await;
        ids.push(task["id"].as_str().unwrap().to_owned());
    }
    let mut tasks = Vec::new();
    for id in &ids {
        tasks.push(app.wait_for_status(id, "succeeded").await);
    }
    for gap in gaps(&tasks) {
        assert!(
            gap < chrono::Duration::milliseconds(500),
            "a successor started {gap} after its predecessor ended"
        );
    }

    // `interrupt` starts the new task as soon as the interrupted one has stopped.
    app.create_runner(json!({"name": "long", "model": "mock",
        "model_settings": {"mock": {"text": "a long answer", "delay_ms": 20_000}}}))
        .await;
    let first = app
        .submit("long", json!({"arguments": {}, "thread": thread}))
        .await;
    let first_id = first["id"].as_str().unwrap().to_owned();
    app.wait_for_status(&first_id, "running").await;
    let second = app
        .submit(
            "turn",
            json!({"arguments": {}, "thread": thread, "multitask_strategy": "interrupt"}),
        )
        .await;
    let second = app
        .wait_for_status(second["id"].as_str().unwrap(), "succeeded")
        .await;
    let first = app.task(&first_id).await;
    assert_eq!(first["status"], "cancelled", "{first}");
    let gap = gaps(&[first, second])[0];
    assert!(
        gap < chrono::Duration::milliseconds(500),
        "the interrupting task started {gap} after the interrupted one stopped"
    );
}

#[tokio::test]
async fn a_thread_s_stream_ends_with_a_last_frame_when_the_thread_is_deleted() {
    use futures::StreamExt;
    let app = spawn_api().await;
    let thread: Value = app
        .post("/v1/threads", &json!({}))
        .await
        .json()
        .await
        .unwrap();
    let id = thread["id"].as_str().unwrap().to_owned();
    let res = app
        .client
        .get(app.url(&format!("/v1/threads/{id}/events")))
        .header("accept", "text/event-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let mut body = res.bytes_stream();
    let deleted = app.delete(&format!("/v1/threads/{id}")).await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let mut said = String::new();
    let ended = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        while let Some(chunk) = body.next().await {
            said.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
        }
    })
    .await;
    assert!(ended.is_ok(), "the stream stayed open: {said:?}");
    assert!(said.contains("event: thread.deleted"), "{said:?}");
    assert!(said.contains(&id), "{said:?}");
}

/// A thread's backlog waits behind a task that asks a person without holding up anything
/// else, drains in submission order once that task ends, and a rollback over the whole
/// backlog starts the new task at once (workers are woken, not polled).
#[tokio::test]
async fn a_thread_s_backlog_waits_its_turn_and_holds_up_nothing_else() {
    let mut settings = crate::helpers::test_settings();
    settings.worker.poll_interval_ms = 10_000;
    let app = crate::helpers::spawn(errand::service::Mode::ALL, settings).await;
    app.create_runner(
        json!({"name": "asks", "model": "mock", "toolkits": ["ask_human"],
        "model_settings": {"mock": {"turns": [
            {"tool_calls": [{"name": "ask_human", "arguments": {"question": "Go on?"}}]},
            {"text": "went on"}]}}}),
    )
    .await;
    app.create_runner(json!({"name": "turn", "model": "mock",
        "model_settings": {"mock": {"text": "done"}}}))
        .await;
    let thread: Value = app
        .post("/v1/threads", &json!({}))
        .await
        .json()
        .await
        .unwrap();
    let thread = thread["id"].as_str().unwrap();
    let on_thread = |runner: &'static str, extra: Value| {
        let mut body = json!({"arguments": {}, "thread": thread});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        app.submit(runner, body)
    };
    let holder = on_thread("asks", json!({})).await;
    let holder = holder["id"].as_str().unwrap().to_owned();
    app.wait_for_status(&holder, "input_required").await;
    let mut backlog = Vec::new();
    for _ in 0..5 {
        let task = on_thread("turn", json!({})).await;
        backlog.push(task["id"].as_str().unwrap().to_owned());
    }
    // Another task is claimed past the backlog at once.
    let other = app.submit("turn", json!({"arguments": {}})).await;
    let other = app
        .wait_for_status(other["id"].as_str().unwrap(), "succeeded")
        .await;
    assert_eq!(other["status"], "succeeded");
    for id in &backlog {
        assert_eq!(
            app.task(id).await["status"],
            "queued",
            "{id} ran before its turn"
        );
    }
    let res = app
        .post(&format!("/v1/tasks/{holder}/cancel"), &json!({}))
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    let mut ended = vec![app.task(&holder).await];
    for id in &backlog {
        ended.push(app.wait_for_status(id, "succeeded").await);
    }
    // One at a time, in the order they were submitted, each at once after the last.
    for gap in gaps(&ended) {
        assert!(
            gap >= chrono::Duration::zero(),
            "two tasks of the thread overlapped"
        );
        assert!(
            gap < chrono::Duration::milliseconds(2_000),
            "a turn took {gap}"
        );
    }

    // A rollback over a waiting task and its backlog: all cancelled, the new one runs.
    let holder = on_thread("asks", json!({})).await;
    let holder = holder["id"].as_str().unwrap().to_owned();
    app.wait_for_status(&holder, "input_required").await;
    let mut backlog = vec![holder];
    for _ in 0..3 {
        let task = on_thread("turn", json!({})).await;
        backlog.push(task["id"].as_str().unwrap().to_owned());
    }
    let newest = on_thread("turn", json!({"multitask_strategy": "rollback"})).await;
    let started = std::time::Instant::now();
    app.wait_for_status(newest["id"].as_str().unwrap(), "succeeded")
        .await;
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "the rollback's task waited for the fallback poll"
    );
    for id in &backlog {
        assert_eq!(app.task(id).await["status"], "cancelled", "{id}");
    }
}

/// Submissions racing on one thread run in the order the thread accepted them (its log's
/// `task.queued` order), not in the order their ids happened to be drawn.
#[tokio::test]
async fn racing_submissions_run_in_the_order_the_thread_took_them() {
    let app = crate::helpers::spawn_app().await;
    app.create_runner(json!({"name": "head", "model": "mock",
        "model_settings": {"mock": {"text": "slow", "delay_ms": 1000}}}))
        .await;
    app.create_runner(json!({"name": "quick", "model": "mock",
        "model_settings": {"mock": {"text": "quick"}}}))
        .await;
    let thread: Value = app
        .post("/v1/threads", &json!({}))
        .await
        .json()
        .await
        .unwrap();
    let thread = thread["id"].as_str().unwrap().to_owned();
    let head = app
        .submit("head", json!({"arguments": {}, "thread": thread}))
        .await;
    app.wait_for_status(head["id"].as_str().unwrap(), "running")
        .await;
    let racing = (0..16).map(|_| app.submit("quick", json!({"arguments": {}, "thread": thread})));
    let racing: Vec<Value> = futures::future::join_all(racing).await;
    for task in &racing {
        app.wait_for_status(task["id"].as_str().unwrap(), "succeeded")
            .await;
    }
    let log = app
        .get_json(&format!("/v1/threads/{thread}/events?limit=1000"))
        .await;
    let order = |kind: &str| -> Vec<String> {
        log["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["type"] == kind)
            .map(|e| e["task_id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(order("task.queued"), order("task.started"), "{log}");
}
