//! Runner versions the worker has loaded. A version never changes once written, so a
//! cached one never goes stale, and a task costs no runner lookup after the first of its
//! version. At most `limits.cache_entries` are kept.

use std::sync::Arc;

use sqlx::PgExecutor;
use uuid::Uuid;

use super::model::Runner;
use super::store;
use crate::cache::BoundedCache;

pub struct VersionCache {
    versions: BoundedCache<(Uuid, i32), Arc<Runner>>,
}

impl VersionCache {
    pub fn new(capacity: usize) -> Self {
        Self {
            versions: BoundedCache::new(capacity),
        }
    }

    pub async fn get(
        &self,
        db: impl PgExecutor<'_>,
        id: Uuid,
        version: i32,
    ) -> sqlx::Result<Option<Arc<Runner>>> {
        if let Some(runner) = self.versions.get(&(id, version)) {
            return Ok(Some(runner));
        }
        let Some(runner) = store::get_version(db, id, version).await? else {
            return Ok(None);
        };
        Ok(Some(self.versions.insert((id, version), Arc::new(runner))))
    }
}
