//! Tasks: submission (with idempotency), listing, cancellation and the event log view.

pub mod idempotency;
pub mod journal;
pub mod model;
pub mod routes;
pub mod store;
pub mod submit;
