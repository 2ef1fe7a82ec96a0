//! Settings: built-in defaults, then an optional TOML file, then `ERRAND_*` variables,
//! then command-line flags. Parsed once at start-up and passed down explicitly.

mod auth;
pub mod env;
mod fetch;
mod limits;
mod mcp;
mod metrics;
pub mod providers;
mod queues;
pub mod retention;
mod secret_origin;
mod storage;
mod tools;
mod triggers;

pub use auth::{AuthSettings, QuotaSettings};
pub use fetch::FetchSettings;
pub use limits::{LimitsSettings, MockSettings};
pub use mcp::McpSettings;
pub use metrics::MetricsSettings;

pub use queues::{QueueSettings, ScheduleSettings};
pub use retention::RetentionSettings;
pub use storage::StorageSettings;
pub use tools::{SecretSettings, ToolSettings};
pub use triggers::{TriggerSettings, WebhookSettings};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub worker: WorkerSettings,
    pub events: EventSettings,
    pub retention: RetentionSettings,
    pub limits: LimitsSettings,
    pub auth: AuthSettings,
    pub quotas: QuotaSettings,
    pub mock: MockSettings,
    pub fetch: FetchSettings,
    pub tools: ToolSettings,
    pub storage: StorageSettings,
    pub queues: QueueSettings,
    pub schedules: ScheduleSettings,
    pub triggers: TriggerSettings,
    pub webhooks: WebhookSettings,
    pub mcp: McpSettings,
    pub metrics: MetricsSettings,
    pub log: LogSettings,
    /// OpenAI-compatible endpoints by name; a model `name/model` runs on provider `name`.
    pub providers: BTreeMap<String, providers::ProviderSettings>,
    /// `[models]`: the server's model aliases.
    pub models: ModelSettings,
    /// What loading found worth a warning (old variable names, conflicts), logged once
    /// logging is set up.
    #[serde(skip)]
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerSettings {
    pub bind: String,
    pub port: u16,
    /// Largest accepted request body, in bytes.
    pub body_limit: usize,
    /// How long shutdown waits for in-flight HTTP requests and running tasks.
    pub shutdown_grace_seconds: u64,
    /// The longest `?wait=` / `Prefer: wait=` a request may ask for.
    pub max_wait_seconds: u64,
    /// Origins a browser app may call the API from (`*` for any); empty sends no CORS
    /// headers.
    pub cors_allowed_origins: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseSettings {
    /// An external PostgreSQL; when unset a private server is started under `data_dir`.
    pub url: Option<String>,
    pub data_dir: PathBuf,
    /// Connections of each pool of a process. Unset: sized from what the pool serves — a
    /// worker's `worker.concurrency + 8`, the API's 32. Set: at least `worker.concurrency`.
    pub max_connections: Option<u32>,
}

/// Connections the API's pool keeps at most when `database.max_connections` is unset.
pub const API_CONNECTIONS: u32 = 32;

impl Settings {
    /// The size of the pool the worker uses (and `serve`'s main pool).
    pub fn worker_connections(&self) -> u32 {
        let concurrency = u32::try_from(self.worker.concurrency).unwrap_or(u32::MAX);
        self.database
            .max_connections
            .unwrap_or(concurrency.saturating_add(8))
    }

    /// The size of the API's pool.
    pub fn api_connections(&self) -> u32 {
        self.database.max_connections.unwrap_or(API_CONNECTIONS)
    }
}

/// `[models]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ModelSettings {
    /// `[models.aliases]`: names (classes such as `standard`, `reasoning`) for models,
    /// usable wherever a model is; a project's own aliases override these by name. Each
    /// must name a configured provider's model, or the service refuses to start.
    pub aliases: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WorkerSettings {
    /// Tasks one worker process runs at once.
    pub concurrency: usize,
    /// A worker renews the leases of its running attempts every `heartbeat_seconds`; an
    /// attempt not renewed for `missed_heartbeats` beats is taken to be lost and its task
    /// is re-queued by another worker: this product is the task lease.
    pub heartbeat_seconds: u64,
    pub missed_heartbeats: usize,
    /// Fallback polling next to the NOTIFY wake-ups (delayed retries have their own timer).
    pub poll_interval_ms: u64,
    /// How often a running task checks whether it was cancelled, in case the NOTIFY that
    /// announces a cancellation was missed.
    pub cancel_check_ms: u64,
    /// How often a worker fails the tasks whose question ran out of time (an index probe
    /// when none did), so an expiry is acted on within this, not on the heartbeat.
    pub question_check_ms: u64,
    /// Base delay of the exponential back-off between attempts of a retryable failure.
    pub retry_backoff_ms: u64,
    /// Longest delay between attempts, also when a provider's `Retry-After` asks for more.
    pub retry_backoff_max_ms: u64,
    /// What one level of task priority is worth in waiting: a task of priority p is claimed
    /// before one of priority q < p queued up to (p - q) x this earlier, never before one
    /// queued longer ago than that. 0 turns priority off. At most an hour.
    pub priority_aging_ms: u32,
}

/// Longest `worker.priority_aging_ms`.
pub const MAX_PRIORITY_AGING_MS: u32 = 3_600_000;

/// The task event log and its live streams.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EventSettings {
    /// Streamed model text is logged as one `message.delta` per `delta_flush_ms`, or
    /// sooner once `delta_flush_bytes` have gathered.
    pub delta_flush_ms: u64,
    pub delta_flush_bytes: usize,
    /// A comment line on idle SSE streams, so proxies keep them open and dead clients
    /// are noticed.
    pub heartbeat_seconds: u64,
    /// Live events buffered per watched task for a slow subscriber; one that falls
    /// further behind catches up from the database.
    pub subscriber_buffer: usize,
    /// Events of tasks finished longer ago than this are deleted before the tasks
    /// themselves (`retention.tasks_days`); unset: they go with their task.
    pub retention_days: Option<u32>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogSettings {
    pub format: LogFormat,
    /// A `tracing` filter such as `info,errand=debug`.
    pub filter: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1".into(),
            port: 8080,
            body_limit: 1024 * 1024,
            shutdown_grace_seconds: 30,
            max_wait_seconds: 60,
            cors_allowed_origins: Vec::new(),
        }
    }
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            url: None,
            data_dir: PathBuf::from(".errand"),
            max_connections: None,
        }
    }
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            concurrency: 32,
            heartbeat_seconds: 5,
            missed_heartbeats: 4,
            poll_interval_ms: 1000,
            cancel_check_ms: 2000,
            question_check_ms: 500,
            retry_backoff_ms: 1000,
            retry_backoff_max_ms: 300_000,
            priority_aging_ms: 10_000,
        }
    }
}

impl Default for EventSettings {
    fn default() -> Self {
        Self {
            delta_flush_ms: 50,
            delta_flush_bytes: 512,
            heartbeat_seconds: 15,
            subscriber_buffer: 256,
            retention_days: None,
        }
    }
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            format: LogFormat::Text,
            filter: "info".into(),
        }
    }
}

impl Settings {
    /// Loads the file (explicit path, or `errand.toml` when present) and applies the
    /// environment. `env` is passed in so callers and tests decide what it holds.
    pub fn load(file: Option<&Path>, env: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let mut table = match file {
            Some(path) => read_table(path)?,
            None if Path::new("errand.toml").exists() => read_table(Path::new("errand.toml"))?,
            None => toml::Table::new(),
        };
        let warnings = env::apply(&mut table, &env);
        let mut settings = Self::from_table(table)?;
        settings.warnings = warnings;
        providers::resolve(&mut settings.providers, &env)?;
        tools::resolve(&mut settings.tools, &env)?;
        if let Some(key) = env("ERRAND_ADMIN_KEY").filter(|k| !k.is_empty()) {
            // A bearer token is ASCII: a key of other characters could never be sent.
            if key.len() < 32 || !key.bytes().all(|b| b.is_ascii_graphic()) {
                bail!(
                    "ERRAND_ADMIN_KEY must be 32 or more printable ASCII characters, without spaces"
                );
            }
            settings.auth.admin_key = Some(key);
        }
        Ok(settings)
    }

    fn from_table(table: toml::Table) -> anyhow::Result<Self> {
        let settings: Settings = toml::Value::Table(table)
            .try_into()
            .context("invalid settings")?;
        settings.check()?;
        Ok(settings)
    }

    fn check(&self) -> anyhow::Result<()> {
        if self.worker.concurrency == 0 {
            bail!("worker.concurrency must be at least 1");
        }
        if !(1..=mcp::MAX_CALL_WAIT_SECONDS).contains(&self.mcp.call_wait_seconds) {
            bail!(
                "mcp.call_wait_seconds must be 1 to {}: MCP clients commonly give up on a \
                 request after 60 s",
                mcp::MAX_CALL_WAIT_SECONDS
            );
        }
        if self.worker.priority_aging_ms > MAX_PRIORITY_AGING_MS {
            bail!("worker.priority_aging_ms must be at most {MAX_PRIORITY_AGING_MS} (an hour)");
        }
        if self.worker.heartbeat_seconds == 0 || self.worker.missed_heartbeats == 0 {
            bail!("worker.heartbeat_seconds and worker.missed_heartbeats must be at least 1");
        }
        if self.events.heartbeat_seconds == 0 || self.events.subscriber_buffer == 0 {
            bail!("events.heartbeat_seconds and events.subscriber_buffer must be at least 1");
        }
        self.check_origins()?;
        let l = &self.limits;
        if [
            l.cache_entries,
            l.max_violations,
            l.max_tool_calls_per_reply,
            l.max_concurrent_tool_calls,
            l.page_bytes,
        ]
        .contains(&0)
        {
            bail!("every [limits] setting must be at least 1");
        }
        let q = &self.quotas;
        if [
            q.requests_per_second,
            q.request_burst,
            q.project_max_queued_tasks,
            q.max_projects,
            q.project_max_keys,
        ]
        .contains(&0)
            || q.key_max_streams == 0
        {
            bail!("every [quotas] setting but project_max_running_tasks must be at least 1");
        }
        self.queues.check()?;
        self.schedules.check()?;
        self.triggers.check()?;
        self.webhooks.check()?;
        let st = &self.storage;
        if st.max_file_bytes == 0 || st.project_max_bytes == 0 || st.project_max_files == 0 {
            bail!("every [storage] setting must be at least 1");
        }
        if self.retention.interval_seconds == 0 || self.retention.batch_size == 0 {
            bail!("retention.interval_seconds and retention.batch_size must be at least 1");
        }
        self.check_connections()
    }

    /// Each of `server.cors_allowed_origins` is an origin or `*`.
    fn check_origins(&self) -> anyhow::Result<()> {
        for origin in &self.server.cors_allowed_origins {
            let web = origin.starts_with("http://") || origin.starts_with("https://");
            let bare = origin.splitn(4, '/').nth(3).is_none();
            if origin != "*" && !(web && bare) {
                bail!(
                    "server.cors_allowed_origins: {origin:?} is not an origin \
                     (scheme://host[:port], no path) or \"*\""
                );
            }
        }
        Ok(())
    }

    /// `database.max_connections`, when set, leaves the worker a connection per task.
    fn check_connections(&self) -> anyhow::Result<()> {
        if let Some(max) = self.database.max_connections {
            let concurrency = self.worker.concurrency;
            if max < 2 {
                bail!("database.max_connections must be at least 2");
            }
            if (max as usize) < concurrency {
                bail!(
                    "database.max_connections ({max}) is below worker.concurrency ({concurrency}): \
                     running tasks would queue for connections; raise it, lower the \
                     concurrency, or leave max_connections unset to size the pools from it"
                );
            }
        }
        Ok(())
    }
}

fn read_table(path: &Path) -> anyhow::Result<toml::Table> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read settings file {}", path.display()))?;
    text.parse::<toml::Table>()
        .with_context(|| format!("invalid TOML in {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_overrides_defaults_with_types() {
        let env = |k: &str| match k {
            "ERRAND_PORT" => Some("9000".to_string()),
            "DATABASE_URL" => Some("postgres://x/y".to_string()),
            "ERRAND_LOG_FORMAT" => Some("json".to_string()),
            "ERRAND_CORS_ALLOWED_ORIGINS" => Some("http://a.test, http://b.test".to_string()),
            "ERRAND_EVENTS_RETENTION_DAYS" => Some("7".to_string()),
            "ERRAND_RETENTION_TASKS_DAYS" => Some("keep".to_string()),
            _ => None,
        };
        let s = Settings::load(None, env).expect("settings");
        assert_eq!(
            s.server.cors_allowed_origins,
            ["http://a.test", "http://b.test"]
        );
        assert_eq!(s.events.retention_days, Some(7));
        assert_eq!(s.retention.tasks_days, None);
        assert_eq!(Settings::default().retention.tasks_days, Some(30));
        assert_eq!(s.server.port, 9000);
        assert_eq!(s.database.url.as_deref(), Some("postgres://x/y"));
        assert_eq!(s.log.format, LogFormat::Json);
    }

    #[test]
    fn pools_are_sized_from_the_concurrency_unless_set() {
        let s = Settings::load(None, |_: &str| None).expect("defaults");
        assert_eq!((s.worker_connections(), s.api_connections()), (40, 32));
        let env = |k: &str| (k == "ERRAND_DATABASE_MAX_CONNECTIONS").then(|| "20".to_string());
        let e = Settings::load(None, env).expect_err("20 connections for 32 tasks");
        assert!(
            format!("{e:#}").contains("worker.concurrency (32)"),
            "{e:#}"
        );
        let env = |k: &str| match k {
            "ERRAND_DATABASE_MAX_CONNECTIONS" => Some("20".to_string()),
            "ERRAND_WORKER_CONCURRENCY" => Some("16".to_string()),
            _ => None,
        };
        let s = Settings::load(None, env).expect("consistent");
        assert_eq!((s.worker_connections(), s.api_connections()), (20, 20));
    }

    #[test]
    fn bad_values_are_reported() {
        let env = |k: &str| (k == "ERRAND_PORT").then(|| "eighty".to_string());
        assert!(Settings::load(None, env).is_err());
    }
}
