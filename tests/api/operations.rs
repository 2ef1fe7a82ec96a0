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

/// Keys a MeshAgent `ServiceSpec` (v1) allows at each level that the file uses: its models
/// forbid any other (meshagent-api 0.56, `meshagent/api/specs/service.py`).
const SPEC_KEYS: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "version",
            "kind",
            "id",
            "enabled",
            "metadata",
            "agents",
            "ports",
            "files",
            "container",
            "external",
        ],
    ),
    (
        "metadata",
        &["name", "description", "repo", "icon", "annotations"],
    ),
    (
        "agents",
        &[
            "name",
            "description",
            "annotations",
            "channels",
            "email",
            "heartbeat",
        ],
    ),
    (
        "ports",
        &[
            "num",
            "type",
            "endpoints",
            "liveness",
            "host_port",
            "published",
            "public",
            "annotations",
        ],
    ),
    (
        "container",
        &[
            "image",
            "command",
            "working_dir",
            "run_as",
            "template",
            "pull_secret",
            "environment",
            "storage",
            "on_demand",
            "writable_root_fs",
            "private",
        ],
    ),
    ("environment", &["name", "value", "token", "secret"]),
    (
        "storage",
        &[
            "room",
            "volumes",
            "images",
            "files",
            "empty_dirs",
            "configs",
        ],
    ),
    ("volumes", &["name", "path", "subpath", "read_only"]),
];

fn keys_allowed(level: &str, value: &serde_yaml::Value) {
    let allowed = SPEC_KEYS
        .iter()
        .find(|(l, _)| *l == level)
        .expect("level")
        .1;
    for key in value.as_mapping().expect("a mapping").keys() {
        let key = key.as_str().expect("a string key");
        assert!(
            allowed.contains(&key),
            "{level}: {key:?} is not a ServiceSpec field"
        );
    }
}

#[test]
fn meshagent_spec_matches_the_binary() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/meshagent.yaml")).unwrap();
    let spec: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    keys_allowed("", &spec);
    keys_allowed("metadata", &spec["metadata"]);
    assert_eq!(spec["kind"].as_str(), Some("Service"));
    assert_eq!(spec["version"].as_str(), Some("v1"));
    assert_eq!(spec["metadata"]["name"].as_str(), Some("errand"));
    // An agents entry for Errand.
    let agent = &spec["agents"][0];
    keys_allowed("agents", agent);
    assert_eq!(agent["name"].as_str(), Some("errand"));

    // The command parses with the real CLI: `serve`, on all interfaces, on the declared port.
    let container = &spec["container"];
    keys_allowed("container", container);
    assert!(container["image"].as_str().is_some());
    let command = container["command"].as_str().unwrap();
    let words: Vec<&str> = command.split_whitespace().collect();
    assert_eq!(words[0], "errand");
    let cli = <errand::cli::Cli as clap::Parser>::try_parse_from(&words).expect("command parses");
    let settings = cli.settings().unwrap();
    let port = &spec["ports"][0];
    keys_allowed("ports", port);
    assert_eq!(port["type"].as_str(), Some("http"));
    assert_eq!(
        u64::from(settings.server.port),
        port["num"].as_u64().unwrap()
    );
    assert_eq!(settings.server.bind, "0.0.0.0");
    assert!(matches!(cli.command, Some(errand::cli::Command::Serve)));
    // The liveness probe is a route the binary answers without a key.
    assert_eq!(port["liveness"].as_str(), Some("/healthz"));
    let doc = serde_json::to_value(errand_http::app::openapi()).unwrap();
    assert!(
        doc["paths"]["/healthz"]["get"].is_object(),
        "no /healthz route"
    );

    // Every variable is one Errand reads; the key and the database URL come from secrets
    // (never written here), which MeshAgent gives only to a service with `run_as`.
    let environment = container["environment"].as_sequence().expect("environment");
    let mut names = Vec::new();
    for entry in environment {
        keys_allowed("environment", entry);
        let name = entry["name"].as_str().expect("name").to_owned();
        let sources = ["value", "token", "secret"]
            .iter()
            .filter(|k| entry.get(**k).is_some())
            .count();
        assert_eq!(sources, 1, "{name}: one of value, token or secret");
        if ["ERRAND_ADMIN_KEY", "DATABASE_URL"].contains(&name.as_str()) {
            assert!(
                entry.get("value").is_none(),
                "{name} is written in the file"
            );
            let secret = entry["secret"].as_mapping().expect("from a secret");
            assert_eq!(secret.len(), 1, "{name}: a secret is {{id}} only");
            assert!(entry["secret"]["id"].as_str().is_some());
        }
        names.push(name);
    }
    assert!(
        names.contains(&"ERRAND_ADMIN_KEY".to_owned()),
        "0.0.0.0 needs a key to start"
    );
    assert!(
        names.contains(&"DATABASE_URL".to_owned()),
        "the recommended path"
    );
    let unknown = errand_core::config::env::unknown_variables(names.into_iter());
    assert!(unknown.is_empty(), "{unknown:?}");
    assert!(container["run_as"]["email"].as_str().is_some());
    let scopes: Vec<&str> = container["run_as"]["scopes"]
        .as_sequence()
        .expect("scopes")
        .iter()
        .filter_map(|s| s.as_str())
        .collect();
    assert!(scopes.contains(&"secrets:read"), "{scopes:?}");

    // /data, the managed PostgreSQL's home without DATABASE_URL, is mounted storage.
    let storage = &container["storage"];
    keys_allowed("storage", storage);
    let volume = &storage["volumes"][0];
    keys_allowed("volumes", volume);
    assert_eq!(
        volume["path"].as_str().map(std::path::PathBuf::from),
        Some(settings.database.data_dir.clone())
    );
}
