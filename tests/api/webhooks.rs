//! Outbound webhooks: deliveries announce task ends to a receiver on a real loopback port,
//! signed per Standard Webhooks (checked here with the test's own HMAC; `.ci/webhooks`
//! checks with PyPI's `standardwebhooks`), retried after failures with the same
//! `webhook-id`, recorded try by try; a 410 disables the endpoint; a rotation signs twice;
//! URLs pass the address guard; a `kill -9` mid-delivery still delivers one webhook-id.

use std::collections::{BTreeSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn, test_settings, violation_pointers};
use crate::triggers::hmac;

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Got {
    pub id: String,
    pub timestamp: String,
    pub signature: String,
    pub body: String,
}

#[derive(Default)]
struct Script {
    /// Status answers in order (then 200), each after an optional delay.
    answers: VecDeque<(u16, Duration)>,
    got: Vec<Got>,
}

/// A webhook receiver on a loopback port.
pub struct Receiver {
    pub url: String,
    state: Arc<Mutex<Script>>,
}

async fn receive(
    req: HttpRequest,
    body: web::Bytes,
    state: web::Data<Arc<Mutex<Script>>>,
) -> HttpResponse {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (status, delay) = {
        let mut script = state.lock().expect("script");
        script.got.push(Got {
            id: header("webhook-id"),
            timestamp: header("webhook-timestamp"),
            signature: header("webhook-signature"),
            body: String::from_utf8_lossy(&body).into_owned(),
        });
        script.answers.pop_front().unwrap_or((200, Duration::ZERO))
    };
    tokio::time::sleep(delay).await;
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).expect("status"))
        .body(format!("answered {status}"))
}

impl Receiver {
    pub async fn start(answers: &[(u16, Duration)]) -> Self {
        let state = Arc::new(Mutex::new(Script {
            answers: answers.iter().copied().collect(),
            got: Vec::new(),
        }));
        let data = web::Data::new(state.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route("/hook", web::post().to(receive))
        })
        .workers(1)
        .disable_signals()
        .bind(("127.0.0.1", 0))
        .expect("bind the receiver");
        let port = server.addrs()[0].port();
        tokio::spawn(server.run());
        Self {
            url: format!("http://127.0.0.1:{port}/hook"),
            state,
        }
    }

    pub fn got(&self) -> Vec<Got> {
        self.state.lock().expect("script").got.clone()
    }

    pub async fn wait_for(&self, n: usize, limit: Duration) -> Vec<Got> {
        let start = Instant::now();
        while self.got().len() < n {
            assert!(
                start.elapsed() < limit,
                "the receiver got {:?}, not {n}",
                self.got()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.got()
    }
}

/// Whether one of `got`'s signatures is the Standard Webhooks signature with `secret`.
fn signed_with(got: &Got, secret: &str) -> bool {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").expect("whsec_"))
        .expect("base64");
    let content = format!("{}.{}.{}", got.id, got.timestamp, got.body);
    let expected = format!("v1,{}", STANDARD.encode(hmac(&key, content.as_bytes())));
    got.signature.split(' ').any(|s| s == expected)
}

/// An app whose webhooks may reach loopback receivers, retrying after a second.
async fn webhook_app() -> TestApp {
    let mut settings = test_settings();
    settings.fetch.allow_hosts = vec!["127.0.0.1".into()];
    settings.webhooks.retry_initial_seconds = 1;
    settings.webhooks.tick_interval_ms = 100;
    spawn(errand::service::Mode::ALL, settings).await
}

async fn create(app: &TestApp, body: Value) -> Value {
    let res = app.post("/v1/webhooks", &body).await;
    let status = res.status();
    let made: Value = res.json().await.expect("json");
    assert_eq!(status, StatusCode::CREATED, "{made}");
    made
}

async fn patch(app: &TestApp, path: &str, body: Value) -> Value {
    let res = app
        .client
        .patch(app.url(path))
        .json(&body)
        .send()
        .await
        .expect("patch");
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.expect("json")
}

/// Waits until `path` (a delivery) has `status`.
async fn delivery_in(app: &TestApp, path: &str, status: &str) -> Value {
    for _ in 0..200 {
        let found = app.get_json(path).await;
        if found["status"] == status {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{path} never {status}: {}", app.get_json(path).await);
}

#[tokio::test]
async fn a_task_s_end_is_delivered_signed_and_retried_after_failures() {
    let app = webhook_app().await;
    let receiver = Receiver::start(&[(500, Duration::ZERO), (500, Duration::ZERO)]).await;
    let hook = create(
        &app,
        json!({"url": receiver.url, "events": ["task.succeeded", "task.input_required"]}),
    )
    .await;
    let secret = hook["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    let id = hook["id"].as_str().unwrap().to_owned();
    assert!(
        app.get_json(&format!("/v1/webhooks/{id}"))
            .await
            .get("secret")
            .is_none()
    );

    app.create_runner(json!({"name": "notify", "model": "mock",
        "model_settings": {"mock": {"text": "done"}}}))
        .await;
    let task = app.run_to_end("notify", json!({"arguments": {}})).await;
    let failing = app
        .run_to_end("notify", json!({"arguments": {}, "model_settings": {"mock": {"error": {"code": "boom", "message": "no"}}}}))
        .await;
    assert_ne!(failing["status"], "succeeded", "{failing}");

    // Two 500s, then a 200: three tries of one delivery, with one webhook-id throughout.
    let got = receiver.wait_for(3, Duration::from_secs(30)).await;
    let ids: BTreeSet<&str> = got.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(ids.len(), 1, "{got:?}");
    for try_ in &got {
        assert!(signed_with(try_, &secret), "{try_:?}");
        let body: Value = serde_json::from_str(&try_.body).unwrap();
        assert_eq!(body["type"], "task.succeeded");
        assert_eq!(body["data"]["task_id"], task["id"]);
        assert_eq!(body["data"]["task"]["status"], "succeeded");
    }
    let page = app.get_json(&format!("/v1/webhooks/{id}/deliveries")).await;
    let deliveries = page["data"].as_array().unwrap();
    assert_eq!(
        deliveries.len(),
        1,
        "only task.succeeded was subscribed: {page}"
    );
    let delivery = deliveries[0]["id"].as_str().unwrap();
    assert_eq!(format!("msg_{}", delivery.replace('-', "")), got[0].id);
    let path = format!("/v1/webhooks/{id}/deliveries/{delivery}");
    let done = delivery_in(&app, &path, "succeeded").await;
    assert_eq!(done["attempts"], 3);
    let codes: Vec<&Value> = done["attempt_log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["status_code"])
        .collect();
    assert_eq!(codes, [&json!(500), &json!(500), &json!(200)]);
    assert_eq!(done["attempt_log"][0]["response"], "answered 500");
    assert_eq!(
        app.get_json(&format!("/v1/webhooks/{id}")).await["failing_since"],
        Value::Null
    );

    // Redeliver: the same webhook-id again.
    let res = app.post(&format!("{path}/redeliver"), &json!({})).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let got = receiver.wait_for(4, Duration::from_secs(10)).await;
    assert_eq!(got[3].id, got[0].id);
}

#[tokio::test]
async fn gone_endpoints_are_disabled_rotation_signs_twice_and_urls_are_guarded() {
    // No allow list: a loopback URL is refused with its pointer.
    let guarded = crate::helpers::spawn_app().await;
    for url in [
        "http://127.0.0.1:9/hook",
        "http://localhost/hook",
        "http://[::1]/x",
        "ftp://a.example/",
    ] {
        let res = guarded
            .post(
                "/v1/webhooks",
                &json!({"url": url, "events": ["task.succeeded"]}),
            )
            .await;
        assert_eq!(
            violation_pointers(res, "invalid_body").await,
            ["/url"],
            "{url}"
        );
    }
    let res = guarded
        .post(
            "/v1/webhooks",
            &json!({"url": "https://hooks.example.com/x", "events": ["task.done"]}),
        )
        .await;
    assert_eq!(violation_pointers(res, "invalid_body").await, ["/events/0"]);

    let app = webhook_app().await;
    let receiver = Receiver::start(&[(410, Duration::ZERO)]).await;
    let hook = create(
        &app,
        json!({"url": receiver.url, "events": ["task.succeeded"]}),
    )
    .await;
    let id = hook["id"].as_str().unwrap().to_owned();
    let old_secret = hook["secret"].as_str().unwrap().to_owned();
    app.create_runner(json!({"name": "notify", "model": "mock"}))
        .await;
    app.run_to_end("notify", json!({"arguments": {}})).await;
    receiver.wait_for(1, Duration::from_secs(20)).await;
    let mut disabled = Value::Null;
    for _ in 0..100 {
        disabled = app.get_json(&format!("/v1/webhooks/{id}")).await;
        if disabled["enabled"] == false {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(disabled["enabled"], false, "{disabled}");
    assert!(
        disabled["disabled_reason"]
            .as_str()
            .unwrap()
            .contains("410"),
        "{disabled}"
    );
    let page = app
        .get_json(&format!("/v1/webhooks/{id}/deliveries?status=failed"))
        .await;
    assert_eq!(page["data"].as_array().unwrap().len(), 1, "{page}");

    // Enabled again and rotated: the next delivery carries both signatures.
    patch(
        &app,
        &format!("/v1/webhooks/{id}"),
        json!({"enabled": true}),
    )
    .await;
    let res = app
        .post(&format!("/v1/webhooks/{id}/rotate-secret"), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let rotated: Value = res.json().await.unwrap();
    let new_secret = rotated["secret"].as_str().unwrap().to_owned();
    assert_ne!(new_secret, old_secret);
    assert!(
        rotated["previous_secret_expires_at"].is_string(),
        "{rotated}"
    );
    app.run_to_end("notify", json!({"arguments": {}})).await;
    let got = receiver.wait_for(2, Duration::from_secs(20)).await;
    assert!(
        signed_with(&got[1], &new_secret) && signed_with(&got[1], &old_secret),
        "{got:?}"
    );
    assert!(!signed_with(
        &got[1],
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    ));

    // Deleted with its deliveries.
    assert_eq!(
        app.delete(&format!("/v1/webhooks/{id}")).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get(&format!("/v1/webhooks/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_worker_killed_mid_delivery_still_delivers_one_webhook_id() {
    let mut app = crate::helpers::spawn_api().await;
    // The first try hangs past the kill; the retry answers at once.
    let receiver = Receiver::start(&[(200, Duration::from_secs(30))]).await;
    let hook = create(
        &app,
        json!({"url": "https://placeholder.example/x", "events": ["task.succeeded"]}),
    )
    .await;
    let id = hook["id"].as_str().unwrap().to_owned();
    // The API process has no allow list; the worker processes, which send, do.
    sqlx::query("UPDATE webhooks SET url = $1")
        .bind(&receiver.url)
        .execute(&app.pool)
        .await
        .unwrap();
    let env = [
        ("ERRAND_FETCH_ALLOW_HOSTS", "127.0.0.1"),
        ("ERRAND_WEBHOOKS_TIMEOUT_SECONDS", "2"),
        ("ERRAND_WEBHOOKS_TICK_INTERVAL_MS", "100"),
    ];
    let first = app.spawn_worker_process_with(&[], &env);
    app.create_runner(json!({"name": "notify", "model": "mock"}))
        .await;
    let task = app.submit("notify", json!({"arguments": {}})).await;
    receiver.wait_for(1, Duration::from_secs(30)).await;
    // The task ended and its delivery is being sent: kill the worker mid-try.
    nix::sys::signal::kill(app.worker_pid(first), nix::sys::signal::Signal::SIGKILL).unwrap();
    let ended = app.task(task["id"].as_str().unwrap()).await;
    assert_eq!(ended["status"], "succeeded");
    app.spawn_worker_process_with(&[], &env);

    let got = receiver.wait_for(2, Duration::from_secs(60)).await;
    let ids: BTreeSet<&str> = got.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(ids.len(), 1, "one delivery, one webhook-id: {got:?}");
    let page = app.get_json(&format!("/v1/webhooks/{id}/deliveries")).await;
    let deliveries = page["data"].as_array().unwrap();
    assert_eq!(deliveries.len(), 1, "{page}");
    let path = format!(
        "/v1/webhooks/{id}/deliveries/{}",
        deliveries[0]["id"].as_str().unwrap()
    );
    let done = delivery_in(&app, &path, "succeeded").await;
    assert_eq!(done["attempts"], 2, "{done}");
}

#[tokio::test]
async fn an_endpoint_failing_for_days_is_disabled_with_the_reason() {
    let mut settings = test_settings();
    settings.fetch.allow_hosts = vec!["127.0.0.1".into()];
    settings.webhooks.tick_interval_ms = 100;
    settings.webhooks.disable_after_hours = 48;
    let app = spawn(errand::service::Mode::ALL, settings).await;
    let receiver = Receiver::start(&[(503, Duration::ZERO)]).await;
    let hook = create(
        &app,
        json!({"url": receiver.url, "events": ["task.succeeded"]}),
    )
    .await;
    let id = hook["id"].as_str().unwrap().to_owned();
    // Every try has failed for three days already.
    sqlx::query("UPDATE webhooks SET failing_since = now() - interval '3 days'")
        .execute(&app.pool)
        .await
        .unwrap();
    app.create_runner(json!({"name": "notify", "model": "mock"}))
        .await;
    app.run_to_end("notify", json!({"arguments": {}})).await;
    receiver.wait_for(1, Duration::from_secs(20)).await;
    let mut found = Value::Null;
    for _ in 0..100 {
        found = app.get_json(&format!("/v1/webhooks/{id}")).await;
        if found["enabled"] == false {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(found["enabled"], false, "{found}");
    let reason = found["disabled_reason"].as_str().unwrap();
    assert!(
        reason.contains("48 hours") && reason.contains("503"),
        "{reason}"
    );
    // Its pending delivery is given up with it, not kept waiting.
    let page = app
        .get_json(&format!("/v1/webhooks/{id}/deliveries?status=failed"))
        .await;
    assert_eq!(page["data"][0]["last_error"], reason, "{page}");
}

#[tokio::test]
async fn a_task_s_callback_url_gets_its_end_signed_with_the_callback_secret() {
    let guarded = crate::helpers::spawn_app().await;
    guarded
        .create_runner(json!({"name": "notify", "model": "mock"}))
        .await;
    let res = guarded
        .post(
            "/v1/runners/notify/tasks",
            &json!({"arguments": {}, "callback_url": "http://127.0.0.1:9/cb"}),
        )
        .await;
    assert_eq!(
        violation_pointers(res, "invalid_body").await,
        ["/callback_url"]
    );

    let app = webhook_app().await;
    let receiver = Receiver::start(&[]).await;
    app.create_runner(json!({"name": "notify", "model": "mock",
        "model_settings": {"mock": {"text": "called back"}}}))
        .await;
    let task = app
        .run_to_end(
            "notify",
            json!({"arguments": {}, "callback_url": receiver.url}),
        )
        .await;
    assert_eq!(task["callback_url"], json!(receiver.url));
    let got = receiver.wait_for(1, Duration::from_secs(20)).await;
    let res = app.post("/v1/callback-secret", &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let secret: Value = res.json().await.unwrap();
    let secret = secret["secret"].as_str().unwrap();
    assert!(signed_with(&got[0], secret), "{got:?}");
    let body: Value = serde_json::from_str(&got[0].body).unwrap();
    assert_eq!(body["type"], "task.succeeded");
    assert_eq!(body["data"]["task"]["output"], "called back");
    let path = format!("/v1/tasks/{}/callback", task["id"].as_str().unwrap());
    let delivery = delivery_in(&app, &path, "succeeded").await;
    assert_eq!(delivery["attempt_log"][0]["status_code"], 200);
    // The same secret every time; a task without a callback has no delivery.
    let again: Value = app
        .post("/v1/callback-secret", &json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["secret"], secret);
    let plain = app.run_to_end("notify", json!({"arguments": {}})).await;
    let res = app
        .get(&format!(
            "/v1/tasks/{}/callback",
            plain["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(receiver.got().len(), 1);
}
