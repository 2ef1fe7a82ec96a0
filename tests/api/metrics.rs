//! `/metrics`: a read key's page shows its project's series and the instance's, never
//! another project's; no key is a 401 once keys exist, however the path is spelled; the
//! samples follow what happened (a task's end, its pickup, its model call, an open stream,
//! the database's active tasks). The page's syntax is checked by the Prometheus Python
//! client's parser in `.ci/metrics`.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, spawn_app};
use crate::keys::{make_key, project_key};

async fn scrape(app: &TestApp, key: &str) -> String {
    let res = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth(key)
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::OK);
    let kind = res.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(kind.starts_with("text/plain; version=0.0.4"), "{kind}");
    res.text().await.expect("text")
}

/// The value of the sample `line_start` begins (name and labels, as written).
fn sample(page: &str, line_start: &str) -> Option<f64> {
    page.lines()
        .find(|l| l.starts_with(line_start))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_shows_what_happened_and_each_project_sees_its_own() {
    let app = spawn_app().await;
    let (admin, _) = make_key(&app, None, json!({"name": "ops", "scopes": ["admin"]})).await;
    let other = project_key(&app, &admin, "other", json!(["read", "write"])).await;
    let reader = project_key(&app, &admin, "mine", json!(["read"])).await;
    let writer_key = json!({"name": "writer", "scopes": ["write"], "project": "mine"});
    let writer = make_key(&app, Some(&admin), writer_key).await.0;
    let post = |key: &str, path: &str, body: serde_json::Value| {
        app.client
            .post(app.url(path))
            .bearer_auth(key.to_owned())
            .json(&body)
            .send()
    };
    for key in [&writer, &other] {
        let runner = json!({"name": "talk", "model_settings": {"mock": {"text": "ok"}}});
        let res = post(key, "/v1/runners", runner).await.unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        let res = post(
            key,
            "/v1/runners/talk/tasks?wait=30",
            json!({"arguments": {}}),
        )
        .await
        .unwrap();
        let task: serde_json::Value = res.json().await.unwrap();
        assert_eq!(task["status"], "succeeded", "{task}");
    }
    let slow =
        json!({"name": "slow", "model_settings": {"mock": {"text": "…", "delay_ms": 30000}}});
    post(&writer, "/v1/runners", slow).await.unwrap();
    let res = post(&writer, "/v1/runners/slow/tasks", json!({"arguments": {}}))
        .await
        .unwrap();
    let running: serde_json::Value = res.json().await.unwrap();
    // An open stream of the running task.
    let stream = app
        .client
        .get(app.url(&format!(
            "/v1/tasks/{}/events",
            running["id"].as_str().unwrap()
        )))
        .bearer_auth(&reader)
        .header("accept", "text/event-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);

    let mine = scrape(&app, &reader).await;
    let ended = "errand_tasks_ended_total{project=\"mine\",runner=\"talk\",status=\"succeeded\"}";
    assert_eq!(sample(&mine, ended), Some(1.0), "{mine}");
    assert!(
        !mine.contains("project=\"other\""),
        "another project's series: {mine}"
    );
    assert!(
        sample(&mine, "errand_task_pickup_seconds_count").unwrap() >= 2.0,
        "{mine}"
    );
    assert!(
        sample(&mine, "errand_sse_streams_open").unwrap() >= 1.0,
        "{mine}"
    );
    let active = "errand_tasks{project=\"mine\",runner=\"slow\",status=\"running\"}";
    let queued = "errand_tasks{project=\"mine\",runner=\"slow\",status=\"queued\"}";
    assert_eq!(
        sample(&mine, active).or(sample(&mine, queued)),
        Some(1.0),
        "{mine}"
    );
    assert!(
        mine.contains("errand_db_connections{state=\"in_use\"}"),
        "{mine}"
    );
    assert!(
        mine.contains("# TYPE errand_task_duration_seconds histogram"),
        "{mine}"
    );
    assert!(
        !mine.contains(running["id"].as_str().unwrap()),
        "a task id in a label"
    );

    // The instance's admin sees every project.
    let all = scrape(&app, &admin).await;
    assert!(all.contains("project=\"other\""), "{all}");
    assert!(all.contains("project=\"mine\""), "{all}");
    drop(stream);
}

#[tokio::test]
async fn a_request_without_a_key_is_refused_however_the_path_is_spelled() {
    let app = spawn_app().await;
    // Open mode (no key yet): the machine's own page.
    assert_eq!(app.get("/metrics").await.status(), StatusCode::OK);
    make_key(&app, None, json!({"name": "ops", "scopes": ["admin"]})).await;
    for path in ["/metrics", "/%6detrics", "//metrics/", "/metrics?x=1"] {
        let res = app.get(path).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{path}");
        let problem: serde_json::Value = res.json().await.unwrap();
        assert_eq!(problem["code"], "unauthenticated", "{path}");
    }
}
