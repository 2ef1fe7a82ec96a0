//! `Idempotency-Key`: the same key with the same request returns the task it created; the
//! same key with a different request is a conflict. Requests are compared by a hash of
//! their canonical JSON (object keys sorted), so key order and whitespace do not matter.

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::errors::SubmitError;
use crate::error::Fault;

pub const HEADER: &str = "Idempotency-Key";

/// The task holding an idempotency key, when the request matches the one that created it.
pub async fn replayed_task(
    pool: &sqlx::PgPool,
    project: crate::projects::ProjectId,
    key: &str,
    hash: Option<&str>,
) -> Result<super::model::Task, SubmitError> {
    let (task, stored) = super::store::by_idempotency_key(pool, project, key)
        .await?
        .ok_or_else(|| Fault::bug("idempotency key vanished"))?;
    if stored.as_deref() != hash {
        return Err(SubmitError::KeyReused {
            key: key.to_owned(),
            task: task.id,
        });
    }
    Ok(task)
}

/// A hash identifying a submission: the runner and the canonical body.
pub fn request_hash(runner: &str, body: &Value) -> String {
    let mut canonical = String::new();
    write_canonical(body, &mut canonical);
    let mut h = Sha256::new();
    h.update(runner.as_bytes());
    h.update([0]);
    h.update(canonical.as_bytes());
    hex::encode(h.finalize())
}

fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(&map[k], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn key_order_does_not_change_the_hash() {
        let a = json!({"arguments": {"x": 1, "y": [1, {"b": 2, "a": 1}]}});
        let b: Value =
            serde_json::from_str(r#"{"arguments":{"y":[1,{"a":1,"b":2}],"x":1}}"#).expect("json");
        assert_eq!(request_hash("r", &a), request_hash("r", &b));
        assert_ne!(request_hash("r", &a), request_hash("other", &a));
        assert_ne!(
            request_hash("r", &a),
            request_hash("r", &json!({"arguments": {"x": 2}}))
        );
    }
}
