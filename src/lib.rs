//! Errand: LLM task runners behind an HTTP API. See `docs/architecture.md` for the map.

pub mod app;
pub mod auth;
pub mod bench;
pub mod body;
pub mod cache;
pub mod cli;
pub mod cli_keys;
pub mod config;
pub mod conversation;
pub mod db;
pub mod error;
pub mod events;
pub mod health;
pub mod housekeeping;
pub mod json;
pub mod llm;
pub mod openapi;
pub mod pagination;
pub mod projects;
pub mod runners;
pub mod service;
pub mod tasks;
pub mod telemetry;
pub mod threads;
pub mod tools;
pub mod worker;
