//! Queues: runners bound to a queue turn its messages into tasks (MeshAgent's queue worker
//! that saves its results to storage), bad payloads are dead-lettered with their pointers,
//! runners compete; external consumers receive, ack and nack over HTTP, leases expire and
//! redeliver, dead letters are redriven; concurrency keys bound and share the work.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use errand::service::Mode;

use crate::helpers::{TestApp, spawn, spawn_api, spawn_app, test_settings};

async fn post_message(app: &TestApp, queue: &str, body: Value) -> Value {
    let res = app
        .post(&format!("/v1/queues/{queue}/messages"), &body)
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    res.json().await.unwrap()
}

async fn message(app: &TestApp, queue: &str, id: &Value) -> Value {
    let id = id.as_str().unwrap();
    app.get_json(&format!("/v1/queues/{queue}/messages/{id}"))
        .await
}

/// Waits until message `id` is in `status`.
async fn message_in(app: &TestApp, queue: &str, id: &Value, status: &str) -> Value {
    for _ in 0..150 {
        let found = message(app, queue, id).await;
        if found["status"] == status {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "message {id} never {status}: {}",
        message(app, queue, id).await
    );
}

async fn receive(app: &TestApp, queue: &str, query: &str) -> Vec<Value> {
    let res = app
        .post(&format!("/v1/queues/{queue}/receive?{query}"), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    body["messages"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_message_becomes_a_task_that_saves_its_result_to_storage() {
    let app = spawn_app().await;
    let runner = app
        .create_runner(json!({
            "name": "worker", "model": "mock", "queue": "tasks", "toolkits": ["storage"],
            "rules": ["save results to storage"],
            "input_schema": {"type": "object", "required": ["topic"],
                             "properties": {"topic": {"type": "string"}}},
            "model_settings": {"mock": {"turns": [
                {"tool_calls": [{"name": "write_file",
                    "arguments": {"path": "reports/summary.md", "content": "# Summary\n\nqueued work"}}]},
                {"text": "saved"}]}}
        }))
        .await;
    assert_eq!(runner["queue"], "tasks");
    // The bound runner is the queue's consumer before any message arrives.
    let queue = app.get_json("/v1/queues/tasks").await;
    assert_eq!(queue["consumers"]["runners"], json!(["worker"]));

    let posted = post_message(&app, "tasks", json!({"payload": {"topic": "weekly"}})).await;
    assert_eq!(posted["status"], "pending");
    let done = message_in(&app, "tasks", &posted["id"], "done").await;
    assert_eq!(done["runner"], "worker");
    assert_eq!(done["deliveries"], 1);
    let task = app.task(done["task_id"].as_str().unwrap()).await;
    assert_eq!(task["status"], "succeeded", "{task}");
    assert_eq!(task["arguments"], json!({"topic": "weekly"}));
    let file = app.get_json("/v1/files/reports/summary.md").await;
    assert_eq!(file["content"], "# Summary\n\nqueued work");
    assert_eq!(file["task_id"], done["task_id"]);

    // A payload that breaks the input schema is dead-lettered with its pointer, and the
    // dead letter can be fixed upstream and redriven.
    let bad = post_message(&app, "tasks", json!({"payload": {"topic": 5}})).await;
    let dead = message_in(&app, "tasks", &bad["id"], "dead").await;
    assert_eq!(dead["last_error"]["code"], "invalid_arguments", "{dead}");
    assert_eq!(dead["last_error"]["errors"][0]["pointer"], "/payload/topic");
    assert_eq!(dead["task_id"], Value::Null);
    let letters = app.get_json("/v1/queues/tasks/dead-letters").await;
    assert_eq!(letters["data"].as_array().unwrap().len(), 1);
    let depth = app.get_json("/v1/queues/tasks").await["depth"].clone();
    assert_eq!(depth["dead"], 1, "{depth}");
    app.stop().await;
}

#[tokio::test]
async fn messages_wait_for_a_runner_and_runners_on_one_queue_compete() {
    let app = spawn_app().await;
    let mut posted = Vec::new();
    for i in 0..10 {
        posted.push(post_message(&app, "shared", json!({"payload": {"n": i}})).await);
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    let queue = app.get_json("/v1/queues/shared").await;
    assert_eq!(
        queue["depth"]["pending"], 10,
        "nothing consumes it yet: {queue}"
    );
    assert!(queue["oldest_pending_age_seconds"].as_f64().unwrap() > 0.5);

    for name in ["alpha", "beta"] {
        app.create_runner(json!({"name": name, "model": "mock", "queue": "shared"}))
            .await;
    }
    let mut tasks = std::collections::BTreeSet::new();
    let mut runners = std::collections::BTreeSet::new();
    for m in &posted {
        let done = message_in(&app, "shared", &m["id"], "done").await;
        assert!(tasks.insert(done["task_id"].as_str().unwrap().to_owned()));
        runners.insert(done["runner"].as_str().unwrap().to_owned());
    }
    assert_eq!(tasks.len(), 10, "one task per message");
    assert_eq!(runners.len(), 2, "both runners took messages: {runners:?}");
    let all = app.get_json("/v1/tasks?limit=100").await;
    assert_eq!(
        all["data"].as_array().unwrap().len(),
        10,
        "and no more tasks"
    );
    app.stop().await;
}

#[tokio::test]
async fn external_consumers_receive_ack_nack_and_leases_expire() {
    let app = spawn_api().await;
    let res = app
        .put(
            "/v1/queues/jobs",
            &json!({"visibility_timeout_seconds": 1, "max_deliveries": 2}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let first = post_message(&app, "jobs", json!({"payload": {"job": 1}})).await;
    let second = post_message(&app, "jobs", json!({"payload": {"job": 2}})).await;

    let got = receive(&app, "jobs", "max=10").await;
    assert_eq!(got.len(), 2);
    assert_eq!(got[0]["id"], first["id"], "oldest first");
    assert_eq!(got[0]["status"], "leased");
    assert!(
        receive(&app, "jobs", "").await.is_empty(),
        "both are leased"
    );

    // Ack the first; a stale receipt is refused.
    let ack = |id: &Value, receipt: &Value| {
        let path = format!("/v1/queues/jobs/messages/{}/ack", id.as_str().unwrap());
        let body = json!({"receipt": receipt});
        let app = &app;
        async move { app.post(&path, &body).await }
    };
    let res = ack(&got[0]["id"], &got[0]["receipt"]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "done");
    let res = ack(&got[0]["id"], &got[0]["receipt"]).await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "acking twice answers the same"
    );
    let res = ack(&got[1]["id"], &json!(uuid::Uuid::now_v7())).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "lease_lost");

    // The second's lease expires: it is handed out again, with a new receipt.
    let again = receive(&app, "jobs", "wait=5").await;
    assert_eq!(again.len(), 1);
    assert_eq!(again[0]["id"], second["id"]);
    assert_eq!(again[0]["deliveries"], 2);
    assert_ne!(again[0]["receipt"], got[1]["receipt"]);
    let res = ack(&got[1]["id"], &got[1]["receipt"]).await;
    assert_eq!(
        res.status(),
        StatusCode::CONFLICT,
        "the old receipt lost its lease"
    );

    // A nack on the last delivery dead-letters it; a redrive brings it back.
    let path = format!(
        "/v1/queues/jobs/messages/{}/nack",
        second["id"].as_str().unwrap()
    );
    let res = app
        .post(
            &path,
            &json!({"receipt": again[0]["receipt"], "reason": "upstream down"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let nacked: Value = res.json().await.unwrap();
    assert_eq!(nacked["status"], "dead");
    assert_eq!(nacked["last_error"]["code"], "max_deliveries");
    assert_eq!(nacked["last_error"]["message"], "upstream down");
    let res = app
        .post("/v1/queues/jobs/dead-letters/redrive", &json!({}))
        .await;
    assert_eq!(res.json::<Value>().await.unwrap()["redriven"], 1);
    let back = receive(&app, "jobs", "").await;
    assert_eq!(back[0]["id"], second["id"]);
    assert_eq!(back[0]["deliveries"], 1, "deliveries count again from zero");

    // A nack with a delay keeps it out of reach until then.
    let path = format!(
        "/v1/queues/jobs/messages/{}/nack",
        second["id"].as_str().unwrap()
    );
    let res = app
        .post(
            &path,
            &json!({"receipt": back[0]["receipt"], "delay_seconds": 1}),
        )
        .await;
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "pending");
    assert!(receive(&app, "jobs", "").await.is_empty());
    assert_eq!(receive(&app, "jobs", "wait=5").await.len(), 1);

    // An expired lease on the last delivery dead-letters the message.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert!(receive(&app, "jobs", "").await.is_empty());
    let dead = message(&app, "jobs", &second["id"]).await;
    assert_eq!(dead["status"], "dead", "{dead}");
    assert_eq!(dead["last_error"]["code"], "max_deliveries");
    app.stop().await;
}

#[tokio::test]
async fn concurrency_keys_bound_the_work_and_keys_take_turns() {
    let app = spawn_api().await;
    app.put("/v1/queues/fair", &json!({"concurrency_limit": 2}))
        .await;
    let mut ids = Vec::new();
    for key in ["a", "a", "a", "a", "b", "c"] {
        let m = post_message(&app, "fair", json!({"payload": {}, "concurrency_key": key})).await;
        ids.push(m["id"].clone());
    }
    // Each key's first, then each key's second; a's third and fourth wait (limit 2).
    let got = receive(&app, "fair", "max=10").await;
    let order: Vec<&Value> = got.iter().map(|m| &m["id"]).collect();
    assert_eq!(order, [&ids[0], &ids[4], &ids[5], &ids[1]], "{got:?}");
    assert!(receive(&app, "fair", "max=10").await.is_empty());
    // One of a's done: its third is next.
    let path = format!("/v1/queues/fair/messages/{}/ack", ids[0].as_str().unwrap());
    app.post(&path, &json!({"receipt": got[0]["receipt"]}))
        .await;
    let next = receive(&app, "fair", "max=10").await;
    assert_eq!(next.len(), 1);
    assert_eq!(next[0]["id"], ids[2]);
    app.stop().await;
}

#[tokio::test]
async fn a_key_runs_one_task_at_a_time_for_a_bound_runner() {
    let app = spawn_app().await;
    app.create_runner(json!({"name": "serial", "model": "mock", "queue": "serial",
        "model_settings": {"mock": {"text": "ok", "delay_ms": 300}}}))
        .await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        let m = post_message(
            &app,
            "serial",
            json!({"payload": {}, "concurrency_key": "acct-1"}),
        )
        .await;
        ids.push(m["id"].clone());
    }
    let mut spans = Vec::new();
    for id in &ids {
        let done = message_in(&app, "serial", id, "done").await;
        let task = app.task(done["task_id"].as_str().unwrap()).await;
        let at = |k: &str| chrono::DateTime::parse_from_rfc3339(task[k].as_str().unwrap()).unwrap();
        spans.push((at("created_at"), at("finished_at")));
    }
    for pair in spans.windows(2) {
        assert!(
            pair[1].0 >= pair[0].1,
            "a task of the key was made before the previous one ended: {spans:?}"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn posting_is_idempotent_and_bad_requests_are_refused() {
    let app = spawn_api().await;
    let post = |key: &'static str, body: Value| {
        let app = &app;
        async move {
            app.client
                .post(app.url("/v1/queues/inbox/messages"))
                .header("idempotency-key", key)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let one = post("k1", json!({"payload": {"a": 1}})).await;
    assert_eq!(one.status(), StatusCode::ACCEPTED);
    let one: Value = one.json().await.unwrap();
    let again = post("k1", json!({"payload": {"a": 1}})).await;
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.json::<Value>().await.unwrap()["id"], one["id"]);
    let other = post("k1", json!({"payload": {"a": 2}})).await;
    assert_eq!(other.status(), StatusCode::CONFLICT);
    let queue = app.get_json("/v1/queues/inbox").await;
    assert_eq!(queue["depth"]["pending"], 1);

    for (path, body, status) in [
        (
            "/v1/queues/Bad Name/messages",
            json!({"payload": 1}),
            StatusCode::BAD_REQUEST,
        ),
        ("/v1/queues/Bad_Name", json!({}), StatusCode::BAD_REQUEST),
        (
            "/v1/queues/inbox/messages",
            json!({"payload": 1, "extra": 1}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/v1/queues/inbox/messages",
            json!({}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/v1/queues/inbox/messages",
            json!({"payload": 1, "run_after": "soon"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/v1/queues/inbox/messages",
            json!({"payload": 1, "concurrency_key": ""}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/v1/queues/inbox",
            json!({"concurrency_limit": 0}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let res = if !path.ends_with("/messages") {
            app.put(path, &body).await
        } else {
            app.post(path, &body).await
        };
        assert_eq!(res.status(), status, "{path} {body}");
    }
    let res = app.post("/v1/queues/inbox/receive?max=0", &json!({})).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = app
        .post("/v1/queues/inbox/receive?wait=61", &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        app.get("/v1/queues/nowhere/messages").await.status(),
        StatusCode::NOT_FOUND
    );
    // A name that is no slug names no queue to read, and none can be made with it.
    assert_eq!(
        app.get("/v1/queues/Bad_Name").await.status(),
        StatusCode::NOT_FOUND
    );

    // A message for far ahead waits: nobody receives it before then.
    let far = post_message(
        &app,
        "someday",
        json!({"payload": 1, "run_after": "2999-01-01T00:00:00Z"}),
    )
    .await;
    assert_eq!(far["status"], "pending");
    assert!(receive(&app, "someday", "").await.is_empty());

    // A pending message can be deleted; a leased one cannot; the queue then can be.
    let id = one["id"].as_str().unwrap();
    let leased = receive(&app, "inbox", "").await;
    assert_eq!(leased.len(), 1);
    let res = app.delete(&format!("/v1/queues/inbox/messages/{id}")).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(
        app.delete("/v1/queues/inbox").await.status(),
        StatusCode::CONFLICT
    );
    let later = post_message(&app, "inbox", json!({"payload": 2})).await;
    let path = format!(
        "/v1/queues/inbox/messages/{}",
        later["id"].as_str().unwrap()
    );
    assert_eq!(app.delete(&path).await.status(), StatusCode::NO_CONTENT);
    let path = format!("/v1/queues/inbox/messages/{id}/nack");
    app.post(&path, &json!({"receipt": leased[0]["receipt"]}))
        .await;
    assert_eq!(
        app.delete("/v1/queues/inbox").await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get("/v1/queues/inbox").await.status(),
        StatusCode::NOT_FOUND
    );
    app.stop().await;
}

/// Concurrent posts cannot together pass `queues.max_pending`; a retried post still
/// answers with its message when the queue is full; a due message's age counts from its
/// post, not from a `run_after` long past.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_queue_holds_its_limit_under_concurrent_posts() {
    let mut settings = test_settings();
    settings.queues.max_pending = 3;
    let app = spawn(
        Mode {
            api: true,
            worker: false,
        },
        settings,
    )
    .await;
    let first = app
        .client
        .post(app.url("/v1/queues/full/messages"))
        .header("idempotency-key", "first")
        .json(&json!({"payload": 0, "run_after": "0001-01-01T00:00:00Z"}))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::ACCEPTED);
    let bodies: Vec<Value> = (0..20).map(|i| json!({"payload": i})).collect();
    let posts = bodies
        .iter()
        .map(|body| app.post("/v1/queues/full/messages", body));
    let answers = futures::future::join_all(posts).await;
    let accepted = answers
        .iter()
        .filter(|r| r.status() == StatusCode::ACCEPTED)
        .count();
    let refused = answers
        .iter()
        .filter(|r| r.status() == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((accepted, refused), (2, 18));
    let queue = app.get_json("/v1/queues/full").await;
    assert_eq!(queue["depth"]["pending"], 3, "{queue}");
    let age = queue["oldest_pending_age_seconds"].as_f64().expect("age");
    assert!(age < 60.0, "{queue}");

    let again = app
        .client
        .post(app.url("/v1/queues/full/messages"))
        .header("idempotency-key", "first")
        .json(&json!({"payload": 0, "run_after": "0001-01-01T00:00:00Z"}))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::ACCEPTED);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
}
