//! The dashboard in a real browser: headless Chromium opens a runner's page, submits a task
//! with the page's own form, follows the model's text as it streams and the task's end on
//! the task page, and the overview counts it. The screenshot it takes is the README's.

use std::time::Duration;

use serde_json::json;

use crate::browser::{HEADLESS, chromium_or_skip};
use crate::cdp::Browser;
use crate::helpers::{TestApp, spawn_app};
use crate::keys::make_key;

const TEXT: &str = "Hello from the dashboard: this text arrives in pieces.";

async fn runner(app: &TestApp) {
    app.create_runner(json!({"name": "greeter",
        "model_settings": {"mock": {"text": TEXT, "delay_ms": 2000}}}))
        .await;
}

async fn wait(page: &mut Browser, what: &str, expression: &str) {
    if let Err(shown) = page.wait_for(expression, Duration::from_secs(30)).await {
        panic!("{what}: not within 30 s; the page shows: {shown}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_submitted_in_the_dashboard_streams_its_text_and_ends() {
    let Some(binary) =
        chromium_or_skip("a_task_submitted_in_the_dashboard_streams_its_text_and_ends")
    else {
        return;
    };
    let app = spawn_app().await;
    runner(&app).await;
    let mut page = Browser::open(binary, HEADLESS, &app.url("/#/runners/greeter")).await;
    wait(
        &mut page,
        "the runner's form",
        "!!document.querySelector('#run')",
    )
    .await;
    page.eval("document.querySelector('#arguments').value = '{}'; document.querySelector('#run').click(); true")
        .await;
    wait(
        &mut page,
        "the task page",
        "location.hash.startsWith('#/tasks/')",
    )
    .await;
    let id = page.eval("location.hash.slice('#/tasks/'.length)").await;
    let id = id.as_str().expect("id").to_owned();
    // Part of the text while the task still runs: it streams, it does not arrive at the end.
    wait(
        &mut page,
        "streamed text before the end",
        "(() => { const t = document.querySelector('#streamed')?.textContent || ''; \
           const live = document.querySelector('#live')?.textContent || ''; \
           return t.length > 0 && !live.startsWith('Ended'); })()",
    )
    .await;
    wait(
        &mut page,
        "the end",
        "document.querySelector('#live')?.textContent === 'Ended: succeeded'",
    )
    .await;
    wait(
        &mut page,
        "the final status",
        "document.querySelector('#task-summary')?.innerText.includes('succeeded')",
    )
    .await;
    let streamed = page
        .eval("document.querySelector('#streamed').textContent")
        .await;
    assert_eq!(streamed, TEXT);
    let task = app.task(&id).await;
    assert_eq!(task["status"], "succeeded", "{task}");
    assert_eq!(task["output"], TEXT, "{task}");
    let shot = page.screenshot().await;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/dashboard-task.png");
    std::fs::write(&path, &shot).expect("screenshot");

    // The overview counts it.
    page.eval("location.hash = '#/'; true").await;
    wait(
        &mut page,
        "the overview counting the task",
        "(document.querySelector('.cards')?.innerText || '').includes('1\\nsucceeded')",
    )
    .await;
    let shot = page.screenshot().await;
    let target = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    std::fs::write(target.join("dashboard-overview.png"), &shot).expect("screenshot");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_keys_the_dashboard_asks_for_one_and_uses_it() {
    let Some(binary) = chromium_or_skip("with_keys_the_dashboard_asks_for_one_and_uses_it") else {
        return;
    };
    let app = spawn_app().await;
    runner(&app).await;
    let (key, _) = make_key(&app, None, json!({"name": "viewer", "scopes": ["read"]})).await;
    let mut page = Browser::open(binary, HEADLESS, &app.url("/#/runners")).await;
    wait(
        &mut page,
        "the request for a key",
        "document.querySelector('#main')?.innerText.includes('unauthenticated')",
    )
    .await;
    let enter = format!(
        "document.querySelector('#key').value = '{key}'; \
         document.querySelector('#key-form').requestSubmit(); true"
    );
    page.eval(&enter).await;
    wait(
        &mut page,
        "the runners with the key",
        "document.querySelector('#main')?.innerText.includes('greeter')",
    )
    .await;
    // Kept for the tab only.
    let kept = page.eval("sessionStorage.getItem('errand.key')").await;
    assert_eq!(kept, key.as_str());
    let stored = page.eval("localStorage.length").await;
    assert_eq!(stored, 0);
}

/// Names from the fragment are encoded again for each API path: a crafted link cannot
/// make the page ask for another path (an outsider's `#/files/..%2F..` reached
/// `/v1/tasks`). What the page shows tells which path it asked for.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crafted_fragment_cannot_change_the_api_path() {
    let Some(binary) = chromium_or_skip("a_crafted_fragment_cannot_change_the_api_path") else {
        return;
    };
    let app = spawn_app().await;
    runner(&app).await;
    let mut page = Browser::open(binary, HEADLESS, &app.url("/#/files/..%2F..%2Fv1%2Ftasks")).await;
    wait(
        &mut page,
        "the refusal of a dot segment",
        "document.querySelector('#main')?.innerText.includes('no file ../../v1/tasks')",
    )
    .await;
    // A runner's name is one path segment, whatever it holds.
    let crafted = "/#/runners/greeter%2F..%2F..%2Ftasks";
    page.eval(&format!("location.hash = '{}'; true", &crafted[2..]))
        .await;
    wait(
        &mut page,
        "the runner page for a name with slashes",
        "document.querySelector('#main')?.innerText.includes('runner_not_found')",
    )
    .await;
    // Asked for as one name, not as `/v1/tasks`.
    let shown = page.eval("document.querySelector('#main').innerText").await;
    assert!(
        shown
            .as_str()
            .unwrap_or_default()
            .contains("runner_not_found: no runner named \"greeter/../../tasks\""),
        "the crafted name reached another path: {shown}"
    );
    // `.` and `..` would be resolved away by the URL parser: never sent.
    page.eval("location.hash = '/webhooks/%2e%2e'; true").await;
    wait(
        &mut page,
        "the refusal of a dot name",
        "document.querySelector('#main')?.innerText.includes('no such name ..')",
    )
    .await;
}

/// The dashboard's and `/metrics`'s paths answer other methods and unknown files in
/// problem+json like every other path.
#[tokio::test]
async fn dashboard_and_metrics_errors_are_problems() {
    let app = spawn_app().await;
    let client = &app.client;
    for (method, path, status) in [
        (reqwest::Method::POST, "/metrics", 405),
        (reqwest::Method::DELETE, "/", 405),
        (reqwest::Method::PUT, "/ui/app.js", 405),
        (reqwest::Method::GET, "/ui/nothing.js", 404),
    ] {
        let res = client
            .request(method.clone(), app.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), status, "{method} {path}");
        if status == 405 {
            assert_eq!(res.headers()["allow"], "GET", "{method} {path}");
        }
        assert_eq!(
            res.headers()["content-type"],
            "application/problem+json",
            "{method} {path}"
        );
        let body: serde_json::Value = res.json().await.unwrap();
        assert!(body["code"].is_string(), "{method} {path}: {body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_waiting_for_approval_is_approved_with_edited_arguments_in_the_dashboard() {
    let Some(binary) = chromium_or_skip(
        "a_call_waiting_for_approval_is_approved_with_edited_arguments_in_the_dashboard",
    ) else {
        return;
    };
    let app = spawn_app().await;
    app.create_runner(json!({"name": "careful", "toolkits": ["calculator"],
        "approval": {"tools": ["calculator"]},
        "model_settings": {"mock": {"turns": [
            {"tool_calls": [{"name": "calculator", "arguments": {"expression": "1 + 1"}}]},
            {"text": "got {{tool_result}}"}]}}}))
        .await;
    let task = app.submit("careful", json!({})).await;
    let id = task["id"].as_str().expect("id").to_owned();
    app.wait_for_status(&id, "input_required").await;
    let mut page = Browser::open(binary, HEADLESS, &app.url(&format!("/#/tasks/{id}"))).await;
    wait(
        &mut page,
        "the approval",
        "(document.querySelector('#approval-arguments')?.value || '').includes('1 + 1')",
    )
    .await;
    page.eval(
        "document.querySelector('#approval-arguments').value = '{\"expression\": \"20 + 22\"}'; \
         document.querySelector('#approve').click(); true",
    )
    .await;
    wait(
        &mut page,
        "the end",
        "document.querySelector('#live')?.textContent === 'Ended: succeeded'",
    )
    .await;
    let task = app.task(&id).await;
    assert_eq!(
        task["output"], r#"got {"expression":"20 + 22","result":42.0}"#,
        "{task}"
    );
}
