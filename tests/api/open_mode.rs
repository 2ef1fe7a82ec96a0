//! Open mode is a one-way door that fails closed, and keys: `ERRAND_ADMIN_KEY` rotation
//! retires the old value, a listed prefix shows at most 8 secret characters, and unknown
//! tokens cost little (answered from memory past a per-address budget, while a real key
//! keeps working).

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{TestApp, spawn_api};
use crate::keys::make_key;

async fn status(app: &TestApp, base: &str, key: Option<&str>, path: &str) -> StatusCode {
    let mut req = app.client.get(format!("{base}{path}"));
    if let Some(key) = key {
        req = req.bearer_auth(key);
    }
    req.send().await.expect("request").status()
}

#[tokio::test]
async fn open_mode_never_returns_once_a_key_existed_and_each_open_start_says_where() {
    let mut app = spawn_api().await;
    let first = app.spawn_api_process(&[]).await;
    let port = first.rsplit(':').next().unwrap();
    app.wait_for_log(
        0,
        &format!("open mode on 127.0.0.1:{port}"),
        Duration::from_secs(5),
    )
    .await;

    let (key, made) = make_key(&app, None, json!({"name": "only", "scopes": ["admin"]})).await;
    let revoke = app
        .client
        .delete(app.url(&format!("/v1/api-keys/{}", made["id"].as_str().unwrap())))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status(), StatusCode::OK);
    // What retention does to a long-revoked key: no key is left at all.
    sqlx::query("DELETE FROM api_keys")
        .execute(&app.pool)
        .await
        .unwrap();

    let second = app.spawn_api_process(&[]).await;
    assert_eq!(
        status(&app, &second, None, "/v1/runners").await,
        StatusCode::UNAUTHORIZED,
        "open mode came back after the last key was deleted"
    );
    assert!(
        !app.worker_log(1).contains("open mode on"),
        "{}",
        app.worker_log(1)
    );
}

/// Sends raw HTTP/1.x `head` (no body) and returns the status line's code.
async fn raw_status(app: &TestApp, head: &[u8]) -> u16 {
    let addr = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(head).await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
    let text = String::from_utf8_lossy(&answer);
    text.split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

#[tokio::test]
async fn open_mode_refuses_a_request_without_a_readable_host() {
    let app = spawn_api().await;
    let named = raw_status(&app, b"GET /v1/runners HTTP/1.0\r\nHost: localhost\r\n\r\n").await;
    assert_eq!(named, 200);
    let anonymous = raw_status(&app, b"GET /v1/runners HTTP/1.0\r\n\r\n").await;
    assert_eq!(anonymous, 403, "a request without Host ran in open mode");
    let unreadable = raw_status(
        &app,
        b"GET /v1/runners HTTP/1.0\r\nHost: local\xffhost\r\n\r\n",
    )
    .await;
    assert!(
        unreadable == 403 || unreadable == 400,
        "an unreadable Host ran in open mode: {unreadable}"
    );
}

#[tokio::test]
async fn rotating_errand_admin_key_retires_the_old_value_and_prefixes_stay_short() {
    let mut app = spawn_api().await;
    let old = "first-container-secret-0123456789abcdef";
    let new = "second-container-secret-0123456789abcdef";
    let before = app.spawn_api_process(&[("ERRAND_ADMIN_KEY", old)]).await;
    assert_eq!(
        status(&app, &before, Some(old), "/v1/projects").await,
        StatusCode::OK
    );

    let after = app.spawn_api_process(&[("ERRAND_ADMIN_KEY", new)]).await;
    assert_eq!(
        status(&app, &after, Some(new), "/v1/projects").await,
        StatusCode::OK
    );
    assert_eq!(
        status(&app, &after, Some(old), "/v1/projects").await,
        StatusCode::UNAUTHORIZED,
        "the rotated-out value is still a key"
    );
    let listed: Value = app
        .client
        .get(format!("{after}/v1/api-keys"))
        .bearer_auth(new)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let keys = listed["data"].as_array().unwrap();
    assert_eq!(keys.len(), 2, "{listed}");
    for key in keys {
        let prefix = key["prefix"].as_str().unwrap();
        assert!(
            prefix.len() <= 8,
            "prefix {prefix:?} shows more than 8 characters"
        );
        let active = key["revoked_at"].is_null();
        let value = if prefix == &new[..8] { new } else { old };
        assert_eq!(active, value == new, "{key}");
    }
    let (made, made_row) =
        make_key(&app, Some(new), json!({"name": "api", "scopes": ["read"]})).await;
    let prefix = made_row["prefix"].as_str().unwrap();
    assert_eq!(
        prefix,
        &made[..16],
        "ek_live_ and 8 characters of the secret"
    );
}

#[tokio::test]
async fn a_flood_of_unknown_tokens_is_answered_from_memory_while_a_real_key_works() {
    let app = spawn_api().await;
    let (key, _) = make_key(&app, None, json!({"name": "real", "scopes": ["read"]})).await;
    let base = app.address.clone();
    let mut refused = 0;
    let mut limited = 0;
    let started = std::time::Instant::now();
    for i in 0..200 {
        let token = format!("ek_live_{:064x}", i + 1);
        let res = app
            .client
            .get(app.url("/v1/tasks"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        match res.status() {
            StatusCode::UNAUTHORIZED => refused += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                assert!(res.headers().contains_key("retry-after"));
                let problem: Value = res.json().await.unwrap();
                assert_eq!(problem["code"], "rate_limited");
                limited += 1;
            }
            other => panic!("an unknown token got {other}"),
        }
        if i % 20 == 0 {
            assert_eq!(
                status(&app, &base, Some(&key), "/v1/tasks").await,
                StatusCode::OK
            );
        }
    }
    // The burst (20, less the real key's own first lookup) and the refill (5 a second)
    // are looked up; the rest are not, however slow this machine is today.
    let refill = (started.elapsed().as_secs_f64() * 5.0).ceil() as usize;
    assert!(
        (15..=21 + refill).contains(&refused),
        "{refused} lookups of unknown tokens in {:?}",
        started.elapsed()
    );
    assert!(
        limited >= 200 - 21 - refill,
        "only {limited} answered from memory"
    );
    assert_eq!(refused + limited, 200);
    // A real key this process has never seen (made by another process, or before a
    // restart) is not held back by the flood either.
    let unseen = errand_core::keys::generate().unwrap();
    let project: uuid::Uuid = sqlx::query_scalar("SELECT id FROM projects WHERE name = 'default'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let new = errand_core::keys::NewKey {
        project: errand_core::projects::ProjectId(project),
        name: "made elsewhere",
        scopes: &[errand_core::keys::Scope::Read],
        expires_at: None,
        seeded: false,
    };
    errand_core::keys::insert(&app.pool, &new, &unseen)
        .await
        .unwrap()
        .unwrap();
    // The set of live keys is read at most once a second: a key made within the last second
    // may wait that long. Then spend the address's budget again.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    for i in 0..30 {
        let token = format!("ek_live_{:064x}", 1000 + i);
        status(&app, &base, Some(&token), "/v1/tasks").await;
    }
    assert_eq!(
        status(&app, &base, Some("ek_live_not-a-key-at-all"), "/v1/tasks").await,
        StatusCode::TOO_MANY_REQUESTS,
        "the address's budget is spent"
    );
    assert_eq!(
        status(&app, &base, Some(&unseen), "/v1/tasks").await,
        StatusCode::OK,
        "a real key never seen here was held back by the flood"
    );
    // A token found unknown a moment ago is refused again without a lookup, not limited.
    let again = app
        .client
        .get(app.url("/v1/tasks"))
        .bearer_auth(format!("ek_live_{:064x}", 1))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::UNAUTHORIZED);
}
