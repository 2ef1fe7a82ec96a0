use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{column, echo_runner, spawn_api, spawn_app, violation_pointers};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_runs_to_succeeded_with_validated_output() {
    let app = spawn_app().await;
    app.create_runner(echo_runner("echo")).await;
    let res = app
        .post(
            "/v1/runners/echo/tasks",
            &json!({"arguments": {"text": "hello", "n": 2}}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let task: Value = res.json().await.unwrap();
    assert_eq!(
        location,
        format!("/v1/tasks/{}", task["id"].as_str().unwrap())
    );
    assert_eq!(task["status"], "queued");

    let done = app
        .wait_for_status(task["id"].as_str().unwrap(), "succeeded")
        .await;
    // With no script, mock echoes the arguments, which satisfy the output schema.
    assert_eq!(done["output"], json!({"text": "hello", "n": 2}));
    assert_eq!(done["attempts"], 1);
    assert!(done["error"].is_null());
    assert!(done["started_at"].is_string() && done["finished_at"].is_string());
    assert!(done["usage"]["output_tokens"].as_i64().unwrap() > 0);

    let events = app.events(task["id"].as_str().unwrap()).await;
    let kinds: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(kinds.first(), Some(&"task.queued"));
    assert_eq!(kinds.last(), Some(&"task.succeeded"));
    assert!(kinds.contains(&"task.started") && kinds.contains(&"task.output"));
    let seqs: Vec<i64> = events.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert_eq!(
        seqs,
        (1..=seqs.len() as i64).collect::<Vec<_>>(),
        "gapless seq"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scripted_mock_replies_text_json_and_errors() {
    let app = spawn_app().await;
    app.create_runner(json!({"name": "free", "model": "mock"}))
        .await;
    app.create_runner(echo_runner("typed")).await;

    // Text without an output schema is the output; the task's settings override the runner's.
    let t = app
        .submit("free", json!({"arguments": {}, "model_settings": {"mock": {"text": "plain words", "delay_ms": 200}}}))
        .await;
    let done = app
        .wait_for_status(t["id"].as_str().unwrap(), "succeeded")
        .await;
    assert_eq!(done["output"], "plain words");
    let events = app.events(t["id"].as_str().unwrap()).await;
    let deltas: Vec<&str> = events
        .iter()
        .filter(|e| e["type"] == "message.delta")
        .map(|e| e["data"]["text"].as_str().unwrap())
        .collect();
    assert!(
        deltas.len() > 1,
        "a delayed reply arrives in pieces: {deltas:?}"
    );
    assert_eq!(deltas.concat(), "plain words");

    // A scripted error fails the task with its message.
    let t = app
        .submit("free", json!({"model_settings": {"mock": {"error": {"code": "overloaded", "message": "try later"}}}}))
        .await;
    let failed = app
        .wait_for_status(t["id"].as_str().unwrap(), "failed")
        .await;
    assert_eq!(failed["error"]["code"], "model_error");
    assert_eq!(failed["error"]["message"], "try later");
    assert_eq!(failed["error"]["details"]["provider_code"], "overloaded");

    // A retryable error on attempt 1 is retried; attempt 2's script succeeds.
    let t = app
        .submit(
            "typed",
            json!({"arguments": {"text": "x"}, "model_settings": {"mock": {"attempts": [
                {"error": {"code": "rate_limited", "message": "slow down", "retryable": true}},
                {"json": {"text": "second time"}}
            ]}}}),
        )
        .await;
    let done = app
        .wait_for_status(t["id"].as_str().unwrap(), "succeeded")
        .await;
    assert_eq!(done["attempts"], 2);
    assert_eq!(done["output"], json!({"text": "second time"}));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_output_fails_with_output_invalid_and_keeps_the_raw_text() {
    let app = spawn_app().await;
    app.create_runner(echo_runner("typed")).await;

    let t = app
        .submit(
            "typed",
            json!({"arguments": {"text": "x"}, "model_settings": {"mock": {"json": {"text": 42}}}}),
        )
        .await;
    let failed = app
        .wait_for_status(t["id"].as_str().unwrap(), "failed")
        .await;
    assert_eq!(failed["error"]["code"], "output_invalid");
    assert_eq!(failed["error"]["details"]["raw_output"], r#"{"text":42}"#);
    assert_eq!(failed["error"]["details"]["errors"][0]["pointer"], "/text");

    let t = app
        .submit("typed", json!({"arguments": {"text": "x"}, "model_settings": {"mock": {"text": "Sure! Here it is"}}}))
        .await;
    let failed = app
        .wait_for_status(t["id"].as_str().unwrap(), "failed")
        .await;
    assert_eq!(failed["error"]["code"], "output_invalid");
    assert_eq!(failed["error"]["details"]["raw_output"], "Sure! Here it is");
    assert!(failed["output"].is_null());
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arguments_are_validated_with_every_pointer() {
    let app = spawn_api().await;
    app.create_runner(echo_runner("echo")).await;
    let res = app
        .post(
            "/v1/runners/echo/tasks",
            &json!({"arguments": {"n": -3, "extra": {"deep": 1}}}),
        )
        .await;
    let pointers = violation_pointers(res, "invalid_arguments").await;
    assert!(
        pointers.iter().any(|p| p == "/arguments"),
        "missing required text: {pointers:?}"
    );
    assert!(pointers.iter().any(|p| p == "/arguments/n"), "{pointers:?}");
    // Nothing was stored.
    let page: Value = app.get_json("/v1/tasks").await;
    assert_eq!(page["data"].as_array().unwrap().len(), 0);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tasks_are_listed_with_filters_and_cursors() {
    let app = spawn_api().await;
    app.create_runner(echo_runner("one")).await;
    app.create_runner(echo_runner("two")).await;
    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(
            app.submit("one", json!({"arguments": {"text": format!("{i}")}}))
                .await["id"]
                .clone(),
        );
    }
    let other = app.submit("two", json!({"arguments": {"text": "t"}})).await;
    let cancelled = app
        .post(
            &format!("/v1/tasks/{}/cancel", ids[0].as_str().unwrap()),
            &json!({}),
        )
        .await;
    assert_eq!(cancelled.status(), StatusCode::OK);

    let page: Value = app.get_json("/v1/tasks?runner=one&limit=2").await;
    let got = column(&page, "id");
    assert_eq!(got, vec![ids[2].clone(), ids[1].clone()], "newest first");
    let cursor = page["next_cursor"].as_str().unwrap();
    let page: Value = app
        .get_json(&format!("/v1/tasks?runner=one&limit=2&cursor={cursor}"))
        .await;
    assert_eq!(page["data"][0]["id"], ids[0]);
    assert!(page["next_cursor"].is_null());

    let page: Value = app.get_json("/v1/tasks?status=cancelled").await;
    assert_eq!(page["data"].as_array().unwrap().len(), 1);
    assert_eq!(page["data"][0]["id"], ids[0]);

    let after = other["created_at"].as_str().unwrap().replace('+', "%2B");
    let page: Value = app
        .get_json(&format!("/v1/tasks?created_after={after}"))
        .await;
    assert_eq!(page["data"].as_array().unwrap().len(), 1);
    assert_eq!(page["data"][0]["id"], other["id"]);
    let page: Value = app
        .get_json(&format!("/v1/tasks?created_before={after}&status=queued"))
        .await;
    assert_eq!(page["data"].as_array().unwrap().len(), 2);

    let res = app.get("/v1/tasks?status=sleeping").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runner_id_tells_a_deleted_runner_s_tasks_from_a_new_one_of_the_same_name() {
    let app = spawn_api().await;
    let old = app.create_runner(json!({"name": "reborn"})).await;
    app.submit("reborn", json!({})).await;
    assert_eq!(
        app.delete("/v1/runners/reborn").await.status(),
        StatusCode::NO_CONTENT
    );
    let new = app.create_runner(json!({"name": "reborn"})).await;
    app.submit("reborn", json!({})).await;
    app.submit("reborn", json!({})).await;

    let by_name = app.get_json("/v1/tasks?runner=reborn").await;
    assert_eq!(
        column(&by_name, "id").len(),
        3,
        "the name covers both runners"
    );
    for (runner, n) in [(&old, 1), (&new, 2)] {
        let id = runner["id"].as_str().unwrap();
        let page = app.get_json(&format!("/v1/tasks?runner_id={id}")).await;
        assert_eq!(column(&page, "runner_id"), vec![json!(id); n]);
    }
}
