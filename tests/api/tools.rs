//! The tool registry through HTTP: listing in three formats, invoking each built-in, HTTP
//! tools with secret headers against a test server, runners as tools, and the record of
//! invocations.

use std::sync::{Arc, Mutex};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use errand::service::Mode;
use errand_core::config::SecretSettings;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, echo_runner, spawn, spawn_app, test_settings, violation_pointers};

const SECRET: &str = "s3cr3t-crm-token-8d1f0a";

/// What the test tool server saw: each request's method, query, `authorization` header and
/// body.
type Seen = Arc<Mutex<Vec<Value>>>;

/// A JSON tool server on 127.0.0.2: `/lookup` answers `{"customer": …}` from the arguments,
/// `/bad` answers text, `/fail` a 500, `/leak` a 500 whose body echoes the `authorization`
/// header across the point where an error's excerpt is cut (500 characters).
async fn tool_server() -> (u16, Seen) {
    let seen: Seen = Arc::default();
    let shared = web::Data::new(seen.clone());
    let server = HttpServer::new(move || {
        App::new().app_data(shared.clone()).default_service(web::to(
            |req: HttpRequest, body: web::Bytes, seen: web::Data<Seen>| async move {
                let auth = req
                    .headers()
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                let args: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                seen.lock().unwrap().push(json!({
                    "method": req.method().as_str(), "query": req.query_string(),
                    "authorization": auth, "plain": req.headers().get("x-plain")
                        .and_then(|v| v.to_str().ok()), "body": args,
                }));
                match req.path() {
                    "/bad" => HttpResponse::Ok().body("not json"),
                    "/leak" => HttpResponse::InternalServerError().body(format!(
                        "{}{}!",
                        "x".repeat(490),
                        auth.unwrap_or_default()
                    )),
                    "/fail" => HttpResponse::InternalServerError().body("down"),
                    _ => HttpResponse::Ok().json(json!({"customer": args["id"], "tier": "gold"})),
                }
            },
        ))
    })
    .workers(1)
    .disable_signals()
    .bind(("127.0.0.2", 0))
    .expect("bind the tool server");
    let port = server.addrs()[0].port();
    tokio::spawn(server.run());
    (port, seen)
}

/// An app whose secret `crm` may go to the tool server at `port`, over plain http: the
/// origin is written out, a bare host would mean https on 443.
async fn app_with_secret(port: u16) -> TestApp {
    let mut settings = test_settings();
    settings.fetch.allow_hosts = vec!["127.0.0.2".into()];
    let mut secret = SecretSettings::with_value(SECRET);
    secret.hosts = vec![format!("http://127.0.0.2:{port}")];
    settings.tools.secrets.insert("crm".into(), secret);
    spawn(Mode::ALL, settings).await
}

async fn invoke(app: &TestApp, tool: &str, body: Value) -> (StatusCode, Value) {
    let res = app.post(&format!("/v1/tools/{tool}/invoke"), &body).await;
    let status = res.status();
    (status, res.json().await.expect("json"))
}

fn names(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|t| {
            t["name"]
                .as_str()
                .or(t["function"]["name"].as_str())
                .expect("name")
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn the_registry_lists_every_tool_in_three_formats() {
    let app = spawn_app().await;
    let mut closed = echo_runner("summarize");
    closed["input_schema"] = json!({"type": "object", "properties": {"text": {"type": "string"}},
        "required": ["text"], "additionalProperties": false});
    app.create_runner(closed).await;
    let res = app
        .post(
            "/v1/tools",
            &json!({"name": "lookup", "description": "Find a customer",
                "url": "https://crm.example.com/lookup", "read_only": true,
                "input_schema": {"type": "object", "properties": {"id": {"type": "string"}}}}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);

    let page = app.get_json("/v1/tools").await;
    assert_eq!(
        names(&page),
        [
            "ask_human",
            "calculator",
            "current_time",
            "delete_file",
            "http_fetch",
            "list_files",
            "lookup",
            "read_file",
            "run_summarize_task",
            "write_file"
        ]
    );
    let by_name = |page: &Value, name: &str| {
        page["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name || t["function"]["name"] == name)
            .cloned()
            .unwrap()
    };
    let runner = by_name(&page, "run_summarize_task");
    assert_eq!(runner["kind"], "runner");
    assert_eq!(runner["runner"], "summarize");
    assert_eq!(
        runner["read_only"], true,
        "a runner without tools changes nothing"
    );
    assert_eq!(runner["input_schema"]["required"], json!(["text"]));
    assert_eq!(runner["output_schema"]["required"], json!(["text"]));
    let lookup = by_name(&page, "lookup");
    assert_eq!(
        (lookup["kind"].clone(), lookup["read_only"].clone()),
        (json!("http"), json!(true))
    );
    assert_eq!(lookup["http"]["url"], "https://crm.example.com/lookup");
    assert_eq!(by_name(&page, "http_fetch")["read_only"], false);

    let openai = app.get_json("/v1/tools?format=openai").await;
    let f = by_name(&openai, "run_summarize_task");
    assert_eq!(f["type"], "function");
    assert_eq!(f["function"]["strict"], true, "{f}");
    assert_eq!(f["function"]["parameters"]["additionalProperties"], false);
    assert_eq!(by_name(&openai, "lookup")["function"]["strict"], false);

    let mcp = app.get_json("/v1/tools?format=mcp").await;
    let m = by_name(&mcp, "run_summarize_task");
    assert_eq!(m["inputSchema"]["required"], json!(["text"]));
    assert_eq!(m["outputSchema"]["type"], "object");
    assert_eq!(m["annotations"]["readOnlyHint"], true);
    assert_eq!(m["execution"]["taskSupport"], "optional");
    assert_eq!(
        by_name(&mcp, "http_fetch")["annotations"]["readOnlyHint"],
        false
    );

    // Pages, by name.
    let first = app.get_json("/v1/tools?limit=4").await;
    assert_eq!(names(&first).len(), 4);
    let cursor = first["next_cursor"].as_str().expect("cursor");
    let rest = app
        .get_json(&format!("/v1/tools?limit=4&cursor={cursor}"))
        .await;
    assert_eq!(
        names(&rest),
        ["http_fetch", "list_files", "lookup", "read_file"]
    );
    let cursor = rest["next_cursor"].as_str().expect("cursor");
    let last = app
        .get_json(&format!("/v1/tools?limit=4&cursor={cursor}"))
        .await;
    assert_eq!(names(&last), ["run_summarize_task", "write_file"]);
    assert_eq!(last["next_cursor"], Value::Null);

    // Built-ins and runner tools are not edited here; an unknown tool is a 404.
    let res = app.delete("/v1/tools/calculator").await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let res = app
        .put(
            "/v1/tools/run_summarize_task",
            &json!({"url": "https://x.example.com"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(
        app.get("/v1/tools/nope").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn built_in_tools_are_invoked_checked_and_recorded() {
    let app = spawn_app().await;
    let (status, out) = invoke(
        &app,
        "calculator",
        json!({"arguments": {"expression": "2*(3+4)"}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!(out["output"]["result"], json!(14.0), "{out}");
    assert_eq!(out["error"], Value::Null);

    let res = app
        .post(
            "/v1/tools/calculator/invoke",
            &json!({"arguments": {"expression": 7}}),
        )
        .await;
    assert_eq!(
        violation_pointers(res, "invalid_arguments").await,
        ["/arguments/expression"]
    );

    let (status, out) = invoke(&app, "current_time", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert!(out["output"].to_string().contains("20"), "{out}");

    // http_fetch goes through the guard: loopback is refused, as a tool error.
    let (status, out) = invoke(
        &app,
        "http_fetch",
        json!({"arguments": {"url": "http://127.0.0.1:9/x"}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(out["error"].as_str().unwrap().contains("refused"), "{out}");

    let res = app
        .post(
            "/v1/tools/ask_human/invoke",
            &json!({"arguments": {"question": "?"}}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let problem: Value = res.json().await.unwrap();
    assert_eq!(problem["code"], "tool_not_invocable");
    let res = app.post("/v1/tools/nope/invoke", &json!({})).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    let calls = app.get_json("/v1/tools/calculator/invocations").await;
    let data = calls["data"].as_array().unwrap();
    assert_eq!(
        data.len(),
        1,
        "the refused call is not an invocation: {calls}"
    );
    assert_eq!(data[0]["source"], "api");
    assert_eq!(data[0]["caller"], "open");
    assert_eq!(data[0]["arguments"], json!({"expression": "2*(3+4)"}));
    assert_eq!(data[0]["output"]["result"], json!(14.0));
    let fetches = app.get_json("/v1/tools/http_fetch/invocations").await;
    assert!(
        fetches["data"][0]["error"]
            .as_str()
            .unwrap()
            .contains("refused")
    );
}

#[tokio::test]
async fn an_http_tool_sends_its_secret_but_never_shows_it() {
    let (port, seen) = tool_server().await;
    let app = app_with_secret(port).await;
    let base = format!("http://127.0.0.2:{port}");
    let definition = json!({
        "name": "lookup", "description": "Find a customer", "url": format!("{base}/lookup"),
        "input_schema": {"type": "object", "properties": {"id": {"type": "string"}},
            "required": ["id"]},
        "output_schema": {"type": "object", "required": ["customer"],
            "properties": {"customer": {"type": "string"}}},
        "headers": {"authorization": {"secret": "crm"}, "x-plain": "hello"},
        "read_only": true
    });
    let res = app.post("/v1/tools", &definition).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let created = res.text().await.unwrap();
    assert!(created.contains(r#"{"secret":"crm"}"#), "{created}");

    let (status, out) = invoke(&app, "lookup", json!({"arguments": {"id": "c-42"}})).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!(out["output"], json!({"customer": "c-42", "tier": "gold"}));
    let request = seen.lock().unwrap()[0].clone();
    assert_eq!(request["method"], "POST");
    assert_eq!(request["authorization"], SECRET);
    assert_eq!(request["plain"], "hello");
    assert_eq!(request["body"], json!({"id": "c-42"}));

    // The model of a task calls it too.
    app.create_runner(
        json!({"name": "crm", "model": "mock", "toolkits": ["lookup"],
        "model_settings": {"mock": {"turns": [
            {"tool_calls": [{"name": "lookup", "arguments": {"id": "c-7"}}]},
            {"text": "found {{tool_result}}"}]}}}),
    )
    .await;
    let task = app.run_to_end("crm", json!({"arguments": {}})).await;
    assert_eq!(task["status"], "succeeded", "{task}");
    assert!(task["output"].as_str().unwrap().contains("c-7"), "{task}");
    assert_eq!(seen.lock().unwrap()[1]["authorization"], SECRET);
    let id = task["id"].as_str().unwrap();

    // Nothing a client can read holds the secret.
    for path in [
        "/v1/tools".to_owned(),
        "/v1/tools/lookup".to_owned(),
        "/v1/tools?format=mcp".to_owned(),
        "/v1/tools/lookup/invocations".to_owned(),
        format!("/v1/tasks/{id}"),
        format!("/v1/tasks/{id}/events"),
        format!("/v1/tasks/{id}/steps"),
    ] {
        let text = app.get(&path).await.text().await.unwrap();
        assert!(!text.contains(SECRET), "{path} shows the secret: {text}");
    }
    let invocations = app.get_json("/v1/tools/lookup/invocations").await;
    let sources: Vec<&str> = invocations["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["task", "api"], "newest first");

    // An answer that is not JSON, or breaks the output schema, or a failing server, is an
    // error result; a GET sends the arguments as query parameters.
    for (path, method, expect) in [
        ("/bad", "POST", "not JSON"),
        ("/fail", "POST", "HTTP 500"),
        ("/lookup", "GET", "output schema"),
    ] {
        let mut changed = definition.clone();
        changed["url"] = json!(format!("{base}{path}"));
        changed["method"] = json!(method);
        let res = app.put("/v1/tools/lookup", &changed).await;
        assert_eq!(res.status(), StatusCode::OK);
        let (status, out) = invoke(&app, "lookup", json!({"arguments": {"id": "q"}})).await;
        assert_eq!(status, StatusCode::OK);
        let error = out["error"].as_str().unwrap_or_default();
        assert!(error.contains(expect), "{path}: {out}");
    }
    let last = seen.lock().unwrap().last().cloned().unwrap();
    assert_eq!(
        (last["method"].clone(), last["query"].clone()),
        (json!("GET"), json!("id=q"))
    );

    // A secret is sent only where the settings allow: its scheme, host and port.
    for url in [
        "https://attacker.example.com/collect".to_owned(),
        format!("https://127.0.0.2:{port}/lookup"),
        format!("http://127.0.0.2:{}/lookup", port.wrapping_add(1)),
        "http://127.0.0.2/lookup".to_owned(),
    ] {
        let mut elsewhere = definition.clone();
        elsewhere["name"] = json!("leak");
        elsewhere["url"] = json!(url);
        let res = app.post("/v1/tools", &elsewhere).await;
        assert_eq!(
            violation_pointers(res, "invalid_tool").await,
            ["/headers/authorization/secret"],
            "{url}"
        );
    }
    let mut bad = definition.clone();
    bad["name"] = json!("run_x_task");
    bad["url"] = json!("ftp://x");
    bad["headers"] = json!({"host": "x"});
    bad["input_schema"] = json!({"type": "array"});
    let res = app.post("/v1/tools", &bad).await;
    let mut pointers = violation_pointers(res, "invalid_tool").await;
    pointers.sort();
    assert_eq!(
        pointers,
        ["/headers/host", "/input_schema/type", "/name", "/url"]
    );
    let res = app.post("/v1/tools", &definition).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    // Runner `crm` lists it: deleted once the runner is.
    assert_eq!(
        app.delete("/v1/tools/lookup").await.status(),
        StatusCode::CONFLICT
    );
    assert_eq!(
        app.delete("/v1/runners/crm").await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.delete("/v1/tools/lookup").await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get("/v1/tools/lookup").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_secret_echoed_across_the_cut_of_an_error_never_shows() {
    let (port, seen) = tool_server().await;
    let app = app_with_secret(port).await;
    let res = app
        .post(
            "/v1/tools",
            &json!({"name": "echoer", "url": format!("http://127.0.0.2:{port}/leak"),
                "headers": {"authorization": {"secret": "crm"}}, "read_only": true}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let (status, out) = invoke(&app, "echoer", json!({"arguments": {}})).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!(seen.lock().unwrap()[0]["authorization"], SECRET);
    // The secret straddled the 500-character cut: blanked whole, then cut.
    let error = out["error"].as_str().unwrap_or_default();
    assert!(error.contains("HTTP 500"), "{out}");
    assert!(error.contains(&format!("{}***!", "x".repeat(490))), "{out}");

    app.create_runner(
        json!({"name": "echo_crm", "model": "mock", "toolkits": ["echoer"],
        "model_settings": {"mock": {"turns": [
            {"tool_calls": [{"name": "echoer", "arguments": {}}]},
            {"text": "{{tool_result}}"}]}}}),
    )
    .await;
    let task = app.run_to_end("echo_crm", json!({"arguments": {}})).await;
    assert_eq!(task["status"], "succeeded", "{task}");
    let output = task["output"].as_str().unwrap_or_default();
    assert!(
        output.contains("HTTP 500") && output.contains("***"),
        "{task}"
    );
    let id = task["id"].as_str().unwrap();

    // No 8 characters of the secret in a row, anywhere a client reads.
    let pieces: Vec<&str> = (0..=SECRET.len() - 8).map(|i| &SECRET[i..i + 8]).collect();
    for path in [
        "/v1/tools/echoer/invocations".to_owned(),
        format!("/v1/tasks/{id}"),
        format!("/v1/tasks/{id}/events"),
        format!("/v1/tasks/{id}/steps"),
    ] {
        let text = app.get(&path).await.text().await.unwrap();
        for piece in &pieces {
            assert!(!text.contains(piece), "{path} shows {piece:?}: {text}");
        }
    }
}

#[tokio::test]
async fn a_runner_is_a_tool_that_starts_a_task() {
    let app = spawn_app().await;
    app.create_runner(echo_runner("echo")).await;
    let (status, out) = invoke_waiting(
        &app,
        "run_echo_task",
        json!({"arguments": {"text": "hi"}}),
        10,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!(out["output"], json!({"text": "hi"}));
    assert_eq!(out["task"]["status"], "succeeded");

    // Without a wait: 202 and the task to follow.
    let res = app
        .client
        .post(app.url("/v1/tools/run_echo_task/invoke"))
        .header("idempotency-key", "once")
        .json(&json!({"arguments": {"text": "later"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let out: Value = res.json().await.unwrap();
    let id = out["task"]["id"].as_str().unwrap().to_owned();
    assert_eq!(location, format!("/v1/tasks/{id}"));
    assert_eq!(out["output"], Value::Null);
    let done = app.wait_for_status(&id, "succeeded").await;
    assert_eq!(done["output"], json!({"text": "later"}));
    // The same key gives the same task.
    let again: Value = app
        .client
        .post(app.url("/v1/tools/run_echo_task/invoke"))
        .header("idempotency-key", "once")
        .json(&json!({"arguments": {"text": "later"}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again["task"]["id"], id.as_str());

    let res = app
        .post(
            "/v1/tools/run_echo_task/invoke",
            &json!({"arguments": {"n": -1}}),
        )
        .await;
    let mut pointers = violation_pointers(res, "invalid_arguments").await;
    pointers.sort();
    assert_eq!(pointers, ["/arguments", "/arguments/n"]);
    let calls = app.get_json("/v1/tools/run_echo_task/invocations").await;
    let first = calls["data"].as_array().unwrap().last().cloned().unwrap();
    assert_eq!(first["output"], json!({"text": "hi"}));
    assert!(first["task_id"].is_string());
    // The call answered 202 before its task ended shows the task's result now.
    let later: Vec<&Value> = calls["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["task_id"] == id.as_str())
        .collect();
    assert!(!later.is_empty(), "{calls}");
    for call in later {
        assert_eq!(call["output"], json!({"text": "later"}), "{call}");
        assert!(call["duration_ms"].as_i64().unwrap() >= 0);
    }
}

async fn invoke_waiting(app: &TestApp, tool: &str, body: Value, wait: u64) -> (StatusCode, Value) {
    let res = app
        .post(&format!("/v1/tools/{tool}/invoke?wait={wait}"), &body)
        .await;
    let status = res.status();
    (status, res.json().await.expect("json"))
}
