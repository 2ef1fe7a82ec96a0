use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{echo_runner, spawn_api};

async fn problem(res: reqwest::Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(res.status(), status);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status.as_u16());
    assert!(body["title"].is_string() && body["detail"].is_string() && body["type"].is_string());
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_mistakes_get_problem_json_never_500() {
    let app = spawn_api().await;
    app.create_runner(echo_runner("echo")).await;
    let tasks = app.url("/v1/runners/echo/tasks");

    let res = app
        .client
        .post(&tasks)
        .header("content-type", "application/json")
        .body("{\"arguments\": ")
        .send()
        .await
        .unwrap();
    problem(res, StatusCode::BAD_REQUEST, "malformed_json").await;

    let res = app
        .client
        .post(&tasks)
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    problem(
        res,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;

    let big = json!({"arguments": {"text": "x".repeat(2 * 1024 * 1024)}});
    let res = app.post("/v1/runners/echo/tasks", &big).await;
    problem(res, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;

    let res = app
        .post(
            "/v1/runners/echo/tasks",
            &json!({"arguments": {"text": "x"}, "colour": 1}),
        )
        .await;
    problem(res, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body").await;

    let res = app
        .post("/v1/runners/nope/tasks", &json!({"arguments": {}}))
        .await;
    problem(res, StatusCode::NOT_FOUND, "runner_not_found").await;
    problem(
        app.get("/v1/runners/nope").await,
        StatusCode::NOT_FOUND,
        "runner_not_found",
    )
    .await;
    problem(
        app.get("/v1/tasks/not-a-uuid").await,
        StatusCode::NOT_FOUND,
        "task_not_found",
    )
    .await;
    let missing = uuid::Uuid::now_v7();
    problem(
        app.get(&format!("/v1/tasks/{missing}")).await,
        StatusCode::NOT_FOUND,
        "task_not_found",
    )
    .await;
    problem(
        app.post(&format!("/v1/tasks/{missing}/cancel"), &json!({}))
            .await,
        StatusCode::NOT_FOUND,
        "task_not_found",
    )
    .await;
    problem(
        app.get("/v1/nothing-here").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    let res = app
        .post(
            "/v1/runners/echo/tasks",
            &json!({"arguments": {"n": "many"}}),
        )
        .await;
    let body = problem(res, StatusCode::UNPROCESSABLE_ENTITY, "invalid_arguments").await;
    assert_eq!(body["errors"].as_array().unwrap().len(), 2, "{body}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_known_path_with_another_method_is_405_with_allow() {
    let app = spawn_api().await;
    let res = app.delete("/v1/tasks").await;
    assert_eq!(res.headers()["allow"], "GET");
    problem(res, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    let res = app.post("/v1/runners/some-name", &json!({})).await;
    assert_eq!(res.headers()["allow"], "GET, PUT, DELETE");
    problem(res, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    problem(
        app.get("/v2/nothing").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}
