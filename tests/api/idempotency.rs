use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{echo_runner, spawn_api};

async fn submit_with_key(
    app: &crate::helpers::TestApp,
    key: &str,
    body: &Value,
) -> (StatusCode, Value) {
    let res = app
        .client
        .post(app.url("/v1/runners/echo/tasks"))
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .unwrap();
    (res.status(), res.json().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_key_same_body_returns_the_same_task() {
    let app = spawn_api().await;
    app.create_runner(echo_runner("echo")).await;
    let body = json!({"arguments": {"text": "once", "n": 1}});
    let (first_status, first) = submit_with_key(&app, "key-1", &body).await;
    assert_eq!(first_status, StatusCode::ACCEPTED);
    // Same content, other key order: still the same request.
    let reordered: Value =
        serde_json::from_str(r#"{"arguments": {"n": 1, "text": "once"}}"#).unwrap();
    let (second_status, second) = submit_with_key(&app, "key-1", &reordered).await;
    assert_eq!(second_status, StatusCode::OK);
    assert_eq!(first["id"], second["id"]);
    assert_eq!(second["idempotency_key"], "key-1");

    let (status, problem) =
        submit_with_key(&app, "key-1", &json!({"arguments": {"text": "twice"}})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(problem["code"], "idempotency_key_reused");

    let page: Value = app.get_json("/v1/tasks").await;
    assert_eq!(page["data"].as_array().unwrap().len(), 1);

    let (status, problem) = submit_with_key(&app, "", &body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(problem["code"], "invalid_request");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_duplicates_create_one_task() {
    let app = spawn_api().await;
    app.create_runner(echo_runner("echo")).await;
    let body = json!({"arguments": {"text": "race"}});
    let attempts = (0..12).map(|_| submit_with_key(&app, "race-key", &body));
    let results = futures::future::join_all(attempts).await;
    let created = results
        .iter()
        .filter(|(s, _)| *s == StatusCode::ACCEPTED)
        .count();
    let replayed = results.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    assert_eq!((created, replayed), (1, 11), "{results:?}");
    let id = &results[0].1["id"];
    assert!(results.iter().all(|(_, t)| &t["id"] == id));
    let page: Value = app.get_json("/v1/tasks").await;
    assert_eq!(page["data"].as_array().unwrap().len(), 1);
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM tasks")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        rows, 1,
        "one task row, which is also its place in the queue"
    );
    app.stop().await;
}
