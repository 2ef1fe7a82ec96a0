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

/// A runner whose model calls each of `tools` in one reply, then answers with the results.
fn caller(name: &str, tools: &[&str]) -> Value {
    let calls: Vec<Value> = tools
        .iter()
        .map(|t| json!({"name": t, "arguments": {}}))
        .collect();
    json!({"name": name, "model": "mock", "toolkits": tools,
        "model_settings": {"mock": {"turns": [{"tool_calls": calls},
            {"text": format!("{name} got {{{{tool_result}}}}")}]}}})
}

#[tokio::test]
async fn errand_run_runs_the_children_of_runners_calling_runners() {
    // No worker serves this database: `errand run` runs the whole family itself.
    let app = spawn_api().await;
    app.create_runner(json!({"name": "leaf", "model": "mock",
        "model_settings": {"mock": {"text": "leaf done"}}}))
        .await;
    app.create_runner(caller("mid", &["run_leaf_task"])).await;
    app.create_runner(caller("boss", &["run_mid_task", "run_leaf_task"]))
        .await;
    let (code, stdout, stderr) = errand_run(
        &app.database_url,
        &["--runner", "boss", "--input", "{}"],
        None,
    );
    assert_eq!(code, 0, "stderr: {stderr}");
    assert!(stdout.starts_with("boss got"), "{stdout}");
    let page = app.get_json("/v1/tasks?runner=leaf").await;
    let leaves = page["data"].as_array().unwrap();
    assert_eq!(leaves.len(), 2, "{page}");
    let depths: Vec<&Value> = leaves.iter().map(|t| &t["depth"]).collect();
    assert!(
        depths.contains(&&json!(1)) && depths.contains(&&json!(2)),
        "{depths:?}"
    );
    assert!(leaves.iter().all(|t| t["status"] == "succeeded"), "{page}");

    // A child that asks a person: the question is reported (with the parent), exit 1.
    app.create_runner(
        json!({"name": "asker", "model": "mock", "toolkits": ["ask_human"],
        "model_settings": {"mock": {"turns": [
            {"tool_calls": [{"name": "ask_human", "arguments": {"question": "Ship it?"}}]},
            {"text": "ok"}]}}}),
    )
    .await;
    app.create_runner(caller("lead", &["run_asker_task"])).await;
    let (code, _, stderr) = errand_run(
        &app.database_url,
        &["--runner", "lead", "--input", "{}"],
        None,
    );
    assert_eq!(code, 1, "{stderr}");
    let report: Value = serde_json::from_str(&stderr).expect("report JSON");
    assert_eq!(report["status"], "input_required", "{report}");
    assert_eq!(report["input_request"]["question"], "Ship it?");
    let lead = app.get_json("/v1/tasks?runner=lead").await;
    assert_eq!(report["parent_task_id"], lead["data"][0]["id"]);
    assert_eq!(lead["data"][0]["status"], "waiting");
}
