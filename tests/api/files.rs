//! Stored files: `/v1/files` to seed, read, list and delete them, the size limits, and the
//! `storage` toolkit a task's model writes and reads them with.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{spawn, spawn_app, test_settings};
use errand::service::Mode;

#[tokio::test]
async fn files_are_written_read_listed_and_deleted() {
    let app = spawn_app().await;
    let res = app
        .put(
            "/v1/files/reports/2026-12-04.md",
            &json!({"content": "# Report\n\nAll good."}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(res.headers()["location"], "/v1/files/reports/2026-12-04.md");
    let file: Value = res.json().await.unwrap();
    assert_eq!(file["content_type"], "text/markdown");
    assert_eq!(file["size_bytes"], 19);
    assert_eq!(file["task_id"], Value::Null);

    // Replacing answers 200; a JSON file takes a JSON value and keeps it as text.
    let res = app
        .put("/v1/files/reports/2026-12-04.md", &json!({"content": "v2"}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .put(
            "/v1/files/data/totals.json",
            &json!({"content": {"sum": 3}}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    app.put("/v1/files/notes.txt", &json!({"content": "n"}))
        .await;

    let file = app.get_json("/v1/files/data/totals.json").await;
    assert_eq!(
        serde_json::from_str::<Value>(file["content"].as_str().unwrap()).unwrap(),
        json!({"sum": 3})
    );
    let raw = app.get("/v1/files/reports/2026-12-04.md?format=raw").await;
    assert_eq!(raw.status(), StatusCode::OK);
    assert_eq!(
        raw.headers()["content-type"],
        "text/markdown; charset=utf-8"
    );
    assert_eq!(raw.text().await.unwrap(), "v2");
    let all = app.get_json("/v1/files?limit=2").await;
    let paths: Vec<&str> = all["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["data/totals.json", "notes.txt"]);
    assert!(
        all["data"][0].get("content").is_none(),
        "lists carry no content"
    );
    let cursor = all["next_cursor"].as_str().unwrap();
    let rest = app
        .get_json(&format!("/v1/files?limit=2&cursor={cursor}"))
        .await;
    assert_eq!(rest["data"][0]["path"], "reports/2026-12-04.md");
    assert_eq!(rest["next_cursor"], Value::Null);
    let under = app.get_json("/v1/files?prefix=reports/").await;
    assert_eq!(under["data"].as_array().unwrap().len(), 1);
    // A task's HTML shows in a browser without running its scripts on the API's origin.
    let page = "<script>fetch('/v1/files')</script><p>hi</p>";
    let res = app
        .put("/v1/files/page.html", &json!({"content": page}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let raw = app.get("/v1/files/page.html?format=raw").await;
    assert_eq!(raw.headers()["content-type"], "text/html; charset=utf-8");
    assert_eq!(raw.headers()["x-content-type-options"], "nosniff");
    let policy = raw.headers()["content-security-policy"].to_str().unwrap();
    assert!(policy.starts_with("sandbox;"), "{policy}");
    assert!(policy.contains("default-src 'none'"), "{policy}");

    let res = app.delete("/v1/files/notes.txt").await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = app.get("/v1/files/notes.txt").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let problem: Value = res.json().await.unwrap();
    assert_eq!(problem["code"], "file_not_found");
    assert_eq!(
        app.delete("/v1/files/notes.txt").await.status(),
        StatusCode::NOT_FOUND
    );
    app.stop().await;
}

#[tokio::test]
async fn bad_paths_and_content_are_refused_with_their_reason() {
    let app = spawn_app().await;
    // Slashes in a file's path are its own: an empty segment is refused, never merged.
    for path in [
        "/v1/files/.env",
        "/v1/files/a%20b",
        "/v1/files/a//b.md",
        "/v1/files/a/",
        "//v1//files/a//b.md",
    ] {
        let res = app.put(path, &json!({"content": "x"})).await;
        let status = res.status();
        let problem: Value = res.json().await.unwrap();
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path}: {problem}"
        );
        assert_eq!(problem["code"], "invalid_path", "{path}: {problem}");
    }
    // Dot segments as sent (HTTP clients would resolve them before sending).
    for path in [
        "/v1/files/a/../b",
        "/v1/files/a/%2E%2E/b",
        "/v1/files/a/./b",
    ] {
        let body = r#"{"content": "x"}"#;
        let head = format!(
            "PUT {path} HTTP/1.0\r\nHost: localhost\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let answer = raw(&app, head.as_bytes()).await;
        assert!(
            answer.starts_with("HTTP/1.0 422") || answer.starts_with("HTTP/1.1 422"),
            "{path}: {answer}"
        );
    }
    let res = app
        .put("/v1/files/x.json", &json!({"content": "{not json"}))
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = res.json().await.unwrap();
    assert_eq!(problem["errors"][0]["pointer"], "/content", "{problem}");
    let res = app.put("/v1/files/x.md", &json!({"content": 5})).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = app.put("/v1/files/x.md", &json!({"text": "x"})).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = app.get("/v1/files?prefix=/abs").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.get_json("/v1/files").await["data"], json!([]));
    // Generated clients percent-encode a path parameter's slashes: `%2F` is a `/`.
    let res = app
        .put("/v1/files/a%2Fb.txt", &json!({"content": "x"}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(app.get_json("/v1/files/a/b.txt").await["content"], "x");
    app.stop().await;
}

/// Sends raw HTTP/1.0 `request` and returns the whole answer.
async fn raw(app: &crate::helpers::TestApp, request: &[u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut answer = Vec::new();
    let wait = std::time::Duration::from_secs(5);
    let _ = tokio::time::timeout(wait, stream.read_to_end(&mut answer)).await;
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn sizes_are_bounded_per_file_and_per_project() {
    let mut settings = test_settings();
    settings.storage.max_file_bytes = 100;
    settings.storage.project_max_bytes = 250;
    settings.storage.project_max_files = 3;
    let app = spawn(Mode::ALL, settings).await;
    let res = app
        .put("/v1/files/big.txt", &json!({"content": "x".repeat(101)}))
        .await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "file_too_large");
    for name in ["a", "b"] {
        let res = app
            .put(
                &format!("/v1/files/{name}.txt"),
                &json!({"content": "x".repeat(100)}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    // 300 bytes would be over the project's 250.
    let res = app
        .put("/v1/files/c.txt", &json!({"content": "x".repeat(100)}))
        .await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "storage_full");
    // Replacing a file counts its new size, not both.
    let res = app
        .put("/v1/files/a.txt", &json!({"content": "x".repeat(40)}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app.put("/v1/files/c.txt", &json!({"content": "c"})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    // A fourth file is over the count.
    let res = app.put("/v1/files/d.txt", &json!({"content": "d"})).await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    app.stop().await;
}

#[tokio::test]
async fn a_tasks_model_writes_and_reads_files_with_the_storage_toolkit() {
    let app = spawn_app().await;
    app.put("/v1/files/seed.txt", &json!({"content": "seeded"}))
        .await;
    app.create_runner(json!({
        "name": "archivist", "model": "mock", "toolkits": ["storage"],
        "model_settings": {"mock": {"turns": [
            {"tool_calls": [{"name": "read_file", "arguments": {"path": "seed.txt"}}]},
            {"tool_calls": [{"name": "write_file",
                "arguments": {"path": "out/result.md", "content": "saved by the model"}}]},
            {"tool_calls": [{"name": "list_files", "arguments": {"prefix": "out/"}}]},
            {"tool_calls": [{"name": "read_file", "arguments": {"path": "../escape"}}]},
            {"text": "done: {{tool_result}}"}]}}
    }))
    .await;
    let task = app.run_to_end("archivist", json!({"arguments": {}})).await;
    assert_eq!(task["status"], "succeeded", "{task}");
    let file = app.get_json("/v1/files/out/result.md").await;
    assert_eq!(file["content"], "saved by the model");
    assert_eq!(
        file["task_id"], task["id"],
        "the file names the task that wrote it"
    );
    // The bad path came back to the model as an error result, not a failed task.
    assert!(
        task["output"].as_str().unwrap().contains("'.'"),
        "{}",
        task["output"]
    );
    let steps = app
        .get_json(&format!("/v1/tasks/{}/steps", task["id"].as_str().unwrap()))
        .await;
    let text = steps.to_string();
    assert!(text.contains("seeded"), "read_file gave the seed: {text}");
    assert!(
        text.contains("out/result.md"),
        "list_files listed it: {text}"
    );

    // A read-only task is offered only the tools that read.
    app.create_runner(json!({
        "name": "reader", "model": "mock", "toolkits": ["storage"],
        "model_settings": {"mock": {"turns": [
            {"tool_calls": [{"name": "write_file", "arguments": {"path": "x.txt", "content": "no"}}]},
            {"text": "{{tool_result}}"}]}}
    }))
    .await;
    let task = app
        .run_to_end("reader", json!({"arguments": {}, "read_only": true}))
        .await;
    assert_eq!(
        app.get("/v1/files/x.txt").await.status(),
        StatusCode::NOT_FOUND,
        "{task}"
    );

    // The tools are listed and invocable like any built-in.
    let tools = app.get_json("/v1/tools").await.to_string();
    for name in ["read_file", "write_file", "list_files", "delete_file"] {
        assert!(tools.contains(name), "{name} listed: {tools}");
    }
    let res = app
        .post(
            "/v1/tools/read_file/invoke",
            &json!({"arguments": {"path": "out/result.md"}}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let out: Value = res.json().await.unwrap();
    assert_eq!(out["output"]["content"], "saved by the model", "{out}");
    // No HTTP tool may take their names.
    let res = app
        .post(
            "/v1/tools",
            &json!({"name": "write_file", "url": "https://example.com/w"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.stop().await;
}
