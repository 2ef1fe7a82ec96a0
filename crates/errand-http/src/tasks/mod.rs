//! Tasks over HTTP: submission, reads, cancel, answers, `?wait=` and streams, event and step pages, batches.

pub mod batches;
pub mod live;
pub mod log_routes;
pub mod routes;
