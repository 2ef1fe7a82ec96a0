//! Workers share out fairly between projects, and a project's running limit holds: extra
//! tasks stay queued and start as others finish.

use std::time::{Duration, Instant};

use futures::StreamExt;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn, test_settings};
use crate::keys::make_key;
use errand::service::Mode;

async fn post(app: &TestApp, key: &str, path: &str, body: Value) -> Value {
    let res = app
        .client
        .post(app.url(path))
        .bearer_auth(key)
        .json(&body)
        .send()
        .await
        .expect("request");
    assert!(res.status().is_success(), "{path}: {}", res.status());
    res.json().await.expect("json")
}

/// A project `name` with a write key and a runner `work` whose tasks take `delay_ms`.
async fn project(app: &TestApp, admin: &str, name: &str, extra: Value, delay_ms: u64) -> String {
    let mut body = json!({"name": name});
    body.as_object_mut()
        .expect("object")
        .extend(extra.as_object().cloned().unwrap_or_default());
    post(app, admin, "/v1/projects", body).await;
    let (key, _) = make_key(
        app,
        Some(admin),
        json!({"name": name, "scopes": ["write"], "project": name}),
    )
    .await;
    let runner = json!({"name": "work",
        "model_settings": {"mock": {"text": "done", "delay_ms": delay_ms}}});
    post(app, &key, "/v1/runners", runner).await;
    key
}

async fn started_at(app: &TestApp, project: &str) -> Vec<Option<chrono::DateTime<chrono::Utc>>> {
    sqlx::query_scalar(
        "SELECT t.started_at FROM tasks t JOIN projects p ON p.id = t.project_id
         WHERE p.name = $1 ORDER BY t.id",
    )
    .bind(project)
    .fetch_all(&app.pool)
    .await
    .expect("tasks")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_in_one_project_does_not_starve_another_whatever_the_priorities() {
    let mut settings = test_settings();
    settings.worker.concurrency = 4;
    let app = spawn(Mode::ALL, settings).await;
    let (admin, _) = make_key(&app, None, json!({"name": "admin", "scopes": ["admin"]})).await;
    let busy = project(&app, &admin, "busy", json!({}), 50).await;
    let quiet = project(&app, &admin, "quiet", json!({}), 50).await;

    // 500 tasks at once in `busy`: 6 s of work for 4 slots, at the highest priority; the
    // quiet project's are at the lowest. Priority orders a project's own tasks only.
    futures::stream::iter(0..500)
        .map(|_| {
            post(
                &app,
                &busy,
                "/v1/runners/work/tasks",
                json!({"priority": 9}),
            )
        })
        .buffer_unordered(32)
        .collect::<Vec<_>>()
        .await;
    let submitted = Instant::now();
    let mut ids = Vec::new();
    for _ in 0..10 {
        let task = post(
            &app,
            &quiet,
            "/v1/runners/work/tasks",
            json!({"priority": 0}),
        )
        .await;
        ids.push(task["id"].as_str().expect("id").to_owned());
    }
    // Each of `quiet`'s tasks starts within a few rounds, not after `busy`'s backlog.
    for id in &ids {
        let res = app
            .client
            .get(app.url(&format!("/v1/tasks/{id}?wait=10")))
            .bearer_auth(&quiet)
            .send()
            .await
            .expect("wait");
        assert_eq!(res.status(), StatusCode::OK);
        let task: Value = res.json().await.expect("json");
        assert_eq!(task["status"], "succeeded", "{task}");
    }
    let took = submitted.elapsed();
    let busy_left = started_at(&app, "busy")
        .await
        .iter()
        .filter(|s| s.is_none())
        .count();
    assert!(
        took < Duration::from_secs(3),
        "the quiet project's 10 tasks took {took:?}"
    );
    assert!(
        busy_left > 200,
        "they ran while the busy backlog was still there ({busy_left} not started)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_project_never_runs_more_than_its_limit_and_the_rest_wait_their_turn() {
    let mut settings = test_settings();
    settings.worker.concurrency = 8;
    let app = spawn(Mode::ALL, settings).await;
    let (admin, _) = make_key(&app, None, json!({"name": "admin", "scopes": ["admin"]})).await;
    let key = project(&app, &admin, "capped", json!({"max_running_tasks": 2}), 300).await;
    let mut ids = Vec::new();
    for _ in 0..6 {
        let task = post(&app, &key, "/v1/runners/work/tasks", json!({})).await;
        ids.push(task["id"].as_str().expect("id").to_owned());
    }
    let start = Instant::now();
    let mut most = 0;
    loop {
        let (running, succeeded): (i64, i64) = sqlx::query_as(
            "SELECT count(*) FILTER (WHERE status = 'running'),
                    count(*) FILTER (WHERE status = 'succeeded') FROM tasks",
        )
        .fetch_one(&app.pool)
        .await
        .expect("counts");
        most = most.max(running);
        assert!(running <= 2, "{running} tasks of the project run at once");
        if succeeded == 6 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the tasks did not all run"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(most, 2, "the limit was used");
    // Three rounds of two, each 300 ms: the held-back tasks started as others finished,
    // not on the poll.
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
}
