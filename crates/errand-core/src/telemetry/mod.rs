//! Tracing set-up: human-readable or JSON lines, filtered by the settings (`RUST_LOG`
//! wins when set, for a quick debug session).
//!
//! Logged values come from outside too (model text, request paths, provider errors), so
//! every value is written escaped, one event a line (`escape`); colours only on a terminal;
//! panics become log events (`panics`). OpenTelemetry traces are optional (`traces`).

mod escape;
mod fields;
mod json_lines;
mod panics;
#[cfg(test)]
mod tests;
mod traces;

use std::io::IsTerminal;

use opentelemetry_sdk::trace::SdkTracer;
use tracing::Subscriber;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer, Registry};

use crate::config::{LogFormat, LogSettings};

pub use panics::{log_panics, panic_text};
pub use traces::Traces;

/// Installs the process's subscriber: the log, and with `traces` the OpenTelemetry layer.
pub fn init(settings: &LogSettings, traces: Option<&Traces>) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&settings.filter))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let colour = std::io::stderr().is_terminal();
    let tracer = traces.map(Traces::tracer);
    // A second init (tests start many apps in one process) keeps the first subscriber.
    let _ = subscriber(settings.format, filter, std::io::stderr, colour, tracer).try_init();
}

/// The subscriber writing to `writer`; `colour`: whether ANSI colours may be used (then
/// still not under `NO_COLOR`). The log's filter is the log's alone: with `tracer`, spans
/// and events at `info` and above also go to OpenTelemetry, whatever the log shows.
fn subscriber<W>(
    format: LogFormat,
    filter: EnvFilter,
    writer: W,
    colour: bool,
    tracer: Option<SdkTracer>,
) -> Box<dyn Subscriber + Send + Sync>
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let layer = tracing_subscriber::fmt::layer().with_span_events(FmtSpan::NONE);
    let layer = if colour {
        layer
    } else {
        layer.with_ansi(false)
    };
    let log: Box<dyn Layer<Registry> + Send + Sync> = match format {
        LogFormat::Json => layer
            .json()
            .with_current_span(true)
            .with_writer(json_lines::JsonLines(writer))
            .with_filter(filter)
            .boxed(),
        LogFormat::Text => layer
            .fmt_fields(fields::EscapingFields)
            .with_writer(writer)
            .with_filter(filter)
            .boxed(),
    };
    let otel = tracer.map(|tracer| {
        tracing_opentelemetry::layer()
            .with_tracer(tracer)
            .with_filter(LevelFilter::INFO)
    });
    Box::new(Registry::default().with(log).with(otel))
}
