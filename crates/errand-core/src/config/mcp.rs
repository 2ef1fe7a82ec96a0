//! `[mcp]`: the MCP server at `/mcp`.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct McpSettings {
    /// Serve MCP at `/mcp`.
    pub enabled: bool,
    /// `Host` values (names, or `name:port`) MCP requests may carry: the guard against DNS
    /// rebinding. Loopback names by default; add the names a deployment is reached by.
    pub allowed_hosts: Vec<String>,
    /// Browser origins (`https://app.example.com:443`, `http://localhost:*`) MCP requests
    /// may come from; a request with another `Origin` is refused. Requests without one
    /// (command-line clients) pass.
    pub allowed_origins: Vec<String>,
    /// How long a `tools/call` of a runner's tool waits for its task when the client does
    /// not use the tasks extension; after that the result (`isError`, with the elapsed
    /// time) names the task to follow. At most `MAX_CALL_WAIT_SECONDS`, below the common
    /// client timeout of 60 s, so the client hears from Errand before it gives up.
    pub call_wait_seconds: u64,
    /// How often clients are asked to poll `tasks/get`.
    pub poll_interval_ms: u64,
}

/// The longest `call_wait_seconds`: MCP clients commonly give up on a request after 60 s.
pub const MAX_CALL_WAIT_SECONDS: u64 = 50;

impl Default for McpSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            allowed_hosts: vec!["localhost".into(), "127.0.0.1".into(), "::1".into()],
            allowed_origins: Vec::new(),
            call_wait_seconds: 30,
            poll_interval_ms: 1000,
        }
    }
}
