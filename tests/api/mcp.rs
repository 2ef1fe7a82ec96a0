//! The MCP server at `/mcp`, through `rmcp`'s own client: tools listed and called, a runner
//! that finishes within the call, one that outlasts it and is followed with the tasks
//! extension (`tasks/get`), a question answered with `tasks/update`, `tasks/cancel`, API
//! keys and projects, and the `Origin` check.

use std::time::Duration;

use reqwest::StatusCode;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CancelTaskParams, ClientCapabilities, ClientConfig,
    GetTaskParams, Implementation, ProtocolVersion, TaskPayload, TaskStatus, UpdateTaskParams,
};
use rmcp::service::{ClientLifecycleMode, RoleClient, RunningService, serve_client_with_lifecycle};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use serde_json::{Value, json};

use crate::helpers::{TestApp, echo_runner, http_client, spawn_app};
use crate::keys::{make_key, project_key};

type Client = RunningService<RoleClient, ClientConfig>;

/// A client of `app`'s MCP server: the current protocol with the tasks extension, or the
/// 2025-11-25 `initialize` handshake without it.
async fn connect(app: &TestApp, key: Option<&str>, current: bool) -> Client {
    let mut config = StreamableHttpClientTransportConfig::with_uri(app.url("/mcp"));
    if let Some(key) = key {
        config = config.auth_header(key);
    }
    let transport = StreamableHttpClientTransport::with_client(http_client(), config);
    let capabilities = if current {
        ClientCapabilities::builder().enable_tasks().build()
    } else {
        ClientCapabilities::default()
    };
    let client = ClientConfig::new(capabilities, Implementation::new("errand-test", "1.0"));
    let lifecycle = if current {
        ClientLifecycleMode::Discover {
            preferred_versions: vec![ProtocolVersion::V_2026_07_28],
        }
    } else {
        ClientLifecycleMode::Initialize
    };
    serve_client_with_lifecycle(client, transport, lifecycle)
        .await
        .expect("connect to /mcp")
}

fn call(name: &str, arguments: Value) -> CallToolRequestParams {
    let mut params = CallToolRequestParams::new(name.to_owned());
    params.arguments = arguments.as_object().cloned();
    params
}

/// Calls `tool` as a task (the tasks extension) and returns the task's id.
async fn start(client: &Client, tool: &str, arguments: Value) -> String {
    let response = client
        .call_tool_once(call(tool, arguments))
        .await
        .expect("tools/call");
    let CallToolResponse::Task(created) = response else {
        panic!("expected a task handle: {response:?}");
    };
    created.task.task_id
}

/// Polls `tasks/get` until the task leaves `working`.
async fn settled(client: &Client, id: &str) -> TaskPayload {
    for _ in 0..300 {
        let got = client
            .get_task(GetTaskParams::new(id))
            .await
            .expect("tasks/get");
        if got.task.status() != TaskStatus::Working {
            return got.task.payload;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("task {id} never left working");
}

async fn runners(app: &TestApp) {
    app.create_runner(echo_runner("echo")).await;
    app.create_runner(json!({"name": "broken", "model": "mock",
        "model_settings": {"mock": {"error": {"code": "boom", "message": "it broke"}}}}))
        .await;
    app.create_runner(json!({"name": "slow", "model": "mock",
        "model_settings": {"mock": {"text": "done at last", "delay_ms": 2500}}}))
        .await;
    app.create_runner(
        json!({"name": "asker", "model": "mock", "toolkits": ["ask_human"],
        "model_settings": {"mock": {"turns": [
            {"tool_calls": [{"name": "ask_human", "arguments": {"question": "Ship it?",
                "answer_schema": {"type": "boolean"}}}]},
            {"text": "they said {{tool_result}}"}]}}}),
    )
    .await;
}

#[tokio::test]
async fn a_legacy_client_lists_and_calls_tools() {
    let app = spawn_app().await;
    runners(&app).await;
    let client = connect(&app, None, false).await;
    let tools = client.list_all_tools().await.expect("tools/list");
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    for expected in ["calculator", "http_fetch", "run_echo_task", "run_slow_task"] {
        assert!(names.contains(&expected), "{names:?}");
    }
    // `ask_human` suspends a task's model; no MCP call could run it.
    assert!(!names.contains(&"ask_human"), "{names:?}");
    let echo = tools.iter().find(|t| t.name == "run_echo_task").unwrap();
    assert_eq!(echo.input_schema["required"], json!(["text"]));

    let result = client
        .call_tool(call("calculator", json!({"expression": "6*7"})))
        .await
        .expect("tools/call");
    assert_eq!(result.is_error, Some(false));
    assert_eq!(result.structured_content.unwrap()["result"], json!(42.0));

    let result = client
        .call_tool(call("run_echo_task", json!({"text": "hi"})))
        .await
        .expect("tools/call");
    assert_eq!(result.structured_content, Some(json!({"text": "hi"})));

    // Bad arguments are a tool error the model can read, with the pointer.
    let result = client
        .call_tool(call("run_echo_task", json!({"n": 1})))
        .await
        .expect("tools/call");
    assert_eq!(result.is_error, Some(true));
    assert!(format!("{:?}", result.content).contains("/arguments"));
    let calls = app.get_json("/v1/tools/calculator/invocations").await;
    assert_eq!(calls["data"][0]["source"], "mcp");
    client.cancel().await.ok();
}

#[tokio::test]
async fn a_long_runner_call_is_followed_through_the_tasks_extension() {
    let app = spawn_app().await;
    runners(&app).await;
    let client = connect(&app, None, true).await;
    let id = start(&client, "run_slow_task", json!({})).await;
    // The handle is Errand's task, committed before the answer.
    let task = app.task(&id).await;
    assert_eq!(task["runner"], "slow");
    let TaskPayload::Completed { result } = settled(&client, &id).await else {
        panic!("not completed");
    };
    assert_eq!(result["isError"], false);
    assert_eq!(result["content"][0]["text"], "done at last");

    // A question is an input request; tasks/update answers it.
    let id = start(&client, "run_asker_task", json!({})).await;
    let TaskPayload::InputRequired { input_requests } = settled(&client, &id).await else {
        panic!("no question");
    };
    let (key, request) = input_requests.into_iter().next().unwrap();
    let request = serde_json::to_value(request).unwrap();
    assert_eq!(request["params"]["message"], "Ship it?");
    assert_eq!(
        request["params"]["requestedSchema"]["properties"]["answer"]["type"],
        "boolean"
    );
    // An answer that breaks the schema is acknowledged, and the question asked again under
    // a new key that says why (an error would end the client's wait for good).
    let wrong = json!({"action": "accept", "content": {"answer": "maybe"}});
    client
        .update_task(UpdateTaskParams::new(&id, [(key.clone(), wrong)].into()))
        .await
        .expect("tasks/update acknowledged");
    let TaskPayload::InputRequired { input_requests } = settled(&client, &id).await else {
        panic!("no question asked again");
    };
    let (again, request) = input_requests.into_iter().next().unwrap();
    assert_ne!(again, key, "the same key: the client would not ask again");
    let message = serde_json::to_value(request).unwrap()["params"]["message"].clone();
    assert!(
        message.as_str().unwrap_or_default().contains("refused"),
        "{message}"
    );
    let key = again;
    let answer = json!({"action": "accept", "content": {"answer": true}});
    client
        .update_task(UpdateTaskParams::new(&id, [(key, answer)].into()))
        .await
        .expect("tasks/update");
    let TaskPayload::Completed { result } = settled(&client, &id).await else {
        panic!("not completed");
    };
    assert_eq!(result["content"][0]["text"], "they said true");

    // tasks/cancel ends a task; a failure is a completed task with isError.
    let id = start(&client, "run_slow_task", json!({})).await;
    client
        .cancel_task(CancelTaskParams::new(&id))
        .await
        .expect("tasks/cancel");
    assert!(matches!(
        settled(&client, &id).await,
        TaskPayload::Cancelled
    ));
    assert_eq!(app.task(&id).await["status"], "cancelled");

    // A task that fails is completed with isError and the task's error; one that succeeds
    // with an output schema carries its output as structuredContent.
    for (tool, arguments) in [
        ("run_broken_task", json!({})),
        ("run_echo_task", json!({"text": "yo"})),
    ] {
        let id = start(&client, tool, arguments).await;
        let TaskPayload::Completed { result } = settled(&client, &id).await else {
            panic!("not completed");
        };
        if tool == "run_broken_task" {
            assert_eq!(result["isError"], true, "{result:?}");
            assert!(
                result["content"][0]["text"]
                    .as_str()
                    .unwrap()
                    .contains("it broke"),
                "{result:?}"
            );
        } else {
            assert_eq!(result["isError"], false, "{result:?}");
            assert_eq!(
                result["structuredContent"],
                json!({"text": "yo"}),
                "{result:?}"
            );
        }
    }
    client.cancel().await.ok();
}

#[tokio::test]
async fn a_call_without_the_tasks_extension_waits_then_names_the_task() {
    let mut settings = crate::helpers::test_settings();
    settings.mcp.call_wait_seconds = 1;
    let app = crate::helpers::spawn(errand::service::Mode::ALL, settings).await;
    runners(&app).await;
    let client = connect(&app, None, false).await;
    let result = client
        .call_tool(call("run_slow_task", json!({})))
        .await
        .expect("tools/call");
    // Not an answer: an error result (SDKs accept it without `structuredContent`), with the
    // true elapsed time.
    assert_eq!(result.is_error, Some(true));
    let text = format!("{:?}", result.content);
    assert!(
        text.contains("still") && text.contains(" after 1."),
        "{text}"
    );
    let tasks = app.get_json("/v1/tasks?runner=slow").await;
    let id = tasks["data"][0]["id"].as_str().unwrap();
    assert!(text.contains(id), "{text}");
    client.cancel().await.ok();
}

#[tokio::test]
async fn mcp_needs_the_key_of_a_project_and_a_local_origin() {
    let app = spawn_app().await;
    runners(&app).await;
    let (admin, _) = make_key(&app, None, json!({"name": "a", "scopes": ["admin"]})).await;
    // With keys in place, no key is a 401.
    let res = app
        .client
        .post(app.url("/mcp"))
        .header("accept", "application/json, text/event-stream")
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // Another project's key sees that project's tools only.
    let other = project_key(&app, &admin, "other", json!(["write"])).await;
    let client = connect(&app, Some(&other), true).await;
    let names: Vec<String> = client
        .list_all_tools()
        .await
        .unwrap()
        .iter()
        .map(|t| t.name.to_string())
        .collect();
    assert!(!names.iter().any(|n| n == "run_echo_task"), "{names:?}");
    assert!(names.iter().any(|n| n == "calculator"));
    client.cancel().await.ok();
    let mine = connect(&app, Some(&admin), true).await;
    assert!(
        mine.list_all_tools()
            .await
            .unwrap()
            .iter()
            .any(|t| t.name == "run_echo_task")
    );
    mine.cancel().await.ok();
    // A read key lists but does not call.
    let (reader, _) = make_key(&app, Some(&admin), json!({"name": "r", "scopes": ["read"]})).await;
    let client = connect(&app, Some(&reader), true).await;
    assert!(
        client
            .call_tool(call("calculator", json!({"expression": "1"})))
            .await
            .is_err()
    );
    client.cancel().await.ok();

    // A browser page of another site is refused.
    let res = app
        .client
        .post(app.url("/mcp"))
        .bearer_auth(&admin)
        .header("origin", "https://evil.example")
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2025-11-25")
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_runner_with_a_string_input_is_offered_as_an_object_and_unwrapped_on_call() {
    let app = spawn_app().await;
    app.create_runner(json!({"name": "shout", "model": "mock",
        "input_schema": {"type": "string", "maxLength": 20},
        "model_settings": {"mock": {"text": "shouted"}}}))
        .await;
    // Every caller gets an object schema with the runner's own under `input`.
    let wrapped = json!({"type": "object", "properties": {"input": {"type": "string", "maxLength": 20}},
                         "required": ["input"], "additionalProperties": false});
    let client = connect(&app, None, false).await;
    let tools = client.list_all_tools().await.expect("tools/list");
    let shout = tools
        .iter()
        .find(|t| t.name == "run_shout_task")
        .expect("listed");
    assert_eq!(json!(*shout.input_schema), wrapped);
    let openai = app.get_json("/v1/tools?format=openai&limit=1000").await;
    let entry = openai["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["function"]["name"] == "run_shout_task")
        .expect("openai entry")
        .clone();
    assert_eq!(entry["function"]["parameters"], wrapped);

    // A call's `input` is the task's arguments.
    let result = client
        .call_tool(call("run_shout_task", json!({"input": "hey"})))
        .await
        .expect("tools/call");
    assert_eq!(result.is_error, Some(false), "{result:?}");
    let tasks = app.get_json("/v1/tasks?runner=shout").await;
    assert_eq!(tasks["data"][0]["arguments"], "hey");
    client.cancel().await.ok();

    // The same over HTTP; without `input` the pointer says what is missing.
    let res = app
        .post("/v1/tools/run_shout_task/invoke", &json!({"arguments": {}}))
        .await;
    assert_eq!(
        crate::helpers::violation_pointers(res, "invalid_arguments").await,
        ["/arguments/input"]
    );

    // And from a task's model: the child task gets the `input`.
    app.create_runner(
        json!({"name": "asker", "model": "mock", "toolkits": ["run_shout_task"],
        "model_settings": {"mock": {"turns": [
            {"tool_calls": [{"name": "run_shout_task", "arguments": {"input": "yo"}}]},
            {"text": "done"}]}}}),
    )
    .await;
    let parent = app.run_to_end("asker", json!({"arguments": {}})).await;
    assert_eq!(parent["status"], "succeeded", "{parent}");
    let id = parent["id"].as_str().unwrap();
    let kids = app
        .get_json(&format!("/v1/tasks?parent_task_id={id}"))
        .await;
    assert_eq!(kids["data"][0]["arguments"], "yo", "{kids}");
}

#[tokio::test]
async fn an_approval_is_an_input_request_and_tasks_update_decides_it() {
    let app = spawn_app().await;
    app.create_runner(
        json!({"name": "careful", "model": "mock", "toolkits": ["calculator"],
        "approval": {"tools": ["calculator"]},
        "model_settings": {"mock": {"turns": [
            {"tool_calls": [{"name": "calculator", "arguments": {"expression": "6*7"}}]},
            {"text": "got {{tool_result}}"}]}}}),
    )
    .await;
    let client = connect(&app, None, true).await;
    // Approved with edited arguments, from the form's JSON text.
    let id = start(&client, "run_careful_task", json!({})).await;
    let TaskPayload::InputRequired { input_requests } = settled(&client, &id).await else {
        panic!("no approval asked");
    };
    let (key, request) = input_requests.into_iter().next().unwrap();
    let schema = serde_json::to_value(request).unwrap()["params"]["requestedSchema"].clone();
    assert_eq!(
        schema["properties"]["approve"]["type"], "boolean",
        "{schema}"
    );
    assert_eq!(
        schema["properties"]["arguments"]["type"], "string",
        "{schema}"
    );
    let approve = json!({"action": "accept",
        "content": {"approve": true, "arguments": "{\"expression\": \"6*6\"}"}});
    client
        .update_task(UpdateTaskParams::new(&id, [(key, approve)].into()))
        .await
        .expect("tasks/update");
    let TaskPayload::Completed { result } = settled(&client, &id).await else {
        panic!("not completed");
    };
    assert_eq!(
        result["content"][0]["text"],
        r#"got {"expression":"6*6","result":36.0}"#
    );

    // Declining the form denies the call; the task goes on and ends.
    let id = start(&client, "run_careful_task", json!({})).await;
    let TaskPayload::InputRequired { input_requests } = settled(&client, &id).await else {
        panic!("no approval asked");
    };
    let (key, _) = input_requests.into_iter().next().unwrap();
    client
        .update_task(UpdateTaskParams::new(
            &id,
            [(key, json!({"action": "decline"}))].into(),
        ))
        .await
        .expect("tasks/update");
    let TaskPayload::Completed { result } = settled(&client, &id).await else {
        panic!("not completed");
    };
    let text = result["content"][0]["text"].as_str().unwrap_or_default();
    assert!(text.contains("denied"), "{text}");
    client.cancel().await.ok();
}
