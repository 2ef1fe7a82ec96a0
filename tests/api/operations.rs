use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::spawn_api;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_readiness_and_request_ids() {
    let app = spawn_api().await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), StatusCode::OK);
    let id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
    let other = app.get("/healthz").await.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_ne!(id, other);

    let res = app.get("/readyz").await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");

    // Without Errand's migrations the service is not ready.
    sqlx::query("DELETE FROM _sqlx_migrations")
        .execute(&app.pool)
        .await
        .unwrap();
    let res = app.get("/readyz").await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "migrations pending");

    let docs = app.get("/docs").await;
    assert_eq!(docs.status(), StatusCode::OK);
    let html = docs.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    app.stop().await;
}

#[test]
fn meshagent_spec_matches_the_binary() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/meshagent.yaml")).unwrap();
    let spec: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    assert_eq!(spec["kind"].as_str(), Some("Service"));
    assert_eq!(spec["version"].as_str(), Some("v1"));
    assert!(spec["metadata"]["name"].as_str().is_some());
    let port = &spec["ports"][0];
    let default_port = errand_core::config::Settings::default().server.port;
    assert_eq!(port["num"].as_u64(), Some(u64::from(default_port)));
    assert!(port["endpoints"][0]["path"].as_str().is_some());
    let container = &spec["container"];
    assert!(container["image"].as_str().is_some());
    let command = container["command"].as_str().unwrap();
    let words: Vec<&str> = command.split_whitespace().collect();
    assert_eq!(words[0], "errand");
    // The command parses with the real CLI and serves on the declared port and all interfaces.
    let cli = <errand::cli::Cli as clap::Parser>::try_parse_from(&words).expect("command parses");
    let settings = cli.settings().unwrap();
    assert_eq!(
        u64::from(settings.server.port),
        port["num"].as_u64().unwrap()
    );
    assert_eq!(settings.server.bind, "0.0.0.0");
    assert!(matches!(cli.command, Some(errand::cli::Command::Serve)));
}
