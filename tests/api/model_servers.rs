//! Real model servers' habits, played by fake OpenAI-compatible servers: a server that
//! refuses `json_schema` (with a 500, as llama.cpp's does), each server kind's way of taking
//! a schema in `json_object` mode, and errors that repeat word for word.

use serde_json::{Value, json};

use crate::fake_openai::{FakeOpenAi, Reply};
use crate::helpers::{fake_provider, spawn_with_provider};
use errand_core::config::providers::ProviderKind;

fn city_schema() -> Value {
    json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]})
}

/// llama-cpp-python's answer to `response_format: {"type": "json_schema"}`.
fn refusal() -> Reply {
    let body = json!({"error": {"message": "1 validation error for CreateChatCompletionRequest\nresponse_format.type\n  Input should be 'text' or 'json_object'", "type": "internal_server_error"}});
    Reply::status(500, &[], &body.to_string())
}

#[tokio::test]
async fn a_refused_json_schema_falls_back_at_once_and_the_mode_is_remembered() {
    let fake = FakeOpenAi::start(vec![
        refusal(),
        Reply::json(json!({"city": "Paris"})),
        Reply::json(json!({"city": "Lyon"})),
    ])
    .await;
    let mut provider = fake_provider(&fake.url);
    provider.kind = Some(ProviderKind::Llamacpp);
    let app = spawn_with_provider(provider).await;
    app.create_runner(
        json!({"name": "where", "model": "fake/gpt-test", "output_schema": city_schema()}),
    )
    .await;

    let done = app
        .run_to_end(
            "where",
            json!({"arguments": {"prompt": "capital of France"}}),
        )
        .await;
    assert_eq!(done["status"], "succeeded", "{done}");
    assert_eq!(done["output"], json!({"city": "Paris"}));
    assert_eq!(
        done["attempts"], 1,
        "the refusal was not retried as transient"
    );
    let sent = fake.received();
    assert_eq!(sent[0].body["response_format"]["type"], "json_schema");
    // llama.cpp takes the schema inside `response_format` in json_object mode.
    assert_eq!(
        sent[1].body["response_format"],
        json!({"type": "json_object", "schema": city_schema()})
    );
    let system = sent[1].body["messages"][0]["content"]
        .as_str()
        .unwrap_or_default();
    assert!(
        system.contains("JSON Schema"),
        "the schema is also in the instructions: {system}"
    );
    let id = done["id"].as_str().expect("id");
    let steps = app.get_json(&format!("/v1/tasks/{id}/steps")).await;
    assert_eq!(
        steps["data"][0]["request"]["response_format"],
        "json_object"
    );

    // The next task asks this model in the mode that worked, straight away.
    let done = app
        .run_to_end("where", json!({"arguments": {"prompt": "in the south"}}))
        .await;
    assert_eq!(done["output"], json!({"city": "Lyon"}));
    let sent = fake.received();
    assert_eq!(sent.len(), 3);
    assert_eq!(sent[2].body["response_format"]["type"], "json_object");
}

#[tokio::test]
async fn each_server_kind_gets_the_schema_where_it_reads_it() {
    for (kind, check) in [
        (ProviderKind::Vllm, "guided_json"),
        (ProviderKind::Ollama, "format"),
        (ProviderKind::Openai, ""),
    ] {
        let fake = FakeOpenAi::start(vec![refusal(), Reply::json(json!({"city": "Oslo"}))]).await;
        let mut provider = fake_provider(&fake.url);
        provider.kind = Some(kind);
        let app = spawn_with_provider(provider).await;
        app.create_runner(
            json!({"name": "kind", "model": "fake/gpt-test", "output_schema": city_schema()}),
        )
        .await;
        let done = app.run_to_end("kind", json!({})).await;
        assert_eq!(done["status"], "succeeded", "{kind:?}: {done}");
        let body = &fake.received()[1].body;
        assert_eq!(
            body["response_format"],
            json!({"type": "json_object"}),
            "{kind:?}"
        );
        if check.is_empty() {
            assert!(body.get("guided_json").is_none() && body.get("format").is_none());
        } else {
            assert_eq!(body[check], city_schema(), "{kind:?}");
        }
    }
}

#[tokio::test]
async fn a_runner_s_own_mode_is_never_negotiated_away() {
    let fake = FakeOpenAi::start(vec![refusal()]).await;
    let app = spawn_with_provider(fake_provider(&fake.url)).await;
    app.create_runner(json!({"name": "strict", "model": "fake/gpt-test",
        "output_schema": city_schema(), "structured_output": "json_schema", "max_attempts": 1}))
        .await;
    let done = app.run_to_end("strict", json!({})).await;
    assert_eq!(done["status"], "failed", "{done}");
    assert_eq!(done["error"]["code"], "provider_error");
    assert!(
        fake.received()
            .iter()
            .all(|r| r.body["response_format"]["type"] == "json_schema")
    );
}

#[tokio::test]
async fn an_error_that_repeats_word_for_word_fails_fast() {
    let same = || Reply::status(500, &[], "model file is corrupt");
    let fake = FakeOpenAi::start(vec![same(), same(), same(), same(), same(), same()]).await;
    let app = spawn_with_provider(fake_provider(&fake.url)).await;
    app.create_runner(json!({"name": "broken", "model": "fake/gpt-test"}))
        .await;
    let done = app.run_to_end("broken", json!({})).await;
    assert_eq!(done["status"], "failed", "{done}");
    assert_eq!(done["attempts"], 1, "not re-queued: {done}");
    assert_eq!(done["error"]["details"]["identical_answers"], 3);
    assert_eq!(done["error"]["details"]["retryable"], false);
    assert_eq!(fake.received().len(), 3);
}

#[tokio::test]
async fn usage_a_server_does_not_report_is_estimated_and_says_so() {
    let fake = FakeOpenAi::start(vec![
        Reply::text_without_usage("Paris is the capital."),
        Reply::text("Reported."),
    ])
    .await;
    let app = spawn_with_provider(fake_provider(&fake.url)).await;
    app.create_runner(json!({"name": "plain", "model": "fake/gpt-test"}))
        .await;

    let done = app
        .run_to_end(
            "plain",
            json!({"arguments": {"prompt": "Capital of France?"}}),
        )
        .await;
    assert_eq!(done["status"], "succeeded", "{done}");
    let usage = &done["usage"];
    assert_eq!(usage["estimated"], true, "{usage}");
    // About four characters a token: 21 characters of reply.
    assert_eq!(usage["output_tokens"], 6, "{usage}");
    assert!(usage["input_tokens"].as_i64().unwrap_or(0) > 0, "{usage}");
    assert!(
        usage["cost_usd"].as_f64().unwrap_or(0.0) > 0.0,
        "priced from the estimate: {usage}"
    );
    let id = done["id"].as_str().expect("id");
    let steps = app.get_json(&format!("/v1/tasks/{id}/steps")).await;
    assert_eq!(steps["data"][0]["usage"]["estimated"], true);
    let events = app.events(id).await;
    let event = events
        .iter()
        .find(|e| e["type"] == "usage")
        .expect("a usage event");
    assert_eq!(event["data"]["estimated"], true);

    // A server that reports usage is taken at its word.
    let done = app.run_to_end("plain", json!({})).await;
    assert_eq!(done["usage"]["estimated"], false, "{done}");
    assert_eq!(done["usage"]["output_tokens"], 8);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_that_made_no_model_call_has_unknown_usage_not_zero() {
    let app = crate::helpers::spawn_api().await;
    app.create_runner(json!({"name": "never"})).await;
    let task = app.submit("never", json!({})).await;
    let usage = &task["usage"];
    assert!(
        usage["input_tokens"].is_null() && usage["output_tokens"].is_null(),
        "{usage}"
    );
    assert_eq!(usage["estimated"], false);
}

#[tokio::test]
async fn a_server_that_refuses_tools_fails_the_task_clearly_and_at_once() {
    let body =
        json!({"error": {"message": "registry.ollama.ai/library/tiny does not support tools"}});
    let refuse = || Reply::status(400, &[], &body.to_string());
    let fake = FakeOpenAi::start(vec![refuse(), refuse(), refuse()]).await;
    let app = spawn_with_provider(fake_provider(&fake.url)).await;
    app.create_runner(
        json!({"name": "calc", "model": "fake/gpt-test", "toolkits": ["calculator"]}),
    )
    .await;
    let done = app
        .run_to_end("calc", json!({"arguments": {"prompt": "2+2"}}))
        .await;
    assert_eq!(done["status"], "failed", "{done}");
    assert_eq!(done["error"]["code"], "tools_unsupported");
    assert_eq!(done["error"]["details"]["status"], 400);
    assert_eq!(done["attempts"], 1);
    assert_eq!(fake.received().len(), 1, "one question, one answer");
}

/// A loopback server answering `GET path` with its JSON from `routes` (else 404).
async fn answering(routes: Vec<(&'static str, Value)>) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let routes = routes.clone();
            tokio::spawn(async move {
                let mut head = vec![0u8; 4096];
                let n = socket.read(&mut head).await.unwrap_or(0);
                let text = String::from_utf8_lossy(&head[..n]).into_owned();
                let path = text.split(' ').nth(1).unwrap_or("").to_owned();
                let (status, body) = match routes.iter().find(|(p, _)| *p == path) {
                    Some((_, body)) => ("200 OK", body.to_string()),
                    None => ("404 Not Found", "{}".to_owned()),
                };
                let answer = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(answer.as_bytes()).await;
            });
        }
    });
    url
}

/// What `GET /v1/models` shows of the provider `fake`.
async fn fake_info(app: &crate::helpers::TestApp) -> Value {
    let models = app.get_json("/v1/models").await;
    models["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "fake")
        .unwrap()
        .clone()
}

#[tokio::test]
async fn a_provider_without_a_kind_is_asked_which_server_it_is() {
    let cases = [
        (
            vec![(
                "/props",
                json!({"default_generation_settings": {}, "model_path": "m.gguf"}),
            )],
            "llamacpp",
        ),
        (
            vec![(
                "/v1/models",
                json!({"data": [{"id": "m", "owned_by": "me"}]}),
            )],
            "llamacpp",
        ),
        (
            vec![("/api/version", json!({"version": "0.5.0"}))],
            "ollama",
        ),
        (vec![("/version", json!({"version": "0.8.0"}))], "vllm"),
        (vec![], "openai"),
    ];
    for (routes, expected) in cases {
        let url = answering(routes).await;
        let mut provider = fake_provider(&url);
        provider.kind = None;
        let app = spawn_with_provider(provider).await;
        let fake = fake_info(&app).await;
        assert_eq!(fake["kind"], expected, "{fake}");
        assert_eq!(fake["kind_detected"], true, "{fake}");
    }
    // A kind the settings name is not asked about.
    let url = answering(vec![("/version", json!({"version": "1"}))]).await;
    let app = spawn_with_provider(fake_provider(&url)).await;
    let fake = fake_info(&app).await;
    assert_eq!(fake["kind"], "openai");
    assert_eq!(fake["kind_detected"], false);
}
