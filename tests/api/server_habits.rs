//! More real servers' habits, played by fake OpenAI-compatible servers: which servers are
//! asked for usage in the stream (and one that refuses the field), and servers that ignore
//! `tools` — answering 200 while the model writes its call as text.

use serde_json::{Value, json};

use crate::fake_openai::{FakeOpenAi, Reply};
use crate::helpers::{fake_provider, spawn_with_provider};
use errand_core::config::providers::ProviderKind;

fn asks_usage(body: &Value) -> bool {
    body["stream_options"] == json!({"include_usage": true})
}

#[tokio::test]
async fn usage_is_asked_for_as_each_server_kind_expects() {
    for (kind, setting, asked) in [
        (ProviderKind::Openai, None, true),
        (ProviderKind::Vllm, None, true),
        (ProviderKind::Ollama, None, true),
        // llama.cpp's server reports usage unasked (or, in llama-cpp-python, not at all).
        (ProviderKind::Llamacpp, None, false),
        (ProviderKind::Openai, Some(false), false),
        (ProviderKind::Llamacpp, Some(true), true),
    ] {
        let fake = FakeOpenAi::start(vec![Reply::text("ok")]).await;
        let mut provider = fake_provider(&fake.url);
        provider.kind = Some(kind);
        provider.stream_usage = setting;
        let app = spawn_with_provider(provider).await;
        app.create_runner(json!({"name": "plain", "model": "fake/gpt-test"}))
            .await;
        let done = app.run_to_end("plain", json!({})).await;
        assert_eq!(done["status"], "succeeded", "{kind:?}: {done}");
        let sent = &fake.received()[0].body;
        assert_eq!(asks_usage(sent), asked, "{kind:?} {setting:?}: {sent}");
    }
}

#[tokio::test]
async fn a_server_that_refuses_stream_options_is_not_asked_again_and_usage_is_estimated() {
    let refusal = json!({"object": "error", "message": "[{'type': 'extra_forbidden', 'loc': ('body', 'stream_options'), 'msg': 'Extra inputs are not permitted'}]", "code": 400});
    let fake = FakeOpenAi::start(vec![
        Reply::status(400, &[], &refusal.to_string()),
        Reply::text_without_usage("Paris."),
        Reply::text_without_usage("Lyon."),
    ])
    .await;
    let app = spawn_with_provider(fake_provider(&fake.url)).await;
    app.create_runner(json!({"name": "plain", "model": "fake/gpt-test"}))
        .await;

    let done = app.run_to_end("plain", json!({})).await;
    assert_eq!(done["status"], "succeeded", "{done}");
    assert_eq!(done["output"], "Paris.");
    assert_eq!(done["attempts"], 1, "not retried as transient: {done}");
    assert_eq!(done["usage"]["estimated"], true, "{done}");
    assert_eq!(done["usage"]["output_tokens"], 2, "six characters: {done}");

    let done = app.run_to_end("plain", json!({})).await;
    assert_eq!(done["output"], "Lyon.");
    let sent = fake.received();
    assert_eq!(sent.len(), 3);
    assert!(asks_usage(&sent[0].body));
    assert!(!asks_usage(&sent[1].body) && sent[1].body.get("stream_options").is_none());
    assert!(!asks_usage(&sent[2].body), "remembered for the process");
}

#[tokio::test]
async fn a_tool_call_written_as_text_fails_the_task_as_tools_unsupported_at_once() {
    // What SmolLM2 writes when llama-cpp-python's chat format does not parse tool calls.
    let written = "<tool_call>\n{\"name\": \"calculator\", \"arguments\": {\"expression\": \"6*7\"}}\n</tool_call>";
    let fake = FakeOpenAi::start(vec![Reply::text(written), Reply::text("42")]).await;
    let mut provider = fake_provider(&fake.url);
    provider.kind = Some(ProviderKind::Llamacpp);
    let app = spawn_with_provider(provider).await;
    app.create_runner(json!({"name": "calc", "model": "fake/gpt-test",
        "toolkits": ["calculator"], "output_schema": {"type": "integer"}}))
        .await;

    let done = app
        .run_to_end("calc", json!({"arguments": {"prompt": "6 times 7"}}))
        .await;
    assert_eq!(done["status"], "failed", "{done}");
    assert_eq!(done["error"]["code"], "tools_unsupported", "{done}");
    assert_eq!(done["error"]["details"]["raw_output"], written);
    assert_eq!(done["error"]["details"]["tools"], json!(["calculator"]));
    assert_eq!(done["attempts"], 1);
    assert_eq!(
        fake.received().len(),
        1,
        "no repair turns, no retries: one question, one answer"
    );
    let id = done["id"].as_str().expect("id");
    let steps = app.get_json(&format!("/v1/tasks/{id}/steps")).await;
    let why = steps["data"][0]["response"]["tools_ignored"]
        .as_str()
        .unwrap_or_default();
    assert!(why.contains("<tool_call>"), "the step says why: {steps}");
}

#[tokio::test]
async fn a_required_tool_call_that_never_comes_is_tools_unsupported_and_normal_answers_pass() {
    let fake = FakeOpenAi::start(vec![
        Reply::text("42"),
        Reply::text("{\"name\": \"Ada\", \"arguments\": []}"),
    ])
    .await;
    let app = spawn_with_provider(fake_provider(&fake.url)).await;
    app.create_runner(json!({"name": "must", "model": "fake/gpt-test",
        "toolkits": ["calculator"], "model_settings": {"tool_choice": "required"}}))
        .await;
    app.create_runner(json!({"name": "may", "model": "fake/gpt-test", "toolkits": ["calculator"]}))
        .await;

    let done = app.run_to_end("must", json!({})).await;
    assert_eq!(done["status"], "failed", "{done}");
    assert_eq!(done["error"]["code"], "tools_unsupported");
    let message = done["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("tool_choice"), "{message}");

    // A tool was offered, not needed, and the answer merely looks like JSON: it stands.
    let done = app.run_to_end("may", json!({})).await;
    assert_eq!(done["status"], "succeeded", "{done}");
    assert_eq!(done["output"], "{\"name\": \"Ada\", \"arguments\": []}");
    let body = &fake.received()[0].body;
    assert_eq!(body["tool_choice"], "required");
}

#[tokio::test]
async fn credentials_in_a_provider_url_never_reach_task_errors_events_or_models() {
    // Nothing listens on this port: the transport error quotes the URL it tried.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let url = format!("http://gateway-user:s3cret-pass@127.0.0.1:{port}/v1?api-key=k3y-value");
    let mut provider = fake_provider(&url);
    provider.max_retries = 0;
    let app = spawn_with_provider(provider).await;
    app.create_runner(json!({"name": "leaky", "model": "fake/gpt-test", "max_attempts": 1}))
        .await;
    let done = app.run_to_end("leaky", json!({})).await;
    assert_eq!(done["status"], "failed", "{done}");
    let id = done["id"].as_str().expect("id");
    let events = app.events(id).await;
    let models = app.get_json("/v1/models").await;
    let seen = format!("{done} {events:?} {models}");
    for secret in ["gateway-user", "s3cret-pass", "k3y-value"] {
        assert!(!seen.contains(secret), "{secret} leaked: {seen}");
    }
    assert!(seen.contains(&format!("127.0.0.1:{port}")), "{seen}");
}
