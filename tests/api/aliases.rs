//! Model aliases: the server's (`[models.aliases]`) and a project's own (`PUT
//! /v1/models/aliases`) stand for models wherever a model is named; a task records the
//! alias and the model it resolved to; a bad alias is a 422 when saved.

use serde_json::{Value, json};

use crate::helpers::{TestApp, fake_provider, spawn, test_settings, violation_pointers};
use errand::service::Mode;

/// A service with the provider `fake` (never called here: its tasks are not waited for)
/// and the server alias `standard` → `fake/gpt-test`.
async fn app_with_aliases() -> TestApp {
    let mut settings = test_settings();
    settings
        .providers
        .insert("fake".into(), fake_provider("http://127.0.0.1:9/v1"));
    settings
        .models
        .aliases
        .insert("standard".into(), "fake/gpt-test".into());
    spawn(
        Mode {
            api: true,
            worker: false,
        },
        settings,
    )
    .await
}

async fn put_aliases(app: &TestApp, aliases: Value) -> reqwest::Response {
    app.put("/v1/models/aliases", &json!({"aliases": aliases}))
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_and_project_aliases_resolve_where_models_are_named() {
    let app = app_with_aliases().await;
    // The server's alias, listed with the providers.
    let models = app.get_json("/v1/models").await;
    assert_eq!(
        models["aliases"],
        json!([{"name": "standard", "model": "fake/gpt-test", "source": "server"}])
    );
    // A runner names the alias; its task records it and the model it stood for.
    let runner = app
        .create_runner(json!({"name": "writer", "model": "standard"}))
        .await;
    assert_eq!(runner["model"], "standard");
    let task = app.submit("writer", json!({})).await;
    assert_eq!(task["model"], "fake/gpt-test");
    assert_eq!(task["model_alias"], "standard");

    // The project's own alias of the same name wins; the runner follows it.
    let res = put_aliases(&app, json!({"standard": "mock", "code": "fake/coder"})).await;
    assert_eq!(res.status(), 200);
    let set: Value = res.json().await.expect("json");
    assert_eq!(
        set["aliases"],
        json!({"standard": "mock", "code": "fake/coder"})
    );
    assert_eq!(
        set["in_force"],
        json!([{"name": "code", "model": "fake/coder", "source": "project"},
               {"name": "standard", "model": "mock", "source": "project"}])
    );
    let later = app.submit("writer", json!({})).await;
    assert_eq!(later["model"], "mock");
    assert_eq!(later["model_alias"], "standard");
    // The earlier task keeps what its alias resolved to then.
    assert_eq!(
        app.task(task["id"].as_str().expect("id")).await["model"],
        "fake/gpt-test"
    );

    // Batches name aliases too; each task says which.
    let res = app
        .post(
            "/v1/runners/writer/tasks",
            &json!({"models": ["code", "mock"], "read_only": true}),
        )
        .await;
    assert_eq!(res.status(), 202);
    let batch: Value = res.json().await.expect("json");
    let tasks = batch["tasks"].as_array().expect("tasks");
    assert_eq!(
        (tasks[0]["model"].clone(), tasks[0]["model_alias"].clone()),
        (json!("fake/coder"), json!("code"))
    );
    assert_eq!(
        (tasks[1]["model"].clone(), tasks[1]["model_alias"].clone()),
        (json!("mock"), Value::Null)
    );
    let res = app
        .post(
            "/v1/runners/writer/tasks",
            &json!({"models": ["nosuch"], "read_only": true}),
        )
        .await;
    assert_eq!(violation_pointers(res, "invalid_body").await, ["/models/0"]);

    // GET shows the project's set and what is in force.
    let got = app.get_json("/v1/models/aliases").await;
    assert_eq!(got, set);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_aliases_are_refused_when_saved_and_in_use_ones_kept() {
    let app = app_with_aliases().await;
    let res = put_aliases(
        &app,
        json!({"fast": "nowhere/model", "mock": "fake/x", "Bad/Name": "mock", "ok": "mock"}),
    )
    .await;
    assert_eq!(res.status(), 422);
    let mut pointers = violation_pointers(res, "invalid_body").await;
    pointers.sort();
    assert_eq!(
        pointers,
        ["/aliases/Bad~1Name", "/aliases/fast", "/aliases/mock"]
    );
    // Nothing of a refused set was saved.
    assert_eq!(
        app.get_json("/v1/models/aliases").await["aliases"],
        json!({})
    );

    let res = put_aliases(&app, json!({"fast": "mock"})).await;
    assert_eq!(res.status(), 200);
    // A runner naming an unknown name is refused; an alias is not.
    let res = app
        .post("/v1/runners", &json!({"name": "r", "model": "quick"}))
        .await;
    assert_eq!(violation_pointers(res, "invalid_runner").await, ["/model"]);
    app.create_runner(json!({"name": "r", "model": "fast"}))
        .await;
    // The alias a runner names cannot be dropped while it does.
    let res = put_aliases(&app, json!({})).await;
    assert_eq!(res.status(), 422);
    let problem: Value = res.json().await.expect("json");
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("\"fast\"") && m.contains("runners r")),
        "{problem}"
    );
    assert_eq!(app.delete("/v1/runners/r").await.status(), 204);
    assert_eq!(put_aliases(&app, json!({})).await.status(), 200);

    let too_many: serde_json::Map<String, Value> =
        (0..101).map(|i| (format!("a{i}"), json!("mock"))).collect();
    let res = put_aliases(&app, Value::Object(too_many)).await;
    assert_eq!(violation_pointers(res, "invalid_body").await, ["/aliases"]);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_named_by_alias_runs_on_the_model_it_resolved_to() {
    let app = crate::helpers::spawn_app().await;
    assert_eq!(
        put_aliases(&app, json!({"fast": "mock"})).await.status(),
        200
    );
    app.create_runner(json!({"name": "quick", "model": "fast",
        "model_settings": {"mock": {"text": "ran"}}}))
        .await;
    let task = app.run_to_end("quick", json!({})).await;
    assert_eq!(task["status"], "succeeded", "{task}");
    assert_eq!(task["output"], "ran");
    assert_eq!(
        (task["model"].as_str(), task["model_alias"].as_str()),
        (Some("mock"), Some("fast"))
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_an_alias_and_saving_a_runner_on_it_never_both_succeed() {
    let app = crate::helpers::spawn_api().await;
    for round in 0..20 {
        assert_eq!(
            put_aliases(&app, json!({"race": "mock", "keep": "mock"}))
                .await
                .status(),
            200
        );
        let name = format!("racer-{round}");
        let runner = json!({"name": name, "model": "race"});
        let drop = put_aliases(&app, json!({"keep": "mock"}));
        let save = app.post("/v1/runners", &runner);
        let (dropped, saved) = futures::join!(drop, save);
        let (dropped, saved) = (dropped.status(), saved.status());
        // One of them loses: a runner never names an alias that is gone.
        assert!(
            !(dropped == 200 && saved == 201),
            "round {round}: the alias was dropped and a runner saved on it"
        );
        if saved == 201 {
            assert_eq!(
                app.delete(&format!("/v1/runners/{name}")).await.status(),
                204
            );
        }
    }
    app.stop().await;
}
