//! A runner's `approval`: which of its tools wait for a person before each call runs (what
//! it may name, and whom it covers, is `tools::approval`).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Which of a runner's tools wait for a person's approval before each call runs: those
/// named, and with `non_read_only` every tool not marked read-only. Empty: none do.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// Tool names as the model sees them: entries of `toolkits` (`http_fetch`,
    /// `run_deploy_task`, an HTTP tool's name) or, when `storage` is listed, `storage` (all
    /// of its tools) or one of them (`write_file`).
    #[serde(default)]
    #[schema(max_items = 64, example = json!(["http_fetch", "run_deploy_task"]))]
    pub tools: Vec<String>,
    /// Every tool not marked read-only waits too.
    #[serde(default)]
    pub non_read_only: bool,
}

impl Approval {
    pub fn is_empty(&self) -> bool {
        self.tools.is_empty() && !self.non_read_only
    }
}
