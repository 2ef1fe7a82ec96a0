//! `errand tasks submit|get|wait|cancel|list|answer`.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use super::commands::TasksCommand;
use super::http::{Client, segment};
use super::sse::{self, Event, Flow};
use super::{ClientError, Exit, json_arg, print};
use errand_core::events::kind;

pub async fn run(
    client: &Client,
    as_json: bool,
    command: TasksCommand,
) -> Result<Exit, ClientError> {
    match command {
        TasksCommand::Submit {
            runner,
            args,
            wait,
            stream,
            thread,
            create_thread,
            priority,
            rules,
            idempotency_key,
            timeout,
        } => {
            let mut body = json!({"arguments": json_arg("--args", &args)?, "rules": rules});
            if let Some(thread) = thread {
                body["thread"] = json!(thread);
                if create_thread {
                    body["if_not_exists"] = json!("create");
                }
            }
            if let Some(p) = priority {
                body["priority"] = json!(p);
            }
            let mut req = client
                .request(
                    Method::POST,
                    &format!("/v1/runners/{}/tasks", segment(&runner)),
                )
                .json(&body);
            if let Some(key) = idempotency_key {
                req = req.header("idempotency-key", key);
            }
            let task = client.send(req).await?;
            let id = task["id"]
                .as_str()
                .ok_or_else(|| ClientError::Failed("the answer names no task".into()))?;
            if !wait && !stream {
                match as_json {
                    true => print::json(&task),
                    false => outln!("{id}"),
                }
                return Ok(Exit::Succeeded);
            }
            if !as_json && !stream {
                eprintln!("task {id} queued");
            }
            await_end(client, id, stream, as_json, timeout).await
        }
        TasksCommand::Get { id } => {
            let task = client.get(&task_path(&id)).await?;
            match as_json {
                true => print::json(&task),
                false => describe(&task),
            }
            Ok(Exit::Succeeded)
        }
        TasksCommand::Wait {
            id,
            stream,
            timeout,
        } => await_end(client, &id, stream, as_json, timeout).await,
        TasksCommand::Cancel { id } => {
            let task = client
                .post(&format!("{}/cancel", task_path(&id)), &json!({}))
                .await?;
            match as_json {
                true => print::json(&task),
                false => outln!("{}", print::task_line(&task)),
            }
            Ok(Exit::Succeeded)
        }
        TasksCommand::List {
            status,
            runner,
            thread,
            limit,
        } => {
            let mut query: Vec<(&str, String)> = vec![("limit", limit.to_string())];
            query.extend(status.map(|s| ("status", s)));
            query.extend(runner.map(|r| ("runner", r)));
            query.extend(thread.map(|t| ("thread_id", t)));
            let page = client
                .send(client.request(Method::GET, "/v1/tasks").query(&query))
                .await?;
            match as_json {
                true => print::json(&page),
                false => page["data"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .for_each(|t| outln!("{}", print::task_line(t))),
            }
            Ok(Exit::Succeeded)
        }
        TasksCommand::Answer {
            id,
            request,
            answer,
        } => {
            let body = json!({"request_id": request, "answer": json_arg("--answer", &answer)?});
            let task = client
                .post(&format!("{}/input", task_path(&id)), &body)
                .await?;
            match as_json {
                true => print::json(&task),
                false => outln!("{}", print::task_line(&task)),
            }
            Ok(Exit::Succeeded)
        }
    }
}

fn task_path(id: &str) -> String {
    format!("/v1/tasks/{}", segment(id))
}

/// A task for a person: its line, then its output, error or question.
fn describe(task: &Value) {
    outln!("{}", print::task_line(task));
    for field in ["output", "error", "input_request"] {
        if !task[field].is_null() {
            outln!("{field}: {}", task[field]);
        }
    }
}

/// Follows task `id` until it ends or waits for an answer (at most `timeout` seconds), and
/// prints the outcome; with `stream`, the model's text (or, with `as_json`, every event as
/// a line) as it arrives.
async fn await_end(
    client: &Client,
    id: &str,
    stream: bool,
    as_json: bool,
    timeout: Option<u64>,
) -> Result<Exit, ClientError> {
    let work = async {
        let mut printed = false;
        let mut after = 0;
        loop {
            let stopped = sse::follow(client, id, after, |event| {
                if stream {
                    printed |= show(event, as_json);
                }
                match event.kind.as_str() {
                    kind::INPUT_REQUIRED => Flow::Stop,
                    _ => Flow::Go,
                }
            })
            .await?;
            let task = match &stopped {
                Some(end) if kind::is_terminal(&end.kind) => end.body["data"]["task"].clone(),
                _ => client.get(&task_path(id)).await?,
            };
            // A question asked earlier and answered since: follow on after it.
            if let Some(asked) = stopped.filter(|e| !kind::is_terminal(&e.kind))
                && print::exit_of(&task) != Some(Exit::InputRequired)
            {
                after = asked.seq;
                continue;
            }
            // With the events printed as lines, the terminal one carries the task.
            let quiet_json = as_json && stream;
            return Ok::<_, ClientError>(match quiet_json {
                true => print::exit_of(&task).unwrap_or(Exit::Failed),
                false => print::outcome(&task, as_json, printed),
            });
        }
    };
    match timeout {
        None => work.await,
        Some(secs) => match tokio::time::timeout(Duration::from_secs(secs), work).await {
            Ok(done) => done,
            Err(_) => {
                eprintln!("errand: task {id} did not end within {secs} s");
                Ok(Exit::CancelledOrTimedOut)
            }
        },
    }
}

/// Prints what a stream shows of `event`; whether it printed model text.
fn show(event: &Event, as_json: bool) -> bool {
    if as_json {
        outln!("{}", event.body);
        return false;
    }
    let data = &event.body["data"];
    match event.kind.as_str() {
        kind::MESSAGE_DELTA => {
            out!("{}", data["text"].as_str().unwrap_or_default());
            return true;
        }
        kind::STARTED if data["attempt"].as_i64().is_some_and(|a| a > 1) => {
            outln!();
            eprintln!("[attempt {}: the text before is void]", data["attempt"]);
        }
        kind::TOOL_CALL_STARTED => {
            eprintln!("\n[tool {}]", data["name"].as_str().unwrap_or("?"));
        }
        _ => {}
    }
    false
}
