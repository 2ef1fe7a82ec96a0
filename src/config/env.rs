//! The environment: every `ERRAND_*` variable (and `DATABASE_URL`) maps to one settings key,
//! and its text is typed as TOML would read it.

/// Every environment variable Errand reads, and the settings key it sets.
pub const ENV_KEYS: &[(&str, &str)] = &[
    ("ERRAND_BIND", "server.bind"),
    ("ERRAND_PORT", "server.port"),
    ("ERRAND_BODY_LIMIT", "server.body_limit"),
    (
        "ERRAND_SHUTDOWN_GRACE_SECONDS",
        "server.shutdown_grace_seconds",
    ),
    ("ERRAND_MAX_WAIT_SECONDS", "server.max_wait_seconds"),
    ("ERRAND_CORS_ALLOWED_ORIGINS", "server.cors_allowed_origins"),
    ("ERRAND_FETCH_ALLOW_HOSTS", "fetch.allow_hosts"),
    ("DATABASE_URL", "database.url"),
    ("ERRAND_DATABASE_URL", "database.url"),
    ("ERRAND_DATA_DIR", "database.data_dir"),
    (
        "ERRAND_DATABASE_MAX_CONNECTIONS",
        "database.max_connections",
    ),
    ("ERRAND_WORKER_CONCURRENCY", "worker.concurrency"),
    (
        "ERRAND_WORKER_HEARTBEAT_SECONDS",
        "worker.heartbeat_seconds",
    ),
    (
        "ERRAND_WORKER_MISSED_HEARTBEATS",
        "worker.missed_heartbeats",
    ),
    ("ERRAND_WORKER_POLL_INTERVAL_MS", "worker.poll_interval_ms"),
    ("ERRAND_WORKER_CANCEL_CHECK_MS", "worker.cancel_check_ms"),
    ("ERRAND_WORKER_RETRY_BACKOFF_MS", "worker.retry_backoff_ms"),
    (
        "ERRAND_WORKER_RETRY_BACKOFF_MAX_MS",
        "worker.retry_backoff_max_ms",
    ),
    ("ERRAND_EVENTS_DELTA_FLUSH_MS", "events.delta_flush_ms"),
    (
        "ERRAND_EVENTS_DELTA_FLUSH_BYTES",
        "events.delta_flush_bytes",
    ),
    (
        "ERRAND_EVENTS_HEARTBEAT_SECONDS",
        "events.heartbeat_seconds",
    ),
    (
        "ERRAND_EVENTS_SUBSCRIBER_BUFFER",
        "events.subscriber_buffer",
    ),
    ("ERRAND_EVENTS_RETENTION_DAYS", "events.retention_days"),
    ("ERRAND_RETENTION_TASKS_DAYS", "retention.tasks_days"),
    ("ERRAND_RETENTION_KEYS_DAYS", "retention.keys_days"),
    ("ERRAND_RETENTION_THREADS_DAYS", "retention.threads_days"),
    (
        "ERRAND_RETENTION_INVOCATIONS_DAYS",
        "retention.invocations_days",
    ),
    ("ERRAND_TOOLS_MAX_TASK_DEPTH", "tools.max_task_depth"),
    ("ERRAND_MCP_ENABLED", "mcp.enabled"),
    ("ERRAND_MCP_ALLOWED_HOSTS", "mcp.allowed_hosts"),
    ("ERRAND_MCP_ALLOWED_ORIGINS", "mcp.allowed_origins"),
    ("ERRAND_MCP_CALL_WAIT_SECONDS", "mcp.call_wait_seconds"),
    ("ERRAND_TOOLS_PROJECT_MAX_TOOLS", "tools.project_max_tools"),
    (
        "ERRAND_RETENTION_IDEMPOTENCY_HOURS",
        "retention.idempotency_hours",
    ),
    (
        "ERRAND_RETENTION_INTERVAL_SECONDS",
        "retention.interval_seconds",
    ),
    ("ERRAND_RETENTION_BATCH_SIZE", "retention.batch_size"),
    ("ERRAND_LIMITS_CACHE_ENTRIES", "limits.cache_entries"),
    ("ERRAND_LIMITS_MAX_VIOLATIONS", "limits.max_violations"),
    (
        "ERRAND_LIMITS_MAX_TOOL_CALLS_PER_REPLY",
        "limits.max_tool_calls_per_reply",
    ),
    (
        "ERRAND_LIMITS_MAX_CONCURRENT_TOOL_CALLS",
        "limits.max_concurrent_tool_calls",
    ),
    ("ERRAND_LIMITS_PAGE_BYTES", "limits.page_bytes"),
    ("ERRAND_INSECURE_NO_AUTH", "auth.insecure_no_auth"),
    ("ERRAND_KEY_CACHE_SECONDS", "auth.key_cache_seconds"),
    (
        "ERRAND_AUTH_UNKNOWN_KEY_LOOKUPS_PER_SECOND",
        "auth.unknown_key_lookups_per_second",
    ),
    (
        "ERRAND_AUTH_UNKNOWN_KEY_LOOKUP_BURST",
        "auth.unknown_key_lookup_burst",
    ),
    ("ERRAND_REQUESTS_PER_SECOND", "quotas.requests_per_second"),
    ("ERRAND_REQUEST_BURST", "quotas.request_burst"),
    ("ERRAND_KEY_MAX_STREAMS", "quotas.key_max_streams"),
    (
        "ERRAND_PROJECT_MAX_RUNNING_TASKS",
        "quotas.project_max_running_tasks",
    ),
    (
        "ERRAND_PROJECT_MAX_QUEUED_TASKS",
        "quotas.project_max_queued_tasks",
    ),
    ("ERRAND_MAX_PROJECTS", "quotas.max_projects"),
    ("ERRAND_PROJECT_MAX_KEYS", "quotas.project_max_keys"),
    ("ERRAND_MOCK_ENABLED", "mock.enabled"),
    ("ERRAND_MOCK_MAX_DELAY_MS", "mock.max_delay_ms"),
    ("ERRAND_LOG_FORMAT", "log.format"),
    ("ERRAND_LOG", "log.filter"),
];

/// Sets `section.key` to the string, typed as TOML would read it (numbers stay numbers).
pub fn set_key(table: &mut toml::Table, key: &str, raw: &str) {
    let (section, field) = key.split_once('.').unwrap_or(("", key));
    let value = match raw {
        "true" => toml::Value::Boolean(true),
        "false" => toml::Value::Boolean(false),
        _ => raw
            .parse::<i64>()
            .map(toml::Value::Integer)
            .unwrap_or_else(|_| toml::Value::String(raw.to_owned())),
    };
    // Strings that look numeric (a port) and strings that must stay strings (a URL) both
    // work: serde turns an integer into a string field only if we keep it a string there.
    let value = match (key, value) {
        ("database.url" | "database.data_dir" | "server.bind", _) => {
            toml::Value::String(raw.to_owned())
        }
        // A comma-separated list.
        (
            "server.cors_allowed_origins"
            | "fetch.allow_hosts"
            | "mcp.allowed_hosts"
            | "mcp.allowed_origins",
            _,
        ) => toml::Value::Array(
            raw.split(',')
                .map(str::trim)
                .filter(|o| !o.is_empty())
                .map(|o| toml::Value::String(o.to_owned()))
                .collect(),
        ),
        (_, v) => v,
    };
    let entry = table
        .entry(section.to_owned())
        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    if let toml::Value::Table(t) = entry {
        t.insert(field.to_owned(), value);
    }
}
