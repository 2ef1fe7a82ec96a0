//! The MCP server on the wire, with plain HTTP instead of an SDK: the 2026-07-28 stateless
//! requests and the headers that version requires, the versions `server/discover` offers,
//! and the `Host` check once keys exist.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};
use crate::keys::{make_key, project_key};

const CURRENT: &str = "2026-07-28";

/// The `_meta` every request of the current version carries.
fn meta() -> Value {
    json!({"io.modelcontextprotocol/protocolVersion": CURRENT,
           "io.modelcontextprotocol/clientCapabilities": {}})
}

/// POSTs one JSON-RPC request with the given MCP headers; the status and the body.
async fn post(app: &TestApp, headers: &[(&str, &str)], body: Value) -> (StatusCode, Value) {
    let mut req = app
        .client
        .post(app.url("/mcp"))
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", CURRENT);
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let res = req.json(&body).send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn calculator_call() -> Value {
    json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
           "params": {"name": "calculator", "arguments": {"expression": "2+3"}, "_meta": meta()}})
}

#[tokio::test]
async fn the_current_version_is_stateless_and_checks_its_headers() {
    let app = spawn_app().await;
    let discover = json!({"jsonrpc": "2.0", "id": 1, "method": "server/discover",
                          "params": {"_meta": meta()}});
    let (status, body) = post(&app, &[("mcp-method", "server/discover")], discover).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let versions = body["result"]["supportedVersions"].as_array().unwrap();
    assert!(versions.contains(&json!(CURRENT)), "{body}");
    assert!(versions.contains(&json!("2025-11-25")), "{body}");
    assert!(
        body["result"]["capabilities"]["extensions"]["io.modelcontextprotocol/tasks"].is_object(),
        "{body}"
    );

    // One request, no session, no initialize: the call is answered whole.
    let headers = [("mcp-method", "tools/call"), ("mcp-name", "calculator")];
    let (status, body) = post(&app, &headers, calculator_call()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["result"]["structuredContent"]["result"], json!(5.0));

    // The headers must be there and agree with the body.
    let (status, body) = post(&app, &[("mcp-method", "tools/call")], calculator_call()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Mcp-Name")
    );
    let (status, body) = post(&app, &[("mcp-name", "calculator")], calculator_call()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Mcp-Method")
    );
    let wrong = [("mcp-method", "tools/call"), ("mcp-name", "current_time")];
    let (status, body) = post(&app, &wrong, calculator_call()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("does not match")
    );
    let calls = app.get_json("/v1/tools/calculator/invocations").await;
    assert_eq!(calls["data"].as_array().unwrap().len(), 1, "{calls}");
}

#[tokio::test]
async fn with_keys_only_the_allowed_hosts_reach_mcp() {
    let app = spawn_app().await;
    let (key, _) = make_key(&app, None, json!({"name": "a", "scopes": ["write"]})).await;
    let auth = format!("Bearer {key}");
    let headers = [
        ("authorization", auth.as_str()),
        ("mcp-method", "tools/call"),
        ("mcp-name", "calculator"),
    ];
    let (status, body) = post(&app, &headers, calculator_call()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // A rebinding page names another host; `mcp.allowed_hosts` is loopback by default.
    let mut rebound = headers.to_vec();
    rebound.push(("host", "attacker.example"));
    let (status, body) = post(&app, &rebound, calculator_call()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
}

/// POSTs raw bytes as an MCP request of the 2025-06-18 version (no per-request headers).
async fn post_raw(app: &TestApp, body: &str) -> (StatusCode, String, Value) {
    let res = app
        .client
        .post(app.url("/mcp"))
        .header("accept", "application/json, text/event-stream")
        .header("content-type", "application/json")
        .header("mcp-protocol-version", "2025-06-18")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = res.status();
    let kind = res.headers()["content-type"].to_str().unwrap().to_owned();
    (status, kind, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn bad_messages_get_the_json_rpc_error_their_kind_calls_for() {
    let app = spawn_app().await;
    let cases = [
        ("{not json", StatusCode::BAD_REQUEST, -32700),
        (
            r#"[{"jsonrpc":"2.0","id":1,"method":"tools/list"}]"#,
            StatusCode::BAD_REQUEST,
            -32600,
        ),
        (
            r#"{"jsonrpc":"2.0","id":1}"#,
            StatusCode::BAD_REQUEST,
            -32600,
        ),
        (
            r#"{"id":1,"method":"tools/list"}"#,
            StatusCode::BAD_REQUEST,
            -32600,
        ),
        (
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"nome":"x"}}"#,
            StatusCode::OK,
            -32602,
        ),
    ];
    for (body, status, code) in cases {
        let (got, kind, answer) = post_raw(&app, body).await;
        assert_eq!(got, status, "{body}: {answer}");
        assert!(kind.starts_with("application/json"), "{body}: {kind}");
        assert_eq!(answer["error"]["code"], json!(code), "{body}: {answer}");
    }
    // A transport refusal (here: no acceptable response type) carries a JSON body too.
    let res = app
        .client
        .post(app.url("/mcp"))
        .header("accept", "text/plain")
        .header("mcp-protocol-version", "2025-06-18")
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error(), "{}", res.status());
    assert_eq!(res.headers()["content-type"], "application/json");
    let answer: Value = res.json().await.unwrap();
    assert!(answer["error"]["message"].is_string(), "{answer}");
}

#[tokio::test]
async fn a_browser_client_s_preflight_is_allowed_for_a_configured_origin() {
    let mut settings = crate::helpers::test_settings();
    settings.mcp.allowed_origins = vec!["http://localhost:*".into()];
    let app = crate::helpers::spawn(errand::service::Mode::ALL, settings).await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.url("/mcp"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization, content-type, mcp-protocol-version, mcp-method, mcp-name",
            )
            .send()
    };
    let allowed = preflight("http://localhost:5173").await.unwrap();
    assert!(allowed.status().is_success(), "{}", allowed.status());
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "http://localhost:5173"
    );
    let headers = allowed.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    for name in [
        "mcp-protocol-version",
        "mcp-method",
        "mcp-name",
        "authorization",
    ] {
        assert!(headers.contains(name), "{headers}");
    }
    let refused = preflight("https://evil.example").await.unwrap();
    assert!(
        !refused
            .headers()
            .contains_key("access-control-allow-origin"),
        "{:?}",
        refused.headers()
    );
}

/// The JSON-RPC messages of an SSE body (its `data:` lines).
fn sse_messages(body: &str) -> Vec<Value> {
    body.lines()
        .filter_map(|line| line.strip_prefix("data:"))
        .filter_map(|data| serde_json::from_str(data.trim()).ok())
        .collect()
}

#[tokio::test]
async fn a_blocking_call_that_asks_for_progress_gets_the_task_s_events_first() {
    let app = spawn_app().await;
    app.create_runner(json!({"name": "steady", "model": "mock",
        "model_settings": {"mock": {"text": "all done", "delay_ms": 300}}}))
        .await;
    let call = json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call",
        "params": {"name": "run_steady_task", "arguments": {},
                   "_meta": {"progressToken": "p-1",
                             "io.modelcontextprotocol/protocolVersion": CURRENT,
                             "io.modelcontextprotocol/clientCapabilities": {}}}});
    let res = app
        .client
        .post(app.url("/mcp"))
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", CURRENT)
        .header("mcp-method", "tools/call")
        .header("mcp-name", "run_steady_task")
        .json(&call)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let content_type = res.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(
        content_type.starts_with("text/event-stream"),
        "{content_type}"
    );
    let messages = sse_messages(&res.text().await.unwrap());
    let (notes, rest): (Vec<&Value>, Vec<&Value>) = messages
        .iter()
        .partition(|m| m["method"] == "notifications/progress");
    assert!(!notes.is_empty(), "{messages:?}");
    assert!(notes.iter().all(|n| n["params"]["progressToken"] == "p-1"));
    let progress: Vec<f64> = notes
        .iter()
        .map(|n| n["params"]["progress"].as_f64().unwrap())
        .collect();
    assert!(progress.windows(2).all(|w| w[0] < w[1]), "{progress:?}");
    let kinds: Vec<&str> = notes
        .iter()
        .filter_map(|n| n["params"]["message"].as_str())
        .collect();
    // Every event of the task, from its first: the ones logged before the call saw the
    // task too.
    assert_eq!(progress[0], 1.0, "{progress:?}");
    for kind in [
        "task.queued",
        "task.started",
        "message.delta",
        "task.succeeded",
    ] {
        assert!(kinds.contains(&kind), "{kinds:?}");
    }
    // The result comes last, after every notification.
    assert_eq!(messages.last(), rest.last().copied());
    assert_eq!(rest.len(), 1, "{messages:?}");
    assert_eq!(rest[0]["id"], 7);
    assert_eq!(
        rest[0]["result"]["content"][0]["text"], "all done",
        "{messages:?}"
    );

    // Without a token the same call is plain JSON.
    let headers = [
        ("mcp-method", "tools/call"),
        ("mcp-name", "run_steady_task"),
    ];
    let plain = json!({"jsonrpc": "2.0", "id": 8, "method": "tools/call",
        "params": {"name": "run_steady_task", "arguments": {}, "_meta": meta()}});
    let (status, body) = post(&app, &headers, plain).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["result"]["content"][0]["text"], "all done", "{body}");
}

/// One JSON-RPC request of the current version from `key`, with its MCP headers.
async fn request(
    app: &TestApp,
    key: &str,
    method: &str,
    name: Option<&str>,
    params: Value,
) -> Value {
    let mut params = params;
    params["_meta"] = meta();
    let auth = format!("Bearer {key}");
    let mut headers = vec![("authorization", auth.as_str()), ("mcp-method", method)];
    if let Some(name) = name {
        headers.push(("mcp-name", name));
    }
    let body = json!({"jsonrpc": "2.0", "id": 3, "method": method, "params": params});
    post(app, &headers, body).await.1
}

#[tokio::test]
async fn a_lost_task_handle_is_found_among_the_project_s_resources_and_nowhere_else() {
    let app = spawn_app().await;
    let (admin, _) = make_key(&app, None, json!({"name": "a", "scopes": ["admin"]})).await;
    let other = project_key(&app, &admin, "other", json!(["write"])).await;
    let res = app
        .client
        .post(app.url("/v1/runners"))
        .bearer_auth(&admin)
        .json(&json!({"name": "echo", "model": "mock"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = app
        .client
        .post(app.url("/v1/runners/echo/tasks"))
        .bearer_auth(&admin)
        .json(&json!({"arguments": {}}))
        .send()
        .await
        .unwrap();
    let task: Value = res.json().await.unwrap();
    let uri = format!("errand://tasks/{}", task["id"].as_str().unwrap());

    let listed = request(&app, &admin, "resources/list", None, json!({})).await;
    let uris: Vec<&Value> = listed["result"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["uri"])
        .collect();
    assert_eq!(uris, [&json!(uri)], "{listed}");
    let read = request(
        &app,
        &admin,
        "resources/read",
        Some(&uri),
        json!({"uri": uri}),
    )
    .await;
    let contents = &read["result"]["contents"][0];
    assert_eq!(contents["mimeType"], "application/json", "{read}");
    let shown: Value = serde_json::from_str(contents["text"].as_str().unwrap()).unwrap();
    assert_eq!(shown["id"], task["id"]);
    let templates = request(&app, &admin, "resources/templates/list", None, json!({})).await;
    assert_eq!(
        templates["result"]["resourceTemplates"][0]["uriTemplate"],
        "errand://tasks/{task_id}"
    );

    // Another project's key sees none of it.
    let listed = request(&app, &other, "resources/list", None, json!({})).await;
    assert_eq!(listed["result"]["resources"], json!([]), "{listed}");
    let read = request(
        &app,
        &other,
        "resources/read",
        Some(&uri),
        json!({"uri": uri}),
    )
    .await;
    assert!(
        read["result"].is_null() && read["error"].is_object(),
        "{read}"
    );
    // Params that do not fit are -32602 in an HTTP 200, never "method not found".
    let auth = format!("Bearer {admin}");
    for (method, params) in [
        ("resources/read", json!({"_meta": meta()})),
        ("resources/read", json!({"uri": 5, "_meta": meta()})),
        ("resources/list", json!({"cursor": 5, "_meta": meta()})),
        ("tools/list", json!({"cursor": {}, "_meta": meta()})),
    ] {
        let headers = [
            ("authorization", auth.as_str()),
            ("mcp-method", method),
            ("mcp-name", ""),
        ];
        let body = json!({"jsonrpc": "2.0", "id": 9, "method": method, "params": params});
        let (status, answer) = post(&app, &headers, body).await;
        assert_eq!(status, StatusCode::OK, "{method}: {answer}");
        assert_eq!(answer["error"]["code"], -32602, "{method}: {answer}");
        assert_eq!(answer["id"], 9, "{method}: {answer}");
    }
    // SEP-2663 has no `tasks/list`.
    let gone = request(&app, &admin, "tasks/list", None, json!({})).await;
    assert_eq!(gone["error"]["code"], -32601, "{gone}");
}
