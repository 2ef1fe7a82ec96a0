//! Sending deliveries: each round hands back deliveries whose sender died mid-try (their
//! lease expired), claims the due ones (`FOR UPDATE SKIP LOCKED`, a lease per try), sends
//! them at once within `webhooks.concurrency`, and records each try. A try's record is
//! fenced by its attempt number, so a try that outlived its lease changes nothing. The same
//! delivery always carries the same `webhook-id`: after a crash a receiver may see it twice
//! and drops the repeat.

use crate::metrics::Meters;
use crate::projects::ProjectId;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use futures::StreamExt;
use reqwest::Method;
use serde_json::Value;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::config::{FetchSettings, WebhookSettings};
use crate::error::Fault;
use crate::fetch::{Fetched, Fetcher, Request};
use crate::signatures::{self, Secret};

/// What one round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Sent {
    pub succeeded: u64,
    pub retrying: u64,
    pub failed: u64,
}

pub struct Sender {
    pool: PgPool,
    fetcher: Fetcher,
    settings: WebhookSettings,
    meters: Meters,
}

/// A claimed delivery and its endpoint.
#[derive(sqlx::FromRow)]
struct Claimed {
    id: Uuid,
    project_id: ProjectId,
    /// `None` for a task's `callback_url`.
    webhook_id: Option<Uuid>,
    payload: Value,
    attempts: i32,
    give_up_at: DateTime<Utc>,
    url: String,
    secret: String,
    previous_secret: Option<String>,
    previous_expires_at: Option<DateTime<Utc>>,
}

/// How one try went.
struct Tried {
    answer: Result<Fetched, String>,
    took: Duration,
}

/// Due deliveries of enabled endpoints, and of tasks' callback URLs (signed with the
/// project's callback secret).
const CLAIM: &str = "WITH due AS (
        SELECT x.id FROM webhook_deliveries x LEFT JOIN webhooks e ON e.id = x.webhook_id
        WHERE x.status = 'pending' AND x.next_attempt_at <= now()
          AND (e.enabled OR x.webhook_id IS NULL)
        ORDER BY x.next_attempt_at LIMIT $1 FOR UPDATE OF x SKIP LOCKED),
    claimed AS (
        UPDATE webhook_deliveries d SET status = 'sending', attempts = d.attempts + 1,
            lease_expires_at = now() + make_interval(secs => $2), updated_at = now()
        FROM due WHERE d.id = due.id
        RETURNING d.*)
    SELECT c.id, c.project_id, c.webhook_id, c.payload, c.attempts,
        coalesce(c.give_up_at, c.created_at + make_interval(hours => $3)) AS give_up_at,
        coalesce(w.url, c.url) AS url, coalesce(w.secret, s.secret) AS secret,
        w.previous_secret, w.previous_expires_at
    FROM claimed c LEFT JOIN webhooks w ON w.id = c.webhook_id
        LEFT JOIN callback_secrets s ON s.project_id = c.project_id";

impl Sender {
    pub fn new(
        pool: PgPool,
        fetch: &FetchSettings,
        settings: &WebhookSettings,
        meters: Meters,
    ) -> anyhow::Result<Self> {
        // The fetch guard with the webhooks' own bounds: no redirects (a receiver answers
        // itself), the answer's start only.
        let mut fetch = fetch.clone();
        fetch.max_bytes = settings.response_bytes;
        fetch.timeout_seconds = settings.timeout_seconds;
        fetch.max_redirects = 0;
        Ok(Self {
            pool,
            fetcher: Fetcher::new(&fetch)?,
            settings: settings.clone(),
            meters,
        })
    }

    /// One round.
    pub async fn round(&self) -> Result<Sent, Fault> {
        sqlx::query(
            "UPDATE webhook_deliveries SET status = 'pending', lease_expires_at = NULL,
                 updated_at = now()
             WHERE status = 'sending' AND lease_expires_at < now()",
        )
        .execute(&self.pool)
        .await?;
        // The try ends within its timeout; the margin covers recording it.
        let lease = (self.settings.timeout_seconds + 5) as f64;
        let claimed = sqlx::query_as::<_, Claimed>(CLAIM)
            .bind(i64::from(self.settings.concurrency))
            .bind(lease)
            .bind(i32::try_from(self.settings.give_up_after_hours).unwrap_or(i32::MAX))
            .fetch_all(&self.pool)
            .await?;
        let limit = self.settings.concurrency as usize;
        let outcomes: Vec<Result<Outcome, Fault>> = futures::stream::iter(claimed)
            .map(|one| async move {
                let tried = self.send(&one).await;
                let outcome = self.record(&one, tried).await?;
                let project = self.meters.project_name(&self.pool, one.project_id).await?;
                self.meters.webhook_delivery(&project, outcome.status());
                Ok(outcome)
            })
            .buffer_unordered(limit)
            .collect()
            .await;
        let mut sent = Sent::default();
        for outcome in outcomes {
            match outcome? {
                Outcome::Succeeded => sent.succeeded += 1,
                Outcome::Retrying => sent.retrying += 1,
                Outcome::Failed => sent.failed += 1,
            }
        }
        Ok(sent)
    }

    async fn send(&self, one: &Claimed) -> Tried {
        let body = serde_json::to_vec(&one.payload).unwrap_or_default();
        let id = format!("msg_{}", one.id.simple());
        let now = Utc::now().timestamp();
        let mut signature = sign(&one.secret, &id, now, &body);
        let previous_valid = one
            .previous_expires_at
            .is_some_and(|until| until > Utc::now());
        if let Some(previous) = one.previous_secret.as_deref().filter(|_| previous_valid) {
            signature = format!("{signature} {}", sign(previous, &id, now, &body));
        }
        let request = Request {
            method: Method::POST,
            url: one.url.clone(),
            headers: vec![
                ("content-type".into(), "application/json".into()),
                ("user-agent".into(), "Errand-Webhooks/1".into()),
                ("webhook-id".into(), id),
                ("webhook-timestamp".into(), now.to_string()),
                ("webhook-signature".into(), signature),
            ],
            body: Some(body),
            timeout: None,
        };
        let started = Instant::now();
        let answer = self.fetcher.fetch(request).await;
        Tried {
            answer,
            took: started.elapsed(),
        }
    }

    /// Records try `one.attempts` and what follows from it.
    async fn record(&self, one: &Claimed, tried: Tried) -> Result<Outcome, Fault> {
        let mut tx = self.pool.begin().await?;
        let (code, response, error) = match &tried.answer {
            Ok(fetched) => {
                let text = String::from_utf8_lossy(&fetched.body);
                let text = crate::json::storable(&text).into_owned();
                (Some(i32::from(fetched.status)), Some(text), None)
            }
            Err(why) => (None, None, Some(crate::json::storable(why).into_owned())),
        };
        sqlx::query(
            "INSERT INTO webhook_attempts
                 (delivery_id, n, status_code, response, error, duration_ms)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        )
        .bind(one.id)
        .bind(one.attempts)
        .bind(code)
        .bind(&response)
        .bind(&error)
        .bind(i64::try_from(tried.took.as_millis()).unwrap_or(i64::MAX))
        .execute(&mut *tx)
        .await?;
        let next = Utc::now() + self.wait(one.attempts, &tried);
        let outcome = match &tried.answer {
            Ok(f) if (200..300).contains(&f.status) => Outcome::Succeeded,
            Ok(f) if f.status == 410 => Outcome::Failed,
            _ if next > one.give_up_at => Outcome::Failed,
            _ => Outcome::Retrying,
        };
        let summary = error
            .clone()
            .or_else(|| code.map(|c| format!("the endpoint answered {c}")));
        let settled = sqlx::query(
            "UPDATE webhook_deliveries SET status = $3, next_attempt_at = $4,
                 lease_expires_at = NULL, last_status_code = $5, last_error = $6,
                 delivered_at = CASE WHEN $3 = 'succeeded' THEN now() END, updated_at = now()
             WHERE id = $1 AND status = 'sending' AND attempts = $2",
        )
        .bind(one.id)
        .bind(one.attempts)
        .bind(outcome.status())
        .bind(next)
        .bind(code)
        .bind(match outcome {
            Outcome::Succeeded => None,
            _ => summary.clone(),
        })
        .execute(&mut *tx)
        .await?;
        if settled.rows_affected() == 1 {
            self.endpoint_after(&mut tx, one, &tried, outcome, summary.as_deref())
                .await?;
        }
        tx.commit().await?;
        Ok(outcome)
    }

    /// What a try says about its endpoint: healthy again, gone (410), or failing too long.
    async fn endpoint_after(
        &self,
        tx: &mut PgConnection,
        one: &Claimed,
        tried: &Tried,
        outcome: Outcome,
        summary: Option<&str>,
    ) -> sqlx::Result<()> {
        // A task's callback URL is no endpoint: nothing to mark healthy or disable.
        let Some(webhook) = one.webhook_id else {
            return Ok(());
        };
        if outcome == Outcome::Succeeded {
            sqlx::query("UPDATE webhooks SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL")
                .bind(webhook)
                .execute(&mut *tx)
                .await?;
            return Ok(());
        }
        let gone = matches!(&tried.answer, Ok(f) if f.status == 410);
        let hours = i32::try_from(self.settings.disable_after_hours).unwrap_or(i32::MAX);
        let reason = match gone {
            true => format!(
                "the endpoint answered 410 Gone at {}",
                Utc::now().to_rfc3339()
            ),
            false => format!(
                "every try failed for {} hours (the last: {})",
                self.settings.disable_after_hours,
                summary.unwrap_or("no answer")
            ),
        };
        // Failing since the first failure in a row; disabled when gone or failing too long.
        let disabled: Option<bool> = sqlx::query_scalar(
            "UPDATE webhooks w SET failing_since = v.since, enabled = NOT v.off,
                 disabled_reason = CASE WHEN v.off THEN $4 ELSE w.disabled_reason END,
                 updated_at = now()
             FROM (SELECT id, coalesce(failing_since, now()) AS since,
                       $2 OR coalesce(failing_since, now()) < now() - make_interval(hours => $3)
                           AS off
                   FROM webhooks WHERE id = $1) v
             WHERE w.id = v.id AND w.enabled RETURNING NOT w.enabled",
        )
        .bind(webhook)
        .bind(gone)
        .bind(hours)
        .bind(&reason)
        .fetch_optional(&mut *tx)
        .await?;
        if disabled == Some(true) {
            tracing::warn!(webhook = %webhook, %reason, "webhook endpoint disabled");
            super::store::drop_pending(tx, webhook, &reason).await?;
        }
        Ok(())
    }

    /// The wait before the try after try `attempt`: the receiver's `Retry-After`, else
    /// `retry_initial_seconds` doubled per try with ±20 % jitter; at most
    /// `retry_max_seconds`.
    fn wait(&self, attempt: i32, tried: &Tried) -> TimeDelta {
        let max = Duration::from_secs(self.settings.retry_max_seconds);
        let told = tried.answer.as_ref().ok().and_then(|f| f.retry_after);
        let wait = told.unwrap_or_else(|| {
            let doublings = u32::try_from(attempt.max(1) - 1).unwrap_or(0).min(30);
            let base = self
                .settings
                .retry_initial_seconds
                .saturating_mul(1 << doublings);
            Duration::from_secs(base.min(max.as_secs())).mul_f64(jitter())
        });
        TimeDelta::from_std(wait.min(max)).unwrap_or(TimeDelta::MAX)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Succeeded,
    Retrying,
    Failed,
}

impl Outcome {
    fn status(self) -> &'static str {
        match self {
            Self::Succeeded => "succeeded",
            Self::Retrying => "pending",
            Self::Failed => "failed",
        }
    }
}

fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> String {
    match Secret::parse(secret) {
        Some(key) => signatures::sign(&key, id, timestamp, body),
        None => signatures::sign(&Secret::raw(secret), id, timestamp, body),
    }
}

/// A factor in [0.8, 1.2).
fn jitter() -> f64 {
    let mut bytes = [0u8; 4];
    let _ = getrandom::fill(&mut bytes);
    0.8 + 0.4 * f64::from(u32::from_le_bytes(bytes)) / f64::from(u32::MAX)
}
