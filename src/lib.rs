//! The `errand` binary's library: the command line, the service that runs the API and the
//! worker, and `errand bench`. The layers are crates: `errand-core` (domain and storage),
//! `errand-worker` and `errand-http`. See `docs/architecture.md` for the map.

pub mod bench;
pub mod cli;
pub mod cli_keys;
pub mod service;
