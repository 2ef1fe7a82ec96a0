//! Approval before a tool runs: a runner's `approval` makes each call of the named tools
//! (or of every tool not read-only) wait for a person — `input_required` with an
//! `input_request` of kind `approval`, holding no worker — and the answer approves, denies
//! with a reason the model sees, or approves with edited arguments checked against the
//! tool's schema. Expiry follows `input_timeout_seconds`.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, violation_pointers};

const LIMIT: Duration = Duration::from_secs(20);

/// A runner whose model calls the calculator on `expression`, then says what it got.
fn calculating(name: &str, approval: Value, calls: Value) -> Value {
    json!({"name": name, "model": "mock", "toolkits": ["calculator", "storage"],
        "approval": approval,
        "model_settings": {"mock": {"turns": [
            {"tool_calls": calls},
            {"text": "got {{tool_result}}"}]}}})
}

async fn answer(app: &TestApp, task: &str, request: &Value, answer: Value) -> reqwest::Response {
    app.post(
        &format!("/v1/tasks/{task}/input"),
        &json!({"request_id": request, "answer": answer}),
    )
    .await
}

/// Submits to `runner` and waits until the task asks for approval; its id and request.
async fn asked(app: &TestApp, runner: &str, body: Value) -> (String, Value) {
    let task = app.submit(runner, body).await;
    let id = task["id"].as_str().expect("id").to_owned();
    let task = app.wait_for_status(&id, "input_required").await;
    (id, task["input_request"].clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approved_call_runs_and_a_denied_one_tells_the_model_why() {
    let app = spawn_app().await;
    let call = json!([{"name": "calculator", "arguments": {"expression": "2 + 3"}}]);
    app.create_runner(calculating("calc", json!({"tools": ["calculator"]}), call))
        .await;

    let (id, request) = asked(&app, "calc", json!({})).await;
    assert_eq!(request["kind"], "approval", "{request}");
    assert_eq!(request["tool_call"]["name"], "calculator");
    assert_eq!(
        request["tool_call"]["arguments"],
        json!({"expression": "2 + 3"})
    );
    assert_eq!(request["tool_call"]["input_schema"]["type"], "object");
    // Nothing ran, and no worker holds it.
    let events = app.events(&id).await;
    let types: Vec<&str> = events.iter().filter_map(|e| e["type"].as_str()).collect();
    assert!(!types.contains(&"tool_call.started"), "{types:?}");
    assert_eq!(types.last(), Some(&"task.input_required"), "{types:?}");
    assert_eq!(events.last().expect("event")["data"]["kind"], "approval");
    let held: Option<String> =
        sqlx::query_scalar("SELECT lease_owner FROM tasks WHERE id = $1::uuid")
            .bind(&id)
            .fetch_one(&app.pool)
            .await
            .expect("task");
    assert_eq!(held, None);

    let res = answer(&app, &id, &request["request_id"], json!({"approve": true})).await;
    assert_eq!(res.status(), 200);
    let done = app
        .wait_for(&id, LIMIT, |t| t["status"] == "succeeded")
        .await;
    assert_eq!(
        done["output"], r#"got {"expression":"2 + 3","result":5.0}"#,
        "{done}"
    );
    // The same answer again is harmless; another is a conflict.
    let again = answer(&app, &id, &request["request_id"], json!({"approve": true})).await;
    assert!(again.status().is_success(), "{}", again.status());
    let other = answer(&app, &id, &request["request_id"], json!({"approve": false})).await;
    assert_eq!(other.status(), 409);

    let (id, request) = asked(&app, "calc", json!({})).await;
    let res = answer(
        &app,
        &id,
        &request["request_id"],
        json!({"approve": false, "reason": "use the spreadsheet instead"}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let done = app
        .wait_for(&id, LIMIT, |t| t["status"] == "succeeded")
        .await;
    let output = done["output"].as_str().expect("text");
    assert!(
        output.contains("denied") && output.contains("use the spreadsheet instead"),
        "{output}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edited_arguments_are_checked_against_the_tools_schema_then_used() {
    let app = spawn_app().await;
    let call = json!([{"name": "calculator", "arguments": {"expression": "2 + 3"}}]);
    app.create_runner(calculating("calc", json!({"tools": ["calculator"]}), call))
        .await;
    let (id, request) = asked(&app, "calc", json!({})).await;
    let res = answer(
        &app,
        &id,
        &request["request_id"],
        json!({"approve": true, "arguments": {"expression": 7}}),
    )
    .await;
    assert_eq!(
        violation_pointers(res, "invalid_answer").await,
        ["/answer/arguments/expression"]
    );
    let res = answer(&app, &id, &request["request_id"], json!({"approve": "yes"})).await;
    assert_eq!(
        violation_pointers(res, "invalid_answer").await,
        ["/answer/approve"]
    );
    let res = answer(
        &app,
        &id,
        &request["request_id"],
        json!({"approve": true, "arguments": {"expression": "10 * 10"}}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let done = app
        .wait_for(&id, LIMIT, |t| t["status"] == "succeeded")
        .await;
    assert_eq!(
        done["output"],
        r#"got {"expression":"10 * 10","result":100.0}"#
    );
    // The journal and the event log record the call as it ran.
    let events = app.events(&id).await;
    let started = events
        .iter()
        .find(|e| e["type"] == "tool_call.started")
        .expect("started");
    assert_eq!(started["data"]["arguments"], r#"{"expression":"10 * 10"}"#);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_read_only_tools_wait_and_several_calls_are_asked_one_at_a_time() {
    let app = spawn_app().await;
    let calls = json!([
        {"name": "list_files", "arguments": {}},
        {"name": "write_file", "arguments": {"path": "a.md", "content": "one"}},
        {"name": "write_file", "arguments": {"path": "b.md", "content": "two"}}]);
    app.create_runner(calculating("writer", json!({"non_read_only": true}), calls))
        .await;
    let (id, first) = asked(&app, "writer", json!({})).await;
    assert_eq!(first["tool_call"]["arguments"]["path"], "a.md");
    assert_eq!(
        answer(&app, &id, &first["request_id"], json!({"approve": true}))
            .await
            .status(),
        200
    );
    // The second write is asked next; nothing of the reply ran yet.
    let second = app
        .wait_for(&id, LIMIT, |t| {
            t["status"] == "input_required"
                && t["input_request"]["request_id"] != first["request_id"]
        })
        .await["input_request"]
        .clone();
    assert_eq!(second["tool_call"]["arguments"]["path"], "b.md");
    assert_eq!(app.get("/v1/files/a.md").await.status(), 404);
    let res = answer(&app, &id, &second["request_id"], json!({"approve": false})).await;
    assert_eq!(res.status(), 200);
    let done = app
        .wait_for(&id, LIMIT, |t| t["status"] == "succeeded")
        .await;
    assert_eq!(done["status"], "succeeded");
    // The approved write ran, the denied one did not; the read-only listing needed nothing.
    assert_eq!(app.get("/v1/files/a.md").await.status(), 200);
    assert_eq!(app.get("/v1/files/b.md").await.status(), 404);
    let events = app.events(&id).await;
    let asks = events
        .iter()
        .filter(|e| e["type"] == "task.input_required")
        .count();
    assert_eq!(asks, 2);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approvals_expire_and_bad_policies_are_refused() {
    let app = spawn_app().await;
    let call = json!([{"name": "calculator", "arguments": {"expression": "1"}}]);
    app.create_runner(calculating("calc", json!({"tools": ["calculator"]}), call))
        .await;
    let (id, _) = asked(&app, "calc", json!({"input_timeout_seconds": 1})).await;
    let ended = app.wait_for(&id, LIMIT, |t| t["status"] == "failed").await;
    assert_eq!(ended["error"]["code"], "input_timeout", "{ended}");

    for (approval, pointer) in [
        (json!({"tools": ["http_fetch"]}), "/approval/tools/0"),
        (
            json!({"tools": ["calculator", "ask_human"]}),
            "/approval/tools/1",
        ),
    ] {
        let res = app
            .post(
                "/v1/runners",
                &json!({"name": "bad", "model": "mock", "toolkits": ["calculator"],
                    "approval": approval}),
            )
            .await;
        assert_eq!(violation_pointers(res, "invalid_runner").await, [pointer]);
    }
    let res = app
        .post(
            "/v1/runners",
            &json!({"name": "bad", "model": "mock", "approval": {"everything": true}}),
        )
        .await;
    assert_eq!(res.status(), 422);
    let runner = app.get_json("/v1/runners/calc").await;
    assert_eq!(
        runner["approval"],
        json!({"tools": ["calculator"], "non_read_only": false})
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_runners_tool_waits_for_approval_before_its_task_starts() {
    let app = spawn_app().await;
    app.create_runner(json!({"name": "deploy", "model": "mock",
        "model_settings": {"mock": {"text": "deployed"}}}))
        .await;
    app.create_runner(
        json!({"name": "boss", "model": "mock", "toolkits": ["run_deploy_task"],
        "approval": {"tools": ["run_deploy_task"]},
        "model_settings": {"mock": {"turns": [
            {"tool_calls": [{"name": "run_deploy_task", "arguments": {}}]},
            {"text": "boss: {{tool_result}}"}]}}}),
    )
    .await;
    let (id, request) = asked(&app, "boss", json!({})).await;
    assert_eq!(request["tool_call"]["name"], "run_deploy_task");
    let children = app
        .get_json(&format!("/v1/tasks?parent_task_id={id}"))
        .await;
    assert_eq!(
        children["data"],
        json!([]),
        "a child started before the approval"
    );
    let res = answer(&app, &id, &request["request_id"], json!({"approve": true})).await;
    assert_eq!(res.status(), 200);
    let done = app
        .wait_for(&id, LIMIT, |t| t["status"] == "succeeded")
        .await;
    assert_eq!(done["output"], "boss: deployed");
    app.stop().await;
}
