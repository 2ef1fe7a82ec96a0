//! `errand run` through the real binary: one task executed from the command line.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::helpers::spawn_api;

fn errand_run(database_url: &str, args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_errand"))
        .arg("run")
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("NO_COLOR", "1")
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn errand run");
    let mut input = child.stdin.take().expect("stdin");
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).expect("write stdin");
    }
    drop(input);
    let out = child.wait_with_output().expect("errand run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn errand_run_executes_a_task_with_tools_and_prints_its_output() {
    let app = spawn_api().await;
    let script = json!({"turns": [
        {"tool_calls": [{"name": "calculator", "arguments": {"expression": "2 * (3 + 4)"}}]},
        {"json": {"answer": 14}}
    ]});
    app.create_runner(json!({
        "name": "sums", "model": "mock", "toolkits": ["calculator"],
        "output_schema": {"type": "object", "properties": {"answer": {"type": "integer"}}, "required": ["answer"]},
        "model_settings": {"mock": script}
    }))
    .await;

    let (code, stdout, stderr) = errand_run(
        &app.database_url,
        &["--runner", "sums", "--input", "-"],
        Some(r#"{"prompt": "2 * (3 + 4)?"}"#),
    );
    assert_eq!(code, 0, "stderr: {stderr}");
    let output: Value = serde_json::from_str(&stdout).expect("stdout is the JSON output");
    assert_eq!(output, json!({"answer": 14}));

    // The same task is visible through the API, tool call and all.
    let page = app.get_json("/v1/tasks?runner=sums").await;
    let task = &page["data"][0];
    assert_eq!(task["status"], "succeeded");
    let events = app.events(task["id"].as_str().expect("id")).await;
    let completed = events
        .iter()
        .find(|e| e["type"] == "tool_call.completed")
        .expect("a tool call");
    assert_eq!(completed["data"]["output"]["result"], 14.0);
}

#[tokio::test]
async fn errand_run_reports_rejections_and_failures_with_exit_codes() {
    let app = spawn_api().await;
    app.create_runner(json!({
        "name": "strict", "model": "mock",
        "input_schema": {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]},
        "model_settings": {"mock": {"error": {"code": "boom", "message": "it broke"}}}
    }))
    .await;

    let (code, _, stderr) = errand_run(
        &app.database_url,
        &["--runner", "strict", "--input", r#"{"n": "x"}"#],
        None,
    );
    assert_eq!(code, 2, "{stderr}");
    let problem: Value = serde_json::from_str(&stderr).expect("problem JSON");
    assert_eq!(problem["errors"][0]["pointer"], "/arguments/n");

    let (code, stdout, stderr) = errand_run(
        &app.database_url,
        &["--runner", "strict", "--input", r#"{"n": 1}"#],
        None,
    );
    assert_eq!(code, 1, "{stdout}");
    let report: Value = serde_json::from_str(&stderr).expect("report JSON");
    assert_eq!(report["status"], "failed");
    assert_eq!(report["error"]["code"], "model_error");

    // A NUL in the input is a rejection, named by its pointer.
    let (code, _, stderr) = errand_run(
        &app.database_url,
        &[
            "--runner",
            "strict",
            "--input",
            r#"{"n": 1, "s": "a\u0000b"}"#,
        ],
        None,
    );
    assert_eq!(code, 2, "{stderr}");
    let problem: Value = serde_json::from_str(&stderr).expect("problem JSON");
    assert_eq!(problem["errors"][0]["pointer"], "/s");

    // A database that cannot be reached is not a rejection.
    let nowhere = "postgres://errand@127.0.0.1:9/errand?connect_timeout=2";
    let (code, _, stderr) = errand_run(nowhere, &["--runner", "strict", "--input", "{}"], None);
    assert_eq!(code, 3, "{stderr}");
}
