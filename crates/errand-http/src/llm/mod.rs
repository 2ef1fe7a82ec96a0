//! `GET /v1/models`.

pub mod routes;
