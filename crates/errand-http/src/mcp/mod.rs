//! The MCP server at `/mcp`: the tool registry over the Model Context Protocol, on the
//! official SDK (`rmcp`'s Streamable HTTP server, stateless, no session store). Every
//! request is authenticated like the API (the bearer key names the project) and checked for
//! its `Host` and `Origin`. Long runner calls use the tasks extension, backed by Errand's
//! own durable tasks (`tasks.rs`).
//!
//! `rmcp` is a tower service over `http` 1.x while actix-web 4 speaks `http` 0.2:
//! `adapter.rs` converts the request and streams the response body back.

pub mod adapter;
pub mod cors;
mod envelope;
mod progress;
mod resources;
mod server;
mod tasks;

pub use server::ErrandMcp;

/// Where the MCP server is mounted.
pub const PATH: &str = "/mcp";

/// Who calls, put into the converted request for the handler to read.
#[derive(Debug, Clone)]
pub struct McpCaller {
    pub caller: crate::auth::Caller,
}
