//! The command-line client (`errand tasks|runners|queues`) through the real binary against
//! a live server: what it prints, and its exit codes (0 succeeded, 1 failed, 2 usage or
//! refused, 3 cancelled or timed out, 4 waiting for an answer).

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};
use crate::keys::make_key;

/// What one run of the client gave: exit code, stdout, stderr.
struct Ran {
    code: i32,
    out: String,
    err: String,
}

/// Runs `errand ARGS` against `url` with only the environment given (and `stdin`).
async fn errand(url: &str, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Ran {
    let mut command = Command::new(env!("CARGO_BIN_EXE_errand"));
    command
        .args(args)
        .env_clear()
        .env("ERRAND_URL", url)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let stdin = stdin.map(str::to_owned);
    let out = tokio::task::spawn_blocking(move || {
        let mut child = command.spawn().expect("run errand");
        let mut input = child.stdin.take().expect("stdin");
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).expect("stdin");
        }
        drop(input);
        child.wait_with_output().expect("wait")
    })
    .await
    .expect("join");
    Ran {
        code: out.status.code().unwrap_or(-1),
        out: String::from_utf8_lossy(&out.stdout).into_owned(),
        err: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

async fn cli(app: &TestApp, args: &[&str]) -> Ran {
    errand(&app.address, args, &[], None).await
}

fn runner_file(definition: &Value) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("runner-{}.json", uuid::Uuid::now_v7()));
    std::fs::write(&path, definition.to_string()).expect("write runner file");
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runners_apply_list_get_and_tasks_run_to_their_exit_codes() {
    let app = spawn_app().await;
    let file = runner_file(&json!({"name": "greet", "model": "mock",
        "model_settings": {"mock": {"text": "Hello there"}}}));
    let path = file.to_str().expect("path");
    let ran = cli(&app, &["runners", "apply", "-f", path]).await;
    assert_eq!(
        (ran.code, ran.out.trim()),
        (0, "runner greet at version 1"),
        "{}",
        ran.err
    );
    // Applying a changed file makes a new version; stdin works too.
    let changed = json!({"name": "greet", "model": "mock", "rules": ["Be brief."],
        "model_settings": {"mock": {"text": "Hello there"}}});
    let ran = errand(
        &app.address,
        &["runners", "apply", "-f", "-"],
        &[],
        Some(&changed.to_string()),
    )
    .await;
    assert_eq!(ran.out.trim(), "runner greet at version 2", "{}", ran.err);
    let _ = std::fs::remove_file(&file);
    let ran = cli(&app, &["runners", "list"]).await;
    assert!(ran.out.starts_with("greet"), "{}", ran.out);
    let ran = cli(&app, &["runners", "get", "greet"]).await;
    let runner: Value = serde_json::from_str(&ran.out).expect("runner JSON");
    assert_eq!(runner["rules"], json!(["Be brief."]));

    // Submit and wait: the output, exit 0.
    let ran = cli(
        &app,
        &["tasks", "submit", "greet", "--args", "{}", "--wait"],
    )
    .await;
    assert_eq!(
        (ran.code, ran.out.as_str()),
        (0, "Hello there\n"),
        "{}",
        ran.err
    );
    // Submit prints the id; get and wait find it; --json prints the API's task.
    let ran = cli(&app, &["tasks", "submit", "greet", "--priority", "8"]).await;
    let id = ran.out.trim().to_owned();
    assert_eq!(app.task(&id).await["priority"], 8);
    let ran = cli(&app, &["tasks", "wait", &id]).await;
    assert_eq!((ran.code, ran.out.as_str()), (0, "Hello there\n"));
    let ran = cli(&app, &["tasks", "get", &id, "--json"]).await;
    let task: Value = serde_json::from_str(&ran.out).expect("task JSON");
    assert_eq!(
        (task["id"].as_str(), task["status"].as_str()),
        (Some(id.as_str()), Some("succeeded"))
    );
    let ran = cli(
        &app,
        &["tasks", "list", "--runner", "greet", "--limit", "5"],
    )
    .await;
    assert_eq!(ran.out.lines().count(), 2, "{}", ran.out);
    assert!(
        ran.out.lines().all(|l| l.contains("succeeded")),
        "{}",
        ran.out
    );

    // A task that fails: exit 1 with its error on stderr.
    app.create_runner(json!({"name": "broken", "model": "mock", "max_attempts": 1,
        "model_settings": {"mock": {"error": {"code": "bad_request", "message": "no way"}}}}))
        .await;
    let ran = cli(&app, &["tasks", "submit", "broken", "--wait"]).await;
    assert_eq!(ran.code, 1, "{}", ran.err);
    assert!(
        ran.err.contains("failed") && ran.err.contains("no way"),
        "{}",
        ran.err
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelled_and_timed_out_exit_3_and_usage_exits_2() {
    let app = spawn_app().await;
    app.create_runner(json!({"name": "slow", "model": "mock",
        "model_settings": {"mock": {"text": "late", "delay_ms": 20000}}}))
        .await;
    app.create_runner(
        json!({"name": "hurried", "model": "mock", "timeout_seconds": 1,
        "max_attempts": 1, "model_settings": {"mock": {"text": "late", "delay_ms": 20000}}}),
    )
    .await;
    let id = cli(&app, &["tasks", "submit", "slow"])
        .await
        .out
        .trim()
        .to_owned();
    // Waiting longer than --timeout gives up: 3.
    let ran = cli(&app, &["tasks", "wait", &id, "--timeout", "1"]).await;
    assert_eq!(ran.code, 3, "{}", ran.err);
    let ran = cli(&app, &["tasks", "cancel", &id]).await;
    assert_eq!(ran.code, 0, "{}", ran.err);
    let ran = cli(&app, &["tasks", "wait", &id]).await;
    assert_eq!(ran.code, 3, "{}", ran.err);
    assert!(ran.err.contains("cancelled"), "{}", ran.err);
    // The runner's own timeout: 3.
    let ran = cli(&app, &["tasks", "submit", "hurried", "--wait"]).await;
    assert_eq!(ran.code, 3, "{}", ran.err);
    assert!(ran.err.contains("timed_out"), "{}", ran.err);

    // Usage: bad JSON, an unknown subcommand, a refused request (its problem on stderr).
    let ran = cli(&app, &["tasks", "submit", "slow", "--args", "{nope"]).await;
    assert_eq!(ran.code, 2);
    assert!(ran.err.contains("--args is not JSON"), "{}", ran.err);
    assert_eq!(cli(&app, &["tasks", "frobnicate"]).await.code, 2);
    let ran = cli(&app, &["tasks", "submit", "nosuch"]).await;
    assert_eq!(ran.code, 2);
    let problem: Value = serde_json::from_str(&ran.err).expect("problem JSON");
    assert_eq!(problem["code"], "runner_not_found");
    let ran = cli(&app, &["tasks", "submit", "slow", "--priority", "12"]).await;
    let problem: Value = serde_json::from_str(&ran.err).expect("problem JSON");
    assert_eq!(
        (ran.code, problem["errors"][0]["pointer"].as_str()),
        (2, Some("/priority"))
    );
    // A key no header can carry is a usage error, not an unreachable server.
    let ran = cli(&app, &["tasks", "get", &id, "--key", "abc\ndef"]).await;
    assert_eq!(ran.code, 2, "{}", ran.err);
    // Nobody listening: 1.
    let ran = errand("http://127.0.0.1:9", &["tasks", "get", &id], &[], None).await;
    assert_eq!(ran.code, 1);
    assert!(ran.err.contains("cannot reach"), "{}", ran.err);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_prints_text_as_it_comes_and_questions_are_answered() {
    let app = spawn_app().await;
    app.create_runner(json!({"name": "talk", "model": "mock",
        "model_settings": {"mock": {"text": "Streaming words to you"}}}))
        .await;
    let ran = cli(&app, &["tasks", "submit", "talk", "--stream"]).await;
    assert_eq!(
        (ran.code, ran.out.as_str()),
        (0, "Streaming words to you\n"),
        "{}",
        ran.err
    );
    // --json with --stream: one event a line, ending with the terminal one.
    let ran = cli(&app, &["tasks", "submit", "talk", "--stream", "--json"]).await;
    let events: Vec<Value> = ran
        .out
        .lines()
        .map(|l| serde_json::from_str(l).expect("event"))
        .collect();
    assert_eq!(
        events.first().map(|e| e["type"].clone()),
        Some(json!("task.queued"))
    );
    assert_eq!(
        events.last().map(|e| e["type"].clone()),
        Some(json!("task.succeeded"))
    );
    assert!(events.iter().any(|e| e["type"] == "message.delta"));

    // A question: wait exits 4 naming the request; answer; wait again exits 0.
    app.create_runner(
        json!({"name": "asks", "model": "mock", "toolkits": ["ask_human"],
        "model_settings": {"mock": {"turns": [
            {"tool_calls": [{"name": "ask_human", "arguments": {"question": "Ship it?"}}]},
            {"text": "You said {{tool_result}}"}]}}}),
    )
    .await;
    let ran = cli(&app, &["tasks", "submit", "asks", "--wait"]).await;
    assert_eq!(ran.code, 4, "{}", ran.err);
    assert!(ran.err.contains("Ship it?"), "{}", ran.err);
    let page = app.get_json("/v1/tasks?runner=asks").await;
    let task = &page["data"][0];
    let id = task["id"].as_str().expect("id");
    let request = task["input_request"]["request_id"]
        .as_str()
        .expect("request");
    assert!(ran.err.contains(request), "{}", ran.err);
    let ran = cli(
        &app,
        &[
            "tasks",
            "answer",
            id,
            "--request",
            request,
            "--answer",
            "\"yes\"",
        ],
    )
    .await;
    assert_eq!(ran.code, 0, "{}", ran.err);
    let ran = cli(&app, &["tasks", "wait", id]).await;
    assert_eq!(
        (ran.code, ran.out.as_str()),
        (0, "You said yes\n"),
        "{}",
        ran.err
    );

    // An approval shows the call it waits on.
    app.create_runner(
        json!({"name": "careful", "model": "mock", "toolkits": ["calculator"],
        "approval": {"tools": ["calculator"]},
        "model_settings": {"mock": {"turns": [
            {"tool_calls": [{"name": "calculator", "arguments": {"expression": "2+3"}}]},
            {"text": "got {{tool_result}}"}]}}}),
    )
    .await;
    let ran = cli(&app, &["tasks", "submit", "careful", "--wait"]).await;
    assert_eq!(ran.code, 4, "{}", ran.err);
    assert!(
        ran.err.contains("approval of a call of calculator") && ran.err.contains("2+3"),
        "{}",
        ran.err
    );

    // Approved, the call of a runner's tool starts a child: the parent waits for it, still
    // showing its answered approval, which is no question any more.
    app.create_runner(json!({"name": "kid", "model": "mock",
        "model_settings": {"mock": {"text": "kid done", "delay_ms": 1500}}}))
        .await;
    app.create_runner(
        json!({"name": "boss", "model": "mock", "toolkits": ["run_kid_task"],
        "approval": {"tools": ["run_kid_task"]},
        "model_settings": {"mock": {"turns": [
            {"tool_calls": [{"name": "run_kid_task", "arguments": {}}]},
            {"text": "boss: {{tool_result}}"}]}}}),
    )
    .await;
    let id = cli(&app, &["tasks", "submit", "boss"])
        .await
        .out
        .trim()
        .to_owned();
    let asked = app.wait_for_status(&id, "input_required").await;
    let request = asked["input_request"]["request_id"]
        .as_str()
        .expect("request");
    let approve = r#"{"approve": true}"#;
    let ran = cli(
        &app,
        &[
            "tasks",
            "answer",
            &id,
            "--request",
            request,
            "--answer",
            approve,
        ],
    )
    .await;
    assert_eq!(ran.code, 0, "{}", ran.err);
    app.wait_for_status(&id, "waiting").await;
    let ran = cli(&app, &["tasks", "wait", &id, "--timeout", "30"]).await;
    assert_eq!(
        (ran.code, ran.out.as_str()),
        (0, "boss: kid done\n"),
        "{}",
        ran.err
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_comes_from_flag_or_environment_and_queues_take_pushes() {
    let app = spawn_app().await;
    let (key, _) = make_key(&app, None, json!({"name": "cli", "scopes": ["write"]})).await;
    // No key once keys exist: refused (2).
    let ran = cli(&app, &["queues", "push", "jobs", "--payload", "{}"]).await;
    assert_eq!(ran.code, 2, "{}", ran.err);
    let ran = cli(
        &app,
        &[
            "queues",
            "push",
            "jobs",
            "--payload",
            "{\"n\": 1}",
            "--priority",
            "7",
            "--key",
            &key,
        ],
    )
    .await;
    assert_eq!(ran.code, 0, "{}", ran.err);
    let id = ran.out.trim().to_owned();
    let ran = errand(
        &app.address,
        &["queues", "push", "jobs", "--payload", "-", "--json"],
        &[("ERRAND_API_KEY", &key)],
        Some("{\"n\": 2}"),
    )
    .await;
    let message: Value = serde_json::from_str(&ran.out).expect("message JSON");
    assert_eq!(
        (
            message["payload"]["n"].as_i64(),
            message["priority"].as_i64()
        ),
        (Some(2), Some(5))
    );
    let listed = app
        .client
        .get(app.url("/v1/queues/jobs/messages"))
        .bearer_auth(&key)
        .send()
        .await
        .expect("list")
        .json::<Value>()
        .await
        .expect("json");
    let first = &listed["data"][0];
    assert_eq!(
        (first["id"].as_str(), first["priority"].as_i64()),
        (Some(id.as_str()), Some(7))
    );
    app.stop().await;
}
