//! Outbound requests Errand makes for a user (the `http_fetch` tool, and every other URL a
//! user gives it): which private addresses are allowed after all, and the bounds of one
//! request.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FetchSettings {
    /// Host names, addresses or CIDR ranges that may be reached although they are private,
    /// loopback, link-local or otherwise refused (`ERRAND_FETCH_ALLOW_HOSTS`, comma-
    /// separated). Empty: only public addresses.
    pub allow_hosts: Vec<String>,
    /// Bytes of a response body read at most; the rest is cut off (and said so).
    pub max_bytes: usize,
    /// Limit of one request, redirects included.
    pub timeout_seconds: u64,
    /// Redirects followed at most (each target checked like the first URL).
    pub max_redirects: usize,
}

impl Default for FetchSettings {
    fn default() -> Self {
        Self {
            allow_hosts: Vec::new(),
            max_bytes: 1024 * 1024,
            timeout_seconds: 10,
            max_redirects: 5,
        }
    }
}
