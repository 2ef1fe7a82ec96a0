//! Threads: conversations persisted across tasks. Continuity (what the model is sent),
//! the multitask strategies, trimming, failed and cancelled tasks, and the thread's event
//! stream.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::fake_openai::{FakeOpenAi, Reply};
use crate::helpers::{TestApp, fake_provider, spawn_app, spawn_with_provider};
use crate::sse_client::SseStream;

/// A runner on the fake server.
fn fake_runner(name: &str, extra: Value) -> Value {
    let mut r = json!({"name": name, "model": "fake/gpt-test", "rules": ["You are terse."]});
    for (k, v) in extra.as_object().expect("object") {
        r[k] = v.clone();
    }
    r
}

/// (role, content) of every message sent in a request body.
fn sent_messages(body: &Value) -> Vec<(String, String)> {
    body["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| {
            (
                m["role"].as_str().expect("role").to_owned(),
                m["content"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

async fn messages(app: &TestApp, thread: &str) -> Vec<Value> {
    let page = app
        .get_json(&format!("/v1/threads/{thread}/messages?limit=1000"))
        .await;
    page["data"].as_array().expect("data").clone()
}

fn roles_and_text(messages: &[Value]) -> Vec<(String, String)> {
    messages
        .iter()
        .map(|m| {
            (
                m["role"].as_str().expect("role").to_owned(),
                m["content"].as_str().expect("content").to_owned(),
            )
        })
        .collect()
}

async fn thread(app: &TestApp, id: &str) -> Value {
    app.get_json(&format!("/v1/threads/{id}")).await
}

#[tokio::test]
async fn three_tasks_on_a_thread_carry_the_conversation() {
    let fake = FakeOpenAi::start(vec![
        Reply::text("Hello Ada."),
        Reply::text("You like tea."),
        Reply::text("Ada, who likes tea."),
    ])
    .await;
    let app = spawn_with_provider(fake_provider(&fake.url)).await;
    app.create_runner(fake_runner("chat", json!({}))).await;
    let res = app
        .post(
            "/v1/threads",
            &json!({"key": "support/ticket-123", "metadata": {"customer": "acme"}}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let made: Value = res.json().await.expect("json");
    let id = made["id"].as_str().expect("id").to_owned();
    assert_eq!(made["status"], "idle");

    let prompts = ["I am Ada.", "I like tea.", "Who am I?"];
    for (i, prompt) in prompts.iter().enumerate() {
        // By key the first time, by id after.
        let thread = if i == 0 {
            "support/ticket-123"
        } else {
            id.as_str()
        };
        let done = app
            .run_to_end(
                "chat",
                json!({"arguments": {"prompt": prompt}, "thread": thread}),
            )
            .await;
        assert_eq!(done["status"], "succeeded", "{done}");
        assert_eq!(done["thread_id"], id.as_str());
    }
    let sent = fake.received();
    assert_eq!(sent.len(), 3);
    assert_eq!(
        sent_messages(&sent[2].body),
        [
            ("system", "You are terse."),
            ("user", "I am Ada."),
            ("assistant", "Hello Ada."),
            ("user", "I like tea."),
            ("assistant", "You like tea."),
            ("user", "Who am I?"),
        ]
        .map(|(r, c)| (r.to_owned(), c.to_owned()))
    );
    let all = messages(&app, &id).await;
    assert_eq!(all.len(), 6);
    assert_eq!(all[5]["content"], "Ada, who likes tea.");
    let seqs: Vec<i64> = all
        .iter()
        .map(|m| m["seq"].as_i64().expect("seq"))
        .collect();
    assert_eq!(seqs, [1, 2, 3, 4, 5, 6]);
    assert!(all[0]["step_index"].is_null());
    assert_eq!(all[1]["step_index"], 0);
    assert_eq!(all[0]["task_id"], all[1]["task_id"]);
    let now = thread(&app, &id).await;
    assert_eq!(now["status"], "idle");
    assert_eq!(now["message_count"], 6);

    // Found by key; listed by metadata; the key is unique.
    let by_key = app
        .get_json("/v1/threads/by-key?key=support/ticket-123")
        .await;
    assert_eq!(by_key["id"], id.as_str());
    let listed = app
        .get_json("/v1/threads?metadata=%7B%22customer%22%3A%22acme%22%7D&status=idle")
        .await;
    assert_eq!(listed["data"].as_array().expect("data").len(), 1);
    let none = app
        .get_json("/v1/threads?metadata=%7B%22customer%22%3A%22other%22%7D")
        .await;
    assert_eq!(none["data"], json!([]));
    let taken = app
        .post("/v1/threads", &json!({"key": "support/ticket-123"}))
        .await;
    assert_eq!(taken.status(), StatusCode::CONFLICT);

    // PATCH merges metadata; a null removes a key.
    let patched: Value = app
        .client
        .patch(app.url(&format!("/v1/threads/{id}")))
        .json(&json!({"metadata": {"customer": null, "tier": "gold"}}))
        .send()
        .await
        .expect("patch")
        .json()
        .await
        .expect("json");
    assert_eq!(patched["metadata"], json!({"tier": "gold"}));

    // Tasks of the thread are listed by it; deleting keeps them.
    let tasks = app.get_json(&format!("/v1/tasks?thread_id={id}")).await;
    assert_eq!(tasks["data"].as_array().expect("data").len(), 3);
    let gone = app.delete(&format!("/v1/threads/{id}")).await;
    assert_eq!(gone.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(&format!("/v1/threads/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM thread_messages")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(count, 0);
    let tasks = app.get_json(&format!("/v1/tasks?thread_id={id}")).await;
    assert_eq!(tasks["data"].as_array().expect("data").len(), 3);
}

#[tokio::test]
async fn a_missing_key_is_created_only_when_asked() {
    let app = spawn_app().await;
    app.create_runner(json!({"name": "echo", "model": "mock"}))
        .await;
    let res = app
        .post(
            "/v1/runners/echo/tasks",
            &json!({"arguments": {}, "thread": "nobody/yet"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let problem: Value = res.json().await.expect("json");
    assert_eq!(problem["code"], "thread_not_found");
    let task = app
        .submit(
            "echo",
            json!({"arguments": {}, "thread": "nobody/yet", "if_not_exists": "create"}),
        )
        .await;
    let made = app.get_json("/v1/threads/by-key?key=nobody/yet").await;
    assert_eq!(task["thread_id"], made["id"]);
    // Strategy fields need a thread.
    let res = app
        .post(
            "/v1/runners/echo/tasks",
            &json!({"arguments": {}, "multitask_strategy": "reject"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

/// A mock runner whose tasks stream slowly (so a second submission finds one running).
async fn slow_runner(app: &TestApp) {
    app.create_runner(json!({"name": "slow", "model": "mock",
        "model_settings": {"mock": {"text": "slow reply, word by word", "delay_ms": 1500}}}))
        .await;
}

async fn make_thread(app: &TestApp) -> String {
    let res = app.post("/v1/threads", &json!({})).await;
    let made: Value = res.json().await.expect("json");
    made["id"].as_str().expect("id").to_owned()
}

#[tokio::test]
async fn enqueue_runs_tasks_of_a_thread_one_after_another() {
    let app = spawn_app().await;
    slow_runner(&app).await;
    let thread = make_thread(&app).await;
    let first = app
        .submit(
            "slow",
            json!({"arguments": {"prompt": "one"}, "thread": thread}),
        )
        .await;
    let second = app
        .submit(
            "slow",
            json!({"arguments": {"prompt": "two"}, "thread": thread}),
        )
        .await;
    assert_eq!(thread_status(&app, &thread).await, "busy");
    let second = app
        .wait_for(
            second["id"].as_str().expect("id"),
            Duration::from_secs(30),
            |t| t["status"] == "succeeded",
        )
        .await;
    let first = app.task(first["id"].as_str().expect("id")).await;
    assert_eq!(first["status"], "succeeded");
    // The second started only after the first ended.
    assert!(
        second["started_at"].as_str() >= first["finished_at"].as_str(),
        "{first} {second}"
    );
    let texts = roles_and_text(&messages(&app, &thread).await);
    assert_eq!(texts[0], ("user".into(), "one".into()));
    assert_eq!(texts[2], ("user".into(), "two".into()));
    assert_eq!(thread_status(&app, &thread).await, "idle");
}

async fn thread_status(app: &TestApp, id: &str) -> String {
    thread(app, id).await["status"]
        .as_str()
        .expect("status")
        .to_owned()
}

#[tokio::test]
async fn reject_refuses_a_busy_thread_even_when_two_clients_race() {
    let app = spawn_app().await;
    slow_runner(&app).await;
    let thread = make_thread(&app).await;
    let body = json!({"arguments": {}, "thread": thread, "multitask_strategy": "reject"});
    let other = crate::helpers::http_client();
    let url = app.url("/v1/runners/slow/tasks");
    let (a, b) = tokio::join!(
        app.client.post(&url).json(&body).send(),
        other.post(&url).json(&body).send()
    );
    let mut statuses = [a.expect("a").status(), b.expect("b").status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::ACCEPTED, StatusCode::CONFLICT]);
    let res = app.post("/v1/runners/slow/tasks", &body).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let problem: Value = res.json().await.expect("json");
    assert_eq!(problem["code"], "thread_busy");
    // A thread with an active task is not deleted.
    let res = app.delete(&format!("/v1/threads/{thread}")).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let tasks = app.get_json(&format!("/v1/tasks?thread_id={thread}")).await;
    assert_eq!(tasks["data"].as_array().expect("data").len(), 1);
}

/// Submits `strategy` on a thread whose first task is running; returns (first, second).
async fn interrupted(app: &TestApp, strategy: &str) -> (Value, Value, String) {
    slow_runner(app).await;
    app.create_runner(json!({"name": "quick", "model": "mock",
        "model_settings": {"mock": {"text": "quick reply"}}}))
        .await;
    let thread = make_thread(app).await;
    let first = app
        .submit(
            "slow",
            json!({"arguments": {"prompt": "first"}, "thread": thread}),
        )
        .await;
    let first_id = first["id"].as_str().expect("id").to_owned();
    app.wait_for(&first_id, Duration::from_secs(10), |t| {
        t["status"] == "running"
    })
    .await;
    // Let it stream some text.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let second = app
        .submit(
            "quick",
            json!({"arguments": {"prompt": "second"}, "thread": thread,
                "multitask_strategy": strategy}),
        )
        .await;
    let second = app
        .wait_for(
            second["id"].as_str().expect("id"),
            Duration::from_secs(30),
            |t| t["status"] == "succeeded",
        )
        .await;
    let first = app.task(&first_id).await;
    (first, second, thread)
}

#[tokio::test]
async fn interrupt_cancels_the_running_task_and_keeps_what_it_said() {
    let app = spawn_app().await;
    let (first, second, thread) = interrupted(&app, "interrupt").await;
    assert_eq!(first["status"], "cancelled", "{first}");
    assert_eq!(
        first["error"]["details"]["superseded_by"], second["id"],
        "{first}"
    );
    assert!(second["started_at"].as_str() >= first["finished_at"].as_str());
    let all = messages(&app, &thread).await;
    let texts = roles_and_text(&all);
    assert_eq!(texts[0], ("user".into(), "first".into()));
    // The text streamed before the cancel, marked partial.
    assert_eq!(all[1]["role"], "assistant");
    assert_eq!(all[1]["partial"], true, "{all:?}");
    assert!("slow reply, word by word".starts_with(all[1]["content"].as_str().expect("text")));
    assert_eq!(texts[2], ("user".into(), "second".into()));
    assert_eq!(texts[3], ("assistant".into(), "quick reply".into()));
    assert_eq!(all[3]["partial"], false);
}

#[tokio::test]
async fn rollback_cancels_the_running_task_and_removes_what_it_said() {
    let app = spawn_app().await;
    let (first, second, thread) = interrupted(&app, "rollback").await;
    assert_eq!(first["status"], "cancelled", "{first}");
    assert_eq!(
        first["error"]["details"]["superseded_by"], second["id"],
        "{first}"
    );
    let texts = roles_and_text(&messages(&app, &thread).await);
    assert_eq!(
        texts,
        [("user", "second"), ("assistant", "quick reply")]
            .map(|(r, c)| (r.to_owned(), c.to_owned()))
    );
    // Its events left the thread's log (the task keeps them in its own).
    let log = app.get_json(&format!("/v1/threads/{thread}/events")).await;
    let tasks: Vec<&str> = log["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["task_id"].as_str().unwrap())
        .collect();
    let first_id = first["id"].as_str().unwrap();
    assert!(!tasks.contains(&first_id), "{log}");
    assert!(tasks.contains(&second["id"].as_str().unwrap()), "{log}");
    assert!(!app.events(first_id).await.is_empty());
}

#[tokio::test]
async fn a_failed_task_leaves_its_exchange_and_marks_the_thread() {
    let app = spawn_app().await;
    app.create_runner(
        json!({"name": "tools", "model": "mock", "toolkits": ["calculator"],
        "model_settings": {"mock": {"turns": [
            {"tool_calls": [{"name": "calculator", "arguments": {"expression": "6*7"}},
                            {"name": "calculator", "arguments": {"expression": "1+1"}}]},
            {"error": {"code": "boom", "message": "the model fell over"}}
        ]}}}),
    )
    .await;
    let thread = make_thread(&app).await;
    let done = app
        .run_to_end(
            "tools",
            json!({"arguments": {"prompt": "sum"}, "thread": thread}),
        )
        .await;
    assert_eq!(done["status"], "failed", "{done}");
    assert_eq!(thread_status(&app, &thread).await, "error");
    let all = messages(&app, &thread).await;
    let roles: Vec<&str> = all
        .iter()
        .map(|m| m["role"].as_str().expect("role"))
        .collect();
    // The user's message, the call, both results: a whole exchange, nothing half.
    assert_eq!(roles, ["user", "assistant", "tool", "tool"]);
    assert_eq!(all[1]["tool_calls"].as_array().expect("calls").len(), 2);
    assert!(
        all[2]["content"].as_str().expect("content").contains("42"),
        "{all:?}"
    );
    assert_eq!(all[2]["tool_call_id"], all[1]["tool_calls"][0]["id"]);
    // The next task on the thread succeeds and clears the error.
    app.create_runner(json!({"name": "echo", "model": "mock"}))
        .await;
    let next = app
        .run_to_end("echo", json!({"arguments": {}, "thread": thread}))
        .await;
    assert_eq!(next["status"], "succeeded");
    assert_eq!(thread_status(&app, &thread).await, "idle");
}

#[tokio::test]
async fn a_task_cancelled_mid_run_keeps_its_finished_exchange() {
    let app = spawn_app().await;
    app.create_runner(
        json!({"name": "waits", "model": "mock", "toolkits": ["calculator"],
        "model_settings": {"mock": {"turns": [
            {"tool_calls": [{"name": "calculator", "arguments": {"expression": "2+2"}}]},
            {"text": "four, eventually", "delay_ms": 5000}
        ]}}}),
    )
    .await;
    let thread = make_thread(&app).await;
    let task = app
        .submit("waits", json!({"arguments": {}, "thread": thread}))
        .await;
    let id = task["id"].as_str().expect("id");
    // Wait until the tool result is in, then cancel during the second model call.
    app.wait_for(id, Duration::from_secs(10), |_| true).await;
    let start = std::time::Instant::now();
    loop {
        let steps = app.get_json(&format!("/v1/tasks/{id}/steps")).await;
        if steps["data"].as_array().expect("steps").len() >= 2 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(10));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let res = app
        .post(&format!("/v1/tasks/{id}/cancel"), &json!({}))
        .await;
    assert!(res.status().is_success());
    app.wait_for_status(id, "cancelled").await;
    let roles: Vec<String> = roles_and_text(&messages(&app, &thread).await)
        .into_iter()
        .map(|(r, _)| r)
        .collect();
    assert_eq!(roles[..3], ["user", "assistant", "tool"]);
}

#[tokio::test]
async fn a_small_budget_trims_the_oldest_exchanges_and_says_so() {
    let fake = FakeOpenAi::start(vec![
        Reply::text(&"a".repeat(800)),
        Reply::text(&"b".repeat(800)),
        Reply::text("short"),
    ])
    .await;
    let app = spawn_with_provider(fake_provider(&fake.url)).await;
    // Room for the rules, the new message and about one earlier exchange.
    app.create_runner(fake_runner("tight", json!({"context_tokens": 300})))
        .await;
    let thread = make_thread(&app).await;
    let mut last = Value::Null;
    for prompt in ["first question", "second question", "third question"] {
        last = app
            .run_to_end(
                "tight",
                json!({"arguments": {"prompt": prompt}, "thread": thread}),
            )
            .await;
        assert_eq!(last["status"], "succeeded", "{last}");
    }
    let sent = sent_messages(&fake.received()[2].body);
    assert_eq!(sent[0], ("system".into(), "You are terse.".into()));
    assert_eq!(
        sent.last().expect("last"),
        &("user".into(), "third question".into())
    );
    // The first exchange went; the second stayed, whole.
    assert!(!sent.iter().any(|(_, c)| c == "first question"), "{sent:?}");
    assert!(sent.iter().any(|(_, c)| c == "second question"), "{sent:?}");
    assert!(sent.iter().any(|(_, c)| c.starts_with("bbbb")), "{sent:?}");
    let events = app.events(last["id"].as_str().expect("id")).await;
    let trim = events
        .iter()
        .find(|e| e["type"] == "thread.history_trimmed")
        .expect("trim event");
    assert_eq!(trim["data"]["dropped_messages"], 2, "{trim}");
    assert_eq!(trim["data"]["context_tokens"], 300);
    // The thread itself keeps everything.
    assert_eq!(messages(&app, &thread).await.len(), 6);
}

#[tokio::test]
async fn a_trimmed_history_starts_with_a_user_message_never_an_orphan_reply() {
    let fake = FakeOpenAi::start(vec![
        Reply::text("first answer"),
        Reply::text("second answer"),
        Reply::text("third answer"),
    ])
    .await;
    let app = spawn_with_provider(fake_provider(&fake.url)).await;
    app.create_runner(fake_runner("tight", json!({"context_tokens": 300})))
        .await;
    let thread = make_thread(&app).await;
    // A long first question: its exchange cannot fit, though its short answer could.
    let long = "q".repeat(1600);
    for prompt in [long.as_str(), "second question", "third question"] {
        let done = app
            .run_to_end(
                "tight",
                json!({"arguments": {"prompt": prompt}, "thread": thread}),
            )
            .await;
        assert_eq!(done["status"], "succeeded", "{done}");
    }
    let sent = sent_messages(&fake.received()[2].body);
    let roles: Vec<&str> = sent.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(roles, ["system", "user", "assistant", "user"], "{sent:?}");
    assert_eq!(sent[1].1, "second question");
    assert!(!sent.iter().any(|(_, c)| c == "first answer"), "{sent:?}");
}

#[tokio::test]
async fn the_thread_stream_follows_every_task_and_resumes() {
    let app = spawn_app().await;
    app.create_runner(json!({"name": "echo", "model": "mock",
        "model_settings": {"mock": {"text": "hi there", "delay_ms": 200}}}))
        .await;
    let thread = make_thread(&app).await;
    let mut stream = SseStream::open(
        app.client
            .get(app.url(&format!("/v1/threads/{thread}/events"))),
    )
    .await;
    assert_eq!(stream.status, StatusCode::OK);
    let first = app
        .submit("echo", json!({"arguments": {}, "thread": thread}))
        .await;
    let mut frames = Vec::new();
    while let Some(frame) = stream.next(Duration::from_secs(10)).await {
        let end = frame.event == "task.succeeded";
        frames.push(frame);
        if end {
            break;
        }
    }
    let ids: Vec<i64> = frames.iter().map(|f| f.id).collect();
    assert_eq!(ids, (1..=ids.len() as i64).collect::<Vec<_>>());
    assert!(frames.iter().all(|f| f.data["task_id"] == first["id"]));
    let last_seen = *ids.last().expect("frames");
    drop(stream);

    // A second task while nobody listens; a resume gets exactly its events.
    let second = app
        .run_to_end("echo", json!({"arguments": {}, "thread": thread}))
        .await;
    let mut resumed = SseStream::open(
        app.client
            .get(app.url(&format!("/v1/threads/{thread}/events")))
            .header("last-event-id", last_seen.to_string()),
    )
    .await;
    let mut more = Vec::new();
    while let Some(frame) = resumed.next(Duration::from_secs(10)).await {
        let end = frame.event == "task.succeeded";
        more.push(frame);
        if end {
            break;
        }
    }
    assert_eq!(more[0].id, last_seen + 1);
    assert_eq!(more[0].event, "task.queued");
    assert!(more.iter().all(|f| f.data["task_id"] == second["id"]));
    // Each frame also carries the task's own seq, gapless from 1.
    let task_seqs: Vec<i64> = more
        .iter()
        .map(|f| f.data["seq"].as_i64().expect("seq"))
        .collect();
    assert_eq!(task_seqs, (1..=more.len() as i64).collect::<Vec<_>>());
    // The JSON page is the same log.
    let page = app
        .get_json(&format!("/v1/threads/{thread}/events?after={last_seen}"))
        .await;
    assert_eq!(page["data"].as_array().expect("data").len(), more.len());
}
