use serde_json::Value;

use crate::helpers::spawn_api;

#[test]
fn committed_openapi_document_matches_the_handlers() {
    let generated = errand_http::openapi::to_pretty_json(&errand_http::app::openapi());
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date: run `cargo run -- openapi --output openapi/openapi.json`"
    );
}

/// Every `$ref` of `node`, with where it is.
fn refs(node: &Value, at: &str, found: &mut Vec<(String, String)>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", Value::String(target)) => found.push((at.to_owned(), target.clone())),
                    _ => refs(value, &format!("{at}/{key}"), found),
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                refs(item, &format!("{at}/{i}"), found);
            }
        }
        _ => {}
    }
}

#[test]
fn every_reference_in_the_document_resolves() {
    let doc: Value = serde_json::to_value(errand_http::app::openapi()).unwrap();
    let mut found = Vec::new();
    refs(&doc, "", &mut found);
    assert!(found.len() > 50, "only {} references", found.len());
    let dangling: Vec<String> = found
        .iter()
        .filter(|(_, target)| {
            let pointer = target.strip_prefix('#').unwrap_or(target);
            doc.pointer(pointer).is_none()
        })
        .map(|(at, target)| format!("{at} -> {target}"))
        .collect();
    assert!(
        dangling.is_empty(),
        "dangling references:\n{}",
        dangling.join("\n")
    );
}

#[test]
fn free_form_objects_say_so() {
    // A bare `type: object` is typed as an object with no keys by client generators.
    let doc: Value = serde_json::to_value(errand_http::app::openapi()).unwrap();
    let settings = &doc["components"]["schemas"]["NewRunner"]["properties"]["model_settings"];
    assert_eq!(settings["additionalProperties"], true, "{settings}");
}

#[test]
fn every_operation_is_documented_with_errors() {
    let doc: Value = serde_json::to_value(errand_http::app::openapi()).unwrap();
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
async fn the_served_document_states_this_server_s_models_and_waits() {
    let mut settings = crate::helpers::test_settings();
    settings.server.max_wait_seconds = 5;
    settings.providers.insert(
        "local".into(),
        crate::helpers::fake_provider("http://127.0.0.1:9/v1"),
    );
    let app = crate::helpers::spawn(
        errand::service::Mode {
            api: true,
            worker: false,
        },
        settings,
    )
    .await;
    let doc: Value = app.get_json("/openapi.json").await;
    let model = &doc["components"]["schemas"]["NewRunner"]["properties"]["model"]["pattern"];
    // A provider's model, or a model alias (any alias-shaped name: a project's own are set
    // at run time).
    assert_eq!(model, "^(mock|local/.+|[a-z][a-z0-9_.-]{0,63})$");
    let target = &doc["components"]["schemas"]["AliasSet"]["properties"]["aliases"]["additionalProperties"]
        ["pattern"];
    assert_eq!(target, "^(mock|local/.+)$");
    let wait = doc["paths"]["/v1/tasks/{id}"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "wait")
        .unwrap();
    assert_eq!(wait["schema"]["maximum"], 5);
    let res = app
        .get(&format!("/v1/tasks/{}?wait=6", uuid::Uuid::now_v7()))
        .await;
    assert_eq!(res.status(), reqwest::StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_serves_the_same_document() {
    let app = spawn_api().await;
    let served: Value = app.get_json("/openapi.json").await;
    assert_eq!(
        served,
        serde_json::to_value(errand_http::app::openapi()).unwrap()
    );
    app.stop().await;
}

#[test]
fn operation_ids_are_unique_and_descriptive() {
    let doc: Value = serde_json::to_value(errand_http::app::openapi()).unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap_or_default();
            // A verb and a noun in lowerCamelCase: `createTask`, `listRunners`.
            let verb_end = id.find(|c: char| c.is_ascii_uppercase()).unwrap_or(0);
            assert!(
                verb_end > 0 && id.chars().all(|c| c.is_ascii_alphanumeric()),
                "{method} {path}: operationId {id:?} is not verbNoun"
            );
            assert!(seen.insert(id.to_owned()), "operationId {id} is used twice");
        }
    }
}

/// The rows of the README's error table: code → where (an HTTP status or `task`).
fn readme_error_table() -> std::collections::BTreeMap<String, String> {
    let readme = include_str!("../../README.md");
    let section = readme
        .split("\n## Errors\n")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("the README has an Errors section");
    section
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let code = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
            Some((code.to_owned(), (*cells.get(2)?).to_owned()))
        })
        .collect()
}

#[test]
fn every_error_code_is_in_the_readme_and_the_openapi_document() {
    use errand_core::error::ErrorCode;
    let table = readme_error_table();
    let doc: Value = serde_json::to_value(errand_http::app::openapi()).unwrap();
    let enum_of = |schema: &str| -> Vec<String> {
        doc["components"]["schemas"][schema]["properties"]["code"]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{schema}.code has no enum"))
            .iter()
            .map(|c| c.as_str().unwrap().to_owned())
            .collect()
    };
    let (problem, task) = (enum_of("Problem"), enum_of("TaskError"));
    for code in ErrorCode::ALL {
        let name = code.as_str();
        let mut where_ = Vec::new();
        if let Some(status) = code.status() {
            where_.push(status.to_string());
            assert!(
                problem.contains(&name.to_owned()),
                "{name} missing from Problem.code"
            );
        }
        if code.is_task() {
            where_.push("task".to_owned());
            assert!(
                task.contains(&name.to_owned()),
                "{name} missing from TaskError.code"
            );
        }
        assert_eq!(
            table.get(name).map(String::as_str),
            Some(where_.join(", ").as_str()),
            "README error table row of {name}"
        );
    }
    assert_eq!(
        table.len(),
        ErrorCode::ALL.len(),
        "the README lists unknown codes"
    );
    assert_eq!(
        problem.len() + task.len(),
        ErrorCode::ALL.len() + 1,
        "internal_error is in both"
    );
}
