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
