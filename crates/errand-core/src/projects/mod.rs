//! Projects: every resource belongs to one. A caller works in its key's project (or, in
//! open mode, in `default`), and every query of a resource filters by it, so an id from
//! another project is simply not found.

pub mod limits;
pub mod store;

use crate::page::named_page;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::Violation;

/// The project open mode works in, and the one rows made before projects belong to.
pub const DEFAULT_PROJECT: &str = "default";

/// A project's id, so it is never mixed up with another id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type, Serialize)]
#[sqlx(transparent)]
pub struct ProjectId(pub Uuid);

impl std::fmt::Display for ProjectId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Project {
    pub id: Uuid,
    pub name: String,
    /// Most tasks of this project running at once (extra ones wait, queued); `null`: the
    /// server's `limits.project_max_running_tasks`.
    pub max_running_tasks: Option<i32>,
    /// Most tasks of this project queued at once (beyond it a submission is refused with
    /// 429 `quota_exceeded`); `null`: the server's `limits.project_max_queued_tasks`.
    pub max_queued_tasks: Option<i32>,
    pub created_at: DateTime<Utc>,
}

/// `POST /v1/projects`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProject {
    /// 1 to 63 characters: lowercase letters, digits, `-` and `_`, starting with a letter
    /// or digit.
    #[schema(pattern = r"^[a-z0-9][a-z0-9_-]{0,62}$")]
    pub name: String,
    #[serde(default, deserialize_with = "crate::json::optional_whole_u32")]
    #[schema(minimum = 1, maximum = 100000)]
    pub max_running_tasks: Option<u32>,
    #[serde(default, deserialize_with = "crate::json::optional_whole_u32")]
    #[schema(minimum = 1, maximum = 10000000)]
    pub max_queued_tasks: Option<u32>,
}

impl NewProject {
    pub fn violations(&self) -> Vec<Violation> {
        let mut v = Vec::new();
        if !crate::ids::valid_name(&self.name) {
            v.push(Violation::new(
                "/name",
                "1 to 63 characters: a-z, 0-9, '-' and '_', starting with a letter or digit",
            ));
        }
        if self
            .max_running_tasks
            .is_some_and(|n| !(1..=100_000).contains(&n))
        {
            v.push(Violation::new("/max_running_tasks", "1 to 100000"));
        }
        if self
            .max_queued_tasks
            .is_some_and(|n| !(1..=10_000_000).contains(&n))
        {
            v.push(Violation::new("/max_queued_tasks", "1 to 10000000"));
        }
        v
    }
}

named_page!(ProjectPage = CursorPage<Project>, about: None, cursor: Some("Pass as `cursor` for the next page; `null` on the last."));
