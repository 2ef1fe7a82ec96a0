//! Live progress: the event stream (SSE) with replay, tail and resume; long-poll waits;
//! submit-and-wait and submit-and-stream; CORS; many watchers of one task.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{spawn, spawn_app, test_settings};
use crate::sse_client::{SseStream, ids, log_ids};

const LIMIT: Duration = Duration::from_secs(20);

/// A `mock` runner whose reply arrives in ten pieces over `delay_ms`.
fn slow_runner(name: &str, delay_ms: u64) -> Value {
    json!({
        "name": name,
        "title": "Slow",
        "description": "Streams its reply slowly",
        "input_schema": {"type": "object"},
        "rules": ["Say something."],
        "model": "mock",
        "model_settings": {"mock": {
            "text": "one two three four five six seven eight nine ten",
            "delay_ms": delay_ms
        }}
    })
}

fn events_url(app: &crate::helpers::TestApp, id: &str) -> String {
    app.url(&format!("/v1/tasks/{id}/events"))
}

/// Polls the JSON log until it holds at least `n` events.
async fn wait_for_events(app: &crate::helpers::TestApp, id: &str, n: usize) -> Vec<Value> {
    let start = std::time::Instant::now();
    loop {
        let events = app.events(id).await;
        if events.len() >= n {
            return events;
        }
        assert!(start.elapsed() < LIMIT, "only {} events", events.len());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn assert_gapless_from(frames: &[crate::sse_client::Frame], first: i64) {
    let seqs: Vec<i64> = frames.iter().map(|f| f.id).collect();
    let expected: Vec<i64> = (first..first + seqs.len() as i64).collect();
    assert_eq!(seqs, expected, "seqs must be gapless and unique");
}

#[tokio::test]
async fn a_stream_opened_mid_run_replays_then_tails_without_gap_or_duplicate() {
    let app = spawn_app().await;
    app.create_runner(slow_runner("slow", 1500)).await;
    let task = app.submit("slow", json!({})).await;
    let id = task["id"].as_str().unwrap();
    // Connect once the task is well under way.
    let before = wait_for_events(&app, id, 4).await.len();

    let mut sse = SseStream::open(app.client.get(events_url(&app, id))).await;
    assert_eq!(sse.status, StatusCode::OK);
    assert_eq!(sse.headers["content-type"], "text/event-stream");
    assert_eq!(sse.headers["cache-control"], "no-cache");
    assert_eq!(sse.headers["x-accel-buffering"], "no");
    let frames = sse.rest(LIMIT).await;

    assert_gapless_from(&frames, 1);
    assert!(
        frames.len() > before,
        "the stream must tail live events, not only the {before} logged at connect"
    );
    let log = app.events(id).await;
    assert_eq!(ids(&frames), log_ids(&log), "the stream is the log");
    assert_eq!(frames.last().unwrap().event, "task.succeeded");
    assert_eq!(
        frames.last().unwrap().data["data"]["task"]["status"],
        "succeeded"
    );
    // The frame's data is the event as the JSON page shows it.
    assert_eq!(frames[0].data, log[0]);
    let text: String = frames
        .iter()
        .filter(|f| f.event == "message.delta")
        .map(|f| f.data["data"]["text"].as_str().unwrap())
        .collect();
    assert_eq!(text, "one two three four five six seven eight nine ten");
}

#[tokio::test]
async fn a_dropped_stream_resumes_with_last_event_id_and_gets_exactly_the_missing_events() {
    let app = spawn_app().await;
    app.create_runner(slow_runner("slow", 1500)).await;
    let task = app.submit("slow", json!({})).await;
    let id = task["id"].as_str().unwrap();

    let mut first = SseStream::open(app.client.get(events_url(&app, id))).await;
    let mut seen = Vec::new();
    for _ in 0..3 {
        seen.push(first.next(LIMIT).await.expect("an event"));
    }
    drop(first);
    // Events keep coming while disconnected.
    wait_for_events(&app, id, 6).await;

    let last = seen.last().unwrap().id;
    let mut resumed = SseStream::open(
        app.client
            .get(events_url(&app, id))
            .header("last-event-id", last.to_string()),
    )
    .await;
    let rest = resumed.rest(LIMIT).await;
    assert_eq!(rest.first().unwrap().id, last + 1, "resumes right after");
    seen.extend(rest);
    assert_gapless_from(&seen, 1);
    assert_eq!(ids(&seen), log_ids(&app.events(id).await));

    // `?after=` does the same; the header wins over it.
    let mut after = SseStream::open(
        app.client
            .get(format!("{}?after=2", events_url(&app, id)))
            .header("last-event-id", "4"),
    )
    .await;
    assert_eq!(after.next(LIMIT).await.unwrap().id, 5);

    // After the terminal event there is nothing to resume: 204 stops an EventSource.
    let end = seen.last().unwrap().id;
    let done = SseStream::open(
        app.client
            .get(events_url(&app, id))
            .header("last-event-id", end.to_string()),
    )
    .await;
    assert_eq!(done.status, StatusCode::NO_CONTENT);

    let bad = SseStream::open(
        app.client
            .get(events_url(&app, id))
            .header("last-event-id", "seven"),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    // The JSON listing honours the header too, and refuses a bad one the same way.
    let page = app
        .client
        .get(events_url(&app, id))
        .header("last-event-id", "4")
        .send()
        .await
        .unwrap();
    let page: Value = page.json().await.unwrap();
    assert_eq!(page["data"][0]["seq"], 5);
    let bad = app
        .client
        .get(events_url(&app, id))
        .header("last-event-id", "o.{Ca")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_finished_task_replays_everything_and_closes_and_json_stays_the_default() {
    let app = spawn_app().await;
    app.create_runner(slow_runner("quick", 0)).await;
    let task = app.submit("quick", json!({})).await;
    let id = task["id"].as_str().unwrap();
    app.wait_for_status(id, "succeeded").await;

    let mut sse = SseStream::open(app.client.get(events_url(&app, id))).await;
    let frames = sse.rest(LIMIT).await;
    assert_eq!(ids(&frames), log_ids(&app.events(id).await));
    assert_eq!(frames.last().unwrap().event, "task.succeeded");

    let page = app.get(&format!("/v1/tasks/{id}/events")).await;
    assert_eq!(page.headers()["content-type"], "application/json");
    let unknown = SseStream::open(
        app.client
            .get(app.url("/v1/tasks/00000000-0000-7000-8000-000000000000/events")),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_idle_stream_sends_heartbeats() {
    let mut settings = test_settings();
    settings.events.heartbeat_seconds = 1;
    // API only: the task stays queued, so the stream has nothing but heartbeats to send.
    let app = spawn(
        errand::service::Mode {
            api: true,
            worker: false,
        },
        settings,
    )
    .await;
    app.create_runner(slow_runner("idle", 0)).await;
    let task = app.submit("idle", json!({})).await;
    let id = task["id"].as_str().unwrap();
    let mut sse = SseStream::open(app.client.get(events_url(&app, id))).await;
    assert_eq!(sse.next(LIMIT).await.unwrap().event, "task.queued");
    let next = tokio::time::timeout(Duration::from_millis(2500), sse.next(LIMIT)).await;
    assert!(next.is_err(), "no event should arrive while queued");
    assert!(
        sse.comments >= 1,
        "heartbeat comments keep the stream alive"
    );
}

#[tokio::test]
async fn get_with_wait_answers_when_the_task_ends() {
    let app = spawn_app().await;
    app.create_runner(slow_runner("slow", 600)).await;
    let task = app.submit("slow", json!({})).await;
    let id = task["id"].as_str().unwrap();
    let done = app.get_json(&format!("/v1/tasks/{id}?wait=20")).await;
    assert_eq!(done["status"], "succeeded", "{done}");

    let res = app.get(&format!("/v1/tasks/{id}?wait=61")).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let problem: Value = res.json().await.unwrap();
    assert_eq!(problem["code"], "invalid_request");
    assert!(problem["detail"].as_str().unwrap().contains("at most 60"));
}

#[tokio::test]
async fn a_wait_that_runs_out_answers_with_the_task_as_it_is() {
    let app = crate::helpers::spawn_api().await;
    app.create_runner(slow_runner("parked", 0)).await;
    let task = app.submit("parked", json!({})).await;
    let id = task["id"].as_str().unwrap();
    let start = std::time::Instant::now();
    let now = app.get_json(&format!("/v1/tasks/{id}?wait=1")).await;
    assert_eq!(now["status"], "queued");
    assert!(start.elapsed() >= Duration::from_millis(900), "it waited");

    let res = app
        .client
        .post(app.url("/v1/runners/parked/tasks?wait=1"))
        .json(&json!({"arguments": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED, "not finished: 202");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "queued");
}

#[tokio::test]
async fn submit_with_wait_answers_with_the_final_task() {
    let app = spawn_app().await;
    app.create_runner(slow_runner("slow", 300)).await;
    let res = app
        .client
        .post(app.url("/v1/runners/slow/tasks?wait=20"))
        .json(&json!({"arguments": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().contains_key("location"));
    let task: Value = res.json().await.unwrap();
    assert_eq!(task["status"], "succeeded");
    assert_eq!(
        task["output"],
        "one two three four five six seven eight nine ten"
    );

    let res = app
        .client
        .post(app.url("/v1/runners/slow/tasks"))
        .header("prefer", "respond-async, wait=20")
        .json(&json!({"arguments": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["preference-applied"], "wait=20");
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "succeeded");

    // A stream answers as the task runs: it wins over a wait.
    let res = app
        .client
        .post(app.url("/v1/runners/slow/tasks?wait=5&stream=true"))
        .json(&json!({"arguments": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/event-stream");
}

#[tokio::test]
async fn submit_with_stream_answers_with_the_new_tasks_events() {
    let app = spawn_app().await;
    app.create_runner(slow_runner("slow", 300)).await;
    let mut sse = SseStream::open(
        app.client
            .post(app.url("/v1/runners/slow/tasks?stream=true"))
            .json(&json!({"arguments": {}})),
    )
    .await;
    assert_eq!(sse.status, StatusCode::OK);
    let location = sse.headers["location"].to_str().unwrap().to_owned();
    let frames = sse.rest(LIMIT).await;
    assert_gapless_from(&frames, 1);
    assert_eq!(frames[0].event, "task.queued");
    assert_eq!(frames.last().unwrap().event, "task.succeeded");
    let id = location.rsplit('/').next().unwrap();
    assert_eq!(ids(&frames), log_ids(&app.events(id).await));
}

#[tokio::test]
async fn streamed_text_is_coalesced_into_few_delta_events() {
    use crate::fake_openai::{FakeOpenAi, Reply};
    // 2,000 characters in 500 chunks, 5 ms apart: thousands of tokens' worth of pieces.
    let text: String = (0..400).map(|i| format!("w{:03} ", i % 1000)).collect();
    let fake = FakeOpenAi::start(vec![Reply::text(&text)]).await;
    let app = crate::helpers::spawn_with_provider(crate::helpers::fake_provider(&fake.url)).await;
    app.create_runner(json!({
        "name": "long", "title": "Long", "description": "A long answer",
        "input_schema": {"type": "object"}, "model": "fake/gpt-test"
    }))
    .await;
    let task = app.submit("long", json!({})).await;
    let id = task["id"].as_str().unwrap();
    let done = app.wait_for_status(id, "succeeded").await;
    assert_eq!(done["output"], text.as_str());

    let deltas: Vec<Value> = app
        .events(id)
        .await
        .into_iter()
        .filter(|e| e["type"] == "message.delta")
        .collect();
    let logged: String = deltas
        .iter()
        .map(|e| e["data"]["text"].as_str().unwrap())
        .collect();
    assert_eq!(logged, text, "coalescing keeps every character, in order");
    // One event per 50 ms (pieces arrive at least 5 ms apart) or per 512 bytes.
    assert!(
        deltas.len() >= 4 && deltas.len() <= 100,
        "{} delta events for 500 pieces",
        deltas.len()
    );
}

#[tokio::test]
async fn a_retried_model_call_marks_its_streamed_text_void() {
    use crate::fake_openai::{FakeOpenAi, Reply};
    let fake = FakeOpenAi::start(vec![
        Reply::stall("a false start that "),
        Reply::text("the real answer"),
    ])
    .await;
    let mut provider = crate::helpers::fake_provider(&fake.url);
    provider.request_timeout_seconds = 1;
    let app = crate::helpers::spawn_with_provider(provider).await;
    app.create_runner(json!({
        "name": "flaky", "title": "Flaky", "description": "Stalls once",
        "input_schema": {"type": "object"}, "model": "fake/gpt-test"
    }))
    .await;
    let task = app.submit("flaky", json!({})).await;
    let id = task["id"].as_str().unwrap();
    let done = app.wait_for_status(id, "succeeded").await;
    assert_eq!(done["attempts"], 1, "retried inside the attempt");

    let deltas: Vec<Value> = app
        .events(id)
        .await
        .into_iter()
        .filter(|e| e["type"] == "message.delta")
        .map(|e| e["data"].clone())
        .collect();
    let reset = deltas
        .iter()
        .position(|d| d["reset"] == true)
        .expect("a reset marker after the void text");
    let void: String = deltas[..reset]
        .iter()
        .map(|d| d["text"].as_str().unwrap())
        .collect();
    assert_eq!(void, "a false start that ");
    let kept: String = deltas[reset + 1..]
        .iter()
        .map(|d| d["text"].as_str().unwrap())
        .collect();
    assert_eq!(kept, "the real answer");
}

#[tokio::test]
async fn cors_lets_allowed_origins_in() {
    let mut settings = test_settings();
    settings.server.cors_allowed_origins = vec!["http://app.test".into()];
    let app = spawn(errand::service::Mode::ALL, settings).await;
    let preflight = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/v1/runners/x/tasks"))
        .header("origin", "http://app.test")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type, idempotency-key",
        )
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    assert_eq!(
        preflight.headers()["access-control-allow-origin"],
        "http://app.test"
    );

    let get = app
        .client
        .get(app.url("/v1/runners"))
        .header("origin", "http://app.test")
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), StatusCode::OK);
    assert_eq!(
        get.headers()["access-control-allow-origin"],
        "http://app.test"
    );

    let other = app
        .client
        .get(app.url("/v1/runners"))
        .header("origin", "http://elsewhere.test")
        .send()
        .await
        .unwrap();
    assert!(!other.headers().contains_key("access-control-allow-origin"));
}

#[tokio::test]
async fn two_hundred_watchers_of_one_task_all_get_every_event_in_order() {
    let app = spawn_app().await;
    app.create_runner(slow_runner("watched", 1000)).await;
    let task = app.submit("watched", json!({})).await;
    let id = task["id"].as_str().unwrap().to_owned();
    let url = events_url(&app, &id);
    let watchers: Vec<_> = (0..200)
        .map(|_| {
            let request = app.client.get(&url);
            tokio::spawn(async move {
                let mut sse = SseStream::open(request).await;
                assert_eq!(sse.status, StatusCode::OK);
                sse.rest(LIMIT).await
            })
        })
        .collect();
    let mut streams = Vec::new();
    for w in watchers {
        streams.push(w.await.expect("watcher"));
    }
    let log = log_ids(&app.events(&id).await);
    assert!(log.len() >= 10, "{log:?}");
    for frames in &streams {
        assert_eq!(ids(frames), log);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_notification_costs_latency_not_a_hung_stream_or_wait() {
    let mut settings = test_settings();
    settings.events.heartbeat_seconds = 1;
    // The API alone: nothing else writes to the task.
    let app = spawn(
        errand::service::Mode {
            api: true,
            worker: false,
        },
        settings,
    )
    .await;
    app.create_runner(slow_runner("quiet", 0)).await;
    let task = app.submit("quiet", json!({})).await;
    let id = task["id"].as_str().unwrap().to_owned();
    let uuid = uuid::Uuid::parse_str(&id).unwrap();

    let mut sse = SseStream::open(
        app.client
            .get(events_url(&app, &id))
            .header("Accept", "text/event-stream"),
    )
    .await;
    let first = sse.next(LIMIT).await.expect("the backlog");
    assert_eq!(first.event, "task.queued");
    let waiting = {
        let url = app.url(&format!("/v1/tasks/{id}?wait=30"));
        let client = app.client.clone();
        tokio::spawn(async move { client.get(url).send().await.unwrap().json::<Value>().await })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Appended as a worker would, but with no NOTIFY: the notification is "lost".
    let mut tx = app.pool.begin().await.unwrap();
    sqlx::query("UPDATE tasks SET last_event_seq = 2, status = 'succeeded', finished_at = now() WHERE id = $1")
        .bind(uuid)
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO task_events (task_id, seq, type, data) VALUES ($1, 2, 'task.succeeded', '{}')",
    )
    .bind(uuid)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let start = std::time::Instant::now();
    let rest = sse.rest(LIMIT).await;
    let last = rest.last().expect("the unannounced event arrives");
    assert_eq!((last.id, last.event.as_str()), (2, "task.succeeded"));
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    let ended = waiting.await.unwrap().unwrap();
    assert_eq!(ended["status"], "succeeded", "the wait saw the end");
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
}
