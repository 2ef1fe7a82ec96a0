//! API keys and open mode: the first key ends open mode; keys are stored as hashes only;
//! revoked and expired keys are refused; open mode answers only this machine; a public
//! address without keys does not start; `errand keys create` and `ERRAND_ADMIN_KEY` make
//! working keys.

use std::process::Command;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::{TestApp, spawn_api};

/// Creates a key through the API (in open mode, or with `admin`) and returns its plaintext.
pub async fn make_key(app: &TestApp, admin: Option<&str>, body: Value) -> (String, Value) {
    let mut req = app.client.post(app.url("/v1/api-keys")).json(&body);
    if let Some(admin) = admin {
        req = req.bearer_auth(admin);
    }
    let res = req.send().await.expect("request");
    assert_eq!(res.status(), StatusCode::CREATED, "{body}");
    let created: Value = res.json().await.expect("json");
    let key = created["key"].as_str().expect("key").to_owned();
    (key, created)
}

/// Creates project `name` with `admin` and returns a key of it with `scopes`.
pub async fn project_key(app: &TestApp, admin: &str, name: &str, scopes: Value) -> String {
    let created = app
        .client
        .post(app.url("/v1/projects"))
        .bearer_auth(admin)
        .json(&json!({ "name": name }))
        .send()
        .await
        .expect("request");
    assert_eq!(created.status(), StatusCode::CREATED);
    let body = json!({"name": name, "scopes": scopes, "project": name});
    make_key(app, Some(admin), body).await.0
}

async fn status_with(app: &TestApp, key: Option<&str>, path: &str) -> StatusCode {
    let mut req = app.client.get(app.url(path));
    if let Some(key) = key {
        req = req.bearer_auth(key);
    }
    req.send().await.expect("request").status()
}

#[tokio::test]
async fn the_first_key_ends_open_mode_and_only_its_hash_is_stored() {
    let app = spawn_api().await;
    assert_eq!(status_with(&app, None, "/v1/runners").await, StatusCode::OK);
    let (key, created) = make_key(
        &app,
        None,
        json!({"name": "ci", "scopes": ["admin"], "project": "default"}),
    )
    .await;
    assert!(key.starts_with("ek_live_") && key.len() >= 8 + 32, "{key}");
    assert_eq!(created["project"], "default");
    assert_eq!(created["scopes"], json!(["admin"]));
    assert!(key.starts_with(created["prefix"].as_str().expect("prefix")));

    let res = app.get("/v1/runners").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(res.headers()["www-authenticate"], "Bearer");
    let problem: Value = res.json().await.expect("json");
    assert_eq!(problem["code"], "unauthenticated");
    assert_eq!(
        status_with(&app, Some(&key), "/v1/runners").await,
        StatusCode::OK
    );
    assert_eq!(
        status_with(&app, Some("ek_live_0000"), "/v1/runners").await,
        StatusCode::UNAUTHORIZED
    );
    // The open parts stay open.
    for path in ["/healthz", "/readyz", "/openapi.json", "/docs/"] {
        assert_eq!(
            status_with(&app, None, path).await,
            StatusCode::OK,
            "{path}"
        );
    }

    // The table holds the hash, never the key.
    let rows: Vec<(Vec<u8>, String, String)> =
        sqlx::query_as("SELECT hash, prefix, row_to_json(api_keys)::text FROM api_keys")
            .fetch_all(&app.pool)
            .await
            .expect("keys");
    assert_eq!(rows.len(), 1);
    let (hash, prefix, whole_row) = &rows[0];
    assert_eq!(hash.as_slice(), &Sha256::digest(key.as_bytes())[..]);
    assert!(
        !whole_row.contains(&key[8..]),
        "plaintext stored: {whole_row}"
    );
    assert!(prefix.len() < 20);
    let listed = app
        .client
        .get(app.url("/v1/api-keys"))
        .bearer_auth(&key)
        .send()
        .await
        .expect("list")
        .text()
        .await
        .expect("text");
    assert!(
        !listed.contains(&key[8..]),
        "a list shows the key: {listed}"
    );
}

#[tokio::test]
async fn revoked_and_expired_keys_are_refused() {
    let app = spawn_api().await;
    let (admin, _) = make_key(&app, None, json!({"name": "admin", "scopes": ["admin"]})).await;
    let (reader, made) =
        make_key(&app, Some(&admin), json!({"name": "r", "scopes": ["read"]})).await;
    assert_eq!(
        status_with(&app, Some(&reader), "/v1/tasks").await,
        StatusCode::OK
    );
    let id = made["id"].as_str().expect("id");
    let revoked = app
        .client
        .delete(app.url(&format!("/v1/api-keys/{id}")))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("revoke");
    assert_eq!(revoked.status(), StatusCode::OK);
    let revoked: Value = revoked.json().await.expect("json");
    assert!(revoked["revoked_at"].is_string());
    assert_eq!(
        status_with(&app, Some(&reader), "/v1/tasks").await,
        StatusCode::UNAUTHORIZED,
        "revoked in this process: refused at once"
    );

    let soon = (chrono::Utc::now() + chrono::Duration::milliseconds(1500)).to_rfc3339();
    let (short, _) = make_key(
        &app,
        Some(&admin),
        json!({"name": "short", "scopes": ["read"], "expires_at": soon}),
    )
    .await;
    assert_eq!(
        status_with(&app, Some(&short), "/v1/tasks").await,
        StatusCode::OK
    );
    tokio::time::sleep(Duration::from_millis(1700)).await;
    let res = app
        .client
        .get(app.url("/v1/tasks"))
        .bearer_auth(&short)
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let problem: Value = res.json().await.expect("json");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("expired")
    );

    let past = app
        .client
        .post(app.url("/v1/api-keys"))
        .bearer_auth(&admin)
        .json(&json!({"name": "x", "scopes": ["read"], "expires_at": "2001-01-01T00:00:00Z"}))
        .send()
        .await
        .expect("request");
    assert_eq!(past.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn open_mode_answers_only_this_machine() {
    let app = spawn_api().await;
    let rebound = app
        .client
        .get(app.url("/v1/runners"))
        .header("host", "attacker.example:8080")
        .send()
        .await
        .expect("request");
    assert_eq!(rebound.status(), StatusCode::FORBIDDEN);
    let problem: Value = rebound.json().await.expect("json");
    assert_eq!(problem["code"], "forbidden");

    let cross_site = app
        .client
        .post(app.url("/v1/runners"))
        .header("origin", "https://attacker.example")
        .json(&json!({"name": "x"}))
        .send()
        .await
        .expect("request");
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);
    let null_origin = app
        .client
        .post(app.url("/v1/tasks/00000000-0000-0000-0000-000000000000/cancel"))
        .header("origin", "null")
        .send()
        .await
        .expect("request");
    assert_eq!(null_origin.status(), StatusCode::FORBIDDEN);
    let read = app
        .client
        .get(app.url("/v1/runners"))
        .header("origin", "https://attacker.example")
        .send()
        .await
        .expect("request");
    assert_eq!(read.status(), StatusCode::OK, "a read changes nothing");
    let local = app
        .client
        .post(app.url("/v1/runners"))
        .header("origin", "http://localhost:3000")
        .json(&json!({"name": "x"}))
        .send()
        .await
        .expect("request");
    assert_eq!(local.status(), StatusCode::CREATED);
}

/// Runs `errand` to its end (killed after 30 s: a server that should have refused to
/// start fails the test instead of hanging it).
fn errand(app: &TestApp, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    crate::helpers::run_bounded(
        Command::new(env!("CARGO_BIN_EXE_errand"))
            .args(args)
            .env("DATABASE_URL", &app.database_url)
            .env_remove("ERRAND_ADMIN_KEY")
            .env("ERRAND_LOG", "warn")
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped()),
    )
}

#[tokio::test]
async fn a_public_address_without_keys_refuses_to_start_and_names_the_ways_out() {
    let app = spawn_api().await;
    let out = errand(&app, &["--bind", "0.0.0.0", "--port", "0", "api"], &[]);
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("errand keys create") && said.contains("--insecure-no-auth"),
        "{said}"
    );

    // `errand keys create` prints a working key once (and only that on stdout).
    let out = errand(
        &app,
        &["keys", "create", "--project", "ops", "--scope", "write"],
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key = String::from_utf8(out.stdout)
        .expect("utf-8")
        .trim()
        .to_owned();
    assert!(key.starts_with("ek_live_"), "{key}");
    let res = app
        .client
        .post(app.url("/v1/runners"))
        .bearer_auth(&key)
        .json(&json!({"name": "from-cli"}))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::CREATED);
    let projects: Vec<String> = sqlx::query_scalar("SELECT name FROM projects ORDER BY name")
        .fetch_all(&app.pool)
        .await
        .expect("projects");
    assert_eq!(projects, ["default", "ops"]);
}

#[tokio::test]
async fn errand_admin_key_seeds_an_admin_key_of_default() {
    let mut app = spawn_api().await;
    let seeded = "a-container-secret-of-at-least-32-characters";
    let base = app.spawn_api_process(&[("ERRAND_ADMIN_KEY", seeded)]).await;
    let client = &app.client;
    let anonymous = client
        .get(format!("{base}/v1/projects"))
        .send()
        .await
        .expect("r");
    assert_eq!(
        anonymous.status(),
        StatusCode::UNAUTHORIZED,
        "no longer open"
    );
    let res = client
        .post(format!("{base}/v1/projects"))
        .bearer_auth(seeded)
        .json(&json!({"name": "team-a"}))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::CREATED);
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM api_keys WHERE hash = $1")
        .bind(Sha256::digest(seeded.as_bytes()).to_vec())
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(stored, 1);

    let short = errand(&app, &["migrate"], &[("ERRAND_ADMIN_KEY", "too-short")]);
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("32"));
}
