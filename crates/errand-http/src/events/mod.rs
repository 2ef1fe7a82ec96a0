//! The event log over HTTP: SSE frames of a backlog and its live tail.

pub mod http;
pub mod sse;
