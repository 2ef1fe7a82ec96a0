//! The subscriber `init` installs, writing to a buffer: hostile text in every kind of
//! value (message, display, debug, string and error fields, span fields recorded early and
//! late) stays on its event's line, escaped, and JSON logs parse back to the same text.

use std::io;
use std::sync::{Arc, Mutex};

use serde_json::Value;
use tracing_subscriber::EnvFilter;

use super::escape::is_escaped;
use crate::config::LogFormat;

const HOSTILE: &str = "a\nFORGED\r\x1b[31m\u{9b}\u{7f}\u{2028}\u{202e}z";

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl io::Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().expect("buffer").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[derive(Debug)]
struct Failure(String);

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Failure {}

/// Logs three events carrying `HOSTILE` every way a value can reach the log; the output.
fn log_hostile_events(format: LogFormat) -> String {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = super::subscriber(
        format,
        EnvFilter::new("trace"),
        move || writer.clone(),
        false,
        None,
    );
    tracing::subscriber::with_default(subscriber, || {
        let span = tracing::info_span!("request", path = %HOSTILE, late = tracing::field::Empty);
        let _entered = span.enter();
        span.record("late", HOSTILE);
        tracing::error!("model said {HOSTILE}");
        tracing::warn!(shown = %HOSTILE, debugged = ?HOSTILE, text = HOSTILE, "fields");
        let failure = Failure(HOSTILE.to_owned());
        tracing::info!(error = &failure as &dyn std::error::Error, "an error");
    });
    let bytes = buffer.0.lock().expect("buffer").clone();
    String::from_utf8(bytes).expect("UTF-8")
}

fn raw_escapables(log: &str) -> Vec<char> {
    log.chars()
        .filter(|&c| c != '\n' && is_escaped(c))
        .collect()
}

#[test]
fn text_logs_keep_each_event_on_one_escaped_line() {
    let log = log_hostile_events(LogFormat::Text);
    assert_eq!(raw_escapables(&log), Vec::<char>::new(), "{log}");
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 3, "{log}");
    let escaped = r"a\nFORGED\r\u{1b}[31m\u{9b}\u{7f}\u{2028}\u{202e}z";
    for line in &lines {
        // The span's fields, recorded at creation and later, lead every event.
        assert!(
            line.contains(&format!("request{{path={escaped} late=\"")),
            "{line}"
        );
    }
    assert!(
        lines[0].ends_with(&format!("model said {escaped}")),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains(&format!("shown={escaped}")),
        "{}",
        lines[1]
    );
    // Debug and string fields keep their quotes; std already escaped the C0 controls.
    assert!(
        lines[1].contains(r#"debugged="a\nFORGED\r\u{1b}[31m"#),
        "{}",
        lines[1]
    );
    assert!(lines[1].contains(r#"text="a\nFORGED"#), "{}", lines[1]);
    assert!(
        lines[2].contains(&format!("error={escaped}")),
        "{}",
        lines[2]
    );
}

#[test]
fn json_logs_escape_on_the_wire_and_parse_back_to_the_text() {
    let log = log_hostile_events(LogFormat::Json);
    assert_eq!(raw_escapables(&log), Vec::<char>::new(), "{log}");
    let events: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(events.len(), 3, "{log}");
    assert_eq!(
        events[0]["fields"]["message"],
        format!("model said {HOSTILE}")
    );
    assert_eq!(events[1]["fields"]["shown"], HOSTILE);
    assert_eq!(events[1]["fields"]["text"], HOSTILE);
    assert_eq!(events[2]["fields"]["error"], HOSTILE);
    assert_eq!(events[0]["span"]["path"], HOSTILE);
    assert_eq!(events[0]["span"]["late"], HOSTILE);
}
