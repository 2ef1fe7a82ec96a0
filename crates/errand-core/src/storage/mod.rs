//! Storage: a project's text and JSON files, kept in PostgreSQL by path
//! (`reports/2026-12-04.md`). Tasks' models read and write them through the `storage`
//! toolkit (in the tools module, above this one); people fetch and seed them over
//! `/v1/files`. Sizes are bounded per file and per project (`storage.*`); files stay until
//! deleted.

pub mod errors;
pub mod model;
pub mod path;
pub mod store;

pub use errors::StorageError;
pub use model::{FileInfo, FilePage, StoredFile, WriteFile};
