//! Options do what the README says: a task's `model_settings` merge into the runner's key
//! by key, and an option out of range or in an impossible combination is the request's
//! problem (`invalid_body`, `invalid_request`), never `invalid_arguments`, which is the
//! runner's input schema's alone.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{spawn_app, violation_pointers};

#[tokio::test]
async fn a_task_s_mock_settings_merge_into_the_runner_s_key_by_key() {
    let app = spawn_app().await;
    app.create_runner(json!({"name": "said", "model": "mock",
        "model_settings": {"temperature": 0.5, "mock": {"text": "from the runner"}}}))
        .await;
    let task = app
        .run_to_end(
            "said",
            json!({"arguments": {}, "model_settings": {"mock": {"delay_ms": 5}}}),
        )
        .await;
    assert_eq!(task["status"], "succeeded", "{task}");
    assert_eq!(
        task["output"], "from the runner",
        "the runner's text was dropped"
    );
    assert_eq!(
        task["model_settings"],
        json!({"temperature": 0.5, "mock": {"text": "from the runner", "delay_ms": 5}})
    );
}

#[tokio::test]
async fn options_out_of_range_or_in_conflict_are_not_argument_errors() {
    let app = spawn_app().await;
    app.create_runner(json!({"name": "plain", "model": "mock",
        "input_schema": {"type": "object", "properties": {"n": {"type": "integer"}}}}))
        .await;
    let res = app
        .post(
            "/v1/runners/plain/tasks",
            &json!({"arguments": {"n": 1}, "input_timeout_seconds": 0}),
        )
        .await;
    assert_eq!(
        violation_pointers(res, "invalid_body").await,
        ["/input_timeout_seconds"]
    );
    let res = app
        .post(
            "/v1/runners/plain/tasks?stream=true",
            &json!({"arguments": {}, "models": ["mock", "mock/other"], "read_only": true}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let problem: Value = res.json().await.unwrap();
    assert_eq!(problem["code"], "invalid_request", "{problem}");
    assert_eq!(problem["errors"][0]["pointer"], "/models");
    // The arguments alone still answer `invalid_arguments`.
    let res = app
        .post("/v1/runners/plain/tasks", &json!({"arguments": {"n": "x"}}))
        .await;
    assert_eq!(
        violation_pointers(res, "invalid_arguments").await,
        ["/arguments/n"]
    );
}

#[tokio::test]
async fn every_setting_is_read_from_errand_section_key_and_strangers_are_named() {
    let mut app = crate::helpers::spawn_api().await;
    let base = app
        .spawn_api_process(&[
            ("ERRAND_QUOTAS_REQUESTS_PER_SECOND", "1"),
            ("ERRAND_QUOTAS_REQUEST_BURST", "1"),
            ("ERRAND_QUOTAS_KEY_MAX_STREMS", "5"),
            ("ERRAND_MAX_WAIT_SECONDS", "30"),
        ])
        .await;
    let first = app
        .client
        .get(format!("{base}/v1/runners"))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let second = app
        .client
        .get(format!("{base}/v1/runners"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        second.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "ERRAND_QUOTAS_REQUESTS_PER_SECOND was not read"
    );
    let log = app.worker_log(0);
    assert!(
        log.contains("ERRAND_QUOTAS_KEY_MAX_STREMS is not a setting")
            && log.contains("did you mean ERRAND_QUOTAS_KEY_MAX_STREAMS"),
        "{log}"
    );
    assert!(
        log.contains("ERRAND_MAX_WAIT_SECONDS is an old name")
            && log.contains("ERRAND_SERVER_MAX_WAIT_SECONDS"),
        "{log}"
    );
}
