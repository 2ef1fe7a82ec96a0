//! A small Server-Sent Events client for tests: reads frames off a real HTTP response,
//! as `EventSource` would (fields `id`, `event`, `data`; comment lines kept apart).

use std::time::Duration;

use futures::StreamExt;
use futures::stream::BoxStream;
use reqwest::StatusCode;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub id: i64,
    pub event: String,
    pub data: Value,
}

pub struct SseStream {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    body: BoxStream<'static, reqwest::Result<bytes::Bytes>>,
    buffer: String,
    /// Comment lines (heartbeats) seen so far.
    pub comments: usize,
}

impl SseStream {
    /// Sends `request` with `Accept: text/event-stream`.
    pub async fn open(request: reqwest::RequestBuilder) -> Self {
        let res = request
            .header("accept", "text/event-stream")
            .send()
            .await
            .expect("stream request");
        Self {
            status: res.status(),
            headers: res.headers().clone(),
            body: res.bytes_stream().boxed(),
            buffer: String::new(),
            comments: 0,
        }
    }

    /// The next event; `None` when the server closed the stream. Panics after `limit`
    /// without one.
    pub async fn next(&mut self, limit: Duration) -> Option<Frame> {
        tokio::time::timeout(limit, self.next_frame())
            .await
            .expect("no event in time")
    }

    async fn next_frame(&mut self) -> Option<Frame> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                if let Some(frame) = self.parse(&block) {
                    return Some(frame);
                }
                continue;
            }
            match self.body.next().await {
                Some(Ok(bytes)) => self.buffer.push_str(&String::from_utf8_lossy(&bytes)),
                Some(Err(e)) => panic!("stream broke: {e}"),
                None => return None,
            }
        }
    }

    fn parse(&mut self, block: &str) -> Option<Frame> {
        let (mut id, mut event, mut data) = (None, None, String::new());
        for line in block.lines() {
            if line.starts_with(':') {
                self.comments += 1;
            } else if let Some(v) = line.strip_prefix("id: ") {
                id = Some(v.parse().expect("numeric id"));
            } else if let Some(v) = line.strip_prefix("event: ") {
                event = Some(v.to_owned());
            } else if let Some(v) = line.strip_prefix("data: ") {
                data.push_str(v);
            }
        }
        Some(Frame {
            id: id?,
            event: event.expect("event field"),
            data: serde_json::from_str(&data).expect("data is JSON"),
        })
    }

    /// Every event until the server closes the stream.
    pub async fn rest(&mut self, limit: Duration) -> Vec<Frame> {
        let mut frames = Vec::new();
        while let Some(frame) = self.next(limit).await {
            frames.push(frame);
        }
        frames
    }
}

/// `(seq, type)` of each event, to compare streams with the log.
pub fn ids(frames: &[Frame]) -> Vec<(i64, String)> {
    frames.iter().map(|f| (f.id, f.event.clone())).collect()
}

/// `(seq, type)` of each event of a JSON events page's `data`.
pub fn log_ids(events: &[Value]) -> Vec<(i64, String)> {
    events
        .iter()
        .map(|e| {
            (
                e["seq"].as_i64().expect("seq"),
                e["type"].as_str().expect("type").to_owned(),
            )
        })
        .collect()
}
