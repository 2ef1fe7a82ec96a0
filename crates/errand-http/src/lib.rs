//! Errand over HTTP (actix-web): the application and its routes (one `configure` per
//! resource), authentication and scopes, problem+json errors (the one `From` per domain
//! error), SSE, the MCP server and the OpenAPI document.

pub mod app;
pub mod auth;
pub mod body;
pub mod dashboard;
pub mod error;
pub mod events;
pub mod files;
pub mod headers;
pub mod health;
pub mod llm;
pub mod mcp;
pub mod metrics;
pub mod normalize;
pub mod openapi;
pub mod pagination;
pub mod projects;
pub mod queues;
pub mod runners;
pub mod schedules;
pub mod tasks;
pub mod threads;
pub mod tools;
pub mod triggers;
pub mod webhooks;
