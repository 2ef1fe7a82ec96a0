//! Triggers (inbound webhooks): a delivery signed as the trigger's scheme says starts a
//! task or posts a message; a bad, empty, stale or missing signature is a 401 that stores
//! nothing; a replayed delivery id makes nothing new. The signatures here are computed by
//! the test's own HMAC (on SHA-256 alone), not by Errand's code; `.ci/webhooks` signs with
//! the `standardwebhooks` package from PyPI.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::{TestApp, spawn_app, violation_pointers};

/// HMAC-SHA256 (RFC 2104), written out so the test does not share Errand's code.
pub fn hmac(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.iter().map(|b| b ^ byte).collect::<Vec<u8>>();
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .to_vec()
}

/// The Standard Webhooks signature of a delivery with a `whsec_` secret.
fn standard_signature(secret: &str, id: &str, timestamp: i64, body: &str) -> String {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").expect("whsec_"))
        .expect("base64");
    let mac = hmac(&key, format!("{id}.{timestamp}.{body}").as_bytes());
    format!("v1,{}", STANDARD.encode(mac))
}

async fn deliver(
    app: &TestApp,
    url: &str,
    headers: &[(&str, String)],
    body: &str,
) -> (StatusCode, Value) {
    let mut req = app
        .client
        .post(app.url(url))
        .header("content-type", "application/json")
        .body(body.to_owned());
    for (name, value) in headers {
        req = req.header(*name, value);
    }
    let res = req.send().await.expect("delivery");
    let status = res.status();
    (status, res.json().await.expect("json"))
}

async fn count(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
        .fetch_one(&app.pool)
        .await
        .expect("count")
}

async fn create(app: &TestApp, body: Value) -> Value {
    let res = app.post("/v1/triggers", &body).await;
    let status = res.status();
    let created: Value = res.json().await.expect("json");
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created
}

#[tokio::test]
async fn standard_webhooks_deliveries_are_verified_and_replays_make_nothing() {
    let app = spawn_app().await;
    app.create_runner(json!({"name": "triage", "model": "mock",
        "input_schema": {"type": "object", "required": ["issue"],
            "properties": {"issue": {"type": "integer"}}}}))
        .await;
    let trigger = create(
        &app,
        json!({"target": {"runner": "triage"}, "scheme": "standard-webhooks"}),
    )
    .await;
    let (url, secret) = (
        trigger["url"].as_str().unwrap().to_owned(),
        trigger["secret"].as_str().unwrap().to_owned(),
    );
    assert!(secret.starts_with("whsec_"), "{trigger}");
    assert_eq!(
        url,
        format!("/v1/hooks/{}", trigger["id"].as_str().unwrap())
    );
    let shown = app
        .get_json(&format!("/v1/triggers/{}", trigger["id"].as_str().unwrap()))
        .await;
    assert!(
        shown.get("secret").is_none(),
        "the secret is shown once: {shown}"
    );

    let body = r#"{"issue": 42}"#;
    let now = chrono::Utc::now().timestamp();
    let signed = |id: &str, ts: i64, sig: String| {
        vec![
            ("webhook-id", id.to_owned()),
            ("webhook-timestamp", ts.to_string()),
            ("webhook-signature", sig),
        ]
    };
    let good = standard_signature(&secret, "msg_1", now, body);

    // Refused, with nothing stored: wrong secret, empty `v1,`, stale, missing, tampered.
    let other = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let tampered = r#"{"issue": 43}"#;
    for (headers, sent) in [
        (
            signed("msg_1", now, standard_signature(other, "msg_1", now, body)),
            body,
        ),
        (signed("msg_1", now, "v1,".into()), body),
        (signed("msg_1", now, "v1, v1,".into()), body),
        (
            signed(
                "msg_1",
                now - 600,
                standard_signature(&secret, "msg_1", now - 600, body),
            ),
            body,
        ),
        (signed("msg_1", now, good.clone()), tampered),
        (vec![("webhook-id", "msg_1".into())], body),
    ] {
        let (status, problem) = deliver(&app, &url, &headers, sent).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{headers:?}: {problem}");
        assert_eq!(problem["code"], "signature_invalid");
    }
    assert_eq!(count(&app, "tasks").await, 0);
    assert_eq!(count(&app, "hook_deliveries").await, 0);

    // Good: one task with the body as its arguments; a rotation's second signature works.
    let (status, first) = deliver(&app, &url, &signed("msg_1", now, good.clone()), body).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{first}");
    assert_eq!(first["replayed"], false);
    let task = app
        .wait_for_status(first["task_id"].as_str().unwrap(), "succeeded")
        .await;
    assert_eq!(task["arguments"], json!({"issue": 42}));
    // The same webhook-id again (a retry or a replay): what the first made, nothing new.
    let (status, again) = deliver(&app, &url, &signed("msg_1", now, good.clone()), body).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["replayed"], true);
    assert_eq!(again["task_id"], first["task_id"]);
    let both = format!(
        "{} {}",
        standard_signature(other, "msg_2", now, body),
        standard_signature(&secret, "msg_2", now, body)
    );
    let (status, second) = deliver(&app, &url, &signed("msg_2", now, both), body).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{second}");
    assert_eq!(count(&app, "tasks").await, 2);

    // Arguments that break the runner's schema: 422 with the pointer, nothing stored.
    let bad = r#"{"issue": "many"}"#;
    let sig = standard_signature(&secret, "msg_3", now, bad);
    let (status, problem) = deliver(&app, &url, &signed("msg_3", now, sig), bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["pointer"], "/arguments/issue");
    assert_eq!(count(&app, "hook_deliveries").await, 2);

    // Disabled, then deleted: 404 either way; the key-less route reaches nothing else.
    let id = trigger["id"].as_str().unwrap();
    let res = app
        .client
        .patch(app.url(&format!("/v1/triggers/{id}")))
        .json(&json!({"enabled": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let sig = standard_signature(&secret, "msg_4", now, body);
    let (status, problem) = deliver(&app, &url, &signed("msg_4", now, sig), body).await;
    assert_eq!(
        (status, problem["code"].clone()),
        (StatusCode::NOT_FOUND, json!("trigger_not_found"))
    );
    assert_eq!(
        app.delete(&format!("/v1/triggers/{id}")).await.status(),
        StatusCode::NO_CONTENT
    );
    let (status, _) = deliver(&app, "/v1/hooks/not-an-id", &[], body).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn github_and_hmac_deliveries_map_fields_into_tasks_and_messages() {
    let app = spawn_app().await;
    app.create_runner(json!({"name": "on-push", "model": "mock",
        "input_schema": {"type": "object", "required": ["repo"],
            "properties": {"repo": {"type": "string"}, "ref": {"type": "string"}}}}))
        .await;
    let github = create(
        &app,
        json!({"target": {"runner": "on-push"}, "scheme": "github",
            "secret": "a-secret-of-my-choosing",
            "mapping": {"repo": "/repository/full_name", "ref": "/ref", "absent": "/nope"}}),
    )
    .await;
    assert_eq!(github["secret"], "a-secret-of-my-choosing");
    let url = github["url"].as_str().unwrap();
    let body = r#"{"ref": "refs/heads/main", "repository": {"full_name": "acme/app"}}"#;
    let sig = format!(
        "sha256={}",
        hex::encode(hmac(b"a-secret-of-my-choosing", body.as_bytes()))
    );
    let headers = vec![
        ("x-hub-signature-256", sig.clone()),
        (
            "x-github-delivery",
            "72d3162e-cc78-11e3-81ab-4c9367dc0958".to_owned(),
        ),
    ];
    let (status, made) = deliver(&app, url, &headers, body).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{made}");
    let task = app.task(made["task_id"].as_str().unwrap()).await;
    assert_eq!(
        task["arguments"],
        json!({"repo": "acme/app", "ref": "refs/heads/main"})
    );
    let (status, again) = deliver(&app, url, &headers, body).await;
    assert_eq!(
        (status, &again["task_id"]),
        (StatusCode::OK, &made["task_id"])
    );
    for wrong in ["sha256=", "sha256=zz", "deadbeef", &sig[..sig.len() - 2]] {
        let headers = vec![("x-hub-signature-256", wrong.to_owned())];
        let (status, _) = deliver(&app, url, &headers, body).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{wrong}");
    }

    // hmac-sha256 in a header of the trigger's choosing, onto a queue.
    let hmac_trigger = create(
        &app,
        json!({"target": {"queue": "inbound"}, "scheme": "hmac-sha256",
            "signature_header": "X-Signature"}),
    )
    .await;
    let secret = hmac_trigger["secret"].as_str().unwrap();
    let url = hmac_trigger["url"].as_str().unwrap();
    let body = r#"{"order": 7}"#;
    let sig = hex::encode(hmac(secret.as_bytes(), body.as_bytes()));
    let (status, made) = deliver(&app, url, &[("x-signature", sig)], body).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{made}");
    let message = app
        .get_json(&format!(
            "/v1/queues/inbound/messages/{}",
            made["message_id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(message["payload"], json!({"order": 7}));
    let (status, _) = deliver(&app, url, &[("x-signature", "00".repeat(32))], body).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // `none`: the URL is the secret; an Idempotency-Key makes a retry harmless.
    let open = create(
        &app,
        json!({"target": {"queue": "inbound"}, "scheme": "none"}),
    )
    .await;
    assert_eq!(open["secret"], Value::Null);
    let url = open["url"].as_str().unwrap();
    let key = vec![("idempotency-key", "order-8".to_owned())];
    let (status, first) = deliver(&app, url, &key, r#"{"order": 8}"#).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{first}");
    let (status, again) = deliver(&app, url, &key, r#"{"order": 8}"#).await;
    assert_eq!(
        (status, &again["message_id"]),
        (StatusCode::OK, &first["message_id"])
    );
    let (status, problem) = deliver(&app, url, &[], "not json").await;
    assert_eq!(
        (status, problem["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("malformed_json"))
    );
}

#[tokio::test]
async fn triggers_are_checked_when_made() {
    let app = spawn_app().await;
    let res = app
        .post(
            "/v1/triggers",
            &json!({"target": {"runner": "missing"}, "scheme": "hmac-sha256",
                "mapping": {"a": "no-slash"}}),
        )
        .await;
    assert_eq!(
        violation_pointers(res, "invalid_body").await,
        ["/target/runner", "/signature_header", "/mapping/a"]
    );
    let res = app
        .post(
            "/v1/triggers",
            &json!({"target": {"queue": "q"}, "scheme": "standard-webhooks",
                "secret": "0123456789abcdef", "signature_header": "X-Sig"}),
        )
        .await;
    assert_eq!(
        violation_pointers(res, "invalid_body").await,
        ["/signature_header", "/secret"]
    );
    let res = app
        .post(
            "/v1/triggers",
            &json!({"target": {"queue": "q"}, "scheme": "rot13"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let list = app.get_json("/v1/triggers").await;
    assert_eq!(list["data"], json!([]));
}
