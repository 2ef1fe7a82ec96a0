//! Tracing set-up: human-readable or JSON lines, filtered by the settings (`RUST_LOG`
//! wins when set, for a quick debug session).
//!
//! Logged values come from outside too (model text, request paths, provider errors), so
//! every value is written escaped, one event a line (`escape`); colours only on a terminal;
//! panics become log events (`panics`).

mod escape;
mod fields;
mod json_lines;
mod panics;
#[cfg(test)]
mod tests;

use std::io::IsTerminal;

use tracing::Subscriber;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::util::SubscriberInitExt;

use crate::config::{LogFormat, LogSettings};

pub use panics::{log_panics, panic_text};

pub fn init(settings: &LogSettings) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&settings.filter))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let colour = std::io::stderr().is_terminal();
    // A second init (tests start many apps in one process) keeps the first subscriber.
    let _ = subscriber(settings.format, filter, std::io::stderr, colour).try_init();
}

/// The subscriber writing to `writer`; `colour`: whether ANSI colours may be used (then
/// still not under `NO_COLOR`).
fn subscriber<W>(
    format: LogFormat,
    filter: EnvFilter,
    writer: W,
    colour: bool,
) -> Box<dyn Subscriber + Send + Sync>
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_span_events(FmtSpan::NONE);
    let builder = if colour {
        builder
    } else {
        builder.with_ansi(false)
    };
    match format {
        LogFormat::Json => Box::new(
            builder
                .json()
                .with_current_span(true)
                .with_writer(json_lines::JsonLines(writer))
                .finish(),
        ),
        LogFormat::Text => Box::new(
            builder
                .fmt_fields(fields::EscapingFields)
                .with_writer(writer)
                .finish(),
        ),
    }
}
