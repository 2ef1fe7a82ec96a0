//! JSON Schema checks: meta-validation of user-supplied schemas, and validation of task
//! arguments and outputs with validators compiled once per runner version.

use std::sync::Arc;

use serde_json::Value;
use uuid::Uuid;

use crate::cache::BoundedCache;
use crate::error::Violation;

/// Every problem of a user-supplied schema, with pointers into the request body
/// (`at` is where the schema sits in it, e.g. `/input_schema`).
/// At most `max`: a huge invalid document must not produce a huge answer (nor cost the
/// time to list every error).
pub fn schema_violations(schema: &Value, at: &str, max: usize) -> Vec<Violation> {
    if !schema.is_object() && !schema.is_boolean() {
        return vec![Violation::new(
            at,
            "a JSON Schema must be an object or a boolean",
        )];
    }
    // The meta-validator panics when it cannot tell the draft from `$schema`.
    let meta = std::panic::catch_unwind(|| {
        jsonschema::meta::validator_for(schema).map(|v| {
            v.iter_errors(schema)
                .take(max)
                .map(|e| {
                    Violation::new(format!("{at}{}", e.instance_path().as_str()), e.to_string())
                })
                .collect::<Vec<_>>()
        })
    });
    let violations = match meta {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => vec![Violation::new(
            format!("{at}/$schema"),
            format!("unsupported meta-schema: {e}"),
        )],
        Err(_) => vec![Violation::new(
            format!("{at}/$schema"),
            "unknown $schema: use draft 4, 6, 7, 2019-09 or 2020-12",
        )],
    };
    if !violations.is_empty() {
        return violations;
    }
    // Valid against the meta-schema can still fail to compile: a bad regex, a `$ref` that
    // does not resolve (remote references are not fetched).
    match jsonschema::validator_for(schema) {
        Ok(_) => Vec::new(),
        Err(e) => vec![Violation::new(
            format!("{at}{}", e.instance_path().as_str()),
            e.to_string(),
        )],
    }
}

/// The first `max` violations of `instance`, with pointers into it.
pub fn violations_of(
    validator: &jsonschema::Validator,
    instance: &Value,
    max: usize,
) -> Vec<Violation> {
    validator
        .iter_errors(instance)
        .take(max)
        .map(|e| Violation::new(e.instance_path().as_str(), e.to_string()))
        .collect()
}

/// Which of a runner version's schemas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Which {
    Input,
    Output,
}

/// Compiled validators by runner version. Versions are immutable, so entries never go
/// stale; at most `limits.cache_entries` are kept.
pub struct SchemaCache {
    compiled: BoundedCache<(Uuid, i32, Which), Arc<jsonschema::Validator>>,
    max_violations: usize,
}

impl SchemaCache {
    /// `capacity` validators at most; checks list at most `max_violations` problems.
    pub fn new(capacity: usize, max_violations: usize) -> Self {
        Self {
            compiled: BoundedCache::new(capacity),
            max_violations,
        }
    }

    /// How many violations one check lists at most (`limits.max_violations`).
    pub fn max_violations(&self) -> usize {
        self.max_violations
    }

    /// Validates `instance`, compiling `schema` on first use for this runner version.
    pub fn violations(
        &self,
        key: (Uuid, i32, Which),
        schema: &Value,
        instance: &Value,
    ) -> anyhow::Result<Vec<Violation>> {
        let validator = self.validator(key, schema)?;
        Ok(violations_of(&validator, instance, self.max_violations))
    }

    /// The compiled validator of a runner version's schema, compiled on first use.
    pub fn validator(
        &self,
        key: (Uuid, i32, Which),
        schema: &Value,
    ) -> anyhow::Result<Arc<jsonschema::Validator>> {
        if let Some(v) = self.compiled.get(&key) {
            return Ok(v);
        }
        let compiled = Arc::new(
            jsonschema::validator_for(schema)
                .map_err(|e| anyhow::anyhow!("stored schema does not compile: {e}"))?,
        );
        Ok(self.compiled.insert(key, compiled))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reports_every_schema_problem_with_pointers() {
        let schema = json!({"type": "objekt", "properties": {"a": {"minLength": -1}}});
        let v = schema_violations(&schema, "/input_schema", 100);
        let pointers: Vec<_> = v.iter().map(|v| v.pointer.as_str()).collect();
        assert!(pointers.contains(&"/input_schema/type"), "{v:?}");
        assert!(
            pointers.contains(&"/input_schema/properties/a/minLength"),
            "{v:?}"
        );
    }

    #[test]
    fn accepts_a_plain_schema() {
        let schema = json!({"type": "object", "required": ["x"]});
        assert!(schema_violations(&schema, "/s", 100).is_empty());
    }

    #[test]
    fn rejects_non_schemas_and_unknown_drafts() {
        assert_eq!(schema_violations(&json!(3), "/s", 100)[0].pointer, "/s");
        let odd = json!({"$schema": "https://example.com/my-draft", "type": "object"});
        assert!(!schema_violations(&odd, "/s", 100).is_empty());
    }
}
