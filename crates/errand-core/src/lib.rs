//! Errand's domain and storage: the vocabulary (ids, errors, conversation), the settings,
//! the model providers, outbound fetching, projects and keys, runners, tools, the event
//! log, threads, tasks (their one lifecycle owner, submission, questions, children) and
//! housekeeping, composed by `Core`. No HTTP framework here: `errand-http` serves this,
//! `errand-worker` runs it. See `docs/architecture.md` for the map.

pub mod aliases;
pub mod cache;
pub mod config;
pub mod conversation;
pub mod core;
pub mod db;
pub mod error;
pub mod events;
pub mod fetch;
pub mod housekeeping;
pub mod ids;
pub mod invocations;
pub mod json;
pub mod keys;
mod layers;
pub mod llm;
pub mod metrics;
pub mod page;
pub mod projects;
pub mod queues;
pub mod runners;
pub mod schedules;
pub mod signatures;
pub mod storage;
pub mod targets;
pub mod tasks;
pub mod telemetry;
pub mod threads;
pub mod tools;
pub mod triggers;
pub mod webhooks;
pub mod wire_schema;

pub use crate::core::Core;
