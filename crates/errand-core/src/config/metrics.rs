//! `[metrics]`: the operator's `/metrics` page.

use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MetricsSettings {
    /// Serve `/metrics` without a key (for a scraper on a private network). Off: it needs a
    /// key with the `read` scope (open mode needs none), and shows that key's project.
    pub public: bool,
}
