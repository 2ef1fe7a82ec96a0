//! Runners calling runners: a model's call of `run_<name>_task` starts a child task; the
//! parent waits without a worker, gets the child's output (or its failure as a tool error),
//! takes its children with it when cancelled; depth is limited and cycles refused.

use std::time::Duration;

use errand::service::Mode;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, column, spawn, spawn_api, spawn_app, test_settings, violation_pointers,
};

/// A runner whose model calls `tool` with `arguments`, then answers with the result.
fn caller(name: &str, tool: &str, arguments: Value) -> Value {
    json!({"name": name, "model": "mock", "toolkits": [tool],
        "model_settings": {"mock": {"turns": [
            {"tool_calls": [{"name": tool, "arguments": arguments}]},
            {"text": "got: {{tool_result}}"}]}}})
}

async fn children_of(app: &TestApp, id: &str) -> Vec<Value> {
    app.get_json(&format!("/v1/tasks?parent_task_id={id}"))
        .await["data"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn a_runner_calls_a_runner_through_a_child_task() {
    let app = spawn_app().await;
    app.create_runner(json!({"name": "helper", "model": "mock",
        "input_schema": {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]},
        "model_settings": {"mock": {"text": "helper says hi", "delay_ms": 200}}}))
        .await;
    app.create_runner(caller("boss", "run_helper_task", json!({"q": "?"})))
        .await;
    let parent = app.run_to_end("boss", json!({"arguments": {}})).await;
    assert_eq!(parent["status"], "succeeded", "{parent}");
    assert_eq!(parent["output"], "got: helper says hi");
    let id = parent["id"].as_str().unwrap();
    let kids = children_of(&app, id).await;
    assert_eq!(kids.len(), 1);
    assert_eq!(kids[0]["parent_task_id"], id);
    assert_eq!(kids[0]["depth"], 1);
    assert_eq!(kids[0]["runner"], "helper");
    assert_eq!(kids[0]["arguments"], json!({"q": "?"}));

    // The parent's log shows the call and its result, not the child's own deltas.
    let kinds = column(&json!({"data": app.events(id).await}), "type");
    let kinds: Vec<&str> = kinds.iter().map(|k| k.as_str().unwrap()).collect();
    assert!(kinds.contains(&"task.waiting"), "{kinds:?}");
    // Going on after its child is the same attempt.
    let restarts: Vec<&&str> = kinds
        .iter()
        .filter(|k| **k == "task.started" || **k == "task.resumed")
        .collect();
    assert_eq!(restarts, [&"task.started", &"task.resumed"]);
    assert_eq!(parent["attempts"], 1, "{parent}");
    let events = app.events(id).await;
    let started = events
        .iter()
        .find(|e| e["type"] == "tool_call.started")
        .unwrap();
    assert_eq!(started["data"]["task_id"], kids[0]["id"]);
    let completed = events
        .iter()
        .find(|e| e["type"] == "tool_call.completed")
        .unwrap();
    assert_eq!(completed["data"]["output"], "helper says hi");
    // While the child streamed, the parent's log took no deltas: they are on the child's.
    let at = |kind: &str| events.iter().position(|e| e["type"] == kind).unwrap();
    let (from, to) = (at("tool_call.started"), at("tool_call.completed"));
    assert!(
        events[from..to]
            .iter()
            .all(|e| e["type"] != "message.delta"),
        "{events:?}"
    );
    let child_events = app.events(kids[0]["id"].as_str().unwrap()).await;
    assert!(child_events.iter().any(|e| e["type"] == "message.delta"));
    // The call is recorded as the parent model's, with the child's result.
    let calls = app.get_json("/v1/tools/run_helper_task/invocations").await;
    assert_eq!(calls["data"][0]["source"], "task");
    assert_eq!(calls["data"][0]["task_id"], kids[0]["id"]);
    assert_eq!(calls["data"][0]["output"], "helper says hi", "{calls}");

    // Arguments the child's runner refuses come back to the parent's model as an error.
    app.create_runner(caller("sloppy", "run_helper_task", json!({"q": 5})))
        .await;
    let task = app.run_to_end("sloppy", json!({"arguments": {}})).await;
    assert_eq!(task["status"], "succeeded", "{task}");
    let output = task["output"].as_str().unwrap();
    assert!(
        output.contains("error:") && output.contains("/q"),
        "{output}"
    );
    assert!(
        children_of(&app, task["id"].as_str().unwrap())
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn a_childs_failure_is_a_tool_error_for_its_parent() {
    let app = spawn_app().await;
    app.create_runner(
        json!({"name": "fragile", "model": "mock", "max_attempts": 1,
        "model_settings": {"mock": {"error": {"code": "bad_request", "message": "boom"}}}}),
    )
    .await;
    app.create_runner(caller("boss", "run_fragile_task", json!({})))
        .await;
    let parent = app.run_to_end("boss", json!({"arguments": {}})).await;
    assert_eq!(parent["status"], "succeeded", "{parent}");
    let output = parent["output"].as_str().unwrap();
    assert!(
        output.starts_with("got: error:") && output.contains("failed") && output.contains("boom"),
        "{output}"
    );
}

#[tokio::test]
async fn cancelling_a_parent_cancels_its_children() {
    let app = spawn_app().await;
    app.create_runner(json!({"name": "slow", "model": "mock",
        "model_settings": {"mock": {"text": "late", "delay_ms": 30000}}}))
        .await;
    app.create_runner(caller("boss", "run_slow_task", json!({})))
        .await;
    let parent = app.submit("boss", json!({"arguments": {}})).await;
    let id = parent["id"].as_str().unwrap();
    app.wait_for_status(id, "waiting").await;
    let kids = children_of(&app, id).await;
    assert_eq!(kids.len(), 1);
    let child = kids[0]["id"].as_str().unwrap().to_owned();
    app.wait_for_status(&child, "running").await;

    let res = app
        .post(&format!("/v1/tasks/{id}/cancel"), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK, "a waiting task ends at once");
    let cancelled = app.wait_for_status(&child, "cancelled").await;
    assert_eq!(cancelled["error"]["code"], "cancelled");
    // The parent stays cancelled: the child's end does not wake it.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(app.task(id).await["status"], "cancelled");
}

#[tokio::test]
async fn a_waiting_parent_holds_no_worker() {
    let mut settings = test_settings();
    settings.worker.concurrency = 1;
    let app = spawn(Mode::ALL, settings).await;
    app.create_runner(json!({"name": "leaf", "model": "mock",
        "model_settings": {"mock": {"text": "leaf done"}}}))
        .await;
    app.create_runner(caller("boss", "run_leaf_task", json!({})))
        .await;
    // With one worker slot, the child can only run if the waiting parent gave it up.
    let parent = app.run_to_end("boss", json!({"arguments": {}})).await;
    assert_eq!(parent["output"], "got: leaf done", "{parent}");
}

#[tokio::test]
async fn depth_is_limited() {
    let mut settings = test_settings();
    settings.tools.max_task_depth = 1;
    let app = spawn(Mode::ALL, settings).await;
    app.create_runner(
        json!({"name": "c", "model": "mock", "model_settings": {"mock": {"text": "deep"}}}),
    )
    .await;
    app.create_runner(caller("b", "run_c_task", json!({})))
        .await;
    app.create_runner(caller("a", "run_b_task", json!({})))
        .await;
    let top = app.run_to_end("a", json!({"arguments": {}})).await;
    assert_eq!(top["status"], "succeeded", "{top}");
    let output = top["output"].as_str().unwrap();
    assert!(output.contains("tools.max_task_depth"), "{output}");
    // b ran (depth 1); c never started.
    let b = &children_of(&app, top["id"].as_str().unwrap()).await[0];
    assert!(
        children_of(&app, b["id"].as_str().unwrap())
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn cycles_are_refused_when_saved_and_when_run() {
    let app = spawn_app().await;
    app.create_runner(json!({"name": "a", "model": "mock"}))
        .await;
    app.create_runner(caller("b", "run_a_task", json!({})))
        .await;
    // a → b → a.
    let res = app
        .put(
            "/v1/runners/a",
            &json!({"model": "mock", "toolkits": ["run_b_task"]}),
        )
        .await;
    assert_eq!(
        violation_pointers(res, "invalid_runner").await,
        ["/toolkits/0"]
    );
    let res = app
        .put(
            "/v1/runners/a",
            &json!({"model": "mock", "toolkits": ["run_a_task"]}),
        )
        .await;
    assert_eq!(
        violation_pointers(res, "invalid_runner").await,
        ["/toolkits/0"]
    );
    let res = app
        .post(
            "/v1/runners",
            &json!({"name": "d", "model": "mock", "toolkits": ["run_nope_task", "nope"]}),
        )
        .await;
    assert_eq!(
        violation_pointers(res, "invalid_runner").await,
        ["/toolkits/0", "/toolkits/1"]
    );
    // A runner whose tool name models would refuse (over 64 characters) cannot be a tool.
    let long = "l".repeat(56);
    app.create_runner(json!({"name": long, "model": "mock"}))
        .await;
    let res = app
        .post(
            "/v1/runners",
            &json!({"name": "e", "model": "mock", "toolkits": [format!("run_{long}_task")]}),
        )
        .await;
    assert_eq!(
        violation_pointers(res, "invalid_runner").await,
        ["/toolkits/0"]
    );
    let short = "s".repeat(55);
    app.create_runner(json!({"name": short, "model": "mock"}))
        .await;
    app.create_runner(caller("f", &format!("run_{short}_task"), json!({})))
        .await;

    app.stop().await;

    // A cycle made while a task waits to run: x (calling y) is submitted; before a worker
    // takes it, x is replaced by a new x without tools and y made to call x. When the old
    // task calls y, y's call of x would run an x inside x: refused at run time.
    let mut app = spawn_api().await;
    app.create_runner(json!({"name": "y", "model": "mock"}))
        .await;
    app.create_runner(caller("x", "run_y_task", json!({})))
        .await;
    let task = app.submit("x", json!({"arguments": {}})).await;
    let id = task["id"].as_str().unwrap();
    assert_eq!(
        app.delete("/v1/runners/x").await.status(),
        StatusCode::NO_CONTENT
    );
    app.create_runner(json!({"name": "x", "model": "mock"}))
        .await;
    let res = app
        .put("/v1/runners/y", &caller("y", "run_x_task", json!({})))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    app.spawn_worker_process();
    let done = app.wait_for_status(id, "succeeded").await;
    let output = done["output"].as_str().unwrap();
    assert!(output.contains("a cycle"), "{output}");
    app.stop().await;
}

/// A mock runner that asks a person whether to ship, then says what it was told.
fn asking_child() -> Value {
    json!({"name": "clerk", "model": "mock", "toolkits": ["ask_human"],
    "model_settings": {"mock": {"turns": [
        {"tool_calls": [{"name": "ask_human",
            "arguments": {"question": "Ship it?", "answer_schema": {"type": "boolean"}}}]},
        {"text": "told {{tool_result}}"}
    ]}}})
}

#[tokio::test]
async fn a_childs_question_is_seen_and_answered_from_its_parent_and_thread() {
    let app = spawn_app().await;
    app.create_runner(asking_child()).await;
    app.create_runner(caller("boss", "run_clerk_task", json!({})))
        .await;
    let thread = app.post("/v1/threads", &json!({})).await;
    let thread: Value = thread.json().await.unwrap();
    let thread_id = thread["id"].as_str().unwrap();
    // A wait on the parent returns when a person is needed below it: not final, so 202.
    let res = app
        .post(
            "/v1/runners/boss/tasks?wait=20",
            &json!({"arguments": {}, "thread": thread_id}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let parent: Value = res.json().await.unwrap();
    assert_eq!(parent["status"], "waiting", "{parent}");
    let id = parent["id"].as_str().unwrap();
    let kids = children_of(&app, id).await;
    let child = kids[0]["id"].as_str().unwrap();
    // The parent names the child and its question.
    let asked = &parent["input_request"];
    assert_eq!(asked["question"], "Ship it?");
    assert_eq!(asked["task_id"], child);
    assert_eq!(asked["request_id"], kids[0]["input_request"]["request_id"]);
    // The parent's stream and the thread's carry the question, and the thread says a
    // person is needed.
    let relayed = |events: &[Value]| {
        events
            .iter()
            .filter(|e| e["type"] == "task.input_required")
            .map(|e| e["data"]["task_id"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(relayed(&app.events(id).await), [json!(child)]);
    let log = app
        .get_json(&format!("/v1/threads/{thread_id}/events"))
        .await;
    assert_eq!(relayed(log["data"].as_array().unwrap()), [json!(child)]);
    let thread = app.get_json(&format!("/v1/threads/{thread_id}")).await;
    assert_eq!(thread["status"], "input_required", "{thread}");

    // The parent takes the answer to its child's question.
    let (input, body) = (
        format!("/v1/tasks/{id}/input"),
        json!({"request_id": asked["request_id"], "answer": true}),
    );
    let answer_parent = || app.post(&input, &body);
    let res = answer_parent().await;
    assert_eq!(res.status(), StatusCode::OK);
    let after: Value = res.json().await.unwrap();
    assert_eq!(after["id"], id);
    assert!(after["input_request"].is_null(), "{after}");
    let done = app
        .wait_for(id, Duration::from_secs(20), |t| t["status"] == "succeeded")
        .await;
    assert_eq!(done["output"], "got: told true", "{done}");
    let kinds: Vec<Value> = app
        .events(id)
        .await
        .iter()
        .map(|e| e["type"].clone())
        .collect();
    let answered = kinds
        .iter()
        .position(|k| k == "task.input_required")
        .unwrap();
    assert_eq!(kinds[answered + 1], "task.waiting", "{kinds:?}");
    let thread = app.get_json(&format!("/v1/threads/{thread_id}")).await;
    assert_eq!(thread["status"], "idle", "{thread}");
    // The same answer again, through the parent, is harmless.
    assert_eq!(answer_parent().await.status(), StatusCode::OK);
}

#[tokio::test]
async fn every_question_below_reaches_the_top_once_and_the_thread_says_so() {
    let app = spawn_app().await;
    app.create_runner(asking_child()).await;
    // Two children in one reply, each asking: the parent is told of each question once,
    // whether it still ran or already waited when the child asked.
    app.create_runner(
        json!({"name": "pair", "model": "mock", "toolkits": ["run_clerk_task"],
        "model_settings": {"mock": {"turns": [
            {"tool_calls": [{"name": "run_clerk_task", "arguments": {}},
                            {"name": "run_clerk_task", "arguments": {}}]},
            {"text": "done"}]}}}),
    )
    .await;
    // Three levels: top calls pair, whose children ask.
    app.create_runner(caller("top", "run_pair_task", json!({})))
        .await;
    let thread = app.post("/v1/threads", &json!({})).await;
    let thread: Value = thread.json().await.unwrap();
    let thread_id = thread["id"].as_str().unwrap();
    let top = app
        .submit("top", json!({"arguments": {}, "thread": thread_id}))
        .await;
    let top_id = top["id"].as_str().unwrap();
    let asked = |events: &[Value]| {
        let mut ids: Vec<String> = events
            .iter()
            .filter(|e| e["type"] == "task.input_required")
            .map(|e| e["data"]["request_id"].as_str().unwrap().to_owned())
            .collect();
        ids.sort();
        ids
    };
    // Both questions reach the top task.
    let mut seen = Vec::new();
    for _ in 0..100 {
        seen = asked(&app.events(top_id).await);
        if seen.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let pair = &children_of(&app, top_id).await[0];
    let pair_id = pair["id"].as_str().unwrap();
    let clerks = children_of(&app, pair_id).await;
    let mut requests: Vec<String> = clerks
        .iter()
        .map(|c| {
            c["input_request"]["request_id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    requests.sort();
    assert_eq!(seen, requests, "the top task's log");
    let pair_now = app.wait_for_status(pair_id, "waiting").await;
    assert!(
        pair_now["input_request"]["task_id"].is_string(),
        "{pair_now}"
    );
    assert_eq!(
        asked(&app.events(pair_id).await),
        requests,
        "the middle task's log"
    );
    let thread = app.get_json(&format!("/v1/threads/{thread_id}")).await;
    assert_eq!(thread["status"], "input_required", "{thread}");

    // Answered through the top, one after the other; the thread is busy again, then idle.
    for request in &requests {
        let res = app
            .post(
                &format!("/v1/tasks/{top_id}/input"),
                &json!({"request_id": request, "answer": true}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    let done = app
        .wait_for(top_id, Duration::from_secs(20), |t| {
            t["status"] == "succeeded"
        })
        .await;
    assert_eq!(done["output"], "got: done", "{done}");
    let thread = app.get_json(&format!("/v1/threads/{thread_id}")).await;
    assert_eq!(thread["status"], "idle", "{thread}");
}
