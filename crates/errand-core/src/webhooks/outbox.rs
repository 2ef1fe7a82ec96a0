//! Writing deliveries: in the caller's transaction, so a delivery exists exactly when the
//! change it announces does. Task events are written by the `webhook_outbox` trigger on
//! `task_events` (every path that ends a task or asks a person appends its event); other
//! events come here.

use chrono::Utc;
use serde_json::{Value, json};
use sqlx::PgConnection;

use crate::projects::ProjectId;

/// One delivery of `event_type` with `data` for each enabled endpoint of `project` that
/// subscribes to it.
pub async fn announce(
    conn: &mut PgConnection,
    project: ProjectId,
    event_type: &str,
    data: &Value,
) -> sqlx::Result<u64> {
    let payload = json!({"type": event_type, "timestamp": Utc::now(), "data": data});
    let written = sqlx::query(
        "INSERT INTO webhook_deliveries (id, project_id, webhook_id, event_type, payload)
         SELECT gen_random_uuid(), project_id, id, $2, $3 FROM webhooks
         WHERE project_id = $1 AND enabled AND $2 = ANY (events)",
    )
    .bind(project)
    .bind(event_type)
    .bind(&payload)
    .execute(conn)
    .await?;
    Ok(written.rows_affected())
}
