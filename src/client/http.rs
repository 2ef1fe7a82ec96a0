//! Requests to the server: JSON in and out, a problem+json refusal as `Refused`, anything
//! else that goes wrong as `Failed`.

use reqwest::{Method, RequestBuilder, Response};
use serde_json::Value;

use super::ClientError;
use super::commands::ClientArgs;

pub struct Client {
    base: String,
    key: Option<String>,
    http: reqwest::Client,
}

/// Encodes one path segment (a name or id from the command line): everything but
/// unreserved characters is percent-encoded, so `a/b` or `..` stays one segment.
pub fn segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

impl Client {
    pub fn new(args: &ClientArgs) -> Result<Self, ClientError> {
        let base = args.url.trim_end_matches('/').to_owned();
        let parsed = reqwest::Url::parse(&base)
            .map_err(|e| ClientError::Usage(format!("--url {base:?} is not a URL: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(ClientError::Usage(format!("--url {base:?} is not http(s)")));
        }
        let tls = errand_core::llm::http::tls_config()
            .map_err(|e| ClientError::Failed(format!("TLS: {e}")))?;
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .user_agent(concat!("errand-cli/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientError::Failed(format!("HTTP client: {e}")))?;
        let key = args.key.clone().filter(|k| !k.is_empty());
        if let Some(key) = &key
            && reqwest::header::HeaderValue::from_str(&format!("Bearer {key}")).is_err()
        {
            return Err(ClientError::Usage(
                "--key holds characters a header cannot carry (a newline?)".into(),
            ));
        }
        Ok(Self { base, key, http })
    }

    /// A request to `path` (which starts with `/`), with the key.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let req = self.http.request(method, format!("{}{path}", self.base));
        match &self.key {
            Some(key) => req.bearer_auth(key),
            None => req,
        }
    }

    /// Sends `req` and reads its JSON answer (`Value::Null` for an empty one).
    pub async fn send(&self, req: RequestBuilder) -> Result<Value, ClientError> {
        let res = self.answer(req).await?;
        let bytes = res
            .bytes()
            .await
            .map_err(|e| ClientError::Failed(format!("reading the answer: {e}")))?;
        if bytes.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&bytes)
            .map_err(|e| ClientError::Failed(format!("the server's answer is not JSON: {e}")))
    }

    pub async fn get(&self, path: &str) -> Result<Value, ClientError> {
        self.send(self.request(Method::GET, path)).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Result<Value, ClientError> {
        self.send(self.request(Method::POST, path).json(body)).await
    }

    /// Sends `req`; a success comes back as it is, a failure as an error.
    pub async fn answer(&self, req: RequestBuilder) -> Result<Response, ClientError> {
        let res = req.send().await.map_err(|e| match e.is_builder() {
            // The request could not be made from what was given (an id too long for a URL).
            true => ClientError::Usage(format!("cannot make the request: {}", root_cause(&e))),
            false => ClientError::Failed(format!("cannot reach {}: {}", self.base, root_cause(&e))),
        })?;
        let status = res.status();
        if status.is_success() {
            return Ok(res);
        }
        let problem: Value = res.json().await.unwrap_or(Value::Null);
        let detail = problem["detail"]
            .as_str()
            .or(problem["title"].as_str())
            .unwrap_or("no detail")
            .to_owned();
        if status.is_client_error() {
            Err(ClientError::Refused {
                status: status.as_u16(),
                detail,
                problem,
            })
        } else {
            Err(ClientError::Failed(format!(
                "the server answered {status}: {detail}"
            )))
        }
    }
}

/// The innermost cause of a request error (reqwest's own message is only "error sending
/// request").
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}
