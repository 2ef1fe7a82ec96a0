//! Bad input never answers 500: NUL characters (which PostgreSQL cannot store) in every
//! string of every request body, in paths and queries; values out of the database's range;
//! and model replies carrying NUL.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::fake_openai::{FakeOpenAi, Reply};
use crate::helpers::{TestApp, fake_provider, spawn_api, spawn_with_provider};

/// A valid body for each operation that takes one, and the path to send it to. A new
/// operation with a body must be added here, so the NUL walk below covers it.
fn base(operation_id: &str) -> (&'static str, Value) {
    match operation_id {
        "createRunner" => (
            "/v1/runners",
            json!({"name": "probe-new", "model": "mock", "approval": {}}),
        ),
        "replaceRunner" => (
            "/v1/runners/probe-put",
            json!({"model": "mock", "approval": {}}),
        ),
        "createTask" => ("/v1/runners/probe/tasks", json!({"arguments": {}})),
        "createProject" => ("/v1/projects", json!({"name": "probe-project"})),
        "createThread" => ("/v1/threads", json!({"key": "probe/thread"})),
        "updateThread" => (
            "/v1/threads/0190a000-0000-7000-8000-000000000000",
            json!({"key": "probe/other", "metadata": {}}),
        ),
        "updateThreadByKey" => (
            "/v1/threads/by-key?key=probe",
            json!({"key": "probe/other", "metadata": {}}),
        ),
        "answerTaskInput" => (
            "/v1/tasks/0190a000-0000-7000-8000-000000000000/input",
            json!({"request_id": "0190a000-0000-7000-8000-000000000001", "answer": "yes"}),
        ),
        "createApiKey" => (
            "/v1/api-keys",
            json!({"name": "probe", "scopes": ["read"], "project": "default"}),
        ),
        "createTool" => (
            "/v1/tools",
            json!({"name": "probe-tool", "url": "https://example.com/t", "headers": {"x-a": "b"},
                "input_schema": {"type": "object"}}),
        ),
        "replaceTool" => (
            "/v1/tools/probe-tool",
            json!({"url": "https://example.com/t", "description": "d",
                "input_schema": {"type": "object"}}),
        ),
        "invokeTool" => (
            "/v1/tools/calculator/invoke",
            json!({"arguments": {"expression": "1+1"}}),
        ),
        "writeFile" => ("/v1/files/probe/a.json", json!({"content": {"a": 1}})),
        "configureQueue" => ("/v1/queues/probe-q", json!({"concurrency_limit": 2})),
        "postQueueMessage" => (
            "/v1/queues/probe-q/messages",
            json!({"payload": {"a": 1}, "concurrency_key": "k"}),
        ),
        "ackQueueMessage" => (
            "/v1/queues/probe-q/messages/0190a000-0000-7000-8000-000000000000/ack",
            json!({"receipt": "0190a000-0000-7000-8000-000000000001"}),
        ),
        "nackQueueMessage" => (
            "/v1/queues/probe-q/messages/0190a000-0000-7000-8000-000000000000/nack",
            json!({"receipt": "0190a000-0000-7000-8000-000000000001", "reason": "r"}),
        ),
        "redriveDeadLetters" => ("/v1/queues/probe-q/dead-letters/redrive", json!({})),
        "createSchedule" => (
            "/v1/schedules",
            json!({"cron": "0 9 * * *", "target": {"runner": "probe", "arguments": {}}}),
        ),
        "updateSchedule" => (
            "/v1/schedules/0190a000-0000-7000-8000-000000000000",
            json!({"name": "n"}),
        ),
        "createTrigger" => (
            "/v1/triggers",
            json!({"target": {"runner": "probe"}, "scheme": "hmac-sha256",
                "signature_header": "X-Sig", "secret": "0123456789abcdef", "name": "n",
                "mapping": {"a": "/a"}}),
        ),
        "updateTrigger" => (
            "/v1/triggers/0190a000-0000-7000-8000-000000000000",
            json!({"enabled": true}),
        ),
        "createWebhook" => (
            "/v1/webhooks",
            json!({"url": "https://hooks.example.com/x", "events": ["task.succeeded"],
                "description": "d"}),
        ),
        "updateWebhook" => (
            "/v1/webhooks/0190a000-0000-7000-8000-000000000000",
            json!({"description": "d"}),
        ),
        "replaceModelAliases" => ("/v1/models/aliases", json!({"aliases": {"quick": "mock"}})),
        // The URL of a `none` trigger the test makes first.
        "deliverToTrigger" => (HOOK, json!({"a": 1})),
        other => panic!("no base body for operation {other}: add one to bad_input.rs"),
    }
}

/// Operations whose bodies hold only numbers and booleans.
const NO_STRINGS: &[&str] = &["configureQueue", "updateTrigger"];

/// Stands for the URL of a trigger the test makes.
const HOOK: &str = "{hook}";

/// Follows `$ref`s and merges `allOf` into one schema object.
fn resolve(schema: &Value, doc: &Value) -> Value {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().expect("ref name");
        return resolve(&doc["components"]["schemas"][name], doc);
    }
    let Some(parts) = schema["allOf"].as_array() else {
        return schema.clone();
    };
    let mut merged = json!({"type": "object", "properties": {}});
    for part in parts {
        let part = resolve(part, doc);
        if let Some(props) = part["properties"].as_object() {
            for (k, v) in props {
                merged["properties"][k] = v.clone();
            }
        }
    }
    merged
}

fn has_type(schema: &Value, ty: &str) -> bool {
    match &schema["type"] {
        Value::String(t) => t == ty,
        Value::Array(ts) => ts.iter().any(|t| t == ty),
        _ => false,
    }
}

/// Every way to put a NUL into a value of `schema` at `pointer`: (the value, the pointer
/// the answer must name).
fn nul_cases(schema: &Value, doc: &Value, pointer: &str, out: &mut Vec<(String, Value, String)>) {
    let schema = resolve(schema, doc);
    if has_type(&schema, "string") || schema["enum"].is_array() {
        out.push((pointer.into(), json!("a\u{0}b"), pointer.into()));
    } else if has_type(&schema, "array") {
        let mut items = Vec::new();
        nul_cases(&schema["items"], doc, &format!("{pointer}/0"), &mut items);
        for (at, value, expected) in items {
            assert_eq!(
                at,
                format!("{pointer}/0"),
                "nested arrays of objects: extend the walk"
            );
            out.push((pointer.into(), json!([value]), expected));
        }
    } else if let Some(props) = schema["properties"].as_object().filter(|p| !p.is_empty()) {
        for (name, prop) in props {
            nul_cases(prop, doc, &format!("{pointer}/{name}"), out);
        }
    } else if has_type(&schema, "object") || schema.get("type").is_none() {
        // A free-form object, a map, or any value: a NUL in a value and in a key.
        out.push((
            pointer.into(),
            json!({"k": "a\u{0}b"}),
            format!("{pointer}/k"),
        ));
        out.push((pointer.into(), json!({"k\u{0}": 1}), pointer.into()));
    }
}

/// `body` with the member at `pointer` (one level below an object) set to `value`.
fn with_value(body: &Value, pointer: &str, value: Value) -> Value {
    if pointer.is_empty() {
        // A body of any value: the value is the whole body.
        return value;
    }
    let mut body = body.clone();
    let (parent, name) = pointer.rsplit_once('/').expect("a member pointer");
    let target = if parent.is_empty() {
        &mut body
    } else {
        body.pointer_mut(parent).expect("parent exists")
    };
    target
        .as_object_mut()
        .expect("an object")
        .insert(name.to_owned(), value);
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nul_in_any_string_of_any_request_body_is_a_422_naming_it() {
    let app = spawn_api().await;
    app.create_runner(json!({"name": "probe", "model": "mock"}))
        .await;
    let hook: Value = app
        .post(
            "/v1/triggers",
            &json!({"target": {"queue": "probe-q"}, "scheme": "none"}),
        )
        .await
        .json()
        .await
        .expect("trigger");
    let hook = hook["url"].as_str().expect("url").to_owned();
    let doc = app.get_json("/openapi.json").await;
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("operations") {
            let Some(schema) = op.pointer("/requestBody/content/application~1json/schema") else {
                continue;
            };
            let id = op["operationId"].as_str().expect("operationId");
            let (url, body) = base(id);
            let mut cases = Vec::new();
            nul_cases(schema, &doc, "", &mut cases);
            if NO_STRINGS.contains(&id) {
                assert!(cases.is_empty(), "{id} ({path}) has strings now");
                continue;
            }
            assert!(!cases.is_empty(), "{id} ({path}): no string fields found");
            for (at, value, expected) in cases {
                let sent = with_value(&body, &at, value);
                let res = app
                    .client
                    .request(
                        method.to_uppercase().parse().expect("method"),
                        app.url(&url.replace(HOOK, &hook)),
                    )
                    .json(&sent)
                    .send()
                    .await
                    .expect("request");
                let status = res.status();
                let problem: Value = res.json().await.expect("problem json");
                assert_eq!(
                    status,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "{id} {sent}: {problem}"
                );
                assert_eq!(problem["code"], "invalid_body", "{id} {sent}: {problem}");
                let pointers: Vec<&str> = problem["errors"]
                    .as_array()
                    .expect("errors")
                    .iter()
                    .filter_map(|e| e["pointer"].as_str())
                    .collect();
                assert_eq!(pointers, [expected.as_str()], "{id} {sent}");
                checked += 1;
            }
        }
    }
    // Runner fields, schemas, maps, lists and the task's arguments, settings and rules.
    assert!(checked >= 30, "only {checked} cases");
    // Nothing was stored on the way.
    let runners = app.get_json("/v1/runners").await;
    assert_eq!(runners["data"].as_array().expect("data").len(), 1);
}

async fn expect_problem(res: reqwest::Response, status: StatusCode, code: &str) {
    let got = res.status();
    let body: Value = res.json().await.expect("problem json");
    assert_eq!(got, status, "{body}");
    assert_eq!(body["code"], code, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nul_and_out_of_range_values_in_paths_and_queries_are_4xx() {
    let app = spawn_api().await;
    app.create_runner(json!({"name": "probe", "model": "mock"}))
        .await;
    let not_found = StatusCode::NOT_FOUND;
    expect_problem(
        app.get("/v1/runners/%00").await,
        not_found,
        "runner_not_found",
    )
    .await;
    expect_problem(
        app.delete("/v1/runners/%00").await,
        not_found,
        "runner_not_found",
    )
    .await;
    let res = app.post("/v1/runners/%00/tasks", &json!({})).await;
    expect_problem(res, not_found, "runner_not_found").await;
    let res = app
        .put("/v1/runners/a%00b", &json!({"model": "mock"}))
        .await;
    expect_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "invalid_runner").await;
    expect_problem(app.get("/v1/tasks/%00").await, not_found, "task_not_found").await;
    expect_problem(
        app.get("/v1/tasks/%00/events").await,
        not_found,
        "task_not_found",
    )
    .await;

    let bad = StatusCode::BAD_REQUEST;
    for query in [
        "/v1/tasks?runner=%00",
        "/v1/tasks?runner=a%00b",
        "/v1/tasks?created_after=-5000-01-01T00:00:00Z",
        "/v1/tasks?created_before=-5000-01-01T00:00:00Z",
        "/v1/tasks?cursor=00",
        "/v1/tasks?limit=0",
        "/v1/runners?cursor=a%00b",
        "/v1/runners?cursor=Not-A-Name",
        "/v1/runners?limit=101",
    ] {
        expect_problem(app.get(query).await, bad, "invalid_request").await;
    }
    let res = app
        .client
        .post(app.url("/v1/runners/probe/tasks"))
        .header("Idempotency-Key", "caf\u{e9}")
        .json(&json!({}))
        .send()
        .await
        .expect("request");
    expect_problem(res, bad, "invalid_request").await;
}

/// A runner on the fake provider, with an optional output schema.
async fn fake_runner(app: &TestApp, name: &str, output_schema: Option<Value>) {
    let mut runner = json!({"name": name, "model": "fake/gpt-test", "repair_turns": 1});
    if let Some(schema) = output_schema {
        runner["output_schema"] = schema;
    }
    app.create_runner(runner).await;
}

#[tokio::test]
async fn model_replies_with_nul_are_stored_safely_or_rejected_in_one_attempt() {
    let schema = json!({"type": "object", "properties": {"city": {"type": "string"}},
        "required": ["city"]});
    let fake = FakeOpenAi::start(vec![
        // Plain text with a raw NUL: stored, the NUL as U+FFFD.
        Reply::text("Par\u{0}is"),
        // JSON whose string holds an escaped NUL, twice (the reply and one repair turn).
        Reply::text(r#"{"city": "Par\u0000is"}"#),
        Reply::text(r#"{"city": "Par\u0000is"}"#),
        // A provider error whose message holds a NUL.
        Reply::status(400, &[], "bad\u{0}request"),
    ])
    .await;
    let app = spawn_with_provider(fake_provider(&fake.url)).await;
    fake_runner(&app, "plain", None).await;
    fake_runner(&app, "structured", Some(schema)).await;

    let done = app.run_to_end("plain", json!({"arguments": {}})).await;
    assert_eq!(done["status"], "succeeded", "{done}");
    assert_eq!(done["output"], "Par\u{FFFD}is");
    assert_eq!(done["attempts"], 1);

    let done = app.run_to_end("structured", json!({"arguments": {}})).await;
    assert_eq!(done["status"], "failed", "{done}");
    assert_eq!(done["attempts"], 1, "{done}");
    let error = &done["error"];
    assert_eq!(error["code"], "output_invalid", "{error}");
    assert_eq!(error["details"]["raw_output"], r#"{"city": "Par\u0000is"}"#);
    assert_eq!(error["details"]["errors"][0]["pointer"], "/city", "{error}");
    assert!(
        error["details"]["errors"][0]["message"]
            .as_str()
            .expect("message")
            .contains("NUL"),
        "{error}"
    );

    let done = app.run_to_end("plain", json!({"arguments": {}})).await;
    assert_eq!(done["status"], "failed", "{done}");
    assert_eq!(done["attempts"], 1);
    assert_eq!(done["error"]["code"], "provider_error");
    assert_eq!(done["error"]["message"], "bad\u{FFFD}request");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_data_exceptions_become_invalid_value_not_internal_error() {
    let app = spawn_api().await;
    // What a field without a boundary check would send: PostgreSQL refuses NUL in text and
    // out-of-range dates; the one mapping of database errors makes both a 422.
    for (sql, arg) in [
        ("SELECT $1::text", Value::String("a\u{0}b".into())),
        (
            "SELECT $1::text::timestamptz",
            Value::String("50000000-01-01".into()),
        ),
    ] {
        let e = sqlx::query(sql)
            .bind(arg.as_str().expect("text"))
            .execute(&app.pool)
            .await
            .expect_err("the database refuses it");
        let api = errand_http::error::ApiError::from(e);
        assert_eq!(
            api.code(),
            errand_core::error::ErrorCode::InvalidValue,
            "{api}"
        );
    }
}
