//! `/v1/threads`: CRUD, by key, messages and the thread's stream.

pub mod feed;
pub mod routes;
