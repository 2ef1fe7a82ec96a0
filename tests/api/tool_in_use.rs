//! A tool that runners list is not deleted from under them: deleting an HTTP tool or a
//! runner that another runner's `toolkits` names is a 409 `tool_in_use` naming the runners,
//! and goes through once they no longer list it.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

async fn conflict(app: &TestApp, path: &str) -> Value {
    let res = app.delete(path).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let problem: Value = res.json().await.unwrap();
    assert_eq!(problem["code"], "tool_in_use", "{problem}");
    problem
}

#[tokio::test]
async fn a_listed_tool_or_runner_is_not_deleted() {
    let app = spawn_app().await;
    let tool = json!({"name": "lookup", "description": "Find a customer",
        "url": "https://crm.example.com/lookup",
        "input_schema": {"type": "object", "properties": {"id": {"type": "string"}}}});
    assert_eq!(
        app.post("/v1/tools", &tool).await.status(),
        StatusCode::CREATED
    );
    app.create_runner(json!({"name": "helper", "model": "mock"}))
        .await;
    app.create_runner(json!({"name": "desk", "model": "mock",
        "toolkits": ["lookup", "run_helper_task", "calculator"]}))
        .await;
    app.create_runner(json!({"name": "agent", "model": "mock", "toolkits": ["lookup"]}))
        .await;

    let problem = conflict(&app, "/v1/tools/lookup").await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("agent, desk"), "{detail}");
    let problem = conflict(&app, "/v1/runners/helper").await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("desk") && !detail.contains("agent"),
        "{detail}"
    );
    // Nothing was deleted.
    assert_eq!(app.get("/v1/tools/lookup").await.status(), StatusCode::OK);
    assert_eq!(app.get("/v1/runners/helper").await.status(), StatusCode::OK);

    // A deleted runner lists nothing; a new version that drops the tool frees it.
    assert_eq!(
        app.delete("/v1/runners/agent").await.status(),
        StatusCode::NO_CONTENT
    );
    let res = app
        .put(
            "/v1/runners/desk",
            &json!({"model": "mock", "toolkits": ["calculator"]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    for path in ["/v1/tools/lookup", "/v1/runners/helper"] {
        assert_eq!(
            app.delete(path).await.status(),
            StatusCode::NO_CONTENT,
            "{path}"
        );
    }
    // Unknown names stay 404s.
    assert_eq!(
        app.delete("/v1/tools/lookup").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.delete("/v1/runners/helper").await.status(),
        StatusCode::NOT_FOUND
    );
}
