//! Authorization follows the route that runs, never the request's spelling: every
//! operation of the OpenAPI document (and `/mcp`), for each caller (no key, `read`,
//! `write`, `admin`), answers as its document says, and answers every spelling of its path
//! (each unreserved character percent-encoded in upper and lower hex, `%2F` for a slash,
//! doubled and trailing slashes) as it answers the plain one.

use futures::StreamExt;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, echo_runner, spawn_api};
use crate::keys::make_key;

/// Who calls: a label and the key (none, or one with that scope), and its rank.
struct Who {
    label: &'static str,
    key: Option<String>,
    rank: u8,
}

fn rank(scope: &str) -> u8 {
    match scope {
        "read" => 1,
        "write" => 2,
        "admin" => 3,
        _ => panic!("unknown scope {scope}"),
    }
}

/// One operation with its concrete path and the scope the document states (`None`: public).
struct Operation {
    method: Method,
    path: String,
    scope: Option<String>,
}

/// Every operation of the document, with path parameters that exist for reads (so some
/// answers are 2xx) and do not for changes (so nothing is deleted under the test).
fn operations() -> Vec<Operation> {
    let doc = serde_json::to_value(errand_http::app::openapi()).unwrap();
    let mut found = Vec::new();
    for (template, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Ok(method) = method.to_uppercase().parse::<Method>() else {
                continue;
            };
            let read = method == Method::GET;
            let path = template
                .replace(
                    "{name}",
                    if template.contains("tools") {
                        if read { "calculator" } else { "nobody" }
                    } else if read {
                        "scoped"
                    } else {
                        "nobody"
                    },
                )
                .replace("{id}", "0190a3f4-0000-7000-8000-000000000000")
                .replace("{delivery_id}", "0190a3f4-0000-7000-8000-000000000001")
                .replace(
                    "{path}",
                    if read {
                        "scoped/notes.md"
                    } else {
                        "nobody/x.md"
                    },
                );
            let scope = op["security"][0]["bearer"][0].as_str().map(str::to_owned);
            found.push(Operation {
                method,
                path,
                scope,
            });
        }
    }
    for method in [Method::GET, Method::POST] {
        found.push(Operation {
            method,
            path: "/mcp".into(),
            scope: Some("read".into()),
        });
    }
    found
}

/// Every other spelling of `path`, each with whether it keeps the route (`%2F` does not:
/// it is data, not a separator).
fn spellings(path: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for (i, c) in path.char_indices() {
        if c.is_ascii_alphanumeric() || "-._~".contains(c) {
            let upper = format!("%{:02X}", c as u8);
            let lower = upper.to_lowercase();
            out.push((format!("{}{upper}{}", &path[..i], &path[i + 1..]), true));
            if lower != upper {
                out.push((format!("{}{lower}{}", &path[..i], &path[i + 1..]), true));
            }
        }
        if c == '/' {
            out.push((format!("{}//{}", &path[..i], &path[i + 1..]), true));
            if i > 0 {
                out.push((format!("{}%2F{}", &path[..i], &path[i + 1..]), false));
                out.push((format!("{}%2f{}", &path[..i], &path[i + 1..]), false));
            }
        }
    }
    out.push((format!("{path}/"), true));
    out.push((format!("{path}//"), true));
    out.push((path.replace('/', "//"), true));
    out
}

async fn send(app: &TestApp, who: &Who, method: &Method, path: &str) -> StatusCode {
    let mut req = app
        .client
        .request(method.clone(), app.url(path))
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2025-06-18");
    if let Some(key) = &who.key {
        req = req.bearer_auth(key);
    }
    if [Method::POST, Method::PUT, Method::PATCH].contains(method) {
        req = req.json(&json!({}));
    }
    req.send().await.expect("request").status()
}

/// The callers, made through the API: open mode ends with the first key.
async fn callers(app: &TestApp) -> Vec<Who> {
    let (admin, _) = make_key(app, None, json!({"name": "admin", "scopes": ["admin"]})).await;
    let mut who = vec![Who {
        label: "no key",
        key: None,
        rank: 0,
    }];
    for scope in ["read", "write"] {
        let (key, _) = make_key(app, Some(&admin), json!({"name": scope, "scopes": [scope]})).await;
        who.push(Who {
            label: scope,
            key: Some(key),
            rank: rank(scope),
        });
    }
    who.push(Who {
        label: "admin",
        key: Some(admin),
        rank: 3,
    });
    who
}

/// What the document promises for the plain path.
fn check_plain(op: &Operation, who: &Who, status: StatusCode) -> Option<String> {
    let what = format!("{} {} as {}: {status}", op.method, op.path, who.label);
    if status.is_server_error() {
        return Some(format!("{what} (a server error)"));
    }
    let Some(scope) = &op.scope else {
        return None;
    };
    let refused = [StatusCode::UNAUTHORIZED, StatusCode::FORBIDDEN].contains(&status);
    let expected = match who.rank {
        0 => Some(StatusCode::UNAUTHORIZED),
        r if r < rank(scope) => Some(StatusCode::FORBIDDEN),
        _ => None,
    };
    match expected {
        Some(expected) if status != expected => Some(format!("{what}, expected {expected}")),
        None if refused => Some(format!("{what}, but the key has the `{scope}` scope")),
        _ => None,
    }
}

/// Whether a spelling's answer matches the plain path's.
fn check_spelling(plain: StatusCode, keeps_route: bool, status: StatusCode) -> bool {
    if status.is_server_error() {
        return false;
    }
    let refused = [StatusCode::UNAUTHORIZED, StatusCode::FORBIDDEN].contains(&plain);
    if !keeps_route {
        // Another route, or none: whatever it answers, never what the plain path refused.
        return !(refused && status.is_success());
    }
    if refused {
        return status == plain;
    }
    status.as_u16() / 100 == plain.as_u16() / 100
}

#[tokio::test]
async fn every_operation_answers_each_scope_as_documented_however_its_path_is_spelled() {
    let app = spawn_api().await;
    let who = callers(&app).await;
    let runner = app
        .client
        .post(app.url("/v1/runners"))
        .bearer_auth(who[2].key.as_deref().unwrap())
        .json(&echo_runner("scoped"))
        .send()
        .await
        .unwrap();
    assert_eq!(runner.status(), StatusCode::CREATED);

    let mut failures = Vec::new();
    let mut sent = 0usize;
    for op in operations() {
        for caller in &who {
            let plain = send(&app, caller, &op.method, &op.path).await;
            failures.extend(check_plain(&op, caller, plain));
            let variants = spellings(&op.path);
            sent += 1 + variants.len();
            let (app, method) = (&app, &op.method);
            let answers: Vec<(String, bool, StatusCode)> = futures::stream::iter(variants)
                .map(|(path, keeps)| async move {
                    let status = send(app, caller, method, &path).await;
                    (path, keeps, status)
                })
                .buffer_unordered(8)
                .collect()
                .await;
            for (path, keeps, status) in answers {
                if !check_spelling(plain, keeps, status) {
                    failures.push(format!(
                        "{} {path} as {}: {status}, but {} answers {plain}",
                        op.method, caller.label, op.path
                    ));
                }
            }
        }
    }
    assert!(
        sent > 2000,
        "only {sent} requests: the document lost operations"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn the_reported_crossings_are_closed() {
    let app = spawn_api().await;
    let who = callers(&app).await;
    let (read, write) = (&who[1], &who[2]);
    let created = app
        .client
        .post(app.url("/v1/api%2Dkeys"))
        .bearer_auth(write.key.as_deref().unwrap())
        .json(&json!({"name": "escalated", "scopes": ["admin"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        created.status(),
        StatusCode::FORBIDDEN,
        "a write key made a key"
    );
    let problem: Value = created.json().await.unwrap();
    assert_eq!(problem["code"], "forbidden");
    for path in [
        "/v1/api%2dkeys",
        "/v1/api%2Dkeys",
        "/%761/api-keys",
        "/v1/api-keys/",
    ] {
        assert_eq!(
            send(&app, read, &Method::GET, path).await,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let nobody = &who[0];
    assert_eq!(
        send(&app, nobody, &Method::GET, "/%761/models").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        send(&app, nobody, &Method::GET, "/%761/runners").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        send(&app, nobody, &Method::POST, "/mc%70").await,
        StatusCode::UNAUTHORIZED
    );
    let unmatched = app
        .client
        .get(app.url("/nowhere%2Fat/all"))
        .send()
        .await
        .unwrap();
    assert_eq!(unmatched.status(), StatusCode::NOT_FOUND);
    let problem: Value = unmatched.json().await.unwrap();
    assert_eq!(problem["code"], "not_found");
}
