//! An OpenAI-compatible fake server on a real port. Each `POST /v1/chat/completions` takes
//! the next scripted reply (streamed chunks, an error status, or a stream that stalls) and
//! records the request, so tests can check exactly what Errand sent and when.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use futures::StreamExt;
use serde_json::{Value, json};

#[derive(Debug, Clone)]
pub enum Reply {
    /// SSE chunks, then `[DONE]`.
    Stream(Vec<Value>),
    /// SSE chunks, then no more events: the connection stays open until the client drops it.
    Stall(Vec<Value>),
    Status {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
}

fn chunk(delta: Value, finish: Option<&str>) -> Value {
    json!({"id": "chatcmpl-fake", "object": "chat.completion.chunk", "model": "fake",
           "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
}

fn usage_chunk(prompt: u64, completion: u64) -> Value {
    json!({"id": "chatcmpl-fake", "object": "chat.completion.chunk", "choices": [],
           "usage": {"prompt_tokens": prompt, "completion_tokens": completion,
                     "total_tokens": prompt + completion,
                     "prompt_tokens_details": {"cached_tokens": prompt / 2},
                     "completion_tokens_details": {"reasoning_tokens": completion / 4}}})
}

/// `text` streamed in pieces of at most 4 characters, then a usage chunk.
fn text_chunks(text: &str, prompt: u64, completion: u64) -> Vec<Value> {
    let chars: Vec<char> = text.chars().collect();
    let mut chunks = vec![chunk(json!({"role": "assistant", "content": ""}), None)];
    for piece in chars.chunks(4) {
        chunks.push(chunk(
            json!({"content": piece.iter().collect::<String>()}),
            None,
        ));
    }
    chunks.push(chunk(json!({}), Some("stop")));
    chunks.push(usage_chunk(prompt, completion));
    chunks
}

impl Reply {
    pub fn text(text: &str) -> Self {
        Reply::Stream(text_chunks(text, 20, 8))
    }

    pub fn text_with_usage(text: &str, prompt: u64, completion: u64) -> Self {
        Reply::Stream(text_chunks(text, prompt, completion))
    }

    /// `text` streamed as a server that reports no usage does (llama.cpp's stream).
    pub fn text_without_usage(text: &str) -> Self {
        let mut chunks = text_chunks(text, 0, 0);
        chunks.pop();
        Reply::Stream(chunks)
    }

    pub fn json(value: Value) -> Self {
        Self::text(&value.to_string())
    }

    /// Tool calls as real servers stream them: id and name first, the arguments split
    /// over several deltas, calls interleaved by `index`.
    pub fn tool_calls(calls: &[(&str, &str, Value)]) -> Self {
        let mut chunks = vec![chunk(json!({"role": "assistant", "content": null}), None)];
        for (i, (id, name, _)) in calls.iter().enumerate() {
            chunks.push(chunk(
                json!({"tool_calls": [{"index": i, "id": id, "type": "function",
                        "function": {"name": name, "arguments": ""}}]}),
                None,
            ));
        }
        let texts: Vec<Vec<char>> = calls
            .iter()
            .map(|c| c.2.to_string().chars().collect())
            .collect();
        let longest = texts.iter().map(Vec::len).max().unwrap_or(0);
        for start in (0..longest).step_by(5) {
            for (i, text) in texts.iter().enumerate() {
                if start < text.len() {
                    let piece: String = text[start..(start + 5).min(text.len())].iter().collect();
                    chunks.push(chunk(
                        json!({"tool_calls": [{"index": i, "function": {"arguments": piece}}]}),
                        None,
                    ));
                }
            }
        }
        chunks.push(chunk(json!({}), Some("tool_calls")));
        chunks.push(usage_chunk(30, 12));
        Reply::Stream(chunks)
    }

    /// Streams `text` and then never finishes.
    pub fn stall(text: &str) -> Self {
        let mut chunks = text_chunks(text, 0, 0);
        chunks.truncate(chunks.len() - 2);
        Reply::Stall(chunks)
    }

    pub fn status(status: u16, headers: &[(&str, &str)], body: &str) -> Self {
        Reply::Status {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            body: body.to_owned(),
        }
    }
}

/// One request the fake server received.
#[derive(Debug, Clone)]
pub struct Received {
    pub body: Value,
    pub authorization: Option<String>,
    pub at: Instant,
}

#[derive(Default)]
struct State {
    replies: VecDeque<Reply>,
    received: Vec<Received>,
    /// Stalled streams whose client went away.
    closed: usize,
}

pub struct FakeOpenAi {
    /// The API root to configure as a provider's `base_url`.
    pub url: String,
    state: Arc<Mutex<State>>,
}

/// Counts a stalled stream as closed when the server drops it (the client disconnected).
struct CloseGuard(Arc<Mutex<State>>);

impl Drop for CloseGuard {
    fn drop(&mut self) {
        if let Ok(mut s) = self.0.lock() {
            s.closed += 1;
        }
    }
}

async fn completions(
    state: web::Data<Arc<Mutex<State>>>,
    req: HttpRequest,
    body: web::Json<Value>,
) -> HttpResponse {
    let reply = {
        let mut s = state.lock().expect("state");
        s.received.push(Received {
            body: body.into_inner(),
            authorization: req
                .headers()
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            at: Instant::now(),
        });
        s.replies.pop_front()
    };
    let sse = |c: &Value| web::Bytes::from(format!("data: {c}\n\n"));
    match reply {
        None => HttpResponse::InternalServerError().body("no scripted reply left"),
        Some(Reply::Status {
            status,
            headers,
            body,
        }) => {
            let code = actix_web::http::StatusCode::from_u16(status).expect("status");
            let mut res = HttpResponse::build(code);
            for (k, v) in headers {
                res.insert_header((k, v));
            }
            res.body(body)
        }
        Some(Reply::Stream(chunks)) => {
            let mut frames: Vec<web::Bytes> = chunks.iter().map(sse).collect();
            frames.push(web::Bytes::from_static(b"data: [DONE]\n\n"));
            let stream = futures::stream::iter(frames).then(|frame| async move {
                tokio::time::sleep(Duration::from_millis(5)).await;
                Ok::<_, actix_web::Error>(frame)
            });
            HttpResponse::Ok()
                .content_type("text/event-stream")
                .streaming(stream)
        }
        Some(Reply::Stall(chunks)) => {
            let frames: Vec<web::Bytes> = chunks.iter().map(sse).collect();
            let guard = CloseGuard(state.get_ref().clone());
            // Comment lines keep the connection busy without sending an event: actix only
            // notices a client that went away when a write fails.
            let idle = futures::stream::unfold((), |()| async {
                tokio::time::sleep(Duration::from_millis(100)).await;
                Some((web::Bytes::from_static(b": waiting\n\n"), ()))
            });
            let stream = futures::stream::iter(frames)
                .chain(idle)
                .map(Ok::<_, actix_web::Error>)
                .map(move |frame| {
                    let _keep = &guard;
                    frame
                });
            HttpResponse::Ok()
                .content_type("text/event-stream")
                .streaming(stream)
        }
    }
}

impl FakeOpenAi {
    pub async fn start(replies: Vec<Reply>) -> Self {
        let state = Arc::new(Mutex::new(State {
            replies: replies.into(),
            ..State::default()
        }));
        let data = web::Data::new(state.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route("/v1/chat/completions", web::post().to(completions))
        })
        .workers(1)
        .disable_signals()
        .bind(("127.0.0.1", 0))
        .expect("bind the fake server");
        let port = server.addrs()[0].port();
        // Runs until the test's runtime ends.
        tokio::spawn(server.run());
        Self {
            url: format!("http://127.0.0.1:{port}/v1"),
            state,
        }
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.lock().expect("state").received.clone()
    }

    pub fn closed_streams(&self) -> usize {
        self.state.lock().expect("state").closed
    }

    /// Waits until `n` requests have arrived.
    pub async fn wait_for_requests(&self, n: usize, limit: Duration) {
        let start = Instant::now();
        while self.received().len() < n {
            assert!(
                start.elapsed() < limit,
                "the fake server got {} requests, not {n}",
                self.received().len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
