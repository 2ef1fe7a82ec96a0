//! Priority with aging: higher priorities are claimed first, a task is never passed by one
//! queued more than (the difference in priority) x `worker.priority_aging_ms` after it, and
//! queue messages carry a priority to their consumers and their tasks.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn, spawn_api, spawn_app, test_settings, violation_pointers};
use errand::service::Mode;

async fn submit_at(app: &TestApp, priority: Option<u64>) -> String {
    let body = match priority {
        Some(p) => json!({"priority": p}),
        None => json!({}),
    };
    let task = app.submit("work", body).await;
    task["id"].as_str().expect("id").to_owned()
}

/// A task as these tests read it: id, priority, created and started times.
type Row = (String, u64, DateTime<Utc>, Option<DateTime<Utc>>);

/// Every task of runner `work`, through `GET /v1/tasks`, page by page.
async fn times(app: &TestApp) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = app
            .get_json(&format!("/v1/tasks?runner=work&limit=100{cursor}"))
            .await;
        for t in page["data"].as_array().expect("data") {
            let at = |field: &str| t[field].as_str().map(|s| s.parse().expect("time"));
            rows.push((
                t["id"].as_str().expect("id").to_owned(),
                t["priority"].as_u64().expect("priority"),
                at("created_at").expect("created_at"),
                at("started_at"),
            ));
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => return rows,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn higher_priorities_are_claimed_first_and_out_of_range_is_refused() {
    let mut app = spawn_api().await;
    app.create_runner(json!({"name": "work", "model": "mock",
        "model_settings": {"mock": {"text": "done"}}}))
        .await;
    let low = submit_at(&app, Some(0)).await;
    let plain = submit_at(&app, None).await;
    let high = submit_at(&app, Some(9)).await;
    let task = app.task(&high).await;
    assert_eq!(task["priority"], 9);
    assert_eq!(app.task(&plain).await["priority"], 5);

    for bad in [json!(10), json!(-1), json!(2.5), json!("high")] {
        let res = app
            .post("/v1/runners/work/tasks", &json!({"priority": bad}))
            .await;
        assert_eq!(res.status(), 422, "priority {bad}");
        let pointers = violation_pointers(res, "invalid_body").await;
        assert_eq!(pointers, ["/priority"], "priority {bad}");
    }

    // One slot: the worker takes them one at a time, in priority order.
    app.spawn_worker_process_with(&[], &[("ERRAND_WORKER_CONCURRENCY", "1")]);
    for id in [&low, &plain, &high] {
        app.wait_for_status(id, "succeeded").await;
    }
    let rows = times(&app).await;
    let started = |id: &str| {
        rows.iter()
            .find(|r| r.0 == id)
            .and_then(|r| r.3)
            .expect("started")
    };
    assert!(started(&high) < started(&plain));
    assert!(started(&plain) < started(&low));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_of_high_priority_tasks_passes_a_low_one_only_within_the_aging_bound() {
    let mut settings = test_settings();
    settings.worker.concurrency = 1;
    // Priority 9 passes priority 0 for tasks queued up to 9 x 50 ms after it.
    settings.worker.priority_aging_ms = 50;
    let app = spawn(Mode::ALL, settings).await;
    app.create_runner(json!({"name": "work", "model": "mock",
        "model_settings": {"mock": {"text": "done", "delay_ms": 100}}}))
        .await;
    // Priority-9 tasks several times faster than one slot runs them (a task every 20 ms and
    // its request, each run taking 100 ms): a backlog that grows, which strict priority
    // would never let a priority-0 task out of.
    let stream = async {
        for i in 0..250 {
            submit_at(&app, Some(9)).await;
            if i == 25 {
                submit_at(&app, Some(0)).await;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    stream.await;
    let rows = times(&app).await;
    let low = rows
        .iter()
        .find(|r| r.1 == 0)
        .expect("the low task")
        .clone();
    let bound = chrono::Duration::milliseconds(450);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let low_started = loop {
        let rows = times(&app).await;
        if let Some(at) = rows.iter().find(|r| r.0 == low.0).and_then(|r| r.3) {
            break at;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the low task never started"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let rows = times(&app).await;
    let high: Vec<_> = rows.iter().filter(|r| r.1 == 9).collect();
    // Priority counted: tasks queued after it (within the bound) went first.
    let passed = high
        .iter()
        .filter(|r| r.2 > low.2 && r.3.is_some_and(|s| s < low_started))
        .count();
    assert!(passed > 0, "no later priority-9 task went first");
    // Aging held: none queued more than the bound after it went first.
    let late: Vec<_> = high
        .iter()
        .filter(|r| r.2 > low.2 + bound && r.3.is_some_and(|s| s < low_started))
        .collect();
    assert!(
        late.is_empty(),
        "{} tasks queued > 450 ms later went first",
        late.len()
    );
    // And it was not left until the stream ended.
    let last_queued = high.iter().map(|r| r.2).max().expect("tasks");
    assert!(
        low_started < last_queued,
        "the low task waited for the stream to end"
    );
    app.stop().await;
}

async fn post_message(app: &TestApp, queue: &str, body: Value) -> Value {
    let res = app
        .post(&format!("/v1/queues/{queue}/messages"), &body)
        .await;
    assert_eq!(res.status(), 202);
    res.json().await.expect("json")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queue_messages_go_out_by_priority_and_their_tasks_keep_it() {
    let app = spawn_app().await;
    for p in [0, 5, 9] {
        let msg = post_message(&app, "jobs", json!({"payload": {"p": p}, "priority": p})).await;
        assert_eq!(msg["priority"], p);
    }
    let res = app
        .post(
            "/v1/queues/jobs/messages",
            &json!({"payload": {}, "priority": 12}),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(violation_pointers(res, "invalid_body").await, ["/priority"]);

    let got = app.post("/v1/queues/jobs/receive?max=3", &json!({})).await;
    let got: Value = got.json().await.expect("json");
    let order: Vec<_> = got["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| m["payload"]["p"].clone())
        .collect();
    assert_eq!(order, [json!(9), json!(5), json!(0)]);

    // A bound runner's task runs at its message's priority.
    app.create_runner(json!({"name": "consumer", "model": "mock", "queue": "urgent"}))
        .await;
    post_message(&app, "urgent", json!({"payload": {}, "priority": 8})).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    let task = loop {
        let page = app.get_json("/v1/tasks?runner=consumer").await;
        if let Some(task) = page["data"].get(0) {
            break task.clone();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no task from the message"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(task["priority"], 8);
    app.stop().await;
}
