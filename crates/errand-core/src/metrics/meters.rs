//! `Meters`: what this process counts as it happens, in a Prometheus recorder of its own.
//! The recorder is a value the `Core` holds, never the `metrics` crate's global one, so each
//! process (and each test's app) counts only its own work. Label values are bounded: runner,
//! tool, provider and model names, statuses and outcomes; never a task's id.

use std::sync::Arc;
use std::time::Duration;

use sqlx::PgExecutor;

use crate::cache::BoundedCache;
use crate::projects::ProjectId;
use metrics::{Gauge, Key, KeyName, Label, Level, Metadata, Recorder, SharedString, Unit};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusRecorder};

/// Histogram buckets in seconds: from a millisecond (a pickup) to an hour (a long task).
const SECONDS_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
    300.0, 900.0, 3600.0,
];

static METADATA: Metadata<'static> =
    Metadata::new(module_path!(), Level::INFO, Some(module_path!()));

/// The families this process records, with their help text.
const FAMILIES: &[(&str, Kind, &str)] = &[
    (
        "errand_tasks_ended_total",
        Kind::Counter,
        "Tasks that reached a final status, by project, runner and status.",
    ),
    (
        "errand_task_duration_seconds",
        Kind::Seconds,
        "From a task's first claim to its end, by project, runner and status.",
    ),
    (
        "errand_task_pickup_seconds",
        Kind::Seconds,
        "From when a task could run (queued or due) to its claim by a worker.",
    ),
    (
        "errand_model_calls_total",
        Kind::Counter,
        "Model calls by provider, model and outcome (ok, error).",
    ),
    (
        "errand_model_call_seconds",
        Kind::Seconds,
        "A model call's duration, by provider and model.",
    ),
    (
        "errand_model_tokens_total",
        Kind::Counter,
        "Tokens by provider, model and direction (input, output).",
    ),
    (
        "errand_model_cost_microdollars_total",
        Kind::Counter,
        "Estimated model cost in millionths of a US dollar, by provider and model.",
    ),
    (
        "errand_tool_calls_total",
        Kind::Counter,
        "Tool calls of tasks by project, tool and outcome (ok, error).",
    ),
    (
        "errand_sse_streams_open",
        Kind::Gauge,
        "Server-sent event streams open in this process.",
    ),
    (
        "errand_webhook_deliveries_total",
        Kind::Counter,
        "Outbound webhook tries by project and outcome (succeeded, pending: to be tried again, failed).",
    ),
    (
        "errand_schedule_fires_total",
        Kind::Counter,
        "Schedule fires by project and outcome (task, message, skipped, waiting, failed).",
    ),
    (
        "errand_worker_slots",
        Kind::Gauge,
        "Tasks this process's worker may run at once.",
    ),
    (
        "errand_worker_slots_busy",
        Kind::Gauge,
        "Tasks this process's worker is running.",
    ),
];

#[derive(Clone, Copy)]
enum Kind {
    Counter,
    Gauge,
    Seconds,
}

/// How often histograms' samples are folded into their buckets.
const UPKEEP: Duration = Duration::from_secs(5);

/// Project names the meters have labelled with (a name never changes).
const NAMES_CACHED: usize = 1024;

/// Distinct `provider`/`model` label pairs at most, and their longest name: clients name
/// models freely (`mock/anything`, a provider's model ids), so past these the calls count
/// under `other` and the page stays bounded.
const MAX_MODEL_LABELS: usize = 100;
const MAX_MODEL_CHARS: usize = 64;

/// The recorder, cheap to clone.
#[derive(Clone)]
pub struct Meters(
    Arc<PrometheusRecorder>,
    Arc<BoundedCache<ProjectId, Arc<str>>>,
    Arc<std::sync::Mutex<std::collections::HashSet<String>>>,
);

impl std::fmt::Debug for Meters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Meters")
    }
}

impl Meters {
    pub fn new() -> anyhow::Result<Self> {
        let recorder = PrometheusBuilder::new()
            .set_buckets(SECONDS_BUCKETS)?
            .build_recorder();
        for (name, kind, help) in FAMILIES {
            let name = KeyName::from_const_str(name);
            let help = SharedString::const_str(help);
            match kind {
                Kind::Counter => recorder.describe_counter(name, None, help),
                Kind::Gauge => recorder.describe_gauge(name, None, help),
                Kind::Seconds => recorder.describe_histogram(name, Some(Unit::Seconds), help),
            }
        }
        Ok(Self(
            Arc::new(recorder),
            Arc::new(BoundedCache::new(NAMES_CACHED)),
            Arc::default(),
        ))
    }

    /// The name a project's series carry (read once per project, then cached).
    pub async fn project_name(
        &self,
        db: impl PgExecutor<'_>,
        project: ProjectId,
    ) -> sqlx::Result<Arc<str>> {
        if let Some(name) = self.1.get(&project) {
            return Ok(name);
        }
        let name: String = sqlx::query_scalar("SELECT name FROM projects WHERE id = $1")
            .bind(project)
            .fetch_one(db)
            .await?;
        Ok(self.1.insert(project, Arc::from(name)))
    }

    /// Folds the histograms' new samples into their buckets every `UPKEEP` until
    /// `shutdown` (the recorder keeps raw samples until then).
    pub async fn keep_up(self, shutdown: tokio_util::sync::CancellationToken) {
        let handle = self.0.handle();
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = tokio::time::sleep(UPKEEP) => handle.run_upkeep(),
            }
        }
    }

    /// Everything recorded so far, in the Prometheus text format.
    pub fn render(&self) -> String {
        self.0.handle().render()
    }

    fn count(&self, name: &'static str, labels: &[(&'static str, &str)], by: u64) {
        self.0
            .register_counter(&key(name, labels), &METADATA)
            .increment(by);
    }

    fn seconds(&self, name: &'static str, labels: &[(&'static str, &str)], took: Duration) {
        let histogram = self.0.register_histogram(&key(name, labels), &METADATA);
        histogram.record(took.as_secs_f64());
    }

    fn gauge(&self, name: &'static str) -> Gauge {
        self.0.register_gauge(&key(name, &[]), &METADATA)
    }

    /// A task reached a final status after running `ran` (since its first claim).
    pub fn task_ended(&self, project: &str, runner: &str, status: &str, ran: Option<Duration>) {
        let labels = [("project", project), ("runner", runner), ("status", status)];
        self.count("errand_tasks_ended_total", &labels, 1);
        if let Some(ran) = ran {
            self.seconds("errand_task_duration_seconds", &labels, ran);
        }
    }

    /// A worker claimed a task that had waited `waited` since it could run.
    pub fn task_picked_up(&self, waited: Duration) {
        self.seconds("errand_task_pickup_seconds", &[], waited);
    }

    /// A model call ended.
    pub fn model_call(&self, call: &ModelCall<'_>) {
        let (provider, name) = self.model_labels(call.provider, call.model);
        let model = [("provider", provider), ("model", name)];
        let outcome = if call.ok { "ok" } else { "error" };
        let labels = [model[0], model[1], ("outcome", outcome)];
        self.count("errand_model_calls_total", &labels, 1);
        self.seconds("errand_model_call_seconds", &model, call.took);
        for (direction, tokens) in [("input", call.input_tokens), ("output", call.output_tokens)] {
            let labels = [model[0], model[1], ("direction", direction)];
            self.count("errand_model_tokens_total", &labels, tokens);
        }
        if let Some(cost) = call.cost_usd.filter(|c| c.is_finite() && *c > 0.0) {
            // Millionths, rounded: a Prometheus counter here counts whole units.
            let micro = (cost * 1e6).round() as u64;
            self.count("errand_model_cost_microdollars_total", &model, micro);
        }
    }

    /// The labels a model's calls count under: its own while at most `MAX_MODEL_LABELS`
    /// pairs are in use and its names are short, else `other`.
    fn model_labels<'a>(&self, provider: &'a str, model: &'a str) -> (&'a str, &'a str) {
        const OTHER: (&str, &str) = ("other", "other");
        if provider.chars().count() > MAX_MODEL_CHARS || model.chars().count() > MAX_MODEL_CHARS {
            return OTHER;
        }
        let key = format!("{provider}\n{model}");
        let Ok(mut seen) = self.2.lock() else {
            return OTHER;
        };
        if seen.contains(&key) || (seen.len() < MAX_MODEL_LABELS && seen.insert(key)) {
            (provider, model)
        } else {
            OTHER
        }
    }

    /// A task's tool call ended.
    pub fn tool_call(&self, project: &str, tool: &str, ok: bool) {
        let outcome = if ok { "ok" } else { "error" };
        let labels = [("project", project), ("tool", tool), ("outcome", outcome)];
        self.count("errand_tool_calls_total", &labels, 1);
    }

    /// An SSE stream opened; it counts as open until the guard drops.
    pub fn stream_opened(&self) -> OpenStream {
        let gauge = self.gauge("errand_sse_streams_open");
        gauge.increment(1.0);
        OpenStream(gauge)
    }

    /// An outbound webhook try ended.
    pub fn webhook_delivery(&self, project: &str, outcome: &str) {
        let labels = [("project", project), ("outcome", outcome)];
        self.count("errand_webhook_deliveries_total", &labels, 1);
    }

    /// A schedule fired.
    pub fn schedule_fire(&self, project: &str, outcome: &str) {
        let labels = [("project", project), ("outcome", outcome)];
        self.count("errand_schedule_fires_total", &labels, 1);
    }

    /// The worker's slots, and how many are busy now.
    pub fn worker_slots(&self, total: usize, busy: usize) {
        self.gauge("errand_worker_slots").set(total as f64);
        self.gauge("errand_worker_slots_busy").set(busy as f64);
    }
}

/// One model call, as the meters see it.
pub struct ModelCall<'a> {
    pub provider: &'a str,
    pub model: &'a str,
    pub ok: bool,
    pub took: Duration,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cost_usd: Option<f64>,
}

/// An open SSE stream: the gauge goes down when it drops.
pub struct OpenStream(Gauge);

impl Drop for OpenStream {
    fn drop(&mut self) {
        self.0.decrement(1.0);
    }
}

fn key(name: &'static str, labels: &[(&'static str, &str)]) -> Key {
    let labels: Vec<Label> = labels
        .iter()
        .map(|(k, v)| Label::new(*k, (*v).to_owned()))
        .collect();
    Key::from_parts(name, labels)
}
