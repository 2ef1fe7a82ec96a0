//! Schedules: a cron expression in a time zone that starts tasks or posts messages; each
//! tick fires once however many processes run; missed ticks follow `missed`, running ones
//! follow `overlap`; bad expressions and zones are 422s naming them.

use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_api, spawn_app, violation_pointers};

async fn create(app: &TestApp, body: Value) -> Value {
    let res = app.post("/v1/schedules", &body).await;
    let status = res.status();
    let created: Value = res.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created
}

/// All fires of schedule `id`, oldest first.
async fn fires(app: &TestApp, id: &Value) -> Vec<Value> {
    let id = id.as_str().unwrap();
    let mut all = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = app
            .get_json(&format!("/v1/schedules/{id}/fires?limit=100{cursor}"))
            .await;
        all.extend(page["data"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => break,
        }
    }
    all.reverse();
    all
}

/// Waits until schedule `id` has at least `n` fires.
async fn wait_for_fires(app: &TestApp, id: &Value, n: usize) -> Vec<Value> {
    for _ in 0..300 {
        let found = fires(app, id).await;
        if found.len() >= n {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "schedule {id} never fired {n} times: {:?}",
        fires(app, id).await
    );
}

async fn pause(app: &TestApp, id: &Value) -> Value {
    let id = id.as_str().unwrap();
    let res = app
        .client
        .patch(app.url(&format!("/v1/schedules/{id}")))
        .json(&json!({"enabled": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

fn time(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().expect("a time"))
        .expect("rfc3339")
        .with_timezone(&Utc)
}

#[tokio::test]
async fn schedules_are_checked_saved_and_changed() {
    let app = spawn_api().await;
    app.create_runner(json!({"name": "daily", "model": "mock",
        "input_schema": {"type": "object", "required": ["day"],
            "properties": {"day": {"type": "string"}}}}))
        .await;

    let res = app
        .post(
            "/v1/schedules",
            &json!({"cron": "61 * * * *", "timezone": "Mars/Olympus",
                "target": {"runner": "daily", "arguments": {"day": 3}}}),
        )
        .await;
    let pointers = violation_pointers(res, "invalid_body").await;
    assert_eq!(pointers, ["/cron", "/timezone", "/target/arguments/day"]);
    let res = app
        .post(
            "/v1/schedules",
            &json!({"cron": "0 9 * * *", "target": {"runner": "nope"}}),
        )
        .await;
    assert_eq!(
        violation_pointers(res, "invalid_body").await,
        ["/target/runner"]
    );
    let res = app
        .post(
            "/v1/schedules",
            &json!({"cron": "0 0 30 2 *", "target": {"queue": "inbox"}}),
        )
        .await;
    assert_eq!(violation_pointers(res, "invalid_body").await, ["/cron"]);
    // An end already past: nothing would ever fire.
    let res = app
        .post(
            "/v1/schedules",
            &json!({"cron": "0 9 * * *", "target": {"queue": "inbox"},
                "end_at": "2020-01-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(violation_pointers(res, "invalid_body").await, ["/end_at"]);

    // 09:00 in Paris, in winter (UTC+1) or summer (UTC+2).
    let made = create(
        &app,
        json!({"cron": "0 9 * * *", "timezone": "Europe/Paris", "name": "morning",
            "target": {"runner": "daily", "arguments": {"day": "monday"}}}),
    )
    .await;
    let next = time(&made["next_fire_at"]);
    assert!(next > Utc::now());
    let local = next.with_timezone(&chrono_tz::Europe::Paris);
    assert_eq!(local.format("%H:%M:%S").to_string(), "09:00:00", "{made}");
    assert_eq!(made["missed"], "skip");
    assert_eq!(made["overlap"], "allow");
    assert_eq!(made["last_fire_at"], Value::Null);

    let id = made["id"].as_str().unwrap();
    let paused = pause(&app, &made["id"]).await;
    assert_eq!(paused["enabled"], false);
    assert_eq!(paused["next_fire_at"], Value::Null);
    let res = app
        .client
        .patch(app.url(&format!("/v1/schedules/{id}")))
        .json(&json!({"enabled": true, "cron": "*/15 * * * * *", "timezone": "UTC"}))
        .send()
        .await
        .unwrap();
    let resumed: Value = res.json().await.unwrap();
    let next = time(&resumed["next_fire_at"]);
    assert_eq!(next.timestamp() % 15, 0, "{resumed}");
    assert!(next - Utc::now() <= chrono::TimeDelta::seconds(15));
    let res = app
        .client
        .patch(app.url(&format!("/v1/schedules/{id}")))
        .json(&json!({"cron": "nope", "end_at": "2020-01-01T00:00:00Z"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        violation_pointers(res, "invalid_body").await,
        ["/end_at", "/cron"]
    );

    let list = app.get_json("/v1/schedules").await;
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
    assert_eq!(
        app.delete(&format!("/v1/schedules/{id}")).await.status(),
        StatusCode::NO_CONTENT
    );
    let res = app.get(&format!("/v1/schedules/{id}")).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = app.get("/v1/schedules/not-a-uuid").await;
    let problem: Value = res.json().await.unwrap();
    assert_eq!(problem["code"], "schedule_not_found");
}

#[tokio::test]
async fn each_tick_fires_once_with_two_serve_processes() {
    // The test's own process serves the API only; two `errand serve` processes tick.
    let mut app = spawn_api().await;
    app.create_runner(json!({"name": "tick", "model": "mock",
        "model_settings": {"mock": {"text": "tock"}}}))
        .await;
    let schedule = create(
        &app,
        json!({"cron": "* * * * * *", "target": {"runner": "tick", "arguments": {}}}),
    )
    .await;
    for _ in 0..2 {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        app.spawn_process("serve", &["--port", &port.to_string()], &[]);
    }
    let seen = wait_for_fires(&app, &schedule["id"], 4).await;
    pause(&app, &schedule["id"]).await;
    let all = fires(&app, &schedule["id"]).await;
    assert!(all.len() >= seen.len());

    // One fire per second, none missing between the first and the last, each with its
    // own task; and no task beyond them.
    let ticks: Vec<i64> = all
        .iter()
        .map(|f| time(&f["fire_at"]).timestamp())
        .collect();
    let first = ticks[0];
    let expected: Vec<i64> = (first..first + ticks.len() as i64).collect();
    assert_eq!(ticks, expected, "{all:?}");
    let mut tasks: Vec<&str> = all
        .iter()
        .map(|f| {
            assert_eq!(f["outcome"], "task", "{f}");
            f["task_id"].as_str().unwrap()
        })
        .collect();
    tasks.sort_unstable();
    tasks.dedup();
    assert_eq!(tasks.len(), all.len());
    let made: i64 = sqlx::query_scalar("SELECT count(*) FROM tasks")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(made, all.len() as i64);
    let last = app
        .get_json(&format!(
            "/v1/schedules/{}",
            schedule["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(last["last_fire_at"], all.last().unwrap()["fire_at"]);
}

/// Moves schedule `id`'s next tick `seconds` into the past, as if no worker had run since.
async fn backdate(app: &TestApp, id: &Value, seconds: i64) {
    let id: uuid::Uuid = id.as_str().unwrap().parse().unwrap();
    sqlx::query(
        "UPDATE schedules SET next_fire_at = date_trunc('second', now()) - make_interval(secs => $2)
         WHERE id = $1",
    )
    .bind(id)
    .bind(seconds as f64)
    .execute(&app.pool)
    .await
    .unwrap();
}

#[tokio::test]
async fn missed_ticks_are_skipped_or_caught_up_after_downtime() {
    let mut app = spawn_api().await;
    let every_second = |missed: &str| {
        json!({"cron": "* * * * * *", "missed": missed, "catch_up_max": 3,
            "target": {"queue": "inbox", "payload": {"from": missed}}})
    };
    let skip = create(&app, every_second("skip")).await;
    let catch_up = create(&app, every_second("catch_up")).await;
    // Two minutes without a worker: more than the minute of grace `skip` allows.
    backdate(&app, &skip["id"], 120).await;
    backdate(&app, &catch_up["id"], 120).await;
    let before = Utc::now();
    app.spawn_worker_process();

    let caught = wait_for_fires(&app, &catch_up["id"], 5).await;
    let skipped = wait_for_fires(&app, &skip["id"], 2).await;
    pause(&app, &skip["id"]).await;
    pause(&app, &catch_up["id"]).await;

    // catch_up: the three oldest missed ticks, late, then the live ones.
    let late: Vec<&Value> = caught
        .iter()
        .filter(|f| time(&f["fire_at"]) < before - chrono::TimeDelta::seconds(60))
        .collect();
    assert_eq!(late.len(), 3, "{caught:?}");
    let oldest = time(&late[0]["fire_at"]);
    assert!(
        before - oldest >= chrono::TimeDelta::seconds(119),
        "{caught:?}"
    );
    for fire in &caught {
        assert_eq!(fire["outcome"], "message", "{fire}");
        let message = app
            .get_json(&format!(
                "/v1/queues/inbox/messages/{}",
                fire["message_id"].as_str().unwrap()
            ))
            .await;
        assert_eq!(message["payload"], json!({"from": "catch_up"}));
    }
    // skip: nothing older than the grace; the rest counted as missed.
    for fire in &skipped {
        assert!(
            time(&fire["fire_at"]) > before - chrono::TimeDelta::seconds(61),
            "{skipped:?}"
        );
    }
    for (schedule, at_least) in [(&skip, 59), (&catch_up, 110)] {
        let now = app
            .get_json(&format!(
                "/v1/schedules/{}",
                schedule["id"].as_str().unwrap()
            ))
            .await;
        assert!(now["missed_ticks"].as_i64().unwrap() >= at_least, "{now}");
    }
}

#[tokio::test]
async fn a_running_task_makes_the_next_fire_skip_or_wait() {
    let app = spawn_app().await;
    app.create_runner(json!({"name": "slow", "model": "mock",
        "model_settings": {"mock": {"text": "done", "delay_ms": 2500}}}))
        .await;
    let every_second = |overlap: &str| {
        json!({"cron": "* * * * * *", "overlap": overlap,
            "target": {"runner": "slow", "arguments": {}}})
    };
    let skip = create(&app, every_second("skip")).await;
    let enqueue = create(&app, every_second("enqueue")).await;
    wait_for_fires(&app, &skip["id"], 4).await;
    pause(&app, &skip["id"]).await;
    wait_for_fires(&app, &enqueue["id"], 4).await;
    pause(&app, &enqueue["id"]).await;

    // skip: while the first task runs, the next ticks make nothing.
    let skipped = fires(&app, &skip["id"]).await;
    let outcomes: Vec<&str> = skipped
        .iter()
        .map(|f| f["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes[0], "task", "{skipped:?}");
    assert!(
        outcomes[1..].iter().take(2).all(|o| *o == "skipped"),
        "{skipped:?}"
    );
    // enqueue: the held fires start one after another as each task ends, never two at once.
    for _ in 0..200 {
        let held = fires(&app, &enqueue["id"]).await;
        if held.iter().all(|f| f["outcome"] == "task") {
            let mut spans = Vec::new();
            for fire in &held {
                let task = app
                    .wait_for_status(fire["task_id"].as_str().unwrap(), "succeeded")
                    .await;
                spans.push((time(&task["started_at"]), time(&task["finished_at"])));
            }
            for pair in spans.windows(2) {
                assert!(pair[1].0 >= pair[0].1, "overlapping tasks: {spans:?}");
            }
            assert!(
                held.iter()
                    .any(|f| time(&f["fired_at"]) - time(&f["fire_at"])
                        > chrono::TimeDelta::seconds(1)),
                "some fire was held: {held:?}"
            );
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "held fires never started: {:?}",
        fires(&app, &enqueue["id"]).await
    );
}
