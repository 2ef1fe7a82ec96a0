//! Storage: how much a project may keep in files (the storage toolkit and `/v1/files`).

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StorageSettings {
    /// Bytes of one file (its UTF-8 text).
    pub max_file_bytes: u32,
    /// Bytes all of one project's files may hold together.
    pub project_max_bytes: u64,
    /// Files one project may hold.
    pub project_max_files: u32,
}

impl Default for StorageSettings {
    fn default() -> Self {
        Self {
            max_file_bytes: 1024 * 1024,
            project_max_bytes: 100 * 1024 * 1024,
            project_max_files: 10_000,
        }
    }
}
