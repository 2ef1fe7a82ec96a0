use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{column, echo_runner, spawn_api, violation_pointers};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runner_crud_and_versions() {
    let app = spawn_api().await;
    let res = app.post("/v1/runners", &echo_runner("echo")).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(res.headers()["location"], "/v1/runners/echo");
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["version"], 1);
    assert_eq!(created["title"], "Echo");

    // The same name again is a conflict.
    let res = app.post("/v1/runners", &echo_runner("echo")).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let problem: Value = res.json().await.unwrap();
    assert_eq!(problem["code"], "runner_exists");

    let got: Value = app.get_json("/v1/runners/echo").await;
    assert_eq!(got["id"], created["id"]);

    // A task submitted now records version 1.
    let v1_task = app
        .submit("echo", json!({"arguments": {"text": "a"}}))
        .await;
    assert_eq!(v1_task["runner_version"], 1);

    // A change adds a version; the same body again changes nothing.
    let mut changed = echo_runner("echo");
    changed["rules"] = json!(["Repeat the input, loudly."]);
    let res = app.put("/v1/runners/echo", &changed).await;
    assert_eq!(res.status(), StatusCode::OK);
    let v2: Value = res.json().await.unwrap();
    assert_eq!(v2["version"], 2);
    assert_eq!(v2["rules"], json!(["Repeat the input, loudly."]));
    let again: Value = app
        .put("/v1/runners/echo", &changed)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["version"], 2);

    let v2_task = app
        .submit("echo", json!({"arguments": {"text": "b"}}))
        .await;
    assert_eq!(v2_task["runner_version"], 2);
    let old = app.task(v1_task["id"].as_str().unwrap()).await;
    assert_eq!(
        old["runner_version"], 1,
        "a task keeps the version it was submitted with"
    );

    // PUT on a new name creates it.
    let res = app.put("/v1/runners/fresh", &echo_runner("fresh")).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    // A body name that differs from the path is rejected.
    let res = app.put("/v1/runners/fresh", &echo_runner("other")).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Delete, then the name is free again.
    assert_eq!(
        app.delete("/v1/runners/echo").await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get("/v1/runners/echo").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.delete("/v1/runners/echo").await.status(),
        StatusCode::NOT_FOUND
    );
    let again = app.create_runner(echo_runner("echo")).await;
    assert_eq!(again["version"], 1);
    assert_ne!(again["id"], created["id"]);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runner_list_is_cursor_paginated() {
    let app = spawn_api().await;
    for name in ["c-runner", "a-runner", "b-runner"] {
        app.create_runner(json!({"name": name})).await;
    }
    let page: Value = app.get_json("/v1/runners?limit=2").await;
    let names = column(&page, "name");
    assert_eq!(names, ["a-runner", "b-runner"]);
    let cursor = page["next_cursor"].as_str().expect("a next page");
    let page: Value = app
        .get_json(&format!("/v1/runners?limit=2&cursor={cursor}"))
        .await;
    let names = column(&page, "name");
    assert_eq!(names, ["c-runner"]);
    assert!(page["next_cursor"].is_null());

    for bad in [
        "/v1/runners?limit=0",
        "/v1/runners?limit=abc",
        "/v1/runners?cursor=ZZ",
    ] {
        let res = app.get(bad).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{bad}");
        let problem: Value = res.json().await.unwrap();
        assert_eq!(problem["code"], "invalid_request");
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_runner_definitions_list_every_problem() {
    let app = spawn_api().await;
    let res = app
        .post(
            "/v1/runners",
            &json!({
                "name": "Bad Name",
                "input_schema": {"type": "objekt", "properties": {"a": {"minLength": -1}}},
                "output_schema": {"required": "text"},
                "model": "nowhere/model-x",
                "timeout_seconds": 0
            }),
        )
        .await;
    let pointers = violation_pointers(res, "invalid_runner").await;
    for expected in [
        "/name",
        "/input_schema/type",
        "/input_schema/properties/a/minLength",
        "/output_schema/required",
        "/model",
        "/timeout_seconds",
    ] {
        assert!(
            pointers.iter().any(|p| p == expected),
            "missing {expected} in {pointers:?}"
        );
    }

    // A mock script with a wrong shape is caught at registration too.
    let res = app
        .post(
            "/v1/runners",
            &json!({"name": "m", "model_settings": {"mock": {"delay_ms": "soon"}}}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = res.json().await.unwrap();
    assert_eq!(problem["errors"][0]["pointer"], "/model_settings/mock");

    // Missing name on POST.
    let res = app.post("/v1/runners", &json!({"title": "x"})).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = res.json().await.unwrap();
    assert_eq!(problem["errors"][0]["pointer"], "/name");
    app.stop().await;
}
