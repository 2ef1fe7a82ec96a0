//! `/v1/projects`.

pub mod routes;
