//! Runner versions the worker has loaded. A version never changes once written, so a
//! cached one never goes stale, and a task costs no runner lookup after the first of its
//! version.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use sqlx::PgExecutor;
use uuid::Uuid;

use super::model::Runner;
use super::store;

#[derive(Default)]
pub struct VersionCache {
    versions: RwLock<HashMap<(Uuid, i32), Arc<Runner>>>,
}

impl VersionCache {
    pub async fn get(
        &self,
        db: impl PgExecutor<'_>,
        id: Uuid,
        version: i32,
    ) -> sqlx::Result<Option<Arc<Runner>>> {
        let cached = self
            .versions
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&(id, version))
            .cloned();
        if let Some(runner) = cached {
            return Ok(Some(runner));
        }
        let Some(runner) = store::get_version(db, id, version).await? else {
            return Ok(None);
        };
        let runner = Arc::new(runner);
        self.versions
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert((id, version), runner.clone());
        Ok(Some(runner))
    }
}
