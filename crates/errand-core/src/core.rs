//! The one composition root of the domain: what the API, the worker and `errand run` all
//! work with — the database, the schema cache, the model providers, the tool catalog and
//! the limits a submission checks. `Core::build` makes it from the settings; the API's
//! state and the worker's runtime each hold one (on their own connection pools, sharing
//! the caches).

use crate::tasks::priority::Aging;
use std::sync::Arc;
use std::time::Duration;

use sqlx::PgPool;

use crate::config::Settings;
use crate::events::Announcer;
use crate::llm::ModelRegistry;
use crate::metrics::Meters;
use crate::projects::ProjectId;
use crate::runners::schema::SchemaCache;
use crate::tasks::submit::Submitter;
use crate::tools::catalog::Catalog;

#[derive(Clone)]
pub struct Core {
    pub pool: PgPool,
    pub schemas: Arc<SchemaCache>,
    pub models: Arc<ModelRegistry>,
    pub tools: Arc<Catalog>,
    /// How long an `Idempotency-Key` replays its task (`retention.idempotency_hours`).
    pub idempotency_ttl: Duration,
    /// `quotas.project_max_queued_tasks`: the queue limit of projects without their own
    /// (children count against it too).
    pub project_max_queued: u32,
    /// `quotas.project_max_running_tasks`: the running limit of projects without their own.
    pub project_max_running: u32,
    /// `worker.priority_aging_ms`: what a level of priority is worth in waiting.
    pub priority_aging: Aging,
    /// `[queues]`: a new queue's settings and the queues' limits.
    pub queues: crate::config::QueueSettings,
    /// `[schedules]`: the schedules' limits and how they fire.
    pub schedules: crate::config::ScheduleSettings,
    /// `[triggers]`: inbound webhooks' limits and timestamp tolerance.
    pub triggers: crate::config::TriggerSettings,
    /// `[webhooks]`: outbound webhooks' limits, retries and rotation grace.
    pub webhooks: crate::config::WebhookSettings,
    /// `fetch.allow_hosts`: which private or loopback hosts a webhook URL may name.
    pub fetch_allow_hosts: Vec<String>,
    /// This process's meters (`/metrics`), shared by its API and its worker.
    pub meters: Meters,
    /// Sends the notifications of the hot paths' appends after they commit.
    pub announcer: Announcer,
}

impl Core {
    /// The caches, the providers (asking servers of unknown kind what they are) and the
    /// tool catalog, on `pool`.
    pub async fn build(settings: &Settings, pool: PgPool) -> anyhow::Result<Self> {
        Ok(Self {
            announcer: Announcer::start(pool.clone()),
            pool,
            schemas: Arc::new(SchemaCache::new(
                settings.limits.cache_entries,
                settings.limits.max_violations,
            )),
            models: Arc::new(
                ModelRegistry::detecting(
                    &settings.providers,
                    &settings.mock,
                    &settings.models.aliases,
                )
                .await?,
            ),
            tools: Arc::new(Catalog::new(
                &settings.fetch,
                &settings.tools,
                &settings.storage,
            )?),
            idempotency_ttl: Duration::from_secs(
                3600 * u64::from(settings.retention.idempotency_hours),
            ),
            project_max_queued: settings.quotas.project_max_queued_tasks,
            project_max_running: settings.quotas.project_max_running_tasks,
            priority_aging: Aging::new(settings.worker.priority_aging_ms),
            queues: settings.queues.clone(),
            schedules: settings.schedules.clone(),
            triggers: settings.triggers.clone(),
            webhooks: settings.webhooks.clone(),
            fetch_allow_hosts: settings.fetch.allow_hosts.clone(),
            meters: Meters::new()?,
        })
    }

    /// The same, on another pool (the API's own, say), sharing the caches.
    pub fn on_pool(&self, pool: PgPool) -> Self {
        Self {
            pool,
            ..self.clone()
        }
    }

    /// Submits tasks to `project`.
    pub fn submitter(&self, project: ProjectId) -> Submitter<'_> {
        Submitter {
            project,
            pool: &self.pool,
            schemas: &self.schemas,
            models: &self.models,
            idempotency_ttl: self.idempotency_ttl,
            max_queued: self.project_max_queued,
            tools: &self.tools,
            announcer: &self.announcer,
            fetch_allow_hosts: &self.fetch_allow_hosts,
            aging: self.priority_aging,
        }
    }
}
