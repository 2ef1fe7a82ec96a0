//! Optional OpenTelemetry traces, exported over OTLP/HTTP. Off unless
//! `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set; then
//! every HTTP request, task attempt and model call is a span (`tracing` spans, bridged by
//! `tracing-opentelemetry`), batched and sent from the SDK's own thread, so an absent
//! collector costs the service nothing but dropped spans.
//!
//! The standard variables are read, as every OpenTelemetry SDK does: the endpoint,
//! `OTEL_EXPORTER_OTLP_PROTOCOL` (`http/protobuf`, the default, or `http/json`; `grpc` is
//! refused at start-up, this build has no gRPC client), `OTEL_EXPORTER_OTLP_HEADERS`,
//! `OTEL_EXPORTER_OTLP_TIMEOUT`, `OTEL_SERVICE_NAME` (default `errand`),
//! `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_TRACES_SAMPLER` and the batch processor's
//! `OTEL_BSP_*` (its queue, 2,048 spans by default, bounds the memory spans can take).
//! An incoming `traceparent` header makes the request's span a child of the caller's.

use std::time::Duration;

use anyhow::{Context, bail};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{Protocol, WithExportConfig, WithHttpConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::{
    BatchConfig, BatchConfigBuilder, BatchSpanProcessor, SdkTracer, SdkTracerProvider,
};

const ENDPOINT: &str = "OTEL_EXPORTER_OTLP_ENDPOINT";
const TRACES_ENDPOINT: &str = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
const PROTOCOL: &str = "OTEL_EXPORTER_OTLP_PROTOCOL";
const TRACES_PROTOCOL: &str = "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL";
const SERVICE_NAME: &str = "OTEL_SERVICE_NAME";
const TIMEOUT: &str = "OTEL_EXPORTER_OTLP_TIMEOUT";
const TRACES_TIMEOUT: &str = "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT";
const BSP_SCHEDULE_DELAY: &str = "OTEL_BSP_SCHEDULE_DELAY";
const BSP_MAX_QUEUE_SIZE: &str = "OTEL_BSP_MAX_QUEUE_SIZE";
const BSP_MAX_EXPORT_BATCH_SIZE: &str = "OTEL_BSP_MAX_EXPORT_BATCH_SIZE";
/// Below this the batch exporter's thread wakes so often it takes a core while idle (at 0
/// it spins).
const MIN_SCHEDULE_DELAY_MS: u64 = 10;
/// The span queue's largest allowed size: spans held in memory while the collector is slow.
const MAX_QUEUE_SIZE: u64 = 1_000_000;
/// The specification's default export timeout.
const DEFAULT_TIMEOUT_MS: u64 = 10_000;

/// The exporting tracer provider; `shutdown` sends the spans still queued.
pub struct Traces {
    provider: SdkTracerProvider,
}

impl Traces {
    /// From the standard variables (`var` looks one up); `None` when no endpoint is set.
    /// Errors on what cannot work: an endpoint that is no http(s) URL, an unknown protocol.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> anyhow::Result<Option<Self>> {
        // Values are trimmed (a stray space or newline in a deployment file); the exporter
        // is handed the trimmed endpoint rather than reading the variable itself.
        let set = |name: &str| {
            var(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let traces_url = set(TRACES_ENDPOINT);
        let endpoint = match (&traces_url, set(ENDPOINT)) {
            (Some(url), _) => url.clone(),
            // The general endpoint is a base: traces go to its `/v1/traces`.
            (None, Some(base)) => format!("{}/v1/traces", base.trim_end_matches('/')),
            (None, None) => return Ok(None),
        };
        let url = url::Url::parse(&endpoint)
            .with_context(|| format!("OpenTelemetry endpoint {endpoint:?} is not a URL"))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            bail!("OpenTelemetry endpoint {endpoint:?} is not an http(s) URL");
        }
        let (protocol_var, protocol) = first_set(&set, TRACES_PROTOCOL, PROTOCOL);
        let protocol = match protocol.as_deref() {
            None | Some("http/protobuf") => Protocol::HttpBinary,
            Some("http/json") => Protocol::HttpJson,
            Some(other) => {
                bail!("{protocol_var} {other:?} is not supported: use http/protobuf or http/json")
            }
        };
        // The exporter reads the headers from the same variables; the client is ours, for
        // its TLS (ring, the system's roots) and its timeout.
        let (timeout_var, timeout) = first_set(&set, TRACES_TIMEOUT, TIMEOUT);
        let timeout = timeout
            .map(|ms| ms.parse::<u64>())
            .transpose()
            .with_context(|| format!("{timeout_var} is not a number of milliseconds"))?
            .unwrap_or(DEFAULT_TIMEOUT_MS);
        let client = reqwest::blocking::Client::builder()
            .tls_backend_preconfigured(crate::fetch::tls_config()?)
            .timeout(Duration::from_millis(timeout))
            .build()
            .context("cannot set up the OpenTelemetry exporter's HTTP client")?;
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_http_client(client)
            .with_endpoint(endpoint)
            .with_protocol(protocol)
            .build()
            .context("cannot set up the OpenTelemetry exporter")?;
        let mut resource = Resource::builder();
        if set(SERVICE_NAME).is_none() {
            resource = resource.with_service_name("errand");
        }
        let batches = BatchSpanProcessor::builder(exporter)
            .with_batch_config(batch_config(&set)?)
            .build();
        let provider = SdkTracerProvider::builder()
            .with_span_processor(batches)
            .with_resource(resource.build())
            .build();
        // tracing-actix-web reads the incoming `traceparent` through the global propagator.
        opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
        Ok(Some(Self { provider }))
    }

    /// The tracer the `tracing` layer records into.
    pub fn tracer(&self) -> SdkTracer {
        self.provider.tracer("errand")
    }

    /// Sends what is queued and stops the exporter (at exit).
    pub fn shutdown(&self) {
        if let Err(e) = self.provider.shutdown() {
            tracing::warn!(error = %e, "OpenTelemetry spans not sent at exit");
        }
    }
}

/// The batch processor's settings, from `OTEL_BSP_*` as the SDK reads them, except that
/// values it would silently ignore (not numbers) or that cannot work (a delay that spins,
/// an empty queue or batch, a queue without bound) are refused.
fn batch_config(set: &impl Fn(&str) -> Option<String>) -> anyhow::Result<BatchConfig> {
    let number = |name: &str, min: u64, max: u64| -> anyhow::Result<Option<u64>> {
        let Some(value) = set(name) else {
            return Ok(None);
        };
        match value.parse::<u64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
            _ => bail!("{name} {value:?} must be a whole number from {min} to {max}"),
        }
    };
    let mut config = BatchConfigBuilder::default();
    if let Some(ms) = number(BSP_SCHEDULE_DELAY, MIN_SCHEDULE_DELAY_MS, 3_600_000)? {
        config = config.with_scheduled_delay(Duration::from_millis(ms));
    }
    if let Some(size) = number(BSP_MAX_QUEUE_SIZE, 1, MAX_QUEUE_SIZE)? {
        config = config.with_max_queue_size(usize::try_from(size)?);
    }
    if let Some(size) = number(BSP_MAX_EXPORT_BATCH_SIZE, 1, MAX_QUEUE_SIZE)? {
        config = config.with_max_export_batch_size(usize::try_from(size)?);
    }
    Ok(config.build())
}

/// The first of `specific` and `general` that is set, and its name.
fn first_set(
    set: &impl Fn(&str) -> Option<String>,
    specific: &'static str,
    general: &'static str,
) -> (&'static str, Option<String>) {
    match set(specific) {
        Some(value) => (specific, Some(value)),
        None => (general, set(general)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(vars: &'static [(&'static str, &'static str)]) -> anyhow::Result<Option<Traces>> {
        Traces::from_env(|name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn off_without_an_endpoint() {
        assert!(with(&[]).unwrap().is_none());
        assert!(with(&[(ENDPOINT, " ")]).unwrap().is_none());
    }

    #[test]
    fn stray_whitespace_is_trimmed_not_refused() {
        let vars = &[
            (ENDPOINT, " http://127.0.0.1:4318/\n"),
            (PROTOCOL, " http/json "),
        ];
        assert!(with(vars).unwrap().is_some());
    }

    #[test]
    fn refuses_what_cannot_work() {
        let bad = |vars| with(vars).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(bad(&[(ENDPOINT, "collector:4318")]).contains("not an http(s) URL"));
        assert!(bad(&[(ENDPOINT, "not a url")]).contains("is not a URL"));
        assert!(
            bad(&[(ENDPOINT, "http://127.0.0.1:4318"), (TIMEOUT, "soon")]).contains("milliseconds")
        );
        assert!(
            bad(&[(ENDPOINT, "http://127.0.0.1:4318"), (PROTOCOL, "grpc")])
                .contains("not supported")
        );
        // A zero delay made the exporter's thread spin; a queue of 0 keeps nothing.
        for (name, value) in [
            (BSP_SCHEDULE_DELAY, "0"),
            (BSP_SCHEDULE_DELAY, "soon"),
            (BSP_MAX_QUEUE_SIZE, "0"),
            (BSP_MAX_EXPORT_BATCH_SIZE, "-1"),
        ] {
            let vars = vec![(ENDPOINT, "http://127.0.0.1:4318"), (name, value)];
            let vars: &'static [_] = Vec::leak(vars);
            assert!(bad(vars).contains(name), "{name}={value}");
        }
        assert!(
            with(&[
                (ENDPOINT, "http://127.0.0.1:4318"),
                (BSP_SCHEDULE_DELAY, " 10 ")
            ])
            .is_ok()
        );
    }
}
