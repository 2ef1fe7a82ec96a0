//! A small Chrome DevTools Protocol client for tests: starts headless Chromium with remote
//! debugging on a loopback port, opens one page, and evaluates JavaScript in it, waits for
//! a condition, or takes a screenshot. What a user does is done as a user would: clicking
//! the page's own buttons.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub struct Browser {
    child: Child,
    profile: std::path::PathBuf,
    socket: Socket,
    next_id: u64,
}

impl Browser {
    /// Starts `binary` headless (with `flags`) and attaches to a new page at `url`.
    pub async fn open(binary: &str, flags: &[&str], url: &str) -> Self {
        let profile = std::env::temp_dir().join(format!("errand-cdp-{}", uuid::Uuid::now_v7()));
        let mut child = Command::new(binary)
            .args(flags)
            .arg("--remote-debugging-address=127.0.0.1")
            .arg("--remote-debugging-port=0")
            .arg("--window-size=1280,900")
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start chromium");
        // "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/…"
        let stderr = child.stderr.take().expect("stderr");
        let port = tokio::task::spawn_blocking(move || {
            let mut lines = BufReader::new(stderr).lines();
            let port = lines.by_ref().map_while(Result::ok).find_map(|line| {
                let rest = line.split("ws://127.0.0.1:").nth(1)?;
                rest.split('/').next()?.parse::<u16>().ok()
            });
            // Keep draining, so Chromium never blocks on a full pipe.
            std::thread::spawn(move || lines.for_each(drop));
            port
        })
        .await
        .expect("read stderr")
        .expect("chromium printed no DevTools address");
        // The page opens blank and navigates once attached (a `#` in `/json/new`'s query
        // would not survive the trip).
        let new = crate::helpers::http_client()
            .put(format!("http://127.0.0.1:{port}/json/new?about:blank"))
            .send()
            .await
            .expect("open a page");
        let target: Value = new.json().await.expect("target");
        let ws = target["webSocketDebuggerUrl"].as_str().expect("ws url");
        let (socket, _) = tokio_tungstenite::connect_async(ws).await.expect("attach");
        let mut browser = Self {
            child,
            profile,
            socket,
            next_id: 1,
        };
        browser.call("Page.navigate", json!({"url": url})).await;
        browser
    }

    /// Sends a command and returns its result.
    pub async fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let command = json!({"id": id, "method": method, "params": params});
        self.socket
            .send(Message::Text(command.to_string().into()))
            .await
            .expect("send");
        while let Some(message) = self.socket.next().await {
            let Ok(Message::Text(text)) = message else {
                continue;
            };
            let answer: Value = serde_json::from_str(&text).expect("json");
            if answer["id"] == id {
                assert!(answer.get("error").is_none(), "{method}: {answer}");
                return answer["result"].clone();
            }
        }
        panic!("the browser went away during {method}");
    }

    /// The value of `expression` in the page (awaited if it is a promise).
    pub async fn eval(&mut self, expression: &str) -> Value {
        let params = json!({"expression": expression, "returnByValue": true, "awaitPromise": true});
        let result = self.call("Runtime.evaluate", params).await;
        assert!(
            result.get("exceptionDetails").is_none(),
            "{expression}: {result}"
        );
        result["result"]["value"].clone()
    }

    /// Waits until `expression` is true, up to `limit`; its last value on failure.
    pub async fn wait_for(&mut self, expression: &str, limit: Duration) -> Result<(), Value> {
        let start = Instant::now();
        loop {
            if self.eval(expression).await == Value::Bool(true) {
                return Ok(());
            }
            if start.elapsed() > limit {
                let page = self
                    .eval("document.getElementById('main')?.innerText")
                    .await;
                return Err(page);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// A PNG of the page as it shows.
    pub async fn screenshot(&mut self) -> Vec<u8> {
        let shot = self
            .call("Page.captureScreenshot", json!({"format": "png"}))
            .await;
        base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().expect("data"))
            .expect("base64")
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}
