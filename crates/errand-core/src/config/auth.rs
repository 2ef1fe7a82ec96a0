//! Who may call the API, and how much: API keys, open mode, request rates and quotas.

use serde::Deserialize;

/// `[auth]`: API keys and open mode.
#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthSettings {
    /// Serve without API keys on a non-loopback address (open mode everywhere). For a
    /// private network you trust; never for the internet.
    pub insecure_no_auth: bool,
    /// An admin key of the `default` project, seeded from `ERRAND_ADMIN_KEY` (32+
    /// characters) at start-up, for containers. Only its SHA-256 is stored.
    #[serde(skip)]
    pub admin_key: Option<String>,
    /// How long a process trusts a key it has looked up. A key revoked through another
    /// process stops working within this time; through this one, at once.
    pub key_cache_seconds: u64,
    /// Lookups of bearer tokens not seen before that one client address may make per
    /// second; past it (and the burst) such a token is answered 429 without a query. Keys
    /// that were valid once are not counted, so a flood cannot lock them out.
    pub unknown_key_lookups_per_second: u32,
    /// Lookups of unknown tokens one address may make at once above the average rate.
    pub unknown_key_lookup_burst: u32,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            insecure_no_auth: false,
            admin_key: None,
            key_cache_seconds: 5,
            unknown_key_lookups_per_second: 5,
            unknown_key_lookup_burst: 20,
        }
    }
}

impl std::fmt::Debug for AuthSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthSettings")
            .field("insecure_no_auth", &self.insecure_no_auth)
            .field("admin_key", &self.admin_key.as_ref().map(|_| "***"))
            .field("key_cache_seconds", &self.key_cache_seconds)
            .field(
                "unknown_key_lookups_per_second",
                &self.unknown_key_lookups_per_second,
            )
            .field("unknown_key_lookup_burst", &self.unknown_key_lookup_burst)
            .finish()
    }
}

/// `[quotas]`: how much one key or project may ask of the server.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QuotaSettings {
    /// Requests per second one key (or, in open mode, all callers together) may send, on
    /// average; counted in this process (each API process counts its own).
    pub requests_per_second: u32,
    /// Requests one key may send at once above the average rate.
    pub request_burst: u32,
    /// Event streams and waiting requests (`?wait=`) one key may hold open at once, in this
    /// process.
    pub key_max_streams: usize,
    /// Tasks of one project running at once, unless the project sets its own; 0: no limit
    /// but the workers' concurrency.
    pub project_max_running_tasks: u32,
    /// Tasks of one project queued at once, unless the project sets its own; beyond it a
    /// submission is refused (429 `quota_exceeded`).
    pub project_max_queued_tasks: u32,
    /// Projects the server holds.
    pub max_projects: u32,
    /// API keys one project holds (revoked ones count until housekeeping removes them).
    pub project_max_keys: u32,
}

impl Default for QuotaSettings {
    fn default() -> Self {
        Self {
            // Above what one process serves (about 450 submissions a second on two cores),
            // so a well-behaved client is never slowed below the service's own pace; the
            // limit is for a runaway or abusive client (`errand bench --default-quotas`).
            requests_per_second: 1000,
            request_burst: 2000,
            key_max_streams: 100,
            project_max_running_tasks: 0,
            project_max_queued_tasks: 100_000,
            max_projects: 1000,
            project_max_keys: 100,
        }
    }
}
