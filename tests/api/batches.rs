//! `read_only` tasks and batches across models.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::fake_openai::{FakeOpenAi, Reply};
use crate::helpers::{fake_provider, spawn_app, spawn_with_provider, violation_pointers};

fn tool_names(body: &Value) -> Vec<String> {
    let mut names: Vec<String> = body["tools"]
        .as_array()
        .map(|t| {
            t.iter()
                .map(|t| t["function"]["name"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[tokio::test]
async fn a_read_only_task_is_offered_only_read_only_tools() {
    let fake = FakeOpenAi::start(vec![Reply::text("one"), Reply::text("two")]).await;
    let app = spawn_with_provider(fake_provider(&fake.url)).await;
    app.create_runner(json!({"name": "r", "model": "fake/gpt-test",
        "toolkits": ["calculator", "http_fetch", "current_time"]}))
        .await;
    let task = app.run_to_end("r", json!({"arguments": {}})).await;
    assert_eq!(task["read_only"], false);
    let task = app
        .run_to_end("r", json!({"arguments": {}, "read_only": true}))
        .await;
    assert_eq!(task["status"], "succeeded", "{task}");
    assert_eq!(task["read_only"], true);
    let received = fake.received();
    assert_eq!(
        tool_names(&received[0].body),
        ["calculator", "current_time", "http_fetch"]
    );
    assert_eq!(
        tool_names(&received[1].body),
        ["calculator", "current_time"]
    );
}

#[tokio::test]
async fn a_read_only_parents_children_are_read_only_too() {
    let app = spawn_app().await;
    app.create_runner(
        json!({"name": "fetcher", "model": "mock", "toolkits": ["http_fetch"],
        "model_settings": {"mock": {"turns": [
            {"tool_calls": [{"name": "http_fetch", "arguments": {"url": "https://example.com"}}]},
            {"text": "{{tool_result}}"}]}}}),
    )
    .await;
    app.create_runner(
        json!({"name": "boss", "model": "mock", "toolkits": ["run_fetcher_task"],
        "model_settings": {"mock": {"turns": [
            {"tool_calls": [{"name": "run_fetcher_task", "arguments": {}}]},
            {"text": "{{tool_result}}"}]}}}),
    )
    .await;
    let parent = app
        .run_to_end("boss", json!({"arguments": {}, "read_only": true}))
        .await;
    assert_eq!(parent["status"], "succeeded", "{parent}");
    // The child was not offered http_fetch: its model's call of it found no such tool.
    let output = parent["output"].as_str().unwrap();
    assert!(
        output.contains(r#"there is no tool "http_fetch""#),
        "{output}"
    );
    let kids = app
        .get_json(&format!(
            "/v1/tasks?parent_task_id={}",
            parent["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(kids["data"][0]["read_only"], true);
}

#[tokio::test]
async fn a_batch_runs_once_per_model() {
    let fake = FakeOpenAi::start(vec![Reply::text("from a"), Reply::text("from b")]).await;
    let app = spawn_with_provider(fake_provider(&fake.url)).await;
    app.create_runner(
        json!({"name": "compare", "model": "fake/gpt-test", "toolkits": ["calculator"]}),
    )
    .await;
    let res = app
        .post(
            "/v1/runners/compare/tasks?wait=20",
            &json!({"arguments": {"q": 1}, "models": ["fake/gpt-a", "fake/gpt-b"]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let batch: Value = res.json().await.unwrap();
    let id = batch["id"].as_str().unwrap();
    assert_eq!(location, format!("/v1/batches/{id}"));
    assert_eq!(batch["status"], "succeeded", "{batch}");
    assert_eq!(batch["counts"], json!({"succeeded": 2}));
    let models: Vec<&str> = batch["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["model"].as_str().unwrap())
        .collect();
    assert_eq!(models, ["fake/gpt-a", "fake/gpt-b"]);
    let mut asked: Vec<String> = fake
        .received()
        .iter()
        .map(|r| r.body["model"].as_str().unwrap().to_owned())
        .collect();
    asked.sort();
    assert_eq!(asked, ["gpt-a", "gpt-b"]);
    let mut outputs: Vec<&str> = batch["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["output"].as_str().unwrap())
        .collect();
    outputs.sort();
    assert_eq!(outputs, ["from a", "from b"]);

    let again = app.get_json(&format!("/v1/batches/{id}")).await;
    assert_eq!(again["tasks"], batch["tasks"]);
    let listed = app.get_json(&format!("/v1/tasks?batch={id}")).await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 2);
    assert!(
        listed["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["batch_id"] == id)
    );
}

#[tokio::test]
async fn a_batch_is_checked_and_cancelled_as_a_whole() {
    let app = spawn_app().await;
    app.create_runner(
        json!({"name": "writer", "model": "mock", "toolkits": ["http_fetch"],
        "model_settings": {"mock": {"text": "slow", "delay_ms": 30000}}}),
    )
    .await;
    // Two models acting with write-capable tools: refused unless read-only.
    let res = app
        .post(
            "/v1/runners/writer/tasks",
            &json!({"arguments": {}, "models": ["mock", "mock/other"]}),
        )
        .await;
    // Options that cannot go together are the body's problem, not the arguments'.
    assert_eq!(
        violation_pointers(res, "invalid_body").await,
        ["/read_only"]
    );
    let res = app
        .post(
            "/v1/runners/writer/tasks",
            &json!({"arguments": {}, "models": ["mock", "nowhere/x", "mock"]}),
        )
        .await;
    assert_eq!(
        violation_pointers(res, "invalid_body").await,
        ["/models/1", "/models/2", "/read_only"]
    );
    let res = app
        .post(
            "/v1/runners/writer/tasks",
            &json!({"arguments": {}, "models": ["mock", "mock/other"], "read_only": true}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let batch: Value = res.json().await.unwrap();
    let id = batch["id"].as_str().unwrap();
    for task in batch["tasks"].as_array().unwrap() {
        app.wait_for_status(task["id"].as_str().unwrap(), "running")
            .await;
    }
    assert_eq!(
        app.get_json(&format!("/v1/batches/{id}")).await["status"],
        "running"
    );
    let res = app
        .post(&format!("/v1/batches/{id}/cancel"), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    for task in batch["tasks"].as_array().unwrap() {
        app.wait_for_status(task["id"].as_str().unwrap(), "cancelled")
            .await;
    }
    let ended = app.get_json(&format!("/v1/batches/{id}")).await;
    assert_eq!(ended["status"], "cancelled", "{ended}");
    let res = app
        .get("/v1/batches/01900000-0000-7000-8000-000000000000")
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_batch_waited_on_is_200_only_once_every_task_is_final() {
    let ask = || Reply::tool_calls(&[("c1", "ask_human", json!({"question": "Go on?"}))]);
    let fake = FakeOpenAi::start(vec![ask(), ask()]).await;
    let app = spawn_with_provider(fake_provider(&fake.url)).await;
    app.create_runner(json!({"name": "asks", "model": "fake/gpt-test", "toolkits": ["ask_human"]}))
        .await;
    let res = app
        .post(
            "/v1/runners/asks/tasks?wait=20",
            &json!({"arguments": {}, "models": ["fake/gpt-a", "fake/gpt-b"]}),
        )
        .await;
    let status = res.status();
    let batch: Value = res.json().await.unwrap();
    let statuses: Vec<&str> = batch["tasks"]
        .as_array()
        .unwrap_or_else(|| panic!("{status}: {batch}"))
        .iter()
        .map(|t| t["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["input_required", "input_required"], "{batch}");
    assert_eq!(
        status,
        StatusCode::ACCEPTED,
        "its tasks ask questions: the wait ended, but nothing is final"
    );
}
