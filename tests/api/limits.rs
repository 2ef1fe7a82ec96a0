//! What one request or task may cost: listed violations, mock delays, the mock switch, tool
//! calls per model reply, and bytes per page of events and steps.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{spawn, spawn_api, test_settings, violation_pointers};
use errand::service::Mode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_422_lists_at_most_100_violations_with_short_messages() {
    let app = spawn_api().await;
    app.create_runner(json!({"name": "ints", "input_schema": {
        "type": "object",
        "properties": {"items": {"type": "array", "items": {"type": "integer"}}}
    }}))
    .await;
    let long = "x".repeat(1500);
    let items: Vec<Value> = (0..500).map(|_| json!(long)).collect();
    let res = app
        .post(
            "/v1/runners/ints/tasks",
            &json!({"arguments": {"items": items}}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = res.json().await.expect("json");
    let errors = problem["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 100, "{}", problem["detail"]);
    assert_eq!(errors[99]["pointer"], "/arguments/items/99");
    for e in errors {
        let message = e["message"].as_str().expect("message");
        assert!(message.len() <= 300, "{} bytes", message.len());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mock_delays_are_capped_and_mock_can_be_turned_off() {
    let app = spawn_api().await;
    let res = app
        .post(
            "/v1/runners",
            &json!({"name": "sleepy", "model_settings": {"mock": {
                "delay_ms": 600_000,
                "turns": [{"text": "a"}, {"delay_ms": 3_600_000}]
            }}}),
        )
        .await;
    let pointers = violation_pointers(res, "invalid_runner").await;
    assert_eq!(
        pointers,
        [
            "/model_settings/mock/delay_ms",
            "/model_settings/mock/turns/1/delay_ms"
        ]
    );
    app.create_runner(json!({"name": "ok"})).await;
    let res = app
        .post(
            "/v1/runners/ok/tasks",
            &json!({"model_settings": {"mock": {"delay_ms": 60_001}}}),
        )
        .await;
    // A setting out of range is the body's problem; `invalid_arguments` is the schema's.
    let pointers = violation_pointers(res, "invalid_body").await;
    assert_eq!(pointers, ["/model_settings/mock/delay_ms"]);

    let mut settings = test_settings();
    settings.mock.enabled = false;
    let prod = spawn(
        Mode {
            api: true,
            worker: false,
        },
        settings,
    )
    .await;
    let res = prod
        .post("/v1/runners", &json!({"name": "m", "model": "mock"}))
        .await;
    let pointers = violation_pointers(res, "invalid_runner").await;
    assert_eq!(pointers, ["/model"]);
    let models = prod.get_json("/v1/models").await;
    assert!(
        models["data"]
            .as_array()
            .expect("data")
            .iter()
            .all(|p| p["name"] != "mock"),
        "{models}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tool_calls_past_the_limit_of_one_reply_are_not_run() {
    let mut settings = test_settings();
    settings.limits.max_tool_calls_per_reply = 3;
    settings.limits.max_concurrent_tool_calls = 2;
    let app = spawn(Mode::ALL, settings).await;
    let calls: Vec<Value> = (0..5)
        .map(|i| json!({"name": "calculator", "arguments": {"expression": format!("{i}+1")}}))
        .collect();
    app.create_runner(json!({"name": "eager", "toolkits": ["calculator"],
        "model_settings": {"mock": {"turns": [{"tool_calls": calls}, {"text": "done"}]}}}))
        .await;
    let task = app.submit("eager", json!({})).await;
    let id = task["id"].as_str().expect("id");
    let done = app
        .wait_for(id, Duration::from_secs(20), |t| {
            t["status"] != "queued" && t["status"] != "running"
        })
        .await;
    assert_eq!(done["status"], "succeeded", "{done}");
    let steps = app.get_json(&format!("/v1/tasks/{id}/steps")).await;
    let results: Vec<&Value> = steps["data"]
        .as_array()
        .expect("steps")
        .iter()
        .filter(|s| s["kind"] == "tool_result")
        .collect();
    assert_eq!(results.len(), 5);
    for (i, step) in results.iter().enumerate() {
        let response = &step["response"];
        if i < 3 {
            assert_eq!(
                response["output"]["result"],
                json!(i as f64 + 1.0),
                "{response}"
            );
        } else {
            let error = response["error"].as_str().expect("an error");
            assert!(
                error.contains("not run") && error.contains("at most 3"),
                "{error}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn event_and_step_pages_stay_under_the_byte_limit() {
    let mut settings = test_settings();
    settings.limits.page_bytes = 50_000;
    let app = spawn(Mode::ALL, settings).await;
    let text = "word ".repeat(24_000);
    app.create_runner(json!({"name": "wordy", "model_settings": {"mock": {"text": text}}}))
        .await;
    let task = app.submit("wordy", json!({})).await;
    let id = task["id"].as_str().expect("id");
    app.wait_for_status(id, "succeeded").await;

    let mut after = 0;
    let mut seqs = Vec::new();
    loop {
        let page = app
            .get_json(&format!("/v1/tasks/{id}/events?after={after}&limit=1000"))
            .await;
        let data = page["data"].as_array().expect("data").clone();
        if data.is_empty() {
            break;
        }
        // All but the last event fit in the limit; the last may pass it.
        let sizes: Vec<usize> = data.iter().map(|e| e["data"].to_string().len()).collect();
        let before_last: usize = sizes[..sizes.len() - 1].iter().sum();
        assert!(
            before_last < 50_000,
            "{before_last} bytes before the last event"
        );
        seqs.extend(data.iter().map(|e| e["seq"].as_i64().expect("seq")));
        after = page["next_after"].as_i64().expect("next_after");
    }
    let expected: Vec<i64> = (1..=seqs.len() as i64).collect();
    assert_eq!(seqs, expected, "every event, in order, across pages");
    assert!(seqs.len() > 5);

    let steps = app
        .get_json(&format!("/v1/tasks/{id}/steps?limit=1000"))
        .await;
    assert_eq!(
        steps["data"].as_array().expect("steps").len(),
        1,
        "one oversized step still comes"
    );
}
