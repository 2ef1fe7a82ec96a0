//! Text from outside reaches the log as one escaped value: a model whose scripted panic
//! message carries a newline, terminal escapes and bidi/line-separator characters cannot
//! write a line of its own or colour the operator's terminal, and a process that panics
//! twice prints at most one backtrace. Checked on the real `errand worker` binary.

use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_api};

/// A panic message that would forge a line, turn the terminal red, reverse the rest of
/// the line and break it again with a Unicode line separator.
const HOSTILE: &str =
    "boom\nFORGED line\x1b[31m red\r\u{9b}2J \u{202e}desrever\u{2028}SEPARATED \u{85}NEL";

/// Characters that must never reach the log raw.
fn raw_controls(log: &str) -> Vec<char> {
    log.chars()
        .filter(|&c| {
            (c.is_control() && c != '\n')
                || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}')
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c)
        })
        .collect()
}

/// Runs two tasks whose model panics with `HOSTILE` on an `errand worker` process (with
/// RUST_BACKTRACE=1 and no NO_COLOR, stderr a pipe), stops it and returns its stderr.
async fn worker_log_of_two_panics(app: &TestApp, format: &str) -> String {
    app.create_runner(json!({
        "name": format!("hostile-{format}"),
        "model_settings": {"mock": {"panic": HOSTILE}}
    }))
    .await;
    let mut ids = Vec::new();
    for _ in 0..2 {
        let task = app.submit(&format!("hostile-{format}"), json!({})).await;
        ids.push(task["id"].as_str().expect("id").to_owned());
    }
    // Only what this test sets: no RUST_LOG, NO_COLOR or errand.toml of the developer's.
    let worker = tokio::process::Command::new(env!("CARGO_BIN_EXE_errand"))
        .args(["--config", "/dev/null", "worker"])
        .env_clear()
        .env("DATABASE_URL", &app.database_url)
        .env("ERRAND_LOG", "info")
        .env("ERRAND_LOG_FORMAT", format)
        .env("ERRAND_WORKER_POLL_INTERVAL_MS", "100")
        .env("RUST_BACKTRACE", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn errand worker");
    for id in &ids {
        let done = app.wait_for_status(id, "failed").await;
        assert_eq!(done["error"]["code"], "internal_error", "{done}");
    }
    let pid = nix::unistd::Pid::from_raw(worker.id().expect("pid") as i32);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).expect("SIGTERM");
    let out = tokio::time::timeout(Duration::from_secs(30), worker.wait_with_output())
        .await
        .expect("the worker stops on SIGTERM")
        .expect("worker output");
    String::from_utf8(out.stderr).expect("the log is UTF-8")
}

/// Lines of the backtrace: a frame of the mock model's code names its module.
fn backtrace_lines(log: &str) -> usize {
    log.lines()
        .filter(|l| l.contains("errand_core::llm::mock"))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_panic_message_is_one_escaped_text_line() {
    let app = spawn_api().await;
    let log = worker_log_of_two_panics(&app, "text").await;

    let forged: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("FORGED") && !l.contains("boom"))
        .collect();
    assert!(forged.is_empty(), "forged lines {forged:?} in:\n{log}");
    assert_eq!(
        raw_controls(&log),
        Vec::<char>::new(),
        "raw controls in:\n{log}"
    );
    // The message is there, escaped, with where the panic happened.
    let panics: Vec<&str> = log
        .lines()
        .filter(|l| l.contains(r"boom\nFORGED line\u{1b}[31m red\r\u{9b}2J \u{202e}desrever"))
        .collect();
    assert!(
        panics.iter().any(|l| l.contains("src/llm/mock.rs")),
        "no escaped panic line with its location in:\n{log}"
    );
    assert!(
        backtrace_lines(&log) <= 1,
        "more than one backtrace line in:\n{log}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_panic_message_is_one_json_line_that_keeps_the_text() {
    let app = spawn_api().await;
    let log = worker_log_of_two_panics(&app, "json").await;

    assert_eq!(
        raw_controls(&log),
        Vec::<char>::new(),
        "raw controls in:\n{log}"
    );
    let events: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: not JSON: {l:?}")))
        .collect();
    // Escaped on the wire, the same text once parsed.
    let carrying = events
        .iter()
        .filter(|e| {
            e["fields"]["message"]
                .as_str()
                .is_some_and(|m| m.contains(HOSTILE))
        })
        .count();
    assert!(carrying >= 2, "two panics, their text intact:\n{log}");
    assert!(
        backtrace_lines(&log) <= 1,
        "more than one backtrace in:\n{log}"
    );
}
