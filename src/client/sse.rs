//! Following a task's event stream (`GET /v1/tasks/{id}/events`, Server-Sent Events) to
//! its end, resuming after the last event seen (`Last-Event-ID`) when the connection drops.

use std::time::Duration;

use futures::StreamExt;
use reqwest::Method;
use serde_json::Value;

use super::ClientError;
use super::http::{Client, segment};
use errand_core::events::kind;

/// One event of a task's log.
#[derive(Debug, Clone)]
pub struct Event {
    pub seq: i64,
    pub kind: String,
    /// The whole event as the server sent it: `{seq, type, data, created_at}`.
    pub body: Value,
}

/// Whether to keep following after an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Go,
    Stop,
}

/// Reconnections after a dropped stream before giving up.
const MAX_RECONNECTS: u32 = 10;

/// Follows task `id`'s events after seq `after`, handing each to `on`, until a terminal
/// event or one `on` stops at: that event, or `None` when the server said there is nothing
/// left (204).
pub async fn follow(
    client: &Client,
    id: &str,
    after: i64,
    mut on: impl FnMut(&Event) -> Flow,
) -> Result<Option<Event>, ClientError> {
    let path = format!("/v1/tasks/{}/events", segment(id));
    let mut last: i64 = after;
    let mut dropped = 0;
    loop {
        let mut req = client
            .request(Method::GET, &path)
            .header("accept", "text/event-stream");
        if last > 0 {
            req = req.header("last-event-id", last.to_string());
        }
        let res = match client.answer(req).await {
            Ok(res) => res,
            Err(ClientError::Failed(why)) if dropped < MAX_RECONNECTS => {
                dropped += 1;
                tracing::debug!("stream unavailable ({why}); trying again");
                tokio::time::sleep(backoff(dropped)).await;
                continue;
            }
            Err(e) => return Err(e),
        };
        if res.status() == reqwest::StatusCode::NO_CONTENT {
            return Ok(None);
        }
        let mut body = res.bytes_stream();
        let mut buffer = String::new();
        loop {
            while let Some(end) = buffer.find("\n\n") {
                let block: String = buffer.drain(..end + 2).collect();
                let Some(event) = parse(&block) else {
                    continue;
                };
                last = event.seq;
                dropped = 0;
                if on(&event) == Flow::Stop || kind::is_terminal(&event.kind) {
                    return Ok(Some(event));
                }
            }
            match body.next().await {
                Some(Ok(bytes)) => buffer.push_str(&String::from_utf8_lossy(&bytes)),
                Some(Err(_)) | None => break,
            }
        }
        // The connection closed before the end: resume after the last event.
        dropped += 1;
        if dropped > MAX_RECONNECTS {
            return Err(ClientError::Failed(format!(
                "the event stream of task {id} kept dropping"
            )));
        }
        tokio::time::sleep(backoff(dropped)).await;
    }
}

fn backoff(tries: u32) -> Duration {
    Duration::from_millis((250u64 << tries.min(5)).min(5_000))
}

/// One SSE block as an event; comments (heartbeats) and blocks without data are none.
fn parse(block: &str) -> Option<Event> {
    let mut data = String::new();
    for line in block.lines() {
        if let Some(rest) = line.strip_prefix("data:") {
            if !data.is_empty() {
                data.push('\n');
            }
            data.push_str(rest.strip_prefix(' ').unwrap_or(rest));
        }
    }
    let body: Value = serde_json::from_str(&data).ok()?;
    Some(Event {
        seq: body["seq"].as_i64()?,
        kind: body["type"].as_str()?.to_owned(),
        body,
    })
}
