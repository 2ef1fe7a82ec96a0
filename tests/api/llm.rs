//! Real model runs against the OpenAI-compatible fake server: streaming, tools, structured
//! output with repair, provider errors and retries, usage, cancellation, crash replay.

use std::time::Duration;

use serde_json::{Value, json};
use uuid::Uuid;

use crate::fake_openai::{FakeOpenAi, Reply};
use crate::helpers::{
    TestApp, fake_provider, spawn, spawn_with_provider, test_settings, violation_pointers,
};
use errand::service::Mode;

/// A runner on `fake/gpt-test` with `extra` fields merged in.
fn runner(name: &str, extra: Value) -> Value {
    let mut r = json!({"name": name, "model": "fake/gpt-test", "rules": ["You are terse."]});
    for (k, v) in extra.as_object().expect("object") {
        r[k] = v.clone();
    }
    r
}

fn answer_schema() -> Value {
    json!({"type": "object", "properties": {"answer": {"type": "integer"}},
           "required": ["answer"], "additionalProperties": false})
}

/// (index, attempt, kind) of every journaled step, from `GET /v1/tasks/{id}/steps`.
async fn steps(app: &TestApp, task_id: &str) -> Vec<(i64, i64, String)> {
    let page = app.get_json(&format!("/v1/tasks/{task_id}/steps")).await;
    page["data"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| {
            let n = |k: &str| s[k].as_i64().expect("number");
            (
                n("index"),
                n("attempt"),
                s["kind"].as_str().expect("kind").to_owned(),
            )
        })
        .collect()
}

fn types(events: &[Value]) -> Vec<&str> {
    events
        .iter()
        .map(|e| e["type"].as_str().expect("type"))
        .collect()
}

#[tokio::test]
async fn a_streamed_text_answer_records_usage_and_cost() {
    let fake =
        FakeOpenAi::start(vec![Reply::text_with_usage("Hello there, Ada!", 1000, 200)]).await;
    let app = spawn_with_provider(fake_provider(&fake.url)).await;
    app.create_runner(runner("greet", json!({}))).await;

    let done = app
        .run_to_end(
            "greet",
            json!({"arguments": {"prompt": "Greet Ada"}, "rules": ["Use her name."]}),
        )
        .await;
    assert_eq!(done["status"], "succeeded", "{done}");
    assert_eq!(done["output"], "Hello there, Ada!");
    let usage = &done["usage"];
    assert_eq!(usage["input_tokens"], 1000);
    assert_eq!(usage["cached_input_tokens"], 500);
    assert_eq!(usage["output_tokens"], 200);
    assert_eq!(usage["reasoning_tokens"], 50);
    // 500 fresh × $2 + 500 cached × $0.5 + 200 out × $8, per million.
    let cost = usage["cost_usd"].as_f64().expect("cost");
    assert!((cost - 0.00285).abs() < 1e-9, "{cost}");

    let sent = fake.received();
    assert_eq!(sent.len(), 1);
    let body = &sent[0].body;
    assert_eq!(body["model"], "gpt-test");
    assert_eq!(body["stream"], true);
    assert_eq!(body["stream_options"]["include_usage"], true);
    assert_eq!(
        body["messages"],
        json!([{"role": "system", "content": "You are terse.\nUse her name."},
               {"role": "user", "content": "Greet Ada"}])
    );
    assert_eq!(sent[0].authorization.as_deref(), Some("Bearer sk-fake"));

    let events = app.events(done["id"].as_str().expect("id")).await;
    let kinds = types(&events);
    assert!(kinds.contains(&"message.delta"), "{kinds:?}");
    let streamed: String = events
        .iter()
        .filter(|e| e["type"] == "message.delta")
        .map(|e| e["data"]["text"].as_str().expect("text"))
        .collect();
    assert_eq!(streamed, "Hello there, Ada!");
    let usage_event = events
        .iter()
        .find(|e| e["type"] == "usage")
        .expect("usage event");
    assert_eq!(usage_event["data"]["input_tokens"], 1000);
    let page = app
        .get_json(&format!(
            "/v1/tasks/{}/steps",
            done["id"].as_str().expect("id")
        ))
        .await;
    let journal = page["data"].as_array().expect("steps");
    assert_eq!(journal.len(), 1);
    assert_eq!(journal[0]["kind"], "model_call");
    assert_eq!(journal[0]["usage"]["cached_input_tokens"], 500);
    assert_eq!(journal[0]["response"]["text"], "Hello there, Ada!");
    assert!((journal[0]["cost_usd"].as_f64().expect("cost") - 0.00285).abs() < 1e-9);
}

#[tokio::test]
async fn parallel_tool_calls_go_round_trip() {
    let fake = FakeOpenAi::start(vec![
        Reply::tool_calls(&[
            ("call_a", "calculator", json!({"expression": "6 * 7"})),
            ("call_b", "current_time", json!({"utc_offset": "+02:00"})),
        ]),
        Reply::text("It is 42."),
    ])
    .await;
    let app = spawn_with_provider(fake_provider(&fake.url)).await;
    app.create_runner(runner(
        "tools",
        json!({"toolkits": ["calculator", "current_time"]}),
    ))
    .await;

    let done = app
        .run_to_end(
            "tools",
            json!({"arguments": {"prompt": "6*7 and the time?"}}),
        )
        .await;
    assert_eq!(done["status"], "succeeded", "{done}");
    assert_eq!(done["output"], "It is 42.");

    let sent = fake.received();
    assert_eq!(sent.len(), 2);
    let offered: Vec<&str> = sent[0].body["tools"]
        .as_array()
        .expect("tools")
        .iter()
        .map(|t| t["function"]["name"].as_str().expect("name"))
        .collect();
    assert_eq!(offered, ["calculator", "current_time"]);
    let messages = sent[1].body["messages"].as_array().expect("messages");
    let assistant = &messages[2];
    assert_eq!(assistant["role"], "assistant");
    assert_eq!(assistant["tool_calls"][0]["id"], "call_a");
    // Arguments arrived in pieces over several deltas and were joined.
    assert_eq!(
        assistant["tool_calls"][0]["function"]["arguments"],
        json!({"expression": "6 * 7"}).to_string()
    );
    assert_eq!(messages[3]["role"], "tool");
    assert_eq!(messages[3]["tool_call_id"], "call_a");
    let calc: Value =
        serde_json::from_str(messages[3]["content"].as_str().expect("content")).expect("json");
    assert_eq!(calc["result"], 42.0);
    assert_eq!(messages[4]["tool_call_id"], "call_b");
    assert!(
        messages[4]["content"]
            .as_str()
            .expect("content")
            .contains("+02:00")
    );

    let id = done["id"].as_str().expect("id");
    let events = app.events(id).await;
    let kinds = types(&events);
    assert_eq!(
        kinds.iter().filter(|k| **k == "tool_call.started").count(),
        2
    );
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == "tool_call.completed")
            .count(),
        2
    );
    let kinds_of_steps: Vec<String> = steps(&app, id).await.into_iter().map(|s| s.2).collect();
    assert_eq!(
        kinds_of_steps,
        ["model_call", "tool_result", "tool_result", "model_call"]
    );
}

#[tokio::test]
async fn schema_violations_are_repaired() {
    let fake = FakeOpenAi::start(vec![
        Reply::json(json!({"answer": "forty-two"})),
        Reply::json(json!({"answer": 42})),
    ])
    .await;
    let app = spawn_with_provider(fake_provider(&fake.url)).await;
    app.create_runner(runner("typed", json!({"output_schema": answer_schema()})))
        .await;

    let done = app
        .run_to_end("typed", json!({"arguments": {"prompt": "6*7?"}}))
        .await;
    assert_eq!(done["status"], "succeeded", "{done}");
    assert_eq!(done["output"], json!({"answer": 42}));

    let sent = fake.received();
    assert_eq!(sent.len(), 2);
    let format = &sent[0].body["response_format"];
    assert_eq!(format["type"], "json_schema");
    assert_eq!(format["json_schema"]["strict"], true);
    assert_eq!(format["json_schema"]["schema"], answer_schema());
    let repair = sent[1].body["messages"]
        .as_array()
        .expect("messages")
        .last()
        .cloned()
        .expect("last");
    assert_eq!(repair["role"], "user");
    assert!(
        repair["content"]
            .as_str()
            .expect("text")
            .contains("/answer"),
        "{repair}"
    );
}

#[tokio::test]
async fn repair_gives_up_with_output_invalid() {
    let fake = FakeOpenAi::start(vec![
        Reply::text("I believe it is 42."),
        Reply::json(json!({"answer": "still words"})),
    ])
    .await;
    let app = spawn_with_provider(fake_provider(&fake.url)).await;
    let extra = json!({"output_schema": answer_schema(), "repair_turns": 1});
    app.create_runner(runner("stubborn", extra)).await;

    let done = app.run_to_end("stubborn", json!({"arguments": {}})).await;
    assert_eq!(done["status"], "failed");
    let error = &done["error"];
    assert_eq!(error["code"], "output_invalid", "{error}");
    assert_eq!(
        error["details"]["raw_output"],
        json!({"answer": "still words"}).to_string()
    );
    assert_eq!(error["details"]["errors"][0]["pointer"], "/answer");
    assert_eq!(error["details"]["repair_turns"], 1);
    assert_eq!(fake.received().len(), 2);
}

#[tokio::test]
async fn rate_limits_and_server_errors_are_retried_honouring_retry_after() {
    let fake = FakeOpenAi::start(vec![
        Reply::status(
            429,
            &[("Retry-After", "1"), ("Content-Type", "text/plain")],
            "slow down",
        ),
        Reply::status(500, &[], "upstream exploded"),
        Reply::text("Finally."),
    ])
    .await;
    let app = spawn_with_provider(fake_provider(&fake.url)).await;
    app.create_runner(runner("patient", json!({}))).await;

    let done = app.run_to_end("patient", json!({"arguments": {}})).await;
    assert_eq!(done["status"], "succeeded", "{done}");
    assert_eq!(done["output"], "Finally.");
    assert_eq!(done["attempts"], 1, "retried inside the attempt");
    let sent = fake.received();
    assert_eq!(sent.len(), 3);
    let waited = sent[1].at - sent[0].at;
    assert!(
        waited >= Duration::from_millis(950),
        "Retry-After: 1 was not honoured ({waited:?})"
    );
}

#[tokio::test]
async fn a_client_error_fails_with_provider_error_without_retrying() {
    let body = json!({"error": {"message": "The model `gpt-test` does not exist",
        "type": "invalid_request_error", "code": "model_not_found"}});
    let fake = FakeOpenAi::start(vec![Reply::status(400, &[], &body.to_string())]).await;
    let app = spawn_with_provider(fake_provider(&fake.url)).await;
    app.create_runner(runner("refused", json!({}))).await;

    let done = app.run_to_end("refused", json!({"arguments": {}})).await;
    assert_eq!(done["status"], "failed");
    let error = &done["error"];
    assert_eq!(error["code"], "provider_error", "{error}");
    assert_eq!(error["message"], "The model `gpt-test` does not exist");
    assert_eq!(error["details"]["status"], 400);
    assert_eq!(error["details"]["provider_code"], "model_not_found");
    assert_eq!(fake.received().len(), 1);
}

#[tokio::test]
async fn a_stalled_stream_is_abandoned_and_retried() {
    let fake = FakeOpenAi::start(vec![Reply::stall("Thinking"), Reply::text("Done.")]).await;
    let mut provider = fake_provider(&fake.url);
    provider.request_timeout_seconds = 1;
    let app = spawn_with_provider(provider).await;
    app.create_runner(runner("slowpoke", json!({}))).await;

    let done = app.run_to_end("slowpoke", json!({"arguments": {}})).await;
    assert_eq!(done["status"], "succeeded", "{done}");
    assert_eq!(done["output"], "Done.");
    assert_eq!(fake.received().len(), 2);
}

#[tokio::test]
async fn cancelling_drops_the_open_stream_and_keeps_partial_output() {
    let fake = FakeOpenAi::start(vec![Reply::stall("Once upon a time")]).await;
    let app = spawn_with_provider(fake_provider(&fake.url)).await;
    app.create_runner(runner("story", json!({}))).await;
    let task = app.submit("story", json!({"arguments": {}})).await;
    let id = task["id"].as_str().expect("id");

    // Wait until the model's text is being streamed into the log.
    let start = std::time::Instant::now();
    while !types(&app.events(id).await).contains(&"message.delta") {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no delta arrived"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(fake.closed_streams(), 0);
    let res = app
        .post(&format!("/v1/tasks/{id}/cancel"), &json!({}))
        .await;
    assert_eq!(res.status(), 202);

    let done = app.wait_for_status(id, "cancelled").await;
    assert_eq!(
        done["error"]["details"]["partial_output"],
        "Once upon a time"
    );
    let start = std::time::Instant::now();
    while fake.closed_streams() == 0 {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "the stream was never closed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(fake.received().len(), 1);
}

#[tokio::test]
async fn max_turns_stops_a_model_that_keeps_calling_tools() {
    let call = |id: &str| Reply::tool_calls(&[(id, "calculator", json!({"expression": "1+1"}))]);
    let fake = FakeOpenAi::start(vec![call("c1"), call("c2"), call("c3")]).await;
    let app = spawn_with_provider(fake_provider(&fake.url)).await;
    app.create_runner(runner(
        "loopy",
        json!({"toolkits": ["calculator"], "max_turns": 2}),
    ))
    .await;

    let done = app.run_to_end("loopy", json!({"arguments": {}})).await;
    assert_eq!(done["status"], "failed");
    assert_eq!(done["error"]["code"], "max_turns_exceeded", "{done}");
    assert_eq!(done["error"]["details"]["max_turns"], 2);
    assert_eq!(fake.received().len(), 2);
}

#[tokio::test]
async fn a_killed_worker_s_retry_replays_the_journal() {
    let fake = FakeOpenAi::start(vec![
        Reply::tool_calls(&[("call_1", "calculator", json!({"expression": "2^10"}))]),
        Reply::stall("Working on"),
        Reply::text("1024"),
    ])
    .await;
    let mut settings = test_settings();
    settings
        .providers
        .insert("fake".into(), fake_provider(&fake.url));
    let mut app = spawn(
        Mode {
            api: true,
            worker: false,
        },
        settings,
    )
    .await;
    app.create_runner(runner("durable", json!({"toolkits": ["calculator"]})))
        .await;
    let dir = tempdir();
    let config = dir.join("errand.toml");
    std::fs::write(
        &config,
        format!(
            "[providers.fake]\nbase_url = \"{}\"\napi_key_env = \"FAKE_KEY\"\nretry_initial_ms = 50\n",
            fake.url
        ),
    )
    .expect("write config");
    let config = config.to_str().expect("utf-8 path");
    let args = ["--config", config];
    let env = [("FAKE_KEY", "sk-fake")];
    let first = app.spawn_worker_process_with(&args, &env);

    let task = app
        .submit("durable", json!({"arguments": {"prompt": "2^10?"}}))
        .await;
    let id = task["id"].as_str().expect("id");
    // Request 2 is sent only after steps 1 (the model call) and 2 (the tool result) commit.
    fake.wait_for_requests(2, Duration::from_secs(20)).await;
    assert_eq!(steps(&app, id).await.len(), 2);
    nix::sys::signal::kill(app.worker_pid(first), nix::sys::signal::Signal::SIGKILL).expect("kill");
    app.spawn_worker_process_with(&args, &env);

    let done = app
        .wait_for(id, Duration::from_secs(30), |t| t["status"] == "succeeded")
        .await;
    assert_eq!(done["output"], "1024");
    assert_eq!(done["attempts"], 2);

    let sent = fake.received();
    assert_eq!(sent.len(), 3, "steps 1-2 were replayed, not re-run");
    let first_turns = sent
        .iter()
        .filter(|r| r.body["messages"].as_array().map(Vec::len) == Some(2))
        .count();
    assert_eq!(first_turns, 1, "the first model call was made once");
    assert_eq!(sent[1].body["messages"], sent[2].body["messages"]);
    let journal = steps(&app, id).await;
    assert_eq!(
        journal,
        [
            (0, 1, "model_call".to_owned()),
            (1, 1, "tool_result".to_owned()),
            (2, 2, "model_call".to_owned())
        ]
    );
    let calc_runs = types(&app.events(id).await)
        .into_iter()
        .filter(|k| *k == "tool_call.started")
        .count();
    assert_eq!(calc_runs, 1, "the tool ran once");
    // Usage counts each paid call once: 30 + 20 prompt tokens.
    assert_eq!(done["usage"]["input_tokens"], 50);
}

#[tokio::test]
async fn providers_and_toolkits_are_checked_at_registration() {
    let fake = FakeOpenAi::start(vec![]).await;
    let app = spawn_with_provider(fake_provider(&fake.url)).await;
    let res = app
        .post(
            "/v1/runners",
            &json!({"name": "bad", "model": "nowhere/gpt", "toolkits": ["calculator", "shell"],
                    "model_settings": {"stream": false, "temperature": "hot"}}),
        )
        .await;
    let pointers = violation_pointers(res, "invalid_runner").await;
    assert!(pointers.contains(&"/model".to_owned()), "{pointers:?}");
    assert!(pointers.contains(&"/toolkits/1".to_owned()), "{pointers:?}");

    let res = app
        .post(
            "/v1/runners",
            &json!({"name": "bad", "model": "fake/gpt-test", "model_settings": {"stream": false, "temperature": "hot"}}),
        )
        .await;
    let pointers = violation_pointers(res, "invalid_runner").await;
    assert_eq!(
        pointers,
        ["/model_settings/stream", "/model_settings/temperature"]
    );

    let models = app.get_json("/v1/models").await;
    let fake_info = models["data"]
        .as_array()
        .expect("data")
        .iter()
        .find(|p| p["name"] == "fake")
        .cloned()
        .expect("fake listed");
    assert_eq!(fake_info["base_url"], fake.url);
    assert_eq!(fake_info["models"], json!(["gpt-test"]));
    assert!(
        !models.to_string().contains("sk-fake"),
        "the key must never be shown"
    );
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("errand-test-{}", Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}
