//! Projects are walls: for every operation in the OpenAPI document, a second project's key
//! gets 404 for the first project's ids and names, and its lists never show them. Every
//! operation must be listed in `EXPECTED` (its scope and what another project sees), so a
//! new endpoint fails this test until its isolation is stated and checked. Scopes are
//! checked the same way: every operation, every scope.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};
use crate::keys::make_key;

/// What another project's key gets from an operation aimed at this project's resources.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Other {
    /// 404 for the ids or names in the path.
    NotFound,
    /// A list: never shows this project's resources.
    Lists,
    /// Creates its own resource (names are per project), leaving ours alone.
    CreatesItsOwn,
    /// Refused whatever the target (only the `default` project's admins create projects).
    Refused,
    /// Not project data (the server's model providers).
    Global,
    /// Takes no key: the trigger's signature decides (401 unsigned, whoever calls).
    Signed,
}

/// operationId → the scope it needs, and what another project sees.
const EXPECTED: &[(&str, &str, Other)] = &[
    ("listApiKeys", "admin", Other::Lists),
    ("createApiKey", "admin", Other::NotFound),
    ("revokeApiKey", "admin", Other::NotFound),
    ("listModels", "read", Other::Global),
    ("getModelAliases", "read", Other::Lists),
    ("replaceModelAliases", "write", Other::CreatesItsOwn),
    ("listProjects", "admin", Other::Lists),
    ("createProject", "admin", Other::Refused),
    ("listRunners", "read", Other::Lists),
    ("createRunner", "write", Other::CreatesItsOwn),
    ("getRunner", "read", Other::NotFound),
    ("replaceRunner", "write", Other::CreatesItsOwn),
    ("deleteRunner", "write", Other::NotFound),
    ("createTask", "write", Other::NotFound),
    ("listTasks", "read", Other::Lists),
    ("getTaskStats", "read", Other::Lists),
    ("getTask", "read", Other::NotFound),
    ("cancelTask", "write", Other::NotFound),
    ("listTaskEvents", "read", Other::NotFound),
    ("listTaskSteps", "read", Other::NotFound),
    ("answerTaskInput", "write", Other::NotFound),
    ("createThread", "write", Other::CreatesItsOwn),
    ("listThreads", "read", Other::Lists),
    ("getThread", "read", Other::NotFound),
    ("updateThread", "write", Other::NotFound),
    ("deleteThread", "write", Other::NotFound),
    ("getThreadByKey", "read", Other::NotFound),
    ("updateThreadByKey", "write", Other::NotFound),
    ("deleteThreadByKey", "write", Other::NotFound),
    ("listThreadMessages", "read", Other::NotFound),
    ("listThreadEvents", "read", Other::NotFound),
    ("getBatch", "read", Other::NotFound),
    ("cancelBatch", "write", Other::NotFound),
    ("listTools", "read", Other::Lists),
    ("createTool", "write", Other::CreatesItsOwn),
    ("getTool", "read", Other::NotFound),
    ("replaceTool", "write", Other::NotFound),
    ("deleteTool", "write", Other::NotFound),
    ("invokeTool", "write", Other::NotFound),
    ("listToolInvocations", "read", Other::NotFound),
    ("listFiles", "read", Other::Lists),
    ("getFile", "read", Other::NotFound),
    ("writeFile", "write", Other::CreatesItsOwn),
    ("deleteFile", "write", Other::NotFound),
    ("listQueues", "read", Other::Lists),
    ("getQueue", "read", Other::NotFound),
    ("configureQueue", "write", Other::CreatesItsOwn),
    ("deleteQueue", "write", Other::NotFound),
    ("postQueueMessage", "write", Other::CreatesItsOwn),
    ("listQueueMessages", "read", Other::NotFound),
    ("getQueueMessage", "read", Other::NotFound),
    ("deleteQueueMessage", "write", Other::NotFound),
    ("receiveQueueMessages", "write", Other::NotFound),
    ("ackQueueMessage", "write", Other::NotFound),
    ("nackQueueMessage", "write", Other::NotFound),
    ("listDeadLetters", "read", Other::NotFound),
    ("redriveDeadLetters", "write", Other::NotFound),
    ("listSchedules", "read", Other::Lists),
    ("createSchedule", "write", Other::CreatesItsOwn),
    ("getSchedule", "read", Other::NotFound),
    ("updateSchedule", "write", Other::NotFound),
    ("deleteSchedule", "write", Other::NotFound),
    ("listScheduleFires", "read", Other::NotFound),
    ("listTriggers", "read", Other::Lists),
    ("createTrigger", "write", Other::CreatesItsOwn),
    ("getTrigger", "read", Other::NotFound),
    ("updateTrigger", "write", Other::NotFound),
    ("deleteTrigger", "write", Other::NotFound),
    ("deliverToTrigger", "none", Other::Signed),
    ("listWebhooks", "read", Other::Lists),
    ("createWebhook", "write", Other::CreatesItsOwn),
    ("getWebhook", "read", Other::NotFound),
    ("updateWebhook", "write", Other::NotFound),
    ("deleteWebhook", "write", Other::NotFound),
    ("rotateWebhookSecret", "write", Other::NotFound),
    ("listWebhookDeliveries", "read", Other::NotFound),
    ("getWebhookDelivery", "read", Other::NotFound),
    ("redeliverWebhookDelivery", "write", Other::NotFound),
    ("getCallbackSecret", "write", Other::CreatesItsOwn),
    ("getTaskCallback", "read", Other::NotFound),
];

/// The key of A's thread (B makes its own thread with the same key).
const THREAD_KEY: &str = "support/ticket-1";

/// Project A's resources.
struct Fixture {
    runner: String,
    runner_id: String,
    task: String,
    key_id: String,
    thread: String,
    tool: String,
    batch: String,
    file: String,
    queue: String,
    message: String,
    schedule: String,
    trigger: String,
    webhook: String,
    delivery: String,
    callback_secret: String,
}

impl Fixture {
    /// The path with A's ids in it.
    fn fill(&self, template: &str) -> String {
        let filled = if template == "/v1/threads/by-key" {
            format!("{template}?key={THREAD_KEY}")
        } else if template.starts_with("/v1/threads/") {
            template.replace("{id}", &self.thread)
        } else if template.starts_with("/v1/runners/") {
            template.replace("{name}", &self.runner)
        } else if template.starts_with("/v1/tasks/") {
            template.replace("{id}", &self.task)
        } else if template.starts_with("/v1/api-keys/") {
            template.replace("{id}", &self.key_id)
        } else if template.starts_with("/v1/tools/") {
            template.replace("{name}", &self.tool)
        } else if template.starts_with("/v1/batches/") {
            template.replace("{id}", &self.batch)
        } else if template.starts_with("/v1/files/") {
            template.replace("{path}", &self.file)
        } else if template.starts_with("/v1/queues/") {
            template
                .replace("{name}", &self.queue)
                .replace("{id}", &self.message)
        } else if template.starts_with("/v1/schedules/") {
            template.replace("{id}", &self.schedule)
        } else if template.starts_with("/v1/triggers/") || template.starts_with("/v1/hooks/") {
            template.replace("{id}", &self.trigger)
        } else if template.starts_with("/v1/webhooks/") {
            template
                .replace("{id}", &self.webhook)
                .replace("{delivery_id}", &self.delivery)
        } else {
            template.to_owned()
        };
        assert!(
            !filled.contains('{'),
            "no fixture for the parameters of {template}: add one to isolation.rs"
        );
        filled
    }

    /// Ids that must not appear in another project's answers (and names, but where it
    /// makes its own resource of the same name).
    fn secrets(&self, names_too: bool) -> Vec<&str> {
        let mut all = vec![
            self.runner_id.as_str(),
            &self.task,
            &self.key_id,
            &self.thread,
            &self.batch,
            &self.message,
            &self.schedule,
            &self.trigger,
            &self.webhook,
            &self.callback_secret,
        ];
        if names_too {
            all.push(&self.runner);
            all.push(&self.tool);
            all.push(&self.file);
            all.push(&self.queue);
        }
        all
    }
}

/// A body the operation accepts (so the answer is about the resource, not the body).
fn body(operation: &str) -> Option<Value> {
    match operation {
        "createApiKey" => Some(json!({"name": "x", "scopes": ["read"], "project": "default"})),
        "createProject" => Some(json!({"name": "other-new"})),
        "createRunner" => Some(json!({"name": "b-runner", "model": "mock"})),
        "replaceRunner" => Some(json!({"model": "mock", "rules": ["changed"]})),
        "createTask" => Some(json!({"arguments": {}})),
        "createThread" => Some(json!({"key": THREAD_KEY})),
        "updateThread" | "updateThreadByKey" => Some(json!({"metadata": {"b": true}})),
        "answerTaskInput" => Some(json!({"request_id": uuid::Uuid::now_v7(), "answer": 1})),
        "createTool" => Some(json!({"name": "b-tool", "url": "https://example.com/b"})),
        "replaceTool" => Some(json!({"url": "https://example.com/changed"})),
        "invokeTool" => Some(json!({"arguments": {}})),
        "writeFile" => Some(json!({"content": "b's own"})),
        "replaceModelAliases" => Some(json!({"aliases": {"b-alias": "mock"}})),
        "postQueueMessage" => Some(json!({"payload": {"b": true}})),
        "configureQueue" => Some(json!({"concurrency_limit": 3})),
        "ackQueueMessage" | "nackQueueMessage" => {
            Some(json!({"receipt": "01900000-0000-7000-8000-000000000000"}))
        }
        "redriveDeadLetters" => Some(json!({})),
        "createSchedule" => Some(json!({"cron": "0 9 * * *", "target": {"queue": "b-queue"}})),
        "updateSchedule" => Some(json!({"enabled": false})),
        "createTrigger" => Some(json!({"target": {"queue": "b-queue"}, "scheme": "none"})),
        "updateTrigger" => Some(json!({"enabled": false})),
        "deliverToTrigger" => Some(json!({"b": true})),
        "createWebhook" => Some(json!({"url": "https://hooks.example.com/b",
            "events": ["task.succeeded"]})),
        "updateWebhook" => Some(json!({"enabled": false})),
        _ => None,
    }
}

async fn send(
    app: &TestApp,
    key: &str,
    method: &str,
    path: &str,
    op: &str,
) -> (StatusCode, String) {
    let mut req = app
        .client
        .request(
            method.to_uppercase().parse::<Method>().expect("method"),
            app.url(path),
        )
        .bearer_auth(key);
    if let Some(body) = body(op) {
        req = req.json(&body);
    }
    let res = req.send().await.expect("request");
    (res.status(), res.text().await.expect("text"))
}

/// Every `/v1` operation of the document: (method, path template, operationId, scope).
fn operations(doc: &Value) -> Vec<(String, String, String, String)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        if !path.starts_with("/v1/") {
            continue;
        }
        for (method, op) in item.as_object().expect("operations") {
            let id = op["operationId"].as_str().expect("operationId").to_owned();
            let scope = op["security"][0]["bearer"][0].as_str().unwrap_or("none");
            ops.push((method.clone(), path.clone(), id, scope.to_owned()));
        }
    }
    // Replacing a runner creates B's own `alpha`: after the checks that need it missing.
    // Likewise creating a thread with A's key: after the checks that find threads by key.
    // Posting a message makes B's own queue of that name: after the checks that need it
    // missing.
    ops.sort_by_key(|(method, _, id, _)| {
        method == "put" || id == "createThread" || id == "postQueueMessage"
    });
    ops
}

fn expected(id: &str) -> (&'static str, Other) {
    EXPECTED
        .iter()
        .find(|(op, ..)| *op == id)
        .map(|(_, scope, other)| (*scope, *other))
        .unwrap_or_else(|| panic!("{id} is not in EXPECTED: state its scope and isolation"))
}

#[tokio::test]
async fn another_project_cannot_see_or_touch_anything_of_this_one() {
    let app = spawn_app().await;
    let (admin_a, made) = make_key(&app, None, json!({"name": "a", "scopes": ["admin"]})).await;
    let created = app
        .client
        .post(app.url("/v1/projects"))
        .bearer_auth(&admin_a)
        .json(&json!({"name": "b"}))
        .send()
        .await
        .expect("project");
    assert_eq!(created.status(), StatusCode::CREATED);
    let (key_b, _) = make_key(
        &app,
        Some(&admin_a),
        json!({"name": "b", "scopes": ["admin"], "project": "b"}),
    )
    .await;
    let runner: Value = app
        .client
        .post(app.url("/v1/runners"))
        .bearer_auth(&admin_a)
        .json(&json!({"name": "alpha", "model": "mock"}))
        .send()
        .await
        .expect("runner")
        .json()
        .await
        .expect("json");
    let task: Value = app
        .client
        .post(app.url("/v1/runners/alpha/tasks?wait=10"))
        .bearer_auth(&admin_a)
        .header("idempotency-key", "shared-key")
        .json(&json!({"arguments": {}, "thread": THREAD_KEY, "if_not_exists": "create"}))
        .send()
        .await
        .expect("task")
        .json()
        .await
        .expect("json");
    assert_eq!(task["status"], "succeeded", "{task}");
    let thread = task["thread_id"].as_str().expect("thread id").to_owned();
    let tool = app
        .client
        .post(app.url("/v1/tools"))
        .bearer_auth(&admin_a)
        .json(&json!({"name": "a-lookup", "url": "https://example.com/a"}))
        .send()
        .await
        .expect("tool");
    assert_eq!(tool.status(), StatusCode::CREATED);
    let batch: Value = app
        .client
        .post(app.url("/v1/runners/alpha/tasks"))
        .bearer_auth(&admin_a)
        .json(&json!({"arguments": {}, "models": ["mock"]}))
        .send()
        .await
        .expect("batch")
        .json()
        .await
        .expect("json");
    let mut a = Fixture {
        runner: "alpha".into(),
        runner_id: runner["id"].as_str().expect("id").into(),
        task: task["id"].as_str().expect("id").into(),
        key_id: made["id"].as_str().expect("id").into(),
        thread: thread.clone(),
        tool: "a-lookup".into(),
        batch: batch["id"].as_str().expect("batch id").into(),
        file: "a-reports/secret.md".into(),
        queue: "a-queue".into(),
        message: String::new(),
        schedule: String::new(),
        trigger: String::new(),
        webhook: String::new(),
        delivery: uuid::Uuid::now_v7().to_string(),
        callback_secret: String::new(),
    };
    let res = app
        .client
        .post(app.url("/v1/schedules"))
        .bearer_auth(&admin_a)
        .json(&json!({"cron": "0 9 * * *", "target": {"queue": "a-queue", "payload": {}}}))
        .send()
        .await
        .expect("schedule");
    assert_eq!(res.status(), StatusCode::CREATED);
    let schedule: Value = res.json().await.expect("json");
    a.schedule = schedule["id"].as_str().expect("id").into();
    let res = app
        .client
        .post(app.url("/v1/triggers"))
        .bearer_auth(&admin_a)
        .json(&json!({"target": {"queue": "a-queue"}, "scheme": "standard-webhooks"}))
        .send()
        .await
        .expect("trigger");
    assert_eq!(res.status(), StatusCode::CREATED);
    let trigger: Value = res.json().await.expect("json");
    a.trigger = trigger["id"].as_str().expect("id").into();
    let res = app
        .client
        .post(app.url("/v1/webhooks"))
        .bearer_auth(&admin_a)
        .json(&json!({"url": "https://hooks.example.com/a", "events": ["task.succeeded"]}))
        .send()
        .await
        .expect("webhook");
    assert_eq!(res.status(), StatusCode::CREATED);
    let webhook: Value = res.json().await.expect("json");
    a.webhook = webhook["id"].as_str().expect("id").into();
    let secret: Value = app
        .client
        .post(app.url("/v1/callback-secret"))
        .bearer_auth(&admin_a)
        .send()
        .await
        .expect("callback secret")
        .json()
        .await
        .expect("json");
    a.callback_secret = secret["secret"].as_str().expect("secret").into();
    let res = app
        .client
        .post(app.url(&format!("/v1/queues/{}/messages", a.queue)))
        .bearer_auth(&admin_a)
        .json(&json!({"payload": {"a": "secret"}}))
        .send()
        .await
        .expect("message");
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let message: Value = res.json().await.expect("json");
    a.message = message["id"].as_str().expect("id").into();
    let res = app
        .client
        .put(app.url(&format!("/v1/files/{}", a.file)))
        .bearer_auth(&admin_a)
        .json(&json!({"content": "a's own"}))
        .send()
        .await
        .expect("file");
    assert_eq!(res.status(), StatusCode::CREATED);

    let doc = app.get_json("/openapi.json").await;
    let ops = operations(&doc);
    assert_eq!(
        ops.len(),
        EXPECTED.len(),
        "EXPECTED lists operations the document lacks"
    );
    for (method, template, id, _) in &ops {
        let (_, other) = expected(id);
        let path = a.fill(template);
        let (status, text) = send(&app, &key_b, method, &path, id).await;
        match other {
            Other::NotFound => assert_eq!(status, StatusCode::NOT_FOUND, "{id} {path}: {text}"),
            Other::Refused => assert_eq!(status, StatusCode::FORBIDDEN, "{id}: {text}"),
            Other::Lists | Other::CreatesItsOwn => {
                assert!(status.is_success(), "{id} {path}: {status} {text}");
                for secret in a.secrets(other == Other::Lists) {
                    assert!(!text.contains(secret), "{id} {path} shows {secret}: {text}");
                }
            }
            Other::Global => assert!(status.is_success(), "{id}: {status}"),
            Other::Signed => assert_eq!(status, StatusCode::UNAUTHORIZED, "{id}: {text}"),
        }
    }

    // Counts are each project's own: its stats add up to its own list of tasks.
    for key in [&admin_a, &key_b] {
        let (_, stats) = send(&app, key, "get", "/v1/stats/tasks", "getTaskStats").await;
        let stats: Value = serde_json::from_str(&stats).expect("json");
        let counted: i64 = stats["by_status"]
            .as_object()
            .expect("by_status")
            .values()
            .map(|n| n.as_i64().expect("count"))
            .sum();
        let (_, list) = send(&app, key, "get", "/v1/tasks?limit=100", "listTasks").await;
        let list: Value = serde_json::from_str(&list).expect("json");
        let listed = list["data"].as_array().expect("data").len();
        assert_eq!(counted, listed as i64, "{stats}");
    }

    // List filters naming A's resources find nothing.
    for query in [
        format!("/v1/tasks?runner={}", a.runner),
        format!("/v1/tasks?runner_id={}", a.runner_id),
        format!("/v1/tasks?thread_id={thread}"),
        format!("/v1/tasks?batch={}", a.batch),
        format!("/v1/tasks?parent_task_id={}", a.task),
    ] {
        let (status, text) = send(&app, &key_b, "get", &query, "listTasks").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            serde_json::from_str::<Value>(&text).expect("json")["data"],
            json!([])
        );
    }
    let (status, _) = send(&app, &key_b, "get", "/v1/api-keys?project=default", "x").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A is untouched: its runner unchanged, its key working, its task still there.
    let (_, text) = send(&app, &admin_a, "get", "/v1/runners/alpha", "getRunner").await;
    let runner: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(runner["version"], 1, "{runner}");
    assert_eq!(runner["rules"], json!([]));
    let (status, _) = send(&app, &admin_a, "get", &format!("/v1/tasks/{}", a.task), "x").await;
    assert_eq!(status, StatusCode::OK);
    let (_, text) = send(&app, &admin_a, "get", &format!("/v1/files/{}", a.file), "x").await;
    assert!(
        text.contains("a's own"),
        "B's write touched A's file: {text}"
    );

    // Idempotency keys are per project: B's use of A's key makes B's own task (on the
    // `alpha` B made itself above).
    let res = app
        .client
        .post(app.url("/v1/runners/alpha/tasks"))
        .bearer_auth(&key_b)
        .header("idempotency-key", "shared-key")
        .json(&json!({"arguments": {}}))
        .send()
        .await
        .expect("task");
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let theirs: Value = res.json().await.expect("json");
    assert_ne!(theirs["id"], task["id"]);

    // B cannot put a task on A's thread by id; A's key names B's own thread in B.
    let on_a = app
        .client
        .post(app.url("/v1/runners/alpha/tasks"))
        .bearer_auth(&key_b)
        .json(&json!({"arguments": {}, "thread": thread}))
        .send()
        .await
        .expect("task");
    assert_eq!(on_a.status(), StatusCode::NOT_FOUND);
    let by_key: Value = app
        .client
        .post(app.url("/v1/runners/alpha/tasks"))
        .bearer_auth(&key_b)
        .json(&json!({"arguments": {}, "thread": THREAD_KEY}))
        .send()
        .await
        .expect("task")
        .json()
        .await
        .expect("json");
    assert_ne!(
        by_key["thread_id"].as_str(),
        Some(thread.as_str()),
        "{by_key}"
    );
    // A's thread still has its one exchange.
    let (_, text) = send(&app, &admin_a, "get", &format!("/v1/threads/{thread}"), "x").await;
    let mine: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(mine["message_count"], 2, "{mine}");
    assert_eq!(mine["metadata"], json!({}), "{mine}");

    // Model aliases are per project: A's alias is neither listed to B nor usable by B, and
    // B's set leaves A's alone.
    let put = |key: &str, aliases: Value| {
        app.client
            .put(app.url("/v1/models/aliases"))
            .bearer_auth(key)
            .json(&json!({"aliases": aliases}))
            .send()
    };
    assert_eq!(
        put(&admin_a, json!({"house": "mock"}))
            .await
            .expect("put")
            .status(),
        200
    );
    // (B's own `b-alias` is from the replaceModelAliases call above.)
    let b_only = json!([{"name": "b-alias", "model": "mock", "source": "project"}]);
    let (_, text) = send(&app, &key_b, "get", "/v1/models/aliases", "getModelAliases").await;
    assert_eq!(
        serde_json::from_str::<Value>(&text).expect("json")["in_force"],
        b_only
    );
    let (_, text) = send(&app, &key_b, "get", "/v1/models", "listModels").await;
    assert_eq!(
        serde_json::from_str::<Value>(&text).expect("json")["aliases"],
        b_only
    );
    let res = app
        .client
        .post(app.url("/v1/runners"))
        .bearer_auth(&key_b)
        .json(&json!({"name": "housed", "model": "house"}))
        .send()
        .await
        .expect("runner");
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        put(&key_b, json!({"other": "mock"}))
            .await
            .expect("put")
            .status(),
        200
    );
    let (_, text) = send(&app, &admin_a, "get", "/v1/models/aliases", "x").await;
    assert_eq!(
        serde_json::from_str::<Value>(&text).expect("json")["aliases"],
        json!({"house": "mock"})
    );
}

#[tokio::test]
async fn each_scope_allows_exactly_its_operations() {
    let app = spawn_app().await;
    let (admin, _) = make_key(&app, None, json!({"name": "a", "scopes": ["admin"]})).await;
    let mut keys = Vec::new();
    for scope in ["read", "write", "admin"] {
        let (key, _) = make_key(
            &app,
            Some(&admin),
            json!({"name": scope, "scopes": [scope]}),
        )
        .await;
        keys.push((scope, key));
    }
    let rank = |s: &str| ["read", "write", "admin"].iter().position(|x| *x == s);
    let doc = app.get_json("/openapi.json").await;
    let fixture = Fixture {
        runner: "missing".into(),
        runner_id: String::new(),
        task: "01900000-0000-7000-8000-000000000000".into(),
        key_id: "01900000-0000-7000-8000-000000000000".into(),
        thread: "01900000-0000-7000-8000-000000000000".into(),
        tool: "missing-tool".into(),
        batch: "01900000-0000-7000-8000-000000000000".into(),
        file: "missing/file.md".into(),
        queue: "missing-queue".into(),
        message: "01900000-0000-7000-8000-000000000000".into(),
        schedule: "01900000-0000-7000-8000-000000000000".into(),
        trigger: "01900000-0000-7000-8000-000000000000".into(),
        webhook: "01900000-0000-7000-8000-000000000000".into(),
        delivery: "01900000-0000-7000-8000-000000000000".into(),
        callback_secret: String::new(),
    };
    for (method, template, id, declared) in operations(&doc) {
        let (scope, _) = expected(&id);
        assert_eq!(declared, scope, "{id}: the document declares another scope");
        let path = fixture.fill(&template);
        for (held, key) in &keys {
            let (status, text) = send(&app, key, &method, &path, &id).await;
            if rank(held) < rank(scope) {
                assert_eq!(status, StatusCode::FORBIDDEN, "{held} key, {id}: {text}");
                let problem: Value = serde_json::from_str(&text).expect("problem");
                assert_eq!(problem["code"], "forbidden");
            } else {
                assert!(
                    status != StatusCode::FORBIDDEN && status != StatusCode::UNAUTHORIZED,
                    "{held} key, {id}: {status} {text}"
                );
            }
        }
    }
}
