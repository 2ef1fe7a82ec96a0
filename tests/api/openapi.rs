use serde_json::Value;

use crate::helpers::spawn_api;

#[test]
fn committed_openapi_document_matches_the_handlers() {
    let generated = errand::openapi::to_pretty_json(&errand::app::openapi());
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date: run `cargo run -- openapi --output openapi/openapi.json`"
    );
}

#[test]
fn every_operation_is_documented_with_errors() {
    let doc: Value = serde_json::to_value(errand::app::openapi()).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 9);
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            let name = format!("{method} {path}");
            assert!(
                op["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{name} has no summary"
            );
            let responses = op["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|c| c.starts_with('2')),
                "{name}: no success response"
            );
            for (code, response) in responses {
                assert!(
                    response["description"].is_string(),
                    "{name} {code}: no description"
                );
            }
            if path.starts_with("/v1") {
                assert!(responses.contains_key("500"), "{name}: no error responses");
            }
            if op.get("requestBody").is_some() {
                for code in ["400", "413", "415", "422"] {
                    assert!(responses.contains_key(code), "{name}: no {code}");
                }
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_serves_the_same_document() {
    let app = spawn_api().await;
    let served: Value = app.get_json("/openapi.json").await;
    assert_eq!(
        served,
        serde_json::to_value(errand::app::openapi()).unwrap()
    );
    app.stop().await;
}
