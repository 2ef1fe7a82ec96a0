//! JSON PostgreSQL can store. Its `text` and `jsonb` cannot hold U+0000 (NUL), so request
//! bodies are checked for it at the boundary (every string and key, with its pointer), and
//! text from a model or a provider is made storable before it is written.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::Value;

use crate::error::Violation;

const NUL: char = '\u{0}';

/// Escapes one JSON pointer reference token (RFC 6901).
pub fn pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Every string (and object key) holding a NUL, as violations under `at`; at most `max`.
pub fn nul_violations(value: &Value, at: &str, max: usize) -> Vec<Violation> {
    let mut found = Vec::new();
    let mut path = at.to_owned();
    walk(value, &mut path, &mut found, max);
    found
}

fn walk(value: &Value, path: &mut String, found: &mut Vec<Violation>, max: usize) {
    if found.len() >= max {
        return;
    }
    match value {
        Value::String(s) if s.contains(NUL) => found.push(Violation::new(
            path.clone(),
            "contains U+0000 (NUL), which cannot be stored",
        )),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push('/');
                path.push_str(&i.to_string());
                walk(item, path, found, max);
                path.truncate(len);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                if key.contains(NUL) && found.len() < max {
                    found.push(Violation::new(
                        path.clone(),
                        format!(
                            "the key \"{}\" contains U+0000 (NUL), which cannot be stored",
                            key.replace(NUL, "\\u0000")
                        ),
                    ));
                    continue;
                }
                let len = path.len();
                path.push('/');
                path.push_str(&pointer_token(key));
                walk(item, path, found, max);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// `text` with every NUL replaced by U+FFFD, so it can be stored; borrowed when clean.
pub fn storable(text: &str) -> Cow<'_, str> {
    if text.contains(NUL) {
        Cow::Owned(text.replace(NUL, "\u{FFFD}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// A rough size of a value in bytes (its JSON text, give or take punctuation), computed
/// without serialising it: enough to decide whether work on it is heavy.
pub fn weight(value: &Value) -> usize {
    match value {
        Value::Null | Value::Bool(_) | Value::Number(_) => 8,
        Value::String(s) => s.len() + 2,
        Value::Array(items) => items.iter().map(weight).sum::<usize>() + items.len() + 2,
        Value::Object(map) => {
            map.iter()
                .map(|(k, v)| k.len() + 4 + weight(v))
                .sum::<usize>()
                + 2
        }
    }
}

/// Deserializes a `u32` from any JSON number that is a whole number: JSON Schema's
/// `integer` includes `19.0`, so a body valid against the document must be accepted.
pub fn whole_u32<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let n = serde_json::Number::deserialize(d)?;
    let whole = whole_up_to(&n, u64::from(u32::MAX));
    whole.and_then(|w| u32::try_from(w).ok()).ok_or_else(|| {
        serde::de::Error::custom(format!(
            "expected a whole number from 0 to {}, not {n}",
            u32::MAX
        ))
    })
}

/// `n` as a whole number from 0 to `max` (`7.0` and `7e0` are 7), if it is one.
pub fn whole_up_to(n: &serde_json::Number, max: u64) -> Option<u64> {
    let whole = n.as_u64().or_else(|| {
        n.as_f64()
            .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= max as f64)
            .map(|f| f as u64)
    });
    whole.filter(|w| *w <= max)
}

/// `whole_u32` for an optional field: `null` or absent is `None`.
pub fn optional_whole_u32<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    #[derive(Deserialize)]
    struct Whole(#[serde(deserialize_with = "whole_u32")] u32);
    Ok(Option::<Whole>::deserialize(d)?.map(|w| w.0))
}

/// Tells a field sent as `null` (`Some(None)`) from one left out (`None`, with
/// `#[serde(default)]`).
pub fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_nul_in_values_and_keys_with_pointers() {
        let v = json!({"a": ["ok", "x\u{0}"], "b/c": {"k\u{0}": 1}, "d": "\u{0}"});
        let found = nul_violations(&v, "/arguments", 10);
        let pointers: Vec<_> = found.iter().map(|v| v.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            ["/arguments/a/1", "/arguments/b~1c", "/arguments/d"]
        );
        assert!(found[1].message.contains("k\\u0000"), "{found:?}");
        assert_eq!(nul_violations(&v, "", 1).len(), 1);
        assert!(nul_violations(&json!({"a": "clean"}), "", 10).is_empty());
    }

    #[test]
    fn storable_replaces_nul() {
        assert_eq!(storable("a\u{0}b"), "a\u{FFFD}b");
        assert!(matches!(storable("clean"), Cow::Borrowed(_)));
    }
}
