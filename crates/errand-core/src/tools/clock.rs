//! `current_time`: the current date and time, in UTC or at a fixed offset.

use chrono::{FixedOffset, Utc};
use futures::FutureExt;
use futures::future::BoxFuture;
use serde_json::{Value, json};

use super::Tool;
use crate::conversation::ToolSpec;

pub struct CurrentTime;

impl Tool for CurrentTime {
    fn read_only(&self) -> bool {
        true
    }

    fn spec(&self) -> ToolSpec {
        ToolSpec {
            name: "current_time".into(),
            description: "The current date and time (ISO 8601), in UTC or at a UTC offset.".into(),
            parameters: json!({
                "type": "object",
                "properties": {
                    "utc_offset": {
                        "type": "string",
                        "description": "Offset such as +02:00 or -05:30; UTC when omitted.",
                        "pattern": "^[+-]\\d{2}:\\d{2}$"
                    }
                },
                "additionalProperties": false
            }),
        }
    }

    fn call(&self, arguments: Value) -> BoxFuture<'_, Result<Value, String>> {
        async move {
            let now = Utc::now();
            let offset = match arguments.get("utc_offset").and_then(Value::as_str) {
                None => FixedOffset::east_opt(0).ok_or("bad offset")?,
                Some(text) => parse_offset(text)
                    .ok_or_else(|| format!("utc_offset {text:?} is not like +02:00"))?,
            };
            let local = now.with_timezone(&offset);
            Ok(json!({
                "iso": local.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
                "unix": now.timestamp(),
                "weekday": local.format("%A").to_string(),
            }))
        }
        .boxed()
    }
}

fn parse_offset(text: &str) -> Option<FixedOffset> {
    let sign = match text.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (h, m) = text[1..].split_once(':')?;
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    if h > 14 || m > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_parse() {
        assert_eq!(
            parse_offset("+02:00").map(|o| o.local_minus_utc()),
            Some(7200)
        );
        assert_eq!(
            parse_offset("-05:30").map(|o| o.local_minus_utc()),
            Some(-19800)
        );
        assert_eq!(parse_offset("02:00"), None);
        assert_eq!(parse_offset("+99:00"), None);
    }
}
