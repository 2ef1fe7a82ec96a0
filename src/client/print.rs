//! What the client prints, and the exit code a task's state means.

use serde_json::Value;

use super::Exit;

/// Writes to standard output and flushes; a closed pipe ends the process (see `outln!`).
pub fn write_out(text: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_fmt(text).and_then(|()| stdout.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(141);
        }
        eprintln!("errand: cannot write to standard output: {e}");
        std::process::exit(1);
    }
}

/// Prints `value` as pretty JSON on standard output.
pub fn json(value: &Value) {
    outln!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
    );
}

/// The exit code of a task in `status`, or `None` while it is still going.
pub fn exit_of(task: &Value) -> Option<Exit> {
    match task["status"].as_str()? {
        "succeeded" => Some(Exit::Succeeded),
        "failed" => Some(Exit::Failed),
        "cancelled" | "timed_out" => Some(Exit::CancelledOrTimedOut),
        "input_required" => Some(Exit::InputRequired),
        // Waiting for child tasks, one of which asks (an answered or own earlier request
        // shown there is not a question).
        "waiting" if asked_below(&task["input_request"]) => Some(Exit::InputRequired),
        _ => None,
    }
}

/// Whether `request` is an unanswered question of a task below the one showing it.
fn asked_below(request: &Value) -> bool {
    request.is_object() && request["task_id"].is_string() && request["answer"].is_null()
}

/// A task that stopped (ended, or waits for an answer), for a person: the output on
/// standard output, anything else on standard error; or, with `as_json`, the task. The
/// output is left out when `streamed` already printed it as text.
pub fn outcome(task: &Value, as_json: bool, streamed: bool) -> Exit {
    let exit = exit_of(task).unwrap_or(Exit::Failed);
    if as_json {
        json(task);
        return exit;
    }
    match exit {
        Exit::Succeeded => match &task["output"] {
            Value::String(_) if streamed => outln!(),
            Value::String(text) => outln!("{text}"),
            Value::Null => {}
            other => {
                if streamed {
                    outln!();
                }
                json(other);
            }
        },
        Exit::InputRequired => {
            let q = &task["input_request"];
            if q["kind"] == "approval" {
                let call = &q["tool_call"];
                eprintln!(
                    "task {} waits for approval of a call of {} with arguments {}",
                    q["task_id"].as_str().or(task["id"].as_str()).unwrap_or("?"),
                    call["name"].as_str().unwrap_or("?"),
                    call["arguments"],
                );
            }
            eprintln!(
                "task {} asks: {}\nanswer with: errand tasks answer {} --request {} --answer <JSON>",
                q["task_id"].as_str().or(task["id"].as_str()).unwrap_or("?"),
                q["question"].as_str().unwrap_or("(no question)"),
                task["id"].as_str().unwrap_or("?"),
                q["request_id"].as_str().unwrap_or("?"),
            );
        }
        _ => {
            if streamed {
                outln!();
            }
            let error = &task["error"];
            eprintln!(
                "task {} {}: {} ({})",
                task["id"].as_str().unwrap_or("?"),
                task["status"].as_str().unwrap_or("?"),
                error["message"].as_str().unwrap_or("no message"),
                error["code"].as_str().unwrap_or("no code"),
            );
        }
    }
    exit
}

/// One line about a task: id, status, runner, model, created.
pub fn task_line(task: &Value) -> String {
    format!(
        "{}  {:<14} {:<20} {:<24} {}",
        task["id"].as_str().unwrap_or("?"),
        task["status"].as_str().unwrap_or("?"),
        task["runner"].as_str().unwrap_or("?"),
        task["model"].as_str().unwrap_or("?"),
        task["created_at"].as_str().unwrap_or("?"),
    )
}
