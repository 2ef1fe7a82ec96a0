//! The environment: one rule for every setting — `section.key` is read from
//! `ERRAND_SECTION_KEY` (`quotas.requests_per_second` from
//! `ERRAND_QUOTAS_REQUESTS_PER_SECOND`) — and its text is typed as TOML would read it. The
//! names Errand used before the rule still work, with a warning naming the new one; a few
//! conventional short names (`SHORT_NAMES`) work without one. An `ERRAND_*` variable Errand
//! does not read is a warning naming the closest one it does.

/// Short names kept on purpose (conventions, and the flags' own variables): no warning.
pub const SHORT_NAMES: &[&str] = &[
    "DATABASE_URL",
    "ERRAND_BIND",
    "ERRAND_PORT",
    "ERRAND_DATA_DIR",
    "ERRAND_LOG",
    "ERRAND_INSECURE_NO_AUTH",
];

/// Variables read that are not settings keys.
const OTHER_VARIABLES: &[&str] = &[
    "ERRAND_ADMIN_KEY",
    "ERRAND_CONFIG",
    // The command-line client's (`errand tasks`, `runners`, `queues`).
    "ERRAND_URL",
    "ERRAND_API_KEY",
];

/// The variable a settings key is read from: `ERRAND_` and the key in capitals.
pub fn canonical(key: &str) -> String {
    format!("ERRAND_{}", key.replace('.', "_").to_uppercase())
}

/// The names a key may be set by, the canonical one first.
fn names_of(key: &str) -> Vec<String> {
    let mut names = vec![canonical(key)];
    for (var, k) in ENV_KEYS {
        if *k == key && !names.iter().any(|n| n == var) {
            names.push((*var).to_owned());
        }
    }
    names
}

/// Every settings key the environment can set.
fn settable_keys() -> Vec<&'static str> {
    let mut keys: Vec<&str> = ENV_KEYS.iter().map(|(_, k)| *k).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Applies the environment to `table`; returns warnings (old names, conflicts).
pub fn apply(table: &mut toml::Table, env: &impl Fn(&str) -> Option<String>) -> Vec<String> {
    let mut warnings = Vec::new();
    for key in settable_keys() {
        let names = names_of(key);
        let set: Vec<(&String, String)> = names
            .iter()
            .filter_map(|n| env(n).filter(|v| !v.is_empty()).map(|v| (n, v)))
            .collect();
        let Some((used, value)) = set.first() else {
            continue;
        };
        for (other, other_value) in &set[1..] {
            if other_value != value {
                warnings.push(format!(
                    "{other} is ignored: {used} also sets `{key}` and wins"
                ));
            }
        }
        if **used != names[0] && !SHORT_NAMES.contains(&used.as_str()) {
            warnings.push(format!(
                "{used} is an old name of `{key}`: use {} (the old name will go)",
                names[0]
            ));
        }
        set_key(table, key, value);
    }
    warnings
}

/// Warnings for the `ERRAND_*` variables in `names` that Errand does not read, each naming
/// the closest it does.
pub fn unknown_variables(names: impl Iterator<Item = String>) -> Vec<String> {
    let mut known: Vec<String> = settable_keys().into_iter().map(canonical).collect();
    known.extend(ENV_KEYS.iter().map(|(v, _)| (*v).to_owned()));
    known.extend(OTHER_VARIABLES.iter().map(|v| (*v).to_owned()));
    let mut warnings: Vec<String> = names
        .filter(|n| n.starts_with("ERRAND_") && !known.contains(n))
        .map(|name| {
            let closest = known
                .iter()
                .min_by_key(|k| edit_distance(k, &name))
                .map_or(String::new(), |k| format!("; did you mean {k}?"));
            format!("{name} is not a setting Errand reads{closest}")
        })
        .collect();
    warnings.sort();
    warnings
}

/// Levenshtein distance, for suggesting a name.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

/// Names Errand read before the one rule (kept as aliases), and the settings key each sets.
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
    (
        "ERRAND_WORKER_QUESTION_CHECK_MS",
        "worker.question_check_ms",
    ),
    ("ERRAND_WORKER_RETRY_BACKOFF_MS", "worker.retry_backoff_ms"),
    (
        "ERRAND_WORKER_PRIORITY_AGING_MS",
        "worker.priority_aging_ms",
    ),
    ("ERRAND_MODELS_ALIASES", "models.aliases"),
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
    ("ERRAND_RETENTION_MESSAGES_DAYS", "retention.messages_days"),
    (
        "ERRAND_RETENTION_DEAD_LETTERS_DAYS",
        "retention.dead_letters_days",
    ),
    ("ERRAND_RETENTION_FIRES_DAYS", "retention.fires_days"),
    (
        "ERRAND_RETENTION_HOOK_DELIVERIES_DAYS",
        "retention.hook_deliveries_days",
    ),
    (
        "ERRAND_RETENTION_WEBHOOK_DELIVERIES_DAYS",
        "retention.webhook_deliveries_days",
    ),
    (
        "ERRAND_WEBHOOKS_PROJECT_MAX_WEBHOOKS",
        "webhooks.project_max_webhooks",
    ),
    (
        "ERRAND_WEBHOOKS_TIMEOUT_SECONDS",
        "webhooks.timeout_seconds",
    ),
    ("ERRAND_WEBHOOKS_CONCURRENCY", "webhooks.concurrency"),
    (
        "ERRAND_WEBHOOKS_TICK_INTERVAL_MS",
        "webhooks.tick_interval_ms",
    ),
    (
        "ERRAND_WEBHOOKS_RETRY_INITIAL_SECONDS",
        "webhooks.retry_initial_seconds",
    ),
    (
        "ERRAND_WEBHOOKS_RETRY_MAX_SECONDS",
        "webhooks.retry_max_seconds",
    ),
    (
        "ERRAND_WEBHOOKS_GIVE_UP_AFTER_HOURS",
        "webhooks.give_up_after_hours",
    ),
    (
        "ERRAND_WEBHOOKS_DISABLE_AFTER_HOURS",
        "webhooks.disable_after_hours",
    ),
    (
        "ERRAND_WEBHOOKS_ROTATION_GRACE_HOURS",
        "webhooks.rotation_grace_hours",
    ),
    ("ERRAND_WEBHOOKS_RESPONSE_BYTES", "webhooks.response_bytes"),
    (
        "ERRAND_TRIGGERS_PROJECT_MAX_TRIGGERS",
        "triggers.project_max_triggers",
    ),
    (
        "ERRAND_TRIGGERS_TIMESTAMP_TOLERANCE_SECONDS",
        "triggers.timestamp_tolerance_seconds",
    ),
    ("ERRAND_METRICS_PUBLIC", "metrics.public"),
    ("ERRAND_MCP_ENABLED", "mcp.enabled"),
    ("ERRAND_MCP_ALLOWED_HOSTS", "mcp.allowed_hosts"),
    ("ERRAND_MCP_ALLOWED_ORIGINS", "mcp.allowed_origins"),
    ("ERRAND_MCP_CALL_WAIT_SECONDS", "mcp.call_wait_seconds"),
    ("ERRAND_TOOLS_PROJECT_MAX_TOOLS", "tools.project_max_tools"),
    ("ERRAND_STORAGE_MAX_FILE_BYTES", "storage.max_file_bytes"),
    ("ERRAND_QUEUES_MAX_PENDING", "queues.max_pending"),
    (
        "ERRAND_SCHEDULES_PROJECT_MAX_SCHEDULES",
        "schedules.project_max_schedules",
    ),
    (
        "ERRAND_SCHEDULES_TICK_INTERVAL_MS",
        "schedules.tick_interval_ms",
    ),
    (
        "ERRAND_QUEUES_PROJECT_MAX_QUEUES",
        "queues.project_max_queues",
    ),
    (
        "ERRAND_QUEUES_DISPATCH_INTERVAL_MS",
        "queues.dispatch_interval_ms",
    ),
    (
        "ERRAND_STORAGE_PROJECT_MAX_BYTES",
        "storage.project_max_bytes",
    ),
    (
        "ERRAND_STORAGE_PROJECT_MAX_FILES",
        "storage.project_max_files",
    ),
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
        // Comma-separated `name=model` pairs (a pair without `=` aliases nothing, and is
        // refused at start like any alias to no model).
        ("models.aliases", _) => toml::Value::Table(
            raw.split(',')
                .map(str::trim)
                .filter(|pair| !pair.is_empty())
                .map(|pair| {
                    let (name, model) = pair.split_once('=').unwrap_or((pair, ""));
                    (
                        name.trim().to_owned(),
                        toml::Value::String(model.trim().to_owned()),
                    )
                })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn applied(vars: &[(&str, &str)]) -> (toml::Table, Vec<String>) {
        let env = |name: &str| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        };
        let mut table = toml::Table::new();
        let warnings = apply(&mut table, &env);
        (table, warnings)
    }

    #[test]
    fn every_key_is_read_from_errand_section_key() {
        let (table, warnings) = applied(&[("ERRAND_QUOTAS_REQUESTS_PER_SECOND", "7")]);
        assert_eq!(table["quotas"]["requests_per_second"].as_integer(), Some(7));
        assert!(warnings.is_empty(), "{warnings:?}");
        for key in settable_keys() {
            assert!(canonical(key).starts_with("ERRAND_"), "{key}");
        }
    }

    #[test]
    fn old_names_work_with_a_warning_and_lose_to_the_new_one() {
        let (table, warnings) = applied(&[("ERRAND_REQUESTS_PER_SECOND", "7")]);
        assert_eq!(table["quotas"]["requests_per_second"].as_integer(), Some(7));
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("ERRAND_QUOTAS_REQUESTS_PER_SECOND"));
        let (table, warnings) = applied(&[
            ("ERRAND_REQUESTS_PER_SECOND", "7"),
            ("ERRAND_QUOTAS_REQUESTS_PER_SECOND", "9"),
        ]);
        assert_eq!(table["quotas"]["requests_per_second"].as_integer(), Some(9));
        assert!(warnings[0].contains("ERRAND_REQUESTS_PER_SECOND is ignored"));
        let (_, warnings) = applied(&[("ERRAND_PORT", "80"), ("DATABASE_URL", "postgres://x")]);
        assert!(warnings.is_empty(), "short names: {warnings:?}");
    }

    #[test]
    fn an_unknown_variable_names_the_closest_known_one() {
        let names = [
            "ERRAND_QUOTAS_REQUEST_PER_SECOND",
            "ERRAND_ADMIN_KEY",
            "HOME",
        ];
        let warnings = unknown_variables(names.iter().map(|n| (*n).to_owned()));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].contains("did you mean ERRAND_QUOTAS_REQUESTS_PER_SECOND"),
            "{warnings:?}"
        );
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
