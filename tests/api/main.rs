//! Integration tests: HTTP against a real server and a real PostgreSQL. One binary, so
//! the managed PostgreSQL starts once and link time is paid once.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod asking;
mod bad_input;
mod batches;
mod browser;
mod child_quota;
mod child_sweeps;
mod children;
mod cli_run;
mod database;
mod errors;
mod fairness;
mod fake_openai;
mod fetch_guard;
mod helpers;
mod housekeeping;
mod idempotency;
mod isolation;
mod keys;
mod limits;
mod llm;
mod log_forgery;
mod mcp;
mod mcp_wire;
mod model_servers;
mod open_mode;
mod openapi;
mod operations;
mod option_edges;
mod processes;
mod quotas;
mod resilience;
mod runners;
mod scopes;
mod server_habits;
mod sse_client;
mod startup;
mod streams;
mod tasks;
mod thread_edges;
mod threads;
mod tool_in_use;
mod tools;
mod waits;
mod worker;
