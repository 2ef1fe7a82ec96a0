//! A real browser: headless Chromium opens `EventSource` on a task from a page served on
//! another origin (so CORS is exercised too) and reports what it received.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{App, HttpResponse, HttpServer, web};
use serde_json::{Value, json};

use crate::helpers::{spawn, test_settings};

pub const CANDIDATES: &[&str] = &["chromium", "chromium-browser", "google-chrome"];

fn chromium() -> Option<&'static str> {
    CANDIDATES.iter().copied().find(|name| {
        Command::new(name)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// Chromium for the test `what`, or `None` with a `SKIPPED` line when this machine has none.
/// CI installs Chromium: a missing browser there is a broken set-up, not a skip (it fails).
pub fn chromium_or_skip(what: &str) -> Option<&'static str> {
    let found = chromium();
    if found.is_none() {
        assert!(
            std::env::var("CI").is_err(),
            "CI is set but Chromium is missing: .ci/run installs the Debian package `chromium`"
        );
        // Written past the test harness's capture, so the skip shows in every run.
        let _ = writeln!(
            std::io::stderr().lock(),
            "SKIPPED {what}: no Chromium here (install the Debian package `chromium`; .ci/run does)"
        );
    }
    found
}

/// Flags for a headless Chromium on this machine (no sandbox as root, no background
/// connections to the closed network), with a fresh profile.
pub const HEADLESS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-gpu",
    "--disable-dev-shm-usage",
];

/// The page: follows the task's events until the terminal one, then posts them back.
fn page(api: &str, task_id: &str) -> String {
    format!(
        r#"<!doctype html><html><body><script>
const types = ["task.queued", "task.started", "message.delta", "message.completed",
  "tool_call.started", "tool_call.completed", "usage", "task.output",
  "task.succeeded", "task.failed", "task.cancelled", "task.timed_out"];
const terminal = new Set(["task.succeeded", "task.failed", "task.cancelled", "task.timed_out"]);
const got = [];
const es = new EventSource("{api}/v1/tasks/{task_id}/events");
const report = (body) => fetch("/report", {{method: "POST", body: JSON.stringify(body)}});
for (const type of types) {{
  es.addEventListener(type, (e) => {{
    got.push({{id: Number(e.lastEventId), type: e.type, data: JSON.parse(e.data)}});
    if (terminal.has(e.type)) {{ es.close(); report({{events: got}}); }}
  }});
}}
es.onerror = () => {{ if (es.readyState === EventSource.CLOSED) report({{error: "closed", events: got}}); }};
</script></body></html>"#
    )
}

#[tokio::test]
async fn headless_chromium_follows_a_task_with_event_source() {
    let Some(browser) = chromium_or_skip("headless_chromium_follows_a_task_with_event_source")
    else {
        return;
    };

    // The page's own server, on its own port: a different origin from the API.
    let reports: Arc<Mutex<Option<Value>>> = Arc::default();
    let html: Arc<Mutex<String>> = Arc::default();
    let (sink, source) = (reports.clone(), html.clone());
    let server = HttpServer::new(move || {
        let (sink, source) = (sink.clone(), source.clone());
        App::new()
            .route(
                "/",
                web::get().to(move || {
                    let body = source.lock().unwrap().clone();
                    async move { HttpResponse::Ok().content_type("text/html").body(body) }
                }),
            )
            .route(
                "/report",
                web::post().to(move |body: web::Bytes| {
                    *sink.lock().unwrap() = serde_json::from_slice(&body).ok();
                    async { HttpResponse::NoContent().finish() }
                }),
            )
    })
    .workers(1)
    .disable_signals()
    .bind(("127.0.0.1", 0))
    .unwrap();
    let page_origin = format!("http://127.0.0.1:{}", server.addrs()[0].port());
    tokio::spawn(server.run());

    let mut settings = test_settings();
    settings.server.cors_allowed_origins = vec![page_origin.clone()];
    let app = spawn(errand::service::Mode::ALL, settings).await;
    let mut runner = crate::helpers::echo_runner("browsed");
    runner["output_schema"] = Value::Null;
    runner["model_settings"] = json!({"mock": {"text": "hello, browser", "delay_ms": 1500}});
    app.create_runner(runner).await;
    let task = app
        .submit("browsed", json!({"arguments": {"text": "x"}}))
        .await;
    let id = task["id"].as_str().unwrap();
    *html.lock().unwrap() = page(&app.address, id);

    let profile = std::env::temp_dir().join(format!("errand-chromium-{}", uuid::Uuid::now_v7()));
    let mut child = Command::new(browser)
        .args(HEADLESS)
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("{page_origin}/"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");

    let start = Instant::now();
    let report = loop {
        if let Some(report) = reports.lock().unwrap().take() {
            break report;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("the page reported nothing in 60 s");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&profile);

    assert!(report.get("error").is_none(), "{report}");
    let events = report["events"].as_array().unwrap();
    let seen: Vec<(i64, String)> = events
        .iter()
        .map(|e| {
            (
                e["id"].as_i64().unwrap(),
                e["type"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let log = crate::sse_client::log_ids(&app.events(id).await);
    assert_eq!(seen, log, "the browser saw the whole log, in order");
    let last = events.last().unwrap();
    assert_eq!(last["type"], "task.succeeded");
    assert_eq!(last["data"]["data"]["task"]["output"], "hello, browser");
}

#[tokio::test]
async fn the_docs_page_is_served_whole_from_the_binary_and_renders_offline() {
    let app = crate::helpers::spawn_api().await;
    let client = reqwest::Client::builder()
        .tls_backend_preconfigured(errand_core::llm::http::tls_config().unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = client.get(app.url("/docs")).send().await.unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::PERMANENT_REDIRECT);
    assert_eq!(res.headers()["location"], "/docs/");
    let html = app.get("/docs/").await.text().await.unwrap();
    // Every asset the page loads is relative, and this server has it.
    let mut assets = Vec::new();
    for attr in ["src=\"", "href=\""] {
        for part in html.split(attr).skip(1) {
            assets.push(part.split('"').next().unwrap().to_owned());
        }
    }
    assert!(assets.len() >= 4, "{html}");
    for asset in &assets {
        assert!(!asset.contains("://"), "{asset} leaves the host");
        let path = format!("/docs/{}", asset.trim_start_matches("./"));
        assert_eq!(
            app.get(&path).await.status(),
            reqwest::StatusCode::OK,
            "{path}"
        );
    }
    let init = app
        .get("/docs/swagger-initializer.js")
        .await
        .text()
        .await
        .unwrap();
    assert!(init.contains("\"url\": \"/openapi.json\""), "{init}");
    assert!(init.contains("\"validatorUrl\": \"none\""), "{init}");

    let Some(browser) = chromium_or_skip("the docs page render") else {
        return;
    };
    let profile = std::env::temp_dir().join(format!("errand-chromium-{}", uuid::Uuid::now_v7()));
    let out = tokio::process::Command::new(browser)
        .args(HEADLESS)
        .args(["--virtual-time-budget=15000", "--dump-dom"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(app.url("/docs/"))
        .output()
        .await
        .expect("run chromium");
    let _ = std::fs::remove_dir_all(&profile);
    let dom = String::from_utf8_lossy(&out.stdout);
    // Rendered from /openapi.json by the bundled UI: operation summaries are on the page.
    for summary in ["Submit a task", "Register a runner", "Cancel a task"] {
        assert!(
            dom.contains(summary),
            "the docs page did not render {summary:?}"
        );
    }
}
