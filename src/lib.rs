//! The `errand` binary's library: the command line, the service that runs the API and the
//! worker, `errand bench`, and the client of a running server (`client`). The layers are crates: `errand-core` (domain and storage),
//! `errand-worker` and `errand-http`. See `docs/architecture.md` for the map.

pub mod bench;
pub mod cli;
pub mod cli_keys;
pub mod client;
pub mod service;
