//! Child tasks count against the project's queue limit like any submission: a call that
//! would queue one past it is a tool error the parent's model reads, and nothing is queued.

use serde_json::json;

use errand::service::Mode;

use crate::helpers::{spawn, test_settings};

#[tokio::test]
async fn a_child_past_the_queue_limit_is_a_tool_error() {
    let mut settings = test_settings();
    // One task runs at a time, so the first child stays queued while its parent runs.
    settings.quotas.project_max_running_tasks = 1;
    settings.quotas.project_max_queued_tasks = 1;
    let app = spawn(Mode::ALL, settings).await;
    app.create_runner(json!({"name": "kid", "model": "mock",
        "model_settings": {"mock": {"text": "kid done"}}}))
        .await;
    let call = json!({"name": "run_kid_task", "arguments": {}});
    app.create_runner(
        json!({"name": "boss", "model": "mock", "toolkits": ["run_kid_task"],
        "model_settings": {"mock": {"turns": [
            {"tool_calls": [call.clone(), call]},
            {"text": "done"}]}}}),
    )
    .await;
    let boss = app.run_to_end("boss", json!({"arguments": {}})).await;
    assert_eq!(boss["status"], "succeeded", "{boss}");
    let id = boss["id"].as_str().unwrap();

    let results: Vec<_> = app
        .events(id)
        .await
        .into_iter()
        .filter(|e| e["type"] == "tool_call.completed")
        .map(|e| e["data"].clone())
        .collect();
    assert_eq!(results.len(), 2, "{results:?}");
    // The first call's child ran; the second found the queue full.
    let by_id = |id: &str| results.iter().find(|r| r["id"] == id).unwrap().clone();
    assert_eq!(by_id("call_0_0")["output"], "kid done", "{results:?}");
    let error = by_id("call_0_1")["error"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(error.contains("1 tasks queued, its limit"), "{results:?}");
    let kids = app
        .get_json(&format!("/v1/tasks?parent_task_id={id}"))
        .await;
    assert_eq!(kids["data"].as_array().unwrap().len(), 1, "{kids}");
}
