//! `/v1/runners`.

pub mod routes;
