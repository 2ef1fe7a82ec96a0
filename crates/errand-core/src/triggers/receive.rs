//! A delivery to `/v1/hooks/{id}`: verified by the trigger's scheme (nothing is stored
//! when it fails), its body mapped into arguments, and one task or message made in the
//! transaction that records its delivery id, so a replay makes nothing new.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use sqlx::types::Json;
use uuid::Uuid;

use super::errors::TriggerError;
use super::model::{Delivered, Scheme, TriggerTarget};
use crate::core::Core;
use crate::projects::ProjectId;
use crate::queues::messages;
use crate::queues::model::PostMessage;
use crate::signatures::{self, Refused, Secret};
use crate::tasks::errors::SubmitError;
use crate::tasks::model::{CreateTask, IfNotExists};

/// Bytes of a delivery id kept as it is; a longer one is kept as its SHA-256.
const MAX_DELIVERY_ID: usize = 255;

/// What a delivery is checked against.
#[derive(sqlx::FromRow)]
struct Receiving {
    project_id: ProjectId,
    #[sqlx(json)]
    target: TriggerTarget,
    #[sqlx(try_from = "String")]
    scheme: Scheme,
    signature_header: Option<String>,
    secret: Option<String>,
    mapping: Option<Json<std::collections::BTreeMap<String, String>>>,
}

/// Receives one delivery to trigger `id`: `header` reads a request header by its
/// lower-case name, `now` is seconds since the epoch.
pub async fn receive(
    core: &Core,
    id: Uuid,
    header: impl Fn(&str) -> Option<String>,
    body: &[u8],
    now: i64,
) -> Result<Delivered, TriggerError> {
    let trigger = sqlx::query_as::<_, Receiving>(
        "SELECT project_id, target, scheme, signature_header, secret, mapping FROM triggers
         WHERE id = $1 AND enabled",
    )
    .bind(id)
    .fetch_optional(&core.pool)
    .await?
    .ok_or(TriggerError::NotFound(id))?;
    let tolerance = core.triggers.timestamp_tolerance_seconds;
    let delivery = verify(&trigger, &header, body, now, tolerance)
        .map_err(TriggerError::Signature)?
        .map(|d| stored_id(&d));
    let value = parse(body, core.schemas.max_violations())?;
    let input = match &trigger.mapping {
        Some(mapping) => mapped(&value, mapping),
        None => value,
    };
    make(core, id, &trigger, delivery, input).await
}

/// Checks the signature; the delivery's id when it has one.
fn verify(
    trigger: &Receiving,
    header: &impl Fn(&str) -> Option<String>,
    body: &[u8],
    now: i64,
    tolerance: u64,
) -> Result<Option<String>, Refused> {
    let secret = trigger.secret.as_deref().unwrap_or_default();
    let own_id = || header("idempotency-key").or_else(|| header("webhook-id"));
    match trigger.scheme {
        Scheme::StandardWebhooks => {
            let key = Secret::parse(secret).ok_or(Refused::NoMatch)?;
            let id = header("webhook-id").ok_or(Refused::Missing("webhook-id"))?;
            let timestamp =
                header("webhook-timestamp").ok_or(Refused::Missing("webhook-timestamp"))?;
            let signature =
                header("webhook-signature").ok_or(Refused::Missing("webhook-signature"))?;
            signatures::verify(&[key], &id, &timestamp, &signature, body, now, tolerance)?;
            Ok(Some(id))
        }
        Scheme::Github => {
            let signature =
                header("x-hub-signature-256").ok_or(Refused::Missing("X-Hub-Signature-256"))?;
            signatures::verify_github(&Secret::raw(secret), &signature, body)?;
            Ok(header("x-github-delivery"))
        }
        Scheme::HmacSha256 => {
            let name = trigger.signature_header.as_deref().unwrap_or_default();
            let signature =
                header(&name.to_ascii_lowercase()).ok_or(Refused::Missing("signature"))?;
            signatures::verify_hex(&Secret::raw(secret), &signature, body)?;
            Ok(own_id())
        }
        Scheme::None => Ok(own_id()),
    }
}

fn stored_id(id: &str) -> String {
    match id.len() <= MAX_DELIVERY_ID && !id.contains('\0') {
        true => id.to_owned(),
        false => format!("sha256:{}", hex::encode(Sha256::digest(id.as_bytes()))),
    }
}

/// The body as JSON (an empty one is `{}`), refused with pointers when it holds NUL.
fn parse(body: &[u8], max_violations: usize) -> Result<Value, TriggerError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Map::new()));
    }
    let value: Value =
        serde_json::from_slice(body).map_err(|e| TriggerError::NotJson(e.to_string()))?;
    let nul = crate::json::nul_violations(&value, "", max_violations);
    match nul.is_empty() {
        true => Ok(value),
        false => Err(TriggerError::Invalid(nul)),
    }
}

/// The arguments `mapping` picks out of `body` (a pointer the body lacks is left out).
fn mapped(body: &Value, mapping: &std::collections::BTreeMap<String, String>) -> Value {
    let picked = mapping
        .iter()
        .filter_map(|(name, pointer)| Some((name.clone(), body.pointer(pointer)?.clone())))
        .collect::<Map<_, _>>();
    Value::Object(picked)
}

/// Records the delivery and makes its task or message, in one transaction.
async fn make(
    core: &Core,
    id: Uuid,
    trigger: &Receiving,
    delivery: Option<String>,
    input: Value,
) -> Result<Delivered, TriggerError> {
    let project = trigger.project_id;
    let mut tx = core.pool.begin().await?;
    if let Some(delivery_id) = &delivery {
        // A concurrent twin waits here for this one's commit, then finds its row.
        let fresh = sqlx::query(
            "INSERT INTO hook_deliveries (trigger_id, project_id, delivery_id) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(project)
        .bind(delivery_id)
        .execute(&mut *tx)
        .await?;
        if fresh.rows_affected() == 0 {
            let (task_id, message_id): (Option<Uuid>, Option<Uuid>) = sqlx::query_as(
                "SELECT task_id, message_id FROM hook_deliveries
                 WHERE trigger_id = $1 AND delivery_id = $2",
            )
            .bind(id)
            .bind(delivery_id)
            .fetch_one(&mut *tx)
            .await?;
            return Ok(Delivered {
                delivery_id: delivery.clone(),
                task_id,
                message_id,
                replayed: true,
            });
        }
    }
    let (task_id, message_id) = match &trigger.target {
        TriggerTarget::Runner(t) => {
            let runner = crate::runners::store::get(&mut *tx, project, &t.runner)
                .await?
                .ok_or_else(|| SubmitError::RunnerNotFound(t.runner.clone()))?;
            let body = CreateTask {
                arguments: input,
                thread: t.thread.clone(),
                if_not_exists: t.thread.as_ref().map(|_| IfNotExists::Create),
                ..CreateTask::default()
            };
            let task = core
                .submitter(project)
                .submit_on(&mut tx, runner, body)
                .await?;
            (Some(task.id), None)
        }
        TriggerTarget::Queue(q) => {
            let body = PostMessage {
                payload: input,
                run_after: None,
                concurrency_key: None,
                priority: None,
            };
            let (message, _) =
                messages::post_on(&mut tx, core, project, &q.queue, &body, None).await?;
            (None, Some(message.id))
        }
    };
    sqlx::query(
        "UPDATE hook_deliveries SET task_id = $3, message_id = $4
         WHERE trigger_id = $1 AND delivery_id = $2",
    )
    .bind(id)
    .bind(&delivery)
    .bind(task_id)
    .bind(message_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE triggers SET deliveries = deliveries + 1, last_delivery_at = now() WHERE id = $1",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Delivered {
        delivery_id: delivery,
        task_id,
        message_id,
        replayed: false,
    })
}
