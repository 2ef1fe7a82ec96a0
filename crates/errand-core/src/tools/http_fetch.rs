//! `http_fetch`: GET or POST a URL and read the answer, through the outbound guard
//! (`fetch`): private and special addresses refused unless `fetch.allow_hosts` permits
//! them, redirects checked, size and time bounded.

use std::sync::Arc;

use futures::FutureExt;
use futures::future::BoxFuture;
use reqwest::Method;
use serde_json::{Value, json};

use super::Tool;
use crate::conversation::ToolSpec;
use crate::fetch::{Fetcher, Request};

pub struct HttpFetch {
    pub fetcher: Arc<Fetcher>,
}

/// The request a call asks for, or what is wrong with its arguments.
fn request(arguments: &Value) -> Result<Request, String> {
    let url = arguments
        .get("url")
        .and_then(Value::as_str)
        .ok_or("`url` must be a string")?
        .to_owned();
    let method = match arguments.get("method").and_then(Value::as_str) {
        None | Some("GET") => Method::GET,
        Some("POST") => Method::POST,
        Some(other) => return Err(format!("`method` must be GET or POST, not {other:?}")),
    };
    let mut headers = Vec::new();
    if let Some(given) = arguments.get("headers") {
        let given = given.as_object().ok_or("`headers` must be an object")?;
        for (name, value) in given {
            let value = value
                .as_str()
                .ok_or_else(|| format!("header {name:?} must be a string"))?;
            headers.push((name.clone(), value.to_owned()));
        }
    }
    let body = match arguments.get("body") {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => Some(text.clone().into_bytes()),
        Some(json) => {
            if !headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
            {
                headers.push(("content-type".into(), "application/json".into()));
            }
            Some(json.to_string().into_bytes())
        }
    };
    Ok(Request {
        method,
        url,
        headers,
        body,
        timeout: None,
    })
}

impl Tool for HttpFetch {
    fn spec(&self) -> ToolSpec {
        ToolSpec {
            name: "http_fetch".into(),
            description: "Fetch a public http(s) URL (GET, or POST with a body) and return the \
                          status, content type and body text."
                .into(),
            parameters: json!({
                "type": "object",
                "properties": {
                    "url": {"type": "string", "description": "An http or https URL."},
                    "method": {"type": "string", "enum": ["GET", "POST"]},
                    "headers": {"type": "object", "additionalProperties": {"type": "string"}},
                    "body": {"description": "For POST: a string sent as it is, or JSON sent as application/json."}
                },
                "required": ["url"],
                "additionalProperties": false
            }),
        }
    }

    fn call(&self, arguments: Value) -> BoxFuture<'_, Result<Value, String>> {
        async move {
            let fetched = self.fetcher.fetch(request(&arguments)?).await?;
            Ok(json!({
                "status": fetched.status,
                "url": fetched.url,
                "content_type": fetched.content_type,
                "body": String::from_utf8_lossy(&fetched.body),
                "truncated": fetched.truncated,
            }))
        }
        .boxed()
    }
}
