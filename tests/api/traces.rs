//! OpenTelemetry traces: an `errand api` and an `errand worker` process export OTLP/HTTP
//! to a collector on a real port (this file's, reading the OTLP JSON encoding): a span for
//! the HTTP request, continuing the caller's `traceparent`; one for the task's attempt;
//! and one for its model call, inside the attempt, with the GenAI attributes.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{App, HttpResponse, HttpServer, web};
use serde_json::{Value, json};

use crate::helpers::spawn_api;

/// Every span the collector received, flattened out of the OTLP request bodies.
#[derive(Clone, Default)]
struct Collector(Arc<Mutex<Vec<Value>>>);

impl Collector {
    /// Serves `POST /v1/traces` on a free loopback port; returns the base URL.
    fn start(&self) -> String {
        let spans = self.clone();
        let server = HttpServer::new(move || {
            let spans = spans.clone();
            App::new().route(
                "/v1/traces",
                web::post().to(move |body: web::Json<Value>| {
                    let spans = spans.clone();
                    async move {
                        spans.take_in(&body);
                        HttpResponse::Ok().json(json!({}))
                    }
                }),
            )
        })
        .workers(1)
        .bind(("127.0.0.1", 0))
        .expect("bind");
        let port = server.addrs()[0].port();
        tokio::spawn(server.run());
        format!("http://127.0.0.1:{port}")
    }

    fn take_in(&self, body: &Value) {
        let mut spans = self.0.lock().expect("spans");
        for resource in body["resourceSpans"].as_array().into_iter().flatten() {
            for scope in resource["scopeSpans"].as_array().into_iter().flatten() {
                for span in scope["spans"].as_array().into_iter().flatten() {
                    let mut span = span.clone();
                    span["service"] = service_name(resource);
                    spans.push(span);
                }
            }
        }
    }

    /// Waits until a span satisfies `wanted`.
    async fn wait_for(&self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        let start = Instant::now();
        loop {
            if let Some(span) = self.0.lock().expect("spans").iter().find(|s| wanted(s)) {
                return span.clone();
            }
            let names: Vec<Value> = self
                .0
                .lock()
                .expect("spans")
                .iter()
                .map(|s| s["name"].clone())
                .collect();
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "no {what} span among {names:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

fn service_name(resource: &Value) -> Value {
    Value::String(attribute(&resource["resource"], "service.name"))
}

/// An attribute's value as text (`stringValue`, `intValue`, `boolValue`, …), whichever
/// way the encoder wrote it.
fn attribute(holder: &Value, key: &str) -> String {
    holder["attributes"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["key"] == key)
        .and_then(|a| a["value"].as_object())
        .and_then(|v| v.values().next())
        .map(text)
        .unwrap_or_default()
}

fn text(value: &Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned)
}

#[tokio::test]
async fn requests_attempts_and_model_calls_are_exported_as_spans() {
    let collector = Collector::default();
    let endpoint = collector.start();
    let otel = [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"),
        ("OTEL_BSP_SCHEDULE_DELAY", "100"),
    ];
    let mut app = spawn_api().await;
    let api = app.spawn_api_process(&otel).await;
    app.spawn_worker_process_with(&[], &otel);

    let created = app
        .client
        .post(format!("{api}/v1/runners"))
        .json(&json!({"name": "traced", "model_settings": {"mock": {"text": "hello"}}}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let caller_span = "00f067aa0ba902b7";
    let task: Value = app
        .client
        .post(format!("{api}/v1/runners/traced/tasks?wait=20"))
        .header("traceparent", format!("00-{trace_id}-{caller_span}-01"))
        .json(&json!({"arguments": {}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(task["status"], "succeeded", "{task}");
    let task_id = task["id"].as_str().unwrap().to_owned();

    // The request: a server span, the caller's child, named by its route.
    let request = collector
        .wait_for("HTTP request", |s| {
            s["traceId"] == trace_id && attribute(s, "http.route") == "/v1/runners/{name}/tasks"
        })
        .await;
    assert_eq!(request["parentSpanId"], caller_span, "{request}");
    assert_eq!(text(&request["kind"]), "2", "SERVER: {request}");
    assert_eq!(request["service"], "errand");
    assert_eq!(attribute(&request, "http.status_code"), "200", "{request}");

    // The attempt, in the worker process.
    let attempt = collector
        .wait_for("task attempt", |s| {
            attribute(s, "task.id") == task_id && text(&s["kind"]) == "5"
        })
        .await;
    assert_eq!(attempt["name"], "task attempt traced", "{attempt}");
    assert_eq!(text(&attempt["kind"]), "5", "CONSUMER: {attempt}");
    assert_eq!(attribute(&attempt, "task.attempt"), "1", "{attempt}");
    assert_eq!(attribute(&attempt, "errand.runner"), "traced");

    // The model call, inside the attempt, with what the GenAI conventions name.
    let call = collector
        .wait_for("model call", |s| {
            s["name"] == "chat mock" && s["traceId"] == attempt["traceId"]
        })
        .await;
    assert_eq!(call["parentSpanId"], attempt["spanId"], "{call}");
    assert_eq!(text(&call["kind"]), "3", "CLIENT: {call}");
    assert_eq!(attribute(&call, "gen_ai.operation.name"), "chat");
    assert_eq!(attribute(&call, "gen_ai.request.model"), "mock");
    let output_tokens = attribute(&call, "gen_ai.usage.output_tokens");
    assert!(output_tokens.parse::<u64>().is_ok_and(|n| n > 0), "{call}");
}
