//! Limits per key and per project: a request rate (429 with `Retry-After` and the
//! `RateLimit` headers), open streams and waits, and queued tasks.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{spawn, test_settings};
use crate::keys::make_key;
use errand::service::Mode;

#[tokio::test]
async fn a_key_past_its_rate_gets_429_with_when_to_retry_and_others_are_not_slowed() {
    let mut settings = test_settings();
    settings.quotas.requests_per_second = 1;
    settings.quotas.request_burst = 3;
    let app = spawn(
        Mode {
            api: true,
            worker: false,
        },
        settings,
    )
    .await;
    // Open mode shares one bucket; the first key ends it (and is the third request).
    let (admin, _) = make_key(&app, None, json!({"name": "a", "scopes": ["admin"]})).await;
    let (other, _) = make_key(&app, Some(&admin), json!({"name": "b", "scopes": ["read"]})).await;
    let get = |key: &str| {
        app.client
            .get(app.url("/v1/runners"))
            .bearer_auth(key.to_owned())
            .send()
    };
    let first = get(&other).await.expect("request");
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(first.headers()["ratelimit-policy"], "\"per-key\";q=3;w=3");
    assert_eq!(first.headers()["ratelimit"], "\"per-key\";r=2;t=1");
    let mut statuses = Vec::new();
    let mut refused = None;
    for _ in 0..3 {
        let res = get(&other).await.expect("request");
        statuses.push(res.status());
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            refused = Some(res);
        }
    }
    assert_eq!(
        statuses,
        [
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
    let refused = refused.expect("a 429");
    let retry: u64 = refused.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=2).contains(&retry), "{retry}");
    assert!(refused.headers().contains_key("ratelimit"));
    let problem: Value = refused.json().await.expect("json");
    assert_eq!(problem["code"], "rate_limited");

    // Another key has its own bucket (the admin key used two of its three).
    assert_eq!(get(&admin).await.expect("request").status(), StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(1100 * retry)).await;
    assert_eq!(get(&other).await.expect("request").status(), StatusCode::OK);
}

#[tokio::test]
async fn a_key_holds_at_most_its_streams_and_waits() {
    let mut settings = test_settings();
    settings.quotas.key_max_streams = 1;
    // A closed stream is noticed at its next write: the heartbeat.
    settings.events.heartbeat_seconds = 1;
    let app = spawn(
        Mode {
            api: true,
            worker: false,
        },
        settings,
    )
    .await;
    app.create_runner(json!({"name": "r"})).await;
    // No worker runs: the task stays queued and its stream stays open.
    let task = app.submit("r", json!({})).await;
    let id = task["id"].as_str().expect("id");
    let url = app.url(&format!("/v1/tasks/{id}/events"));
    let open = app
        .client
        .get(&url)
        .header("accept", "text/event-stream")
        .send()
        .await
        .expect("stream");
    assert_eq!(open.status(), StatusCode::OK);
    let second = app
        .client
        .get(app.url(&format!("/v1/tasks/{id}?wait=5")))
        .send()
        .await
        .expect("wait");
    assert_eq!(second.status(), StatusCode::TOO_MANY_REQUESTS);
    let problem: Value = second.json().await.expect("json");
    assert_eq!(problem["code"], "rate_limited");
    drop(open);
    // The slot comes back when the stream closes.
    let mut status = StatusCode::TOO_MANY_REQUESTS;
    for _ in 0..50 {
        status = app
            .client
            .get(app.url(&format!("/v1/tasks/{id}?wait=1")))
            .send()
            .await
            .expect("wait")
            .status();
        if status == StatusCode::OK {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_project_past_its_queued_tasks_gets_429_and_its_own_limit_wins() {
    let mut settings = test_settings();
    settings.quotas.project_max_queued_tasks = 3;
    let app = spawn(
        Mode {
            api: true,
            worker: false,
        },
        settings,
    )
    .await;
    app.create_runner(json!({"name": "r"})).await;
    for _ in 0..3 {
        let res = app.post("/v1/runners/r/tasks", &json!({})).await;
        assert_eq!(res.status(), StatusCode::ACCEPTED);
    }
    let res = app.post("/v1/runners/r/tasks", &json!({})).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key("retry-after"));
    let problem: Value = res.json().await.expect("json");
    assert_eq!(problem["code"], "quota_exceeded");
    let queued: i64 = sqlx::query_scalar("SELECT count(*) FROM tasks")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(queued, 3, "nothing was stored for the refused one");

    // A project's own limit replaces the server's.
    let res = app
        .post(
            "/v1/projects",
            &json!({"name": "big", "max_queued_tasks": 5}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let (key, _) = make_key(
        &app,
        None,
        json!({"name": "big", "scopes": ["write"], "project": "big"}),
    )
    .await;
    let send = |path: &str, body: Value| {
        app.client
            .post(app.url(path))
            .bearer_auth(key.clone())
            .json(&body)
            .send()
    };
    let made = send("/v1/runners", json!({"name": "r"}))
        .await
        .expect("runner");
    assert_eq!(made.status(), StatusCode::CREATED);
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let res = send("/v1/runners/r/tasks", json!({})).await.expect("task");
        statuses.push(res.status().as_u16());
    }
    assert_eq!(statuses, [202, 202, 202, 202, 202, 429]);
}
